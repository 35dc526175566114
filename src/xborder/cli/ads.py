"""``xborder ads metrics | tacos | rules | funnel``: Sponsored Products metrics, TACoS and rule suggestions."""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.core.errors import BadInputError

__all__ = ["register", "metrics", "tacos_cmd", "rules", "funnel"]

ads_app = typer.Typer(
    help="Advertising: ACoS, ROAS, CPC, CTR, CVR per grain; TACoS; bid and keyword suggestions (never applied).",
    no_args_is_help=True,
)

MarketOpt = Annotated[list[str] | None, typer.Option("--market", help="Only this ISO2 market (repeatable).")]
RunOpt = Annotated[
    str | None,
    typer.Option("--run", help="Show a stored marketing run (id or 'latest') instead of running again."),
]
TopOpt = Annotated[int, typer.Option("--top", min=1, help="Rows to list (largest first).")]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", help="Stage parameter name=value (target_acos, min_clicks, ...; repeatable)."),
]


def _params(raw: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in raw or []:
        if "=" not in item:
            raise BadInputError(
                f"--param {item!r}: expected name=value.", hint="E.g. --param target_acos=0.3"
            )
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _load(
    ctx: typer.Context, run: str | None, params: dict[str, Any], markets: list[str] | None
) -> dict[str, Any]:
    """Run the marketing stage (or open a stored run) and read its tables, kept to ``markets``."""
    from xborder.core import i18n
    from xborder.domains.marketing.stage import STAGE
    from xborder.domains.marketing.tables import TABLES
    from xborder.pipeline.runner import run_stage
    from xborder.warehouse.tables import latest_run_id, read_rows

    run_id: str | None
    con = open_warehouse(ctx, read_only=run is not None)
    try:
        if run is None:
            with progress(ctx) as bar:
                task = bar.add_task("marketing", total=100)
                run_id, summary = run_stage(
                    con, state(ctx).settings, STAGE, STAGE.parse(params),
                    progress=lambda f, m: bar.update(task, completed=int(100 * f), description=m[:60]),
                )  # fmt: skip
        else:
            run_id = latest_run_id(con, "ad_metrics") if run == "latest" else run
            summary = {}
            if run_id is None:
                raise BadInputError("No marketing run in this warehouse.", hint="Run: xborder ads metrics")
        frames = {t.name: read_rows(con, t, run_id) for t in TABLES}
    finally:
        con.close()
    if summary.get("reason_code") == "marketing.no_ads":
        raise BadInputError(i18n.render("marketing.no_ads", "en"))
    if markets:
        wanted = {m.upper() for m in markets}
        for name, f in frames.items():
            col = "market_code" if "market_code" in f.columns else "marketplace_id"
            keep = f[col].isin(wanted) if col == "market_code" else f[col].str.split(".").str[-1].isin(wanted)
            frames[name] = f[keep]
    return {"run_id": run_id, "frames": frames}


def _num(v: Any, fmt: str) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, fmt)


def _acos(acos: Any, spend: Any) -> str:
    """ACoS as a percentage; 'no sales' where money was spent and nothing sold (ACoS has no finite value, and a
    blank would read as no problem); blank only where nothing was spent either."""
    if _num(acos, ".0%") == "" and _num(spend, ".2f") not in ("", "0.00"):
        return "no sales"
    return _num(acos, ".0%")


_METRIC_COLS = ["marketplace_id", "currency", "report_type", "campaign", "ad_group", "targeting", "match_type",
                "search_term", "placement", "listing_id", "product_id", "period_start", "period_end", "days",
                "impressions", "clicks", "spend", "orders", "sales", "ctr", "cpc", "cvr", "acos", "roas",
                "break_even_acos"]  # fmt: skip


@ads_app.command("metrics")
def metrics(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="campaign | ad_group | keyword | search_term | placement | day | product | product_day.",
        ),
    ] = "campaign",
    market: MarketOpt = None,
    top: TopOpt = 20,
    run: RunOpt = None,
    param: ParamOpt = None,
) -> None:
    """ACoS, ROAS, CPC, CTR and CVR per grain and account, largest spend first (``day``: in date order)."""
    from xborder.domains.marketing.ads import GRAINS

    if by not in GRAINS:
        raise BadInputError(f"--by {by}: unknown grain.", hint=f"Grains: {', '.join(GRAINS)}.")
    d = _load(ctx, run, _params(param), market)
    m = d["frames"]["ad_metrics"]
    m = m[m["grain"] == by]
    m = m.sort_values("period_start") if by.endswith("day") else m.sort_values("spend", ascending=False)
    rows = m.reindex(columns=_METRIC_COLS).head(top).reset_index(drop=True)
    data = {"run_id": d["run_id"], "grain": by, "rows_total": int(len(m)), "rows": rows}

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        keys = {"campaign": ["campaign"], "ad_group": ["campaign", "ad_group"], "keyword": ["targeting", "match_type"],
                "search_term": ["search_term", "targeting"], "placement": ["campaign", "placement"],
                "day": ["period_start"], "product": ["listing_id"], "product_day": ["listing_id", "period_start"]}[by]  # fmt: skip
        t = Table(title=f"Ads per {by.replace('_', ' ')} ({x['rows_total']:,} rows; run {x['run_id']})")
        for c in ("account", *keys, "clicks", "spend", "sales", "CTR", "CPC", "CVR", "ACoS", "ROAS"):
            t.add_column(c, justify="left" if c in ("account", *keys) else "right", overflow="fold")
        for r in x["rows"].to_dict(orient="records"):
            t.add_row(f"{r['marketplace_id']} {r['currency']}",
                      *[str(r[k])[:10 if k == "period_start" else 40] if r[k] is not None else "" for k in keys],
                      _num(r["clicks"], ",.0f"), _num(r["spend"], ",.2f"), _num(r["sales"], ",.2f"),
                      _num(r["ctr"], ".2%"), _num(r["cpc"], ".2f"), _num(r["cvr"], ".1%"), _acos(r["acos"], r["spend"]),
                      _num(r["roas"], ".2f"))  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


@ads_app.command("tacos")
def tacos_cmd(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="day | week | month.")] = "month",
    market: MarketOpt = None,
    run: RunOpt = None,
) -> None:
    """TACoS: ad spend / total ordered sales (business reports) per period, where ads cover every day."""
    d = _load(ctx, run, {}, market)
    t = d["frames"]["ad_tacos"]
    t = t[t["period"] == period].sort_values(["marketplace_id", "period_start"]).reset_index(drop=True)
    cols = ["marketplace_id", "currency", "period_start", "period_end", "ad_spend", "ad_sales", "total_sales", "tacos",
            "ad_share"]  # fmt: skip
    data = {"run_id": d["run_id"], "period": period, "rows": t.reindex(columns=cols)}

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        tb = Table(title=f"TACoS per {period} (run {x['run_id']})")
        for c in ("account", "from", "to", "ad spend", "ad sales", "total sales", "TACoS", "ad share"):
            tb.add_column(c, justify="left" if c in ("account", "from", "to") else "right")
        for r in x["rows"].to_dict(orient="records"):
            tb.add_row(f"{r['marketplace_id']} {r['currency']}", str(r["period_start"])[:10], str(r["period_end"])[:10],
                       _num(r["ad_spend"], ",.2f"), _num(r["ad_sales"], ",.2f"), _num(r["total_sales"], ",.2f"),
                       _num(r["tacos"], ".1%"), _num(r["ad_share"], ".1%"))  # fmt: skip
        console.print(tb)
        if not len(x["rows"]):
            console.print(f"No {period} with both business-report sales and ads on every day.")

    emit(ctx, data, render)


@ads_app.command("rules")
def rules(
    ctx: typer.Context,
    market: MarketOpt = None,
    action: Annotated[
        list[str] | None,
        typer.Option(
            "--action",
            help="pause_keyword | lower_bid | raise_bid | harvest_exact | add_negative | weekday_bid.",
        ),
    ] = None,
    top: TopOpt = 20,
    lang: Annotated[str, typer.Option("--lang", help="en | zh.")] = "en",
    run: RunOpt = None,
    param: ParamOpt = None,
) -> None:
    """Suggestions with their numbers and money at stake (never applied), and the stopping rules replayed."""
    d = _load(ctx, run, _params(param), market)
    s = d["frames"]["ad_suggestions"]
    if action:
        s = s[s["action"].isin(action)]
    s = s.sort_values("money_at_stake", ascending=False)
    summary = s.groupby(["marketplace_id", "currency", "action"], as_index=False).agg(
        suggestions=("action", "size"), money_at_stake=("money_at_stake", "sum")
    )
    text = "text_zh" if lang == "zh" else "text_en"
    cols = ["action", "marketplace_id", "currency", "campaign", "ad_group", "targeting", "match_type", "search_term",
            "clicks", "spend", "orders", "sales", "acos", "cpc", "target_acos", "target_source", "suggested_bid",
            "money_at_stake", "money_kind", "weekday", "bid_modifier", text]  # fmt: skip
    rep = d["frames"]["ad_rule_replay"].drop(columns=["run_id"]).reset_index(drop=True)
    from xborder.core import i18n

    data = {"run_id": d["run_id"], "summary": summary, "suggestions": s.reindex(columns=cols).head(top).reset_index(drop=True),
            "replay": rep, "note": i18n.render("marketing.no_hourly", lang)}  # fmt: skip

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"Suggestions per account (run {x['run_id']}); nothing is applied")
        for c in ("account", "action", "suggestions", "money at stake"):
            t.add_column(c, justify="right" if c in ("suggestions", "money at stake") else "left")
        for r in x["summary"].to_dict(orient="records"):
            t.add_row(f"{r['marketplace_id']} {r['currency']}", r["action"], f"{r['suggestions']:,}",
                      _num(r["money_at_stake"], ",.2f"))  # fmt: skip
        console.print(t)
        for r in x["suggestions"].to_dict(orient="records"):
            console.print(f"• {r[text]}", highlight=False)
        console.print(x["note"], highlight=False)
        if len(x["replay"]):
            t2 = Table(title="Stopping rules replayed day by day: spend saved and ad sales at risk")
            for c in (
                "account",
                "stops",
                "rule",
                "min clicks",
                "stopped",
                "spend",
                "saved",
                "sales at risk",
                "ACoS stopped",
            ):
                t2.add_column(c, justify="left" if c in ("account", "stops", "rule") else "right")
            for r in x["replay"].to_dict(orient="records"):
                t2.add_row(f"{r['marketplace_id']} {r['currency']}", r["grain"], r["rule"], str(r["min_clicks"]),
                           f"{r['keys_stopped']}/{r['keys']}", _num(r["spend"], ",.0f"), _num(r["spend_saved"], ",.0f"),
                           _num(r["sales_at_risk"], ",.0f"), _acos(r["stopped_acos"], r["spend_saved"]))  # fmt: skip
            console.print(t2)

    emit(ctx, data, render)


@ads_app.command("funnel")
def funnel(
    ctx: typer.Context,
    market: MarketOpt = None,
    top: TopOpt = 20,
    run: RunOpt = None,
) -> None:
    """Sessions → page views → order items → units per listing, from business reports (most sessions first)."""
    d = _load(ctx, run, {}, market)
    f = d["frames"]["listing_funnel"].sort_values("sessions", ascending=False)
    cols = ["marketplace_id", "listing_id", "parent_asin", "report_date", "sessions", "page_views", "order_items",
            "units_ordered", "ordered_sales", "currency", "views_per_session", "order_rate", "unit_session"]  # fmt: skip
    data = {
        "run_id": d["run_id"],
        "rows_total": int(len(f)),
        "rows": f.reindex(columns=cols).head(top).reset_index(drop=True),
    }

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"Funnel per listing ({x['rows_total']:,} rows; run {x['run_id']})")
        for c in (
            "listing",
            "report",
            "sessions",
            "page views",
            "order items",
            "units",
            "views/session",
            "orders/session",
        ):
            t.add_column(c, justify="left" if c in ("listing", "report") else "right")
        for r in x["rows"].to_dict(orient="records"):
            t.add_row(str(r["listing_id"]), str(r["report_date"] or "")[:10], _num(r["sessions"], ",.0f"),
                      _num(r["page_views"], ",.0f"), _num(r["order_items"], ",.0f"), _num(r["units_ordered"], ",.0f"),
                      _num(r["views_per_session"], ".2f"), _num(r["order_rate"], ".2%"))  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    """Add ``xborder ads`` (with ``keywords`` and ``budget`` from :mod:`xborder.cli.ads_plan`)."""
    from xborder.cli import ads_plan  # noqa: F401 - registers its commands on ads_app

    app.add_typer(ads_app, name="ads")
