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
    """Probability of loss, plan-margin percentiles, each driver's break-even and variance share; the pair's other
    shipping modes on the same draws, and the one that lowers the probability of loss while still making money."""
    if json_out:
        state(ctx).json = True
    import pandas as pd

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
    if rows is None or rows.empty or (mode and not (rows["mode"] == mode).any()):
        raise BadInputError(i18n.render("risk.stress_none", "en", product=product_id, market=market.upper()))
    rows = rows.assign(_own=rows["mode"] == mode if mode else False)
    rows = rows.sort_values(["_own", "margin_pct"], ascending=[False, False]).reset_index(drop=True)
    spec = stress_spec(state(ctx).settings, draws, seed)
    summary, all_drivers = stress_test(rows, spec)  # every mode of the pair on the same draws
    drivers = all_drivers[all_drivers["row"] == 0]
    s = summary.iloc[0].to_dict()
    freight = all_drivers[all_drivers["driver"] == "freight"].set_index("row")["break_even"]
    others = pd.DataFrame({"mode": rows["mode"], "base_margin": summary["base_margin"],
                           "p_loss": summary["p_loss"], "p05": summary["p05"], "mean_margin": summary["mean_margin"],
                           "freight_break_even": freight.reindex(rows.index).to_numpy()}).iloc[1:]  # fmt: skip
    better = others[(others["base_margin"] > 0) & (others["p_loss"] < s["p_loss"])]
    data = {"landed_cost_run": run_id, "product_id": product_id, "market": market.upper(), "mode": rows["mode"].iloc[0],
            "currency": rows["currency"].iloc[0], "units": float(rows["units"].iloc[0]), "draws": draws, **s,
            "drivers": drivers.drop(columns="row"), "other_modes": others.reset_index(drop=True),
            "suggested_mode": str(better.sort_values("p_loss")["mode"].iloc[0]) if len(better) else None}  # fmt: skip

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
        if len(d["other_modes"]):
            t = Table(title=i18n.render("risk.stress_modes_title", "en"))
            for c in ("mode", "margin without shocks", "P(loss)", "5th percentile", "freight break-even"):
                t.add_column(c)
            for r in d["other_modes"].itertuples():
                t.add_row(str(r.mode), f"{r.base_margin:.1%}", f"{r.p_loss:.1%}", f"{r.p05:.1%}",
                          f"×{r.freight_break_even:.3g}")  # fmt: skip
            console.print(t)
            if d["suggested_mode"]:
                alt = d["other_modes"].set_index("mode").loc[d["suggested_mode"]]
                console.print(i18n.render("risk.stress_modes_better", "en", mode=d["mode"], other=d["suggested_mode"],
                                          p_own=d["p_loss"], p_other=float(alt["p_loss"])))  # fmt: skip
            else:
                console.print(i18n.render("risk.stress_modes_keep", "en", mode=d["mode"]))

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    app.command("stress")(stress)
