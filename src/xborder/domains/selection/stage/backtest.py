"""Pipeline stage after selection: the walk-forward backtest of the selection score, stored per run.

The report's "backtested selection success rate" comes from here: at each of the last ``cutoffs``
months that still have 6 months of outcome, the top-``k`` picks of the xborder score (weights
calibrated on earlier cutoffs only), of best sellers, of momentum and of random draws are compared
by the share that grew faster than the median candidate (xborder.domains.selection.backtest).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
from pydantic import Field

from xborder.domains.selection.tables import SELECTION_BACKTEST
from xborder.warehouse.stage import Params, Stage, StageContext

__all__ = ["run_selection_backtest"]


def run_selection_backtest(
    con: Any,
    settings: Any,
    *,
    run_id: str,
    markets: list[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    cutoffs: int = 3,
    k: int = 20,
    min_units: float = 50,
) -> dict[str, Any]:
    """Backtest the selection score on the warehouse's order lines; rows go to ``selection_backtest``."""
    from xborder.domains.selection.backtest import run_backtest
    from xborder.domains.selection.stage.inputs import read_order_lines

    lines = read_order_lines(con)
    if markets:
        lines = lines[lines["country"].isin([m.upper() for m in markets])]
    if lines.empty:
        return {"status": "skipped", "reason": "no order lines to backtest on"}
    last = pd.Timestamp(lines["ordered_at"].max()).to_period("M")
    first = pd.Timestamp(lines["ordered_at"].min()).to_period("M")
    # The last complete outcome window ends the month before the data's (possibly partial) last month.
    latest = last - 7
    cuts = [latest - i for i in range(max(1, cutoffs) - 1, -1, -1)]
    cuts = [c for c in cuts if (c - first).n >= 6]
    if not cuts:
        return {
            "status": "skipped",
            "reason": f"too little history ({first}–{last}) for a 6+6-month backtest",
        }
    results = run_backtest(lines, [str(c) for c in cuts], ks=(k,), min_units=min_units, progress=progress)
    rows = [
        {
            "run_id": run_id,
            "cutoff": r.cutoff,
            "candidates": r.candidates,
            "weights": json.dumps(r.weights),
            **row,
        }
        for r in results
        for row in r.rows
    ]
    df = pd.DataFrame(rows)
    for col in ("success_lo95", "success_hi95"):
        if col not in df.columns:
            df[col] = None
    cols = [
        "run_id",
        "cutoff",
        "candidates",
        "k",
        "method",
        "success",
        "success_lo95",
        "success_hi95",
        "revenue_next",
        "weights",
    ]
    df = df[cols]
    con.execute("DELETE FROM selection_backtest WHERE run_id = ?", [run_id])
    con.register("_xb_backtest", df)
    try:
        con.execute(
            f"INSERT INTO selection_backtest ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _xb_backtest"
        )
    finally:
        con.unregister("_xb_backtest")
    mean = df.groupby("method")["success"].mean()
    return {
        "k": k,
        "cutoffs": [str(c) for c in cuts],
        "backtest_success_xborder": round(float(mean.get("xborder", float("nan"))), 4),
        "backtest_success_best_sellers": round(float(mean.get("best_sellers", float("nan"))), 4),
        "backtest_success_random": round(float(mean.get("random", float("nan"))), 4),
    }


class BacktestParams(Params):
    """Parameters of the selection backtest (see :func:`run_selection_backtest`)."""

    cutoffs: int = Field(3, ge=1, le=24)
    k: int = Field(20, ge=1, le=1000)
    min_units: float = Field(50, ge=0)


def _run(ctx: StageContext, p: BacktestParams) -> dict[str, Any]:
    return run_selection_backtest(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets,
                                  progress=ctx.progress, **p.model_dump())  # fmt: skip


STAGE = Stage(
    "backtest", _run, BacktestParams, writes=(SELECTION_BACKTEST,), weight=0.05, quick={"cutoffs": 3, "k": 20},
    web=("cutoffs", "k"), title="Selection backtest",
)  # fmt: skip
