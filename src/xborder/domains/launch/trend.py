"""KPI trends: each KPI's value run after run, its change and whether it moves towards the seed's target."""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["kpi_trend", "TREND_COLUMNS"]

TREND_COLUMNS = ["kpi", "unit", "target", "direction", "baseline", "runs", "runs_known", "first_value",
                 "previous_value", "latest_value", "change", "towards_target", "meets", "latest_run_id",
                 "latest_run_at"]  # fmt: skip


def _num(v: object) -> float | None:
    if v is None:
        return None
    f = float(v)  # type: ignore[arg-type]
    return None if math.isnan(f) else f


def kpi_trend(cards: pd.DataFrame) -> pd.DataFrame:
    """Each KPI's course over the runs that scored it.

    Args:
        cards: ``kpi_scorecard`` rows of several runs with ``run_at`` (the run's start), oldest run first or not.

    Returns:
        One row per KPI (in the order first seen): runs (scorecards holding it), runs_known (with a value),
        first_value, previous_value and latest_value (over the runs with a value), change = latest − previous,
        towards_target (the change moves to the good side: up for at_least, down for at_most; None when
        there is no previous value or no change), meets (latest value on the good side), latest_run_id/_at.
    """
    if cards.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    rows = []
    ordered = cards.sort_values(["run_at", "run_id"], kind="stable")
    for kpi, g in ordered.groupby("kpi", sort=False):
        known = g[g["value"].notna()]
        vals = [float(v) for v in known["value"]]
        last = g.iloc[-1]
        latest = vals[-1] if vals else None
        prev = vals[-2] if len(vals) > 1 else None
        change = None if latest is None or prev is None else latest - prev
        towards = None
        if change is not None and change != 0:
            towards = change > 0 if last["direction"] == "at_least" else change < 0
        target = float(last["target"])
        meets = None
        if latest is not None:
            meets = latest >= target if last["direction"] == "at_least" else latest <= target
        rows.append({
            "kpi": kpi, "unit": last["unit"], "target": target, "direction": last["direction"],
            "baseline": _num(last["baseline"]), "runs": int(len(g)), "runs_known": len(vals),
            "first_value": vals[0] if vals else None, "previous_value": prev, "latest_value": latest,
            "change": change, "towards_target": towards, "meets": meets,
            "latest_run_id": (known if len(known) else g).iloc[-1]["run_id"],
            "latest_run_at": (known if len(known) else g).iloc[-1]["run_at"],
        })  # fmt: skip
    first_seen = {k: i for i, k in enumerate(dict.fromkeys(cards["kpi"]))}
    out = pd.DataFrame(rows, columns=TREND_COLUMNS)
    return out.sort_values("kpi", key=lambda s: s.map(first_seen)).reset_index(drop=True)
