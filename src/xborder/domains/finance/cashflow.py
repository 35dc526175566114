"""Marketplace payouts over the next 13 weeks, and the replay that measures the projection on settlement history.

From the account's money movements: a week's **net flow** is the sum of every movement that is not a transfer to
the bank (orders, refunds, fees, storage, advertising, reimbursements ...), its **payout** the transfers to the
bank (signs as in the reports: transfers are negative there, positive here). Standing at week ``t``, the payouts
of weeks ``t+1 .. t+13`` are projected as 13 x the mean net flow of the last ``window`` weeks (26 by default):
the marketplace pays out what the account earns, on its schedule, so over a quarter the two agree.

The **replay** stands at every past week with ``window`` weeks behind it and 13 ahead, projects, and compares
with the payouts that happened: accuracy = 1 - |projected - actual| / actual of the 13-week total, and the
mean over origins (1 - MAPE).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["weekly_flows", "project_payouts", "replay"]


def weekly_flows(movements: pd.DataFrame) -> pd.DataFrame:
    """Weeks (Monday) with ``net`` (non-transfer movements) and ``payout`` (transfers to the bank, positive).

    Args:
        movements: ``money_movements`` rows (posted_at, category, total). Weeks without movements are zeros.
    """
    m = movements.dropna(subset=["posted_at", "total"])
    if m.empty:
        return pd.DataFrame(columns=["week", "net", "payout"])
    week = pd.to_datetime(m["posted_at"]).dt.to_period("W-SUN").dt.start_time
    transfer = m["category"] == "transfer"
    net = m.loc[~transfer, "total"].groupby(week[~transfer]).sum()
    pay = -m.loc[transfer, "total"].groupby(week[transfer]).sum()
    weeks = pd.date_range(week.min(), week.max(), freq="W-MON")
    return pd.DataFrame(
        {"week": weeks, "net": net.reindex(weeks, fill_value=0.0).to_numpy(),
         "payout": pay.reindex(weeks, fill_value=0.0).to_numpy()}
    )  # fmt: skip


def project_payouts(weekly: pd.DataFrame, origin: int, *, horizon: int = 13, window: int = 26) -> float:
    """Projected payouts of the ``horizon`` weeks after week index ``origin`` (NaN without ``window`` weeks)."""
    if origin + 1 < window:
        return float("nan")
    return float(horizon * weekly["net"].iloc[origin - window + 1 : origin + 1].mean())


def replay(weekly: pd.DataFrame, *, horizon: int = 13, window: int = 26) -> tuple[pd.DataFrame, dict]:
    """Project from every week that has ``window`` weeks behind and ``horizon`` ahead; compare with the payouts.

    Returns:
        (one row per origin: week, projected, actual, accuracy; summary: origins, mean_accuracy,
        median_accuracy, window, horizon).
    """
    rows = []
    for t in range(window - 1, len(weekly) - horizon):
        actual = float(weekly["payout"].iloc[t + 1 : t + 1 + horizon].sum())
        proj = project_payouts(weekly, t, horizon=horizon, window=window)
        acc = 1.0 - abs(proj - actual) / actual if actual > 0 else float("nan")
        rows.append({"week": weekly["week"].iloc[t], "projected": proj, "actual": actual, "accuracy": acc})
    out = pd.DataFrame(rows, columns=["week", "projected", "actual", "accuracy"])
    scores = out["accuracy"].dropna()
    summary = {
        "origins": int(len(scores)),
        "mean_accuracy": float(scores.mean()) if len(scores) else float("nan"),
        "median_accuracy": float(np.median(scores)) if len(scores) else float("nan"),
        "window": window,
        "horizon": horizon,
    }
    return out, summary
