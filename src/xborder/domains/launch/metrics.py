"""Success rate and forecast error (WAPE, bias, coverage) of judged launches, overall and by group."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["forecast_error", "launch_summary"]


def forecast_error(actual: pd.Series, forecast: pd.Series, lo: pd.Series, hi: pd.Series) -> dict[str, float]:
    """WAPE, bias and 80% coverage of point forecasts against actuals.

    Args:
        actual: Actual units.
        forecast: Point forecasts.
        lo: Lower 80% bounds.
        hi: Upper 80% bounds.

    Returns:
        wape = sum|f - a| / sum a; bias = sum(f - a) / sum a (positive: over-forecast); coverage_80 = share of
        actuals inside [lo, hi]; NaN where there is nothing to measure.
    """
    a = actual.to_numpy(dtype=float)
    f = forecast.to_numpy(dtype=float)
    total = a.sum()
    if len(a) == 0 or total <= 0:
        return {"wape": float("nan"), "bias": float("nan"), "coverage_80": float("nan")}
    inside = (a >= lo.to_numpy(dtype=float)) & (a <= hi.to_numpy(dtype=float))
    return {
        "wape": float(np.abs(f - a).sum() / total),
        "bias": float((f - a).sum() / total),
        "coverage_80": float(inside.mean()),
    }


def _row(g: pd.DataFrame) -> dict[str, float | int]:
    err = forecast_error(g["actual_units"], g["forecast"], g["lo_80"], g["hi_80"])
    picks = g[g["picked"]] if "picked" in g else g.iloc[0:0]
    return {
        "launches": len(g),
        "success_rate": float(g["success"].mean()) if len(g) else float("nan"),
        "beat_point_rate": float(g["beat_point"].mean()) if len(g) else float("nan"),
        "picks": len(picks),
        "picks_success_rate": float(picks["success"].mean()) if len(picks) else float("nan"),
        "actual_units": float(g["actual_units"].sum()),
        "forecast_units": float(g["forecast"].sum()),
        **err,
    }


def launch_summary(judged: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Success rate and forecast error over the judged (complete) launches, overall or per ``by`` value.

    Args:
        judged: Output of ``judge_launches`` (rows with ``complete`` False are left out).
        by: Column to group by (e.g. ``launch_month``, ``basis``, ``category``); None for one overall row.

    Returns:
        One row per group: launches, success_rate, beat_point_rate, picks, picks_success_rate, actual_units,
        forecast_units, wape, bias, coverage_80.
    """
    done = judged[judged["complete"]].copy()
    for col in ("success", "beat_point"):
        done[col] = done[col].astype(bool)
    if by is None:
        return pd.DataFrame([{"group": "all", **_row(done)}])
    rows = [{by: key, **_row(g)} for key, g in done.groupby(by, sort=True)]
    return pd.DataFrame(rows)
