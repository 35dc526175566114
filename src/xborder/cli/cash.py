"""``xborder cash npv | irr | forward | indicators``: money formulas and the warning indicators of the seller."""

from __future__ import annotations

from typing import Annotated

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core import i18n
from xborder.core.errors import BadInputError

__all__ = ["register", "npv", "irr", "forward", "indicators", "replay", "flow"]

cash_app = typer.Typer(help="Cash: NPV, IRR, forward rates and the warning indicators.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
FlowsArg = Annotated[
    list[float], typer.Argument(help="Cash flows per period, the first at time 0 (e.g. -- -100 39 59).")
]


def _json(ctx: typer.Context, flag: bool) -> None:
    if flag:
        state(ctx).json = True


@cash_app.command("npv")
def npv(
    ctx: typer.Context,
    rate: Annotated[float, typer.Argument(help="Discount rate per period (0.08 = 8%).")],
    flows: FlowsArg,
    json_out: JsonOpt = False,
) -> None:
    """Net present value of cash flows (first flow at time 0, not discounted)."""
    _json(ctx, json_out)
    from xborder.domains.finance.cash import npv as _npv

    emit(
        ctx,
        {"rate": rate, "flows": flows, "npv": _npv(rate, flows)},
        lambda d: console.print(f"NPV {d['npv']:,.5f}"),
    )


@cash_app.command("irr")
def irr(ctx: typer.Context, flows: FlowsArg, json_out: JsonOpt = False) -> None:
    """Internal rate of return per period (the root closest to zero)."""
    _json(ctx, json_out)
    from xborder.domains.finance.cash import irr as _irr

    value = _irr(flows)
    if value != value:
        raise BadInputError("These cash flows have no internal rate of return.",
                            hint="IRR needs at least one negative and one positive flow.")  # fmt: skip
    emit(ctx, {"flows": flows, "irr": value}, lambda d: console.print(f"IRR {d['irr']:.5%}"))


@cash_app.command("forward")
def forward(
    ctx: typer.Context,
    spot: Annotated[float, typer.Argument(help="Spot rate: quote-currency units per base-currency unit.")],
    quote_rate: Annotated[float, typer.Argument(help="Interest rate of the quote currency (0.05 = 5%).")],
    base_rate: Annotated[float, typer.Argument(help="Interest rate of the base currency.")],
    years: Annotated[float, typer.Option("--years", help="Term in years.")] = 1.0,
    json_out: JsonOpt = False,
) -> None:
    """Forward rate by interest-rate parity: spot x (1 + i_quote)^t / (1 + i_base)^t."""
    _json(ctx, json_out)
    from xborder.domains.finance.fx import forward_rate

    d = {"spot": spot, "quote_rate": quote_rate, "base_rate": base_rate, "years": years,
         "forward": forward_rate(spot, quote_rate, base_rate, years)}  # fmt: skip
    emit(ctx, d, lambda d: console.print(i18n.render("finance.forward", "en", **d)))


@cash_app.command("indicators")
def indicators(
    ctx: typer.Context,
    all_rows: Annotated[
        bool, typer.Option("--all", help="Also the per-plan rows (one per product x market).")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """The warning indicators of the latest finance run: value, previous value, threshold, status."""
    _json(ctx, json_out)
    from xborder.warehouse.tables import latest_run_id, read_rows

    con = open_warehouse(ctx, read_only=True)
    try:
        run_id = latest_run_id(con, "warning_indicators")
        rows = read_rows(con, "warning_indicators", run_id) if run_id else None
    finally:
        con.close()
    if rows is None or rows.empty:
        raise BadInputError("No warning indicators yet.", hint="Run: xborder price run (or xborder run)")
    if not all_rows:
        rows = rows[rows["scope"] != "plan"]
    data = {"run_id": run_id, "rows": rows.drop(columns=["run_id"])}

    def render(d: dict) -> None:
        from rich.table import Table

        t = Table(title=i18n.render("finance.indicators_title", "en", run=d["run_id"]))
        for c in ("indicator", "subject", "period", "value", "previous", "threshold", "status"):
            t.add_column(c)
        for r in d["rows"].itertuples():
            t.add_row(r.text_en, str(r.subject), str(r.period or ""), f"{r.value:.4g}", f"{r.previous:.4g}",
                      f"{r.direction} {r.threshold:g}", r.status)  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


@cash_app.command("replay")
def replay(
    ctx: typer.Context,
    window: Annotated[int, typer.Option("--window", min=1, help="Weeks of net flow averaged.")] = 26,
    horizon: Annotated[int, typer.Option("--horizon", min=1, help="Weeks projected.")] = 13,
    low_sales: Annotated[
        float,
        typer.Option(
            "--low-sales-share",
            min=0.0,
            max=1.0,
            help="Weeks with orders below this share of the window's median week are left out (0: none).",
        ),
    ] = 0.25,
    future: Annotated[
        bool,
        typer.Option("--future-rate", help="Diagnostic: give each projection the horizon's actual net flow."),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Replay the payout projection on the stored money movements: accuracy of each past 13-week projection."""
    _json(ctx, json_out)
    from xborder.domains.finance.cashflow import replay as _replay
    from xborder.domains.finance.cashflow import weekly_flows
    from xborder.warehouse.tables import read_rows, table_exists

    con = open_warehouse(ctx, read_only=True)
    try:
        rows = read_rows(con, "money_movements", columns=["posted_at", "category", "total"]) if table_exists(
            con, "money_movements") else None  # fmt: skip
    finally:
        con.close()
    if rows is None or rows.empty:
        raise BadInputError("No money movements in this warehouse.",
                            hint="Ingest settlement or date-range transaction reports first (xborder ingest FILE).")  # fmt: skip
    table, summary = _replay(
        weekly_flows(rows), horizon=horizon, window=window, rate="future" if future else "history",
        low_sales_share=low_sales,
    )  # fmt: skip
    data = {**summary, "rows": table}

    def render(d: dict) -> None:
        console.print(i18n.render("finance.replay", "en", **summary))
        if summary["validate_origins"]:
            console.print(i18n.render("finance.replay_split", "en", **summary))

    emit(ctx, data, render)


@cash_app.command("flow")
def flow(
    ctx: typer.Context,
    opening: Annotated[
        float | None,
        typer.Option("--opening", help="Cash on hand at the start (default: settings cash_opening_balance)."),
    ] = None,
    floor: Annotated[
        float | None, typer.Option("--floor", help="Cash floor (default: settings cash_floor).")
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            "--currency",
            help="Currency of the flow (default: settings cash_currency, else the currency of most of your sales).",
        ),
    ] = None,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=52, help="Weeks projected.")] = 13,
    picks: Annotated[
        bool,
        typer.Option(
            "--picks",
            help="Only the latest selection's picks that pass every gate (as a run), and how "
            "many of them in rank order the cash carries.",
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """The 13-week cash flow: purchases, freight, duties and VAT, payouts, ads; the week cash goes below the floor."""
    _json(ctx, json_out)
    from xborder.domains.finance.stage.cashflow import cash_flow

    con = open_warehouse(ctx, read_only=True)
    try:
        st = state(ctx)
        pairs = None
        if picks:
            from xborder.domains.finance.stage import selection_picks

            pairs = selection_picks(con, "")
        data = cash_flow(con, st.settings, opening=opening, floor=floor, currency=currency, weeks=weeks,
                         pairs=pairs)  # fmt: skip
    finally:
        con.close()
    if data["plans"] == 0 and not data["history"]:
        raise BadInputError("Nothing to project: the warehouse has no inventory plans and no settlements.",
                            hint="Run: xborder run (inventory plans), or ingest settlement reports (xborder ingest FILE).")  # fmt: skip

    def render(d: dict) -> None:
        from rich.table import Table

        t = Table(title=i18n.render("finance.cash_flow_title", "en", **d))
        cols = [
            c
            for c in d["weeks"].columns
            if c != "week" and (c in ("net", "balance") or d["weeks"][c].abs().sum() > 0)
        ]
        t.add_column("week")
        for c in cols:
            t.add_column(c + ("*" if d["estimated"].get(c) else ""), justify="right")
        for r in d["weeks"].itertuples(index=False):
            t.add_row(str(pd_date(r.week)), *[f"{getattr(r, c):,.0f}" for c in cols])
        console.print(t)
        console.print(i18n.render("finance.cash_flow_estimated", "en"))
        basis = d["ad_basis"].split(",")[0]
        if basis == "share_of_sales" and d["history"] and not d["plans"]:
            basis = "history"  # the settlements' own ad charges are in their net flow
        console.print(i18n.render(f"finance.cash_ads_{basis}", "en", **d))
        if not d["opening_known"]:
            console.print(i18n.render("finance.cash_flow_no_opening", "en"))
        if d["plans"]:
            s = st.settings
            console.print(i18n.render("finance.cash_flow_refunds", "en", refund_rate=s.cash_refund_rate,
                                      refund_days=s.cash_refund_days, storage=s.cash_storage_usd_per_cubic_foot_month,
                                      peak=s.cash_storage_peak_usd_per_cubic_foot_month))  # fmt: skip
            terms = d["supplier_terms"]
            key = {"quotes": "cash_flow_terms_quotes", "mixed": "cash_flow_terms_mixed"}.get(
                terms["basis"], "cash_flow_terms"
            )
            console.print(i18n.render(f"finance.{key}", "en", **terms))
        if d["breach_week"]:
            console.print(i18n.render("finance.cash_flow_breach", "en", **d))
            if d.get("mode_options") is not None and len(d["mode_options"]):
                console.print(i18n.render("finance.cash_flow_modes", "en", switches=d["mode_switches"],
                                          plans=d["plans"]))  # fmt: skip
            for f in d["fixes"].itertuples():
                console.print(i18n.render("finance.cash_flow_fix", "en", fix=f.fix, lowest=f.lowest_balance,
                                          breach=str(pd_date(f.breach_week)) if f.breach_week else "-", currency=d["currency"]))  # fmt: skip
        else:
            console.print(i18n.render("finance.cash_flow_no_breach", "en", **d))
        if d.get("capacity"):
            from xborder.domains.finance.stage.capacity import capacity_sentences

            for line in capacity_sentences(d["capacity"]["table"], currency=d["currency"], floor=d["floor"],
                                           opening=d["opening"] if d["opening_known"] else None, lang="en"):  # fmt: skip
                console.print(line)
        elif d["plan_scope"] == "all_plans" and d["plans"]:
            console.print(i18n.render("finance.capacity_no_ranks", "en"))

    emit(ctx, data, render)


def pd_date(value: object) -> object:
    """A timestamp as its day (``2020-03-02``); anything else unchanged."""
    return value.date() if hasattr(value, "date") else value


def register(app: typer.Typer) -> None:
    """Add ``xborder cash`` (with ``modes`` from :mod:`xborder.cli.cash_modes`)."""
    from xborder.cli import cash_modes  # noqa: F401 - registers its command on cash_app

    app.add_typer(cash_app, name="cash")
