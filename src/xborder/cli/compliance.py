"""``xborder compliance`` (requirements per market, change report, warehouse run) and ``xborder hs suggest``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.core import i18n
from xborder.core.clock import today
from xborder.core.errors import BadInputError, NotFoundError

__all__ = ["register"]

compliance_app = typer.Typer(
    help="What must be certified, registered or labelled before selling a product in each market.",
    no_args_is_help=False,
    invoke_without_command=True,
)
hs_app = typer.Typer(help="HS code suggestions from a product title or category.", no_args_is_help=True)

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Machine-readable JSON on stdout (same as the global --json).")
]
MarketOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--market",
        "-m",
        help="Target market (ISO2; repeat or comma-separate; EU = the EU members). Default: all 25.",
    ),
]
DateOpt = Annotated[
    str | None, typer.Option("--date", help="Answer as of this day (YYYY-MM-DD). Default: today.")
]


def _date(value: str | None, name: str = "--date") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadInputError(
            f"{name} {value!r} is not a date.", hint="Use YYYY-MM-DD, e.g. 2026-07-01."
        ) from exc


def _json(ctx: typer.Context, flag: bool) -> None:
    if flag:
        state(ctx).json = True


def _say(msg: Any) -> Any:
    """A message of the catalogue in English, its arguments that are messages rendered first."""
    if not isinstance(msg, dict):
        return msg
    return i18n.render(msg["code"], "en", **{k: _say(v) for k, v in (msg.get("args") or {}).items()})


def _warehouse_product(ctx: typer.Context, product_id: str) -> dict[str, Any]:
    from xborder.domains.compliance.stage import candidate_products

    con = open_warehouse(ctx, read_only=True)
    try:
        df = candidate_products(con, [product_id])
    finally:
        con.close()
    if df.empty:
        raise NotFoundError(
            f"Product {product_id!r} is not in the warehouse {state(ctx).settings.db_path}.",
            hint="Check the id with `xborder status` / your ingest, or describe the product with --category/--title and the attribute flags.",
        )
    return {str(k): v for k, v in df.iloc[0].to_dict().items()}


@compliance_app.callback(invoke_without_command=True)
def compliance(
    ctx: typer.Context,
    product: Annotated[
        str | None, typer.Option("--product", "-p", help="Warehouse product id, e.g. uci:85123A.")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="Category id (catalog/data/categories.csv).")
    ] = None,
    hs_code: Annotated[str | None, typer.Option("--hs-code", help="HS code, 6+ digits.")] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Product title (used to infer unknown attributes).")
    ] = None,
    origin: Annotated[
        str | None, typer.Option("--origin", help="Country of origin, ISO2 (default CN).")
    ] = None,
    market: MarketOpt = None,
    date: DateOpt = None,
    battery: Annotated[
        bool,
        typer.Option(
            "--battery", help="Contains or ships with a battery (type li-ion unless --battery-type)."
        ),
    ] = False,
    battery_type: Annotated[
        str | None,
        typer.Option(
            "--battery-type",
            metavar="TYPE",
            help="li-ion, li-metal, button, nimh, alkaline or lead-acid (implies --battery).",
        ),
    ] = None,
    battery_wh: Annotated[float | None, typer.Option("--battery-wh", help="Battery energy in Wh.")] = None,
    battery_removable: Annotated[
        bool, typer.Option("--battery-removable", help="The battery is user-removable.")
    ] = False,
    wireless: Annotated[
        bool, typer.Option("--wireless", help="Has a radio (Bluetooth, Wi-Fi, ...).")
    ] = False,
    mains: Annotated[
        bool, typer.Option("--mains", help="Mains-powered (plug or built-in power supply).")
    ] = False,
    for_children: Annotated[
        float | None,
        typer.Option("--for-children", metavar="AGE", help="Meant for children from AGE years (e.g. 3)."),
    ] = None,
    food_contact: Annotated[bool, typer.Option("--food-contact", help="Touches food or drink.")] = False,
    cosmetic: Annotated[bool, typer.Option("--cosmetic", help="Is a cosmetic product.")] = False,
    textile: Annotated[
        str | None,
        typer.Option(
            "--textile", metavar="FIBRES", help="Textile product; fibre content, e.g. '100% cotton'."
        ),
    ] = None,
    furniture: Annotated[bool, typer.Option("--furniture", help="Is furniture.")] = False,
    medical_claims: Annotated[
        bool, typer.Option("--medical-claims", help="Makes medical or health claims.")
    ] = False,
    connected: Annotated[bool, typer.Option("--connected", help="Internet-connected / smart.")] = False,
    no_infer: Annotated[
        bool, typer.Option("--no-infer", help="Do not infer unknown attributes from category/title.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Mandatory marks, registrations, documents and labels per market, with time to market and cost."""
    if ctx.invoked_subcommand is not None:
        return
    _json(ctx, json_out)
    from xborder.domains.compliance.attributes import ProductAttributes
    from xborder.domains.compliance.engine import check_product

    given = {
        "category": category, "hs_code": hs_code, "title": title, "origin": origin, "battery": battery,
        "battery_type": battery_type, "battery_wh": battery_wh, "battery_removable": battery_removable,
        "wireless": wireless, "mains": mains, "age_min": for_children, "food_contact": food_contact,
        "cosmetic": cosmetic, "textile_fibres": textile, "furniture": furniture, "medical_claims": medical_claims,
        "connected": connected,
    }  # fmt: skip
    if product is None and not any(v not in (None, False) for v in given.values()):
        raise BadInputError(
            "Say which product to check.",
            hint="Give --product <warehouse id>, or describe it: --category consumer_electronics --wireless --battery --market DE",
        )
    base = (
        ProductAttributes.from_product_row(_warehouse_product(ctx, product))
        if product
        else ProductAttributes()
    )
    attrs = base.with_stated(**given)
    if not no_infer:
        attrs = attrs.with_suggested_hs()
    answer = check_product(attrs, market, _date(date), infer=not no_infer)
    data = {
        "product_id": product,
        "as_of": answer.as_of,
        "rule_table": "reference/data/compliance/requirements.csv",
        "attributes": answer.attributes.as_dict(),
        "summary": answer.summary,
        "requirements": answer.requirements,
        "notes": _research(answer),
    }
    emit(ctx, data, _render_check)


def _research(answer: Any) -> list[str]:
    from xborder.reference.coverage import research_notes

    markets = list(answer.summary["market"]) if "market" in answer.summary.columns else []
    return research_notes(markets, answer.as_of, areas=["compliance"])


def _render_check(d: dict) -> None:
    from rich.table import Table

    from xborder.domains.compliance.lines import requirement_lines, summary_rows

    attrs = d["attributes"]
    shown = {k: v for k, v in attrs.items() if v not in (None, False, "", []) and k != "inferred"}
    console.print(
        i18n.render(
            "compliance.product", "en", product=d["product_id"] or "", attributes=shown, as_of=d["as_of"]
        ),
        highlight=False,
    )
    if attrs["inferred"]:
        console.print(
            i18n.render("compliance.inferred", "en", attributes=", ".join(attrs["inferred"])), highlight=False
        )
    t = Table(title=i18n.render("compliance.summary_title", "en"))
    for c in ("market", "mandatory", "days", "cost USD", "unknown lead/cost", "conf."):
        t.add_column(c)
    for row in summary_rows(d["summary"]):
        t.add_row(*row)
    console.print(t)
    for line in requirement_lines(d["requirements"], d["summary"]):
        console.print(_say(line), highlight=False, soft_wrap=True, markup=False)
    for n in d.get("notes") or []:
        console.print(
            i18n.render("compliance.note", "en", note=n), highlight=False, soft_wrap=True, markup=False
        )


@compliance_app.command("changes")
def changes(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="List rule changes after this day (YYYY-MM-DD).")],
    until: Annotated[str | None, typer.Option("--until", help="End of the window (default today).")] = None,
    market: MarketOpt = None,
    horizon_days: Annotated[
        int,
        typer.Option("--horizon-days", help="Also list rules starting within this many days after --until."),
    ] = 365,
    include_rechecked: Annotated[
        bool, typer.Option("--include-rechecked", help="Also list rules only re-checked in the window.")
    ] = False,
    no_products: Annotated[
        bool, typer.Option("--no-products", help="Do not match the changes against warehouse products.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """What changed since DATE in the rule base, and which warehouse products x markets it affects."""
    _json(ctx, json_out)
    from xborder.domains.compliance.attributes import ProductAttributes
    from xborder.domains.compliance.changes import affected_products, changed_rules
    from xborder.domains.compliance.rules import normalise_markets, rule_markets

    start, end = _date(since, "--since"), _date(until, "--until") or today()
    assert start is not None
    if start > end:
        raise BadInputError(
            f"--since {start} is after --until {end}.", hint="Give a --since date before --until."
        )
    if horizon_days < 0:
        raise BadInputError(f"--horizon-days must be >= 0. Got {horizon_days}.")
    wanted = normalise_markets(market)
    ch = changed_rules(start, end, horizon_days=horizon_days, include_rechecked=include_rechecked)
    ch = ch[ch["scope"].map(lambda scope: any(m in wanted for m in rule_markets(scope)))]
    affected = None
    if not no_products:
        from xborder.domains.compliance.stage import candidate_products

        con = open_warehouse(ctx, read_only=True)
        try:
            prods = candidate_products(con)
        finally:
            con.close()
        pairs = [
            (r["product_id"], ProductAttributes.from_product_row(r)) for r in prods.to_dict(orient="records")
        ]
        affected = affected_products(ch, pairs, wanted)
    counts = (
        affected.groupby("rule_id")["product_id"].nunique()
        if affected is not None and len(affected)
        else None
    )
    ch = ch.assign(
        products_affected=ch["rule_id"].map(counts).fillna(0).astype(int) if counts is not None else 0
    )
    data = {
        "since": start,
        "until": end,
        "markets": wanted,
        "changes": ch,
        "affected": affected if affected is not None else [],
    }
    emit(ctx, data, _render_changes)


def _render_changes(d: dict) -> None:
    from xborder.domains.compliance.lines import change_lines

    ch = d["changes"]
    window = {"since": d["since"], "until": d["until"], "markets": ", ".join(d["markets"])}
    if ch.empty:
        console.print(i18n.render("compliance.no_changes", "en", **window))
        return
    console.print(i18n.render("compliance.changes_heading", "en", **window), highlight=False)
    for line in change_lines(ch):
        console.print(_say(line), highlight=False, soft_wrap=True, markup=False)
    aff = d["affected"]
    if len(aff):
        top = aff.groupby(["rule_id", "market"])["product_id"].nunique().reset_index(name="products")
        console.print(i18n.render("compliance.affected", "en", products=aff["product_id"].nunique()))
        console.print(top.to_string(index=False))


@compliance_app.command("run")
def run(
    ctx: typer.Context,
    market: MarketOpt = None,
    date: DateOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Evaluate every product with sales x market and store compliance_checks / compliance_summary."""
    _json(ctx, json_out)
    from xborder.domains.compliance.stage import STAGE
    from xborder.pipeline.runner import run_stage

    day = _date(date)
    if market:
        from xborder.domains.compliance.rules import normalise_markets

        market = normalise_markets(market)  # a typo is a clear error here, not a silently skipped market
    con = open_warehouse(ctx)
    try:
        with progress(ctx) as bar:
            task = bar.add_task("compliance", total=100)
            _, summary = run_stage(
                con,
                state(ctx).settings,
                STAGE,
                {"as_of": day},
                markets=market,
                progress=lambda f, m: bar.update(task, completed=100 * f, description=m),
            )
    finally:
        con.close()
    emit(
        ctx,
        summary,
        lambda s: console.print(
            i18n.render(
                "compliance.run_done",
                "en",
                run_id=s["run_id"],
                products=s["products"],
                markets=len(s["markets"]),
                attribute_sets=s["attribute_sets"],
                checks=s["compliance_checks"],
                summaries=s["compliance_summary"],
                as_of=s["as_of"],
            )
        ),
    )


@hs_app.command("suggest")
def hs_suggest(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="Product title or description.")] = "",
    category: Annotated[
        str | None, typer.Option("--category", help="Category id; favours its usual HS chapters.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many suggestions (best first).")] = 3,
    json_out: JsonOpt = False,
) -> None:
    """Suggest HS 6-digit codes (HS 2022) with alternatives and a confidence; confirm with a customs broker."""
    _json(ctx, json_out)
    from dataclasses import asdict

    from xborder.domains.compliance.hs import suggest_hs

    sugg = [asdict(s) for s in suggest_hs(title, category, top=top)]

    def render(items: list[dict]) -> None:
        from rich.table import Table

        if not items:
            console.print(i18n.render("compliance.hs_none", "en"))
            return
        t = Table(title=i18n.render("compliance.hs_title", "en", title=title))
        for c in ("rank", "hs6", "description", "confidence", "matched"):
            t.add_column(c, overflow="fold")
        for i, s in enumerate(items, 1):
            t.add_row(
                str(i),
                s["hs6"],
                s["description"],
                f"{s['confidence_band']} ({s['confidence']:.2f})",
                ", ".join(s["matched"]),
            )
        console.print(t)
        console.print(i18n.render("compliance.hs_source", "en", source=items[0]["source"]))

    emit(ctx, sugg, render)


def register(app: typer.Typer) -> None:
    """Add ``compliance`` and ``hs`` to the main app."""
    app.add_typer(compliance_app, name="compliance")
    app.add_typer(hs_app, name="hs")
