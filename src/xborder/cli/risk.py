"""``xborder risk run | register | seller | alerts``: the quantified risk register and money-rule change alerts."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.core import i18n
from xborder.core.errors import BadInputError

__all__ = ["register", "run", "show_register", "seller", "alerts"]

risk_app = typer.Typer(help="Risk: stress tests, the risk register (L1-L4) and money-rule change alerts.",
                       no_args_is_help=True)  # fmt: skip
MarketOpt = Annotated[list[str] | None, typer.Option("--market", help="Only this ISO2 market (repeatable).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _json(ctx: typer.Context, flag: bool) -> None:
    if flag:
        state(ctx).json = True


@risk_app.command("run")
def run(
    ctx: typer.Context,
    market: MarketOpt = None,
    draws: Annotated[int | None, typer.Option("--draws", help="Monte Carlo draws per plan.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Stress-test every plan of the latest landed costs, build the register and list upcoming rule changes."""
    _json(ctx, json_out)
    from xborder.domains.risk.stage import STAGE
    from xborder.pipeline.runner import run_stage

    con = open_warehouse(ctx)
    try:
        with progress(ctx) as bar:
            task = bar.add_task("risk", total=100)
            run_id, summary = run_stage(con, state(ctx).settings, STAGE, {"draws": draws}, markets=market,
                                        progress=lambda f, m: bar.update(task, completed=100 * f, description=m))  # fmt: skip
    finally:
        con.close()
    summary = {"run_id": run_id, **summary}
    emit(ctx, summary, lambda s: console.print(i18n.render(
        "risk.risk_done", "en", run_id=s["run_id"], plans=s["plans"], draws=s.get("draws", 0),
        register=s["risk_register"], alerts=s["rule_change_alerts"])))  # fmt: skip


def _latest(ctx: typer.Context, table: str, where: str | None = None, params: list[Any] | None = None):
    from xborder.warehouse.tables import latest_run_id, read_rows

    con = open_warehouse(ctx, read_only=True)
    try:
        run_id = latest_run_id(con, table)
        return run_id, (read_rows(con, table, run_id, where=where, params=params or []) if run_id else None)
    finally:
        con.close()


@risk_app.command("register")
def show_register(
    ctx: typer.Context,
    product_id: Annotated[str, typer.Argument(help="products.product_id.")],
    market: Annotated[str, typer.Argument(help="ISO2 market.")],
    json_out: JsonOpt = False,
) -> None:
    """The risk register of one plan (latest risk run), most urgent first, with the suggested reserve."""
    _json(ctx, json_out)
    run_id, rows = _latest(
        ctx, "risk_register", "product_id = ? AND market = ?", [product_id, market.upper()]
    )
    if rows is None or rows.empty:
        raise BadInputError(
            f"No risk register for {product_id} in {market.upper()}.", hint="Run: xborder risk run"
        )
    rows = rows.sort_values(["level", "priority"], ascending=[True, False])
    reserve = float(rows["expected_loss"].sum(skipna=True))
    data = {"run_id": run_id, "product_id": product_id, "market": market.upper(), "risk_reserve": reserve,
            "currency": rows["currency"].iloc[0], "rows": rows.drop(columns="run_id")}  # fmt: skip

    def render(d: dict) -> None:
        from rich.table import Table

        t = Table(title=i18n.render("risk.register_title", "en", product=product_id, market=d["market"],
                                    reserve=d["risk_reserve"], currency=d["currency"]))  # fmt: skip
        for c in ("level", "category", "probability", "basis", "impact", "expected loss", "due (h)", "owner",
                  "reputation"):  # fmt: skip
            t.add_column(c)
        for r in d["rows"].itertuples():
            t.add_row(r.level, i18n.render(f"risk.category.{r.category}", "en"), f"{r.probability:.1%}",
                      r.probability_basis, f"{r.impact:,.2f}", f"{r.expected_loss:,.2f}", str(r.response_hours),
                      r.owner, str(getattr(r, "reputation", "") or ""))  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


@risk_app.command("seller")
def seller(
    ctx: typer.Context,
    currency: Annotated[
        str | None,
        typer.Option(
            "--currency",
            help="Currency of the sums (default: settings cash_currency, else the currency of most of your sales).",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """The seller's risk register: each category over all plans of the latest risk run, and the risk reserve."""
    _json(ctx, json_out)
    from xborder.core.clock import today
    from xborder.domains.finance.stage.currency import seller_cash_currency
    from xborder.domains.risk.register import seller_register
    from xborder.reference.fx import load_fx

    run_id, rows = _latest(ctx, "risk_register")
    if rows is None or rows.empty:
        raise BadInputError("No risk register in this warehouse.", hint="Run: xborder risk run")
    if currency:
        base = currency.upper()
    else:
        con = open_warehouse(ctx, read_only=True)
        try:
            base = seller_cash_currency(con, state(ctx).settings)
        finally:
            con.close()
    fx = load_fx(None)
    to_base = {c: fx.factor(str(c), base, today()).rate for c in rows["currency"].dropna().unique()}
    table = seller_register(rows, to_base)
    data = {"run_id": run_id, "currency": base, "plans": int(rows[["product_id", "market"]].drop_duplicates().shape[0]),
            "risk_reserve": float(table["expected_loss"].sum()), "rows": table}  # fmt: skip

    def render(d: dict) -> None:
        from rich.table import Table

        t = Table(title=i18n.render("risk.seller_title", "en", **{k: d[k] for k in ("plans", "risk_reserve",
                                                                                    "currency")}))  # fmt: skip
        for c in ("category", "owner", "median probability", "impact", "expected loss", "share", "L1", "L2",
                  "L3", "L4"):  # fmt: skip
            t.add_column(c)
        for r in d["rows"].itertuples():
            t.add_row(i18n.render(f"risk.category.{r.category}", "en"), r.owner, f"{r.probability_median:.1%}",
                      f"{r.impact:,.0f}", f"{r.expected_loss:,.0f}", f"{r.reserve_share:.0%}", str(r.L1),
                      str(r.L2), str(r.L3), str(r.L4))  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


@risk_app.command("alerts")
def alerts(ctx: typer.Context, market: MarketOpt = None, json_out: JsonOpt = False) -> None:
    """Money rules (duty, VAT, low-value, platform fees) that start soon, with the plans they hit."""
    _json(ctx, json_out)
    days = state(ctx).settings.risk_alert_horizon_days
    run_id, rows = _latest(ctx, "rule_change_alerts")
    if rows is None:
        rows = None
    wanted = [m.upper() for m in market or []]
    if rows is not None and wanted:
        rows = rows[rows["market"].isin(wanted)]
    data = {
        "run_id": run_id,
        "horizon_days": days,
        "rows": rows.drop(columns="run_id") if rows is not None else [],
    }

    def render(d: dict) -> None:
        if rows is None or rows.empty:
            console.print(i18n.render("risk.alerts_none", "en", days=days))
            return
        console.print(i18n.render("risk.alerts_title", "en", days=days))
        top = rows.groupby(
            ["rule_id", "old_rule_id", "market", "valid_from", "old_rate", "rate"], as_index=False
        ).agg(plans=("product_id", "nunique"), median_margin_change=("margin_change", "median"))
        console.print(top.to_string(index=False))

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    from xborder.cli.risk_events import events_app

    risk_app.add_typer(events_app, name="events")
    app.add_typer(risk_app, name="risk")
