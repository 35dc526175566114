"""``xborder cash modes``: each planned pick re-priced with its other shipping modes (margin and cash effect)."""

from __future__ import annotations

from typing import Annotated

import typer

from xborder.cli.cash import JsonOpt, _json, cash_app
from xborder.cli.common import console, emit, open_warehouse
from xborder.core import i18n
from xborder.core.errors import BadInputError

__all__ = ["modes"]


@cash_app.command("modes")
def modes(
    ctx: typer.Context,
    product: Annotated[str | None, typer.Option("--product", help="Only this product_id.")] = None,
    market: Annotated[str | None, typer.Option("--market", help="Only this market (ISO2).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows shown, the largest cash gain first.")] = 20,
    json_out: JsonOpt = False,
) -> None:
    """Change of shipping mode: the unit margin, lead time and the pick's own cash with each other mode."""
    _json(ctx, json_out)
    from xborder.warehouse.tables import latest_run_id, read_rows, table_exists

    con = open_warehouse(ctx, read_only=True)
    try:
        run = latest_run_id(con, "cash_mode_options") if table_exists(con, "cash_mode_options") else None
        if not run:
            raise BadInputError(
                "No shipping-mode options yet: the finance stage prices them with the run's cash flow.",
                hint="Run: xborder run (or xborder price run after xborder inventory plan).",
            )
        rows = read_rows(con, "cash_mode_options", run, order="cash_gain DESC")
    finally:
        con.close()
    if product:
        rows = rows[rows["product_id"] == product]
    if market:
        rows = rows[rows["market"] == market.upper()]
    plans = rows[["product_id", "market"]].drop_duplicates()
    chosen = rows[rows["chosen"].fillna(False).astype(bool)]
    data = {"run_id": run, "plans": int(len(plans)), "options": int(len(rows)), "switches": int(len(chosen)),
            "currency": str(rows["currency"].iloc[0]) if len(rows) else "", "rows": rows.head(top)}  # fmt: skip

    def render(d: dict) -> None:
        from rich.table import Table

        t = Table(title=i18n.render("finance.modes_title", "en", **d))
        for c in ("product", "market", "mode", "unit margin", "margin %", "lead days", "lowest cash", "gain"):
            t.add_column(c, justify="left" if c in ("product", "market", "mode") else "right")
        for r in d["rows"].itertuples(index=False):
            t.add_row(str(r.product_id), str(r.market), f"{r.mode} → {r.alt_mode}" + (" ✓" if r.chosen else ""),
                      f"{r.unit_margin:,.2f} → {r.alt_unit_margin:,.2f}",
                      f"{r.margin_pct:.0%} → {r.alt_margin_pct:.0%}",
                      f"{r.lead_time_days:.0f} → {r.alt_lead_time_days:.0f}",
                      f"{r.lowest_cash:,.0f} → {r.alt_lowest_cash:,.0f}", f"{r.cash_gain:+,.0f}")  # fmt: skip
        console.print(t)
        key = "finance.modes_switches" if d["switches"] else "finance.modes_none"
        console.print(i18n.render(key, "en", **d))

    emit(ctx, data, render)
