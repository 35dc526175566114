"""``xborder fx exposure``: net exposure per currency (payouts, purchases, stock) and its value at risk."""

from __future__ import annotations

from typing import Annotated

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core import i18n
from xborder.core.errors import BadInputError

__all__ = ["register", "exposure"]


def exposure(
    ctx: typer.Context,
    base: Annotated[
        str | None,
        typer.Option("--base", help="Currency the seller keeps (default: settings cash_currency)."),
    ] = None,
    cost_currency: Annotated[
        str, typer.Option("--cost-currency", help="Currency suppliers are paid in.")
    ] = "CNY",
    years: Annotated[
        float, typer.Option("--years", min=1.0, max=25.0, help="Years of ECB history for the VaR.")
    ] = 5.0,
    level: Annotated[float, typer.Option("--level", min=0.5, max=0.999, help="VaR confidence level.")] = 0.95,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Net currency exposure over 13 weeks (payouts, purchases, stock) and its value at risk from ECB history."""
    if json_out:
        state(ctx).json = True
    from xborder.domains.finance.stage.exposure import fx_exposure

    con = open_warehouse(ctx, read_only=True)
    try:
        data = fx_exposure(
            con, state(ctx).settings, base=base, cost_currency=cost_currency, years=years, level=level
        )
    finally:
        con.close()
    if data["rows"].empty:
        raise BadInputError("No currency exposure: the warehouse has no inventory plans and no settlements.",
                            hint="Run: xborder run (inventory plans), or ingest settlement reports (xborder ingest FILE).")  # fmt: skip

    def render(d: dict) -> None:
        from rich.table import Table

        t = Table(title=i18n.render("finance.exposure_title", "en", **d))
        for c in ("currency", "receivables", "payables", "stock", "net", "hedge_ratio", "net_base", "var"):
            t.add_column(c, justify="left" if c == "currency" else "right")
        for r in d["rows"].itertuples():
            t.add_row(r.currency, *[f"{v:,.0f}" for v in (r.receivables, r.payables, r.stock, r.net)],
                      f"{r.hedge_ratio:.2f}", f"{r.net_base:,.0f}", f"{r.var:,.0f}")  # fmt: skip
        console.print(t)
        console.print(i18n.render("finance.exposure_var", "en", **d))

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    """Add ``exposure`` to the ``xborder fx`` group (declared with the FX table's commands)."""
    from xborder.cli.landed_cost import fx_app

    fx_app.command("exposure")(exposure)
