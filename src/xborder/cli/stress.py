"""``xborder stress PRODUCT MARKET``: Monte Carlo stress test of one plan from its latest landed cost."""

from __future__ import annotations

from typing import Annotated

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core import i18n
from xborder.core.errors import BadInputError

__all__ = ["register", "stress"]


def stress(
    ctx: typer.Context,
    product_id: Annotated[str, typer.Argument(help="products.product_id.")],
    market: Annotated[str, typer.Argument(help="ISO2 market.")],
    mode: Annotated[
        str | None, typer.Option("--mode", help="Shipping mode (default: the best-margin one).")
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", min=100, max=1_000_000, help="Monte Carlo draws.")
    ] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 7,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Probability of loss, plan-margin percentiles, each driver's break-even and variance share."""
    if json_out:
        state(ctx).json = True
    from xborder.domains.risk.stage import stress_spec
    from xborder.domains.risk.stress import stress_test
    from xborder.warehouse.tables import latest_run_id, read_rows

    con = open_warehouse(ctx, read_only=True)
    try:
        run_id = latest_run_id(con, "landed_costs")
        rows = (read_rows(con, "landed_costs", run_id, where="product_id = ? AND market = ?",
                          params=[product_id, market.upper()]) if run_id else None)  # fmt: skip
    finally:
        con.close()
    if rows is not None and mode:
        rows = rows[rows["mode"] == mode]
    if rows is None or rows.empty:
        raise BadInputError(i18n.render("risk.stress_none", "en", product=product_id, market=market.upper()))
    row = rows.sort_values("margin_pct", ascending=False).head(1).reset_index(drop=True)
    spec = stress_spec(state(ctx).settings, draws, seed)
    summary, drivers = stress_test(row, spec)
    s = summary.iloc[0].to_dict()
    data = {"landed_cost_run": run_id, "product_id": product_id, "market": market.upper(), "mode": row["mode"].iloc[0],
            "currency": row["currency"].iloc[0], "units": float(row["units"].iloc[0]), "draws": draws, **s,
            "drivers": drivers.drop(columns="row")}  # fmt: skip

    def render(d: dict) -> None:
        from rich.table import Table

        console.print(i18n.render("risk.stress_title", "en", product=product_id, market=d["market"], mode=d["mode"],
                                  draws=draws))  # fmt: skip
        console.print(i18n.render("risk.stress_summary", "en", **{k: d[k] for k in
                                  ("p_loss", "mc_error", "base_margin", "mean_margin", "p05", "p95")}))  # fmt: skip
        t = Table()
        for c in ("driver", "break-even", "variance share"):
            t.add_column(c)
        for r in d["drivers"].itertuples():
            t.add_row(
                i18n.render(f"risk.driver.{r.driver}", "en"), f"{r.break_even:.3g}", f"{r.first_order:.1%}"
            )
        console.print(t)

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    app.command("stress")(stress)
