"""``xborder price ladder | run``: local prices per market for target margins after landed cost and fees."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.core import i18n
from xborder.core.errors import BadInputError

__all__ = ["register", "ladder", "run"]

price_app = typer.Typer(
    help="Price ladders: the local price per market for a target margin, and the margin under FX moves.",
    no_args_is_help=True,
)
MarketOpt = Annotated[list[str] | None, typer.Option("--market", help="Only this ISO2 market (repeatable).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _json(ctx: typer.Context, flag: bool) -> None:
    if flag:
        state(ctx).json = True


@price_app.command("run")
def run(ctx: typer.Context, market: MarketOpt = None, json_out: JsonOpt = False) -> None:
    """Compute price ladders from the latest landed costs and refresh the warning indicators."""
    _json(ctx, json_out)
    from xborder.domains.finance.stage import STAGE
    from xborder.pipeline.runner import run_stage

    con = open_warehouse(ctx)
    try:
        with progress(ctx) as bar:
            task = bar.add_task("finance", total=100)
            run_id, summary = run_stage(con, state(ctx).settings, STAGE, {}, markets=market,
                                        progress=lambda f, m: bar.update(task, completed=100 * f))  # fmt: skip
    finally:
        con.close()
    summary = {"run_id": run_id, **summary}
    emit(ctx, summary, lambda s: console.print(i18n.render(
        "finance.price_done", "en", run_id=s["run_id"], ladders=s["price_ladders"], plans=s["plans"],
        indicators=s["warning_indicators"], warnings=s["warnings"])))  # fmt: skip


@price_app.command("ladder")
def ladder(
    ctx: typer.Context,
    product_id: Annotated[str, typer.Argument(help="products.product_id.")],
    market: MarketOpt = None,
    mode: Annotated[str | None, typer.Option("--mode", help="Only this shipping mode.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Show a product's price ladder side by side across markets (latest finance run)."""
    _json(ctx, json_out)
    from xborder.warehouse.tables import latest_run_id, read_rows

    con = open_warehouse(ctx, read_only=True)
    try:
        run_id = latest_run_id(con, "price_ladders")
        rows = (
            read_rows(con, "price_ladders", run_id, where="product_id = ?", params=[product_id])
            if run_id
            else None
        )
    finally:
        con.close()
    wanted = [m.upper() for m in market or []]
    if rows is not None and wanted:
        rows = rows[rows["market"].isin(wanted)]
    if rows is not None and mode:
        rows = rows[rows["mode"] == mode]
    if rows is None or rows.empty:
        raise BadInputError(i18n.render("finance.price_none", "en", product=product_id,
                                        markets=", ".join(wanted) or "any market"),
                            hint="xborder price run")  # fmt: skip
    data: dict[str, Any] = {"run_id": run_id, "product_id": product_id, "rows": rows.drop(columns="run_id")}

    def render(d: dict) -> None:
        from rich.table import Table

        t = Table(title=f"{product_id} — {i18n.render('finance.title', 'en')} ({d['run_id']})")
        cols = ["market", "mode", "currency", "target_margin", "local_price", "margin_pct", "margin_fx_m30",
                "margin_fx_m10", "margin_fx_p10", "margin_fx_p30"]  # fmt: skip
        for c in cols:
            t.add_column(c, justify="left" if c in ("market", "mode", "currency") else "right")
        for r in d["rows"].sort_values(["target_margin", "market", "mode"]).itertuples():
            t.add_row(r.market, r.mode, r.currency, f"{r.target_margin:.0%}", f"{r.local_price:,.2f}",
                      *[f"{getattr(r, c):.1%}" for c in cols[5:]])  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    app.add_typer(price_app, name="price")
