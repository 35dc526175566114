"""Marketplace payouts over the next 13 weeks on the account's settlement cycle, and the replay that measures them.

From the account's money movements: a week's **net flow** is the sum of every movement that is not a transfer to
the bank (orders, refunds, fees, storage, advertising, reimbursements ...), its **payout** the transfers to the
bank (signs as in the reports: transfers are negative there, positive here).

Standing at week ``t``, the marketplace pays what the account earns, but only on its **settlement cycle**: the
cycle is the median gap between the transfers of the last ``window`` weeks (14 days on Amazon's standard
cycle), anchored on the last transfer. A 13-week horizon then holds 6 or 7 payout days; each pays one cycle of
earnings, so the projection is ``payout days x cycle days x mean daily net flow`` of the last ``window`` weeks
(26 by default). Without at least two transfers in the window the cycle is unknown and the projection is
``horizon x mean weekly net flow`` (every day paid).

**Weeks without sales are left out of the mean.** A week whose order totals are below ``LOW_SALES_SHARE`` (25%)
of the window's median week (a stock-out, or the weeks before the account sold at all) says nothing about what
the account earns when it has stock; the inventory plan, not the payout history, says when stock runs out. The
share was chosen on the earlier half of the bathmat seller's replay and checked on the later half
(docs/finance.md).

The **replay** stands at every past week with ``window`` weeks behind it and ``horizon`` ahead, projects, and
compares with the payouts that happened: accuracy = 1 - |projected - actual| / actual of the horizon's total,
and the mean over origins (1 - MAPE). The origins are split in time: the earlier half is where settings such as
the window are chosen (``tune``), the later half checks them (``validate``). With ``rate="future"`` the
projection is given the horizon's *actual* mean net flow instead of the window's: what the payout timing alone
would score if the account's earnings were known (a diagnostic, not a forecast).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "LOW_SALES_SHARE",
    "weekly_flows",
    "settlement_cycle",
    "payout_days",
    "mean_weekly_net",
    "project_payouts",
    "replay",
]

LOW_SALES_SHARE = 0.25
"""Weeks whose order totals are below this share of the window's median week are left out of the mean net flow."""


def weekly_flows(movements: pd.DataFrame) -> pd.DataFrame:
    """Weeks (Monday) with ``net`` (non-transfer movements), ``payout`` (transfers, positive), ``last_transfer``.

    Args:
        movements: ``money_movements`` rows (posted_at, category, total). Weeks without movements are zeros.

    Returns:
        One row per week: ``week``, ``net``, ``payout``, ``last_transfer`` (the day of the week's last
        transfer to the bank, NaT when none) and ``orders`` (the week's order totals).
    """
    m = movements.dropna(subset=["posted_at", "total"])
    if m.empty:
        return pd.DataFrame(columns=["week", "net", "payout", "last_transfer", "orders"])
    posted = pd.to_datetime(m["posted_at"])
    week = posted.dt.to_period("W-SUN").dt.start_time
    transfer = m["category"] == "transfer"
    net = m.loc[~transfer, "total"].groupby(week[~transfer]).sum()
    pay = -m.loc[transfer, "total"].groupby(week[transfer]).sum()
    last = posted[transfer].dt.normalize().groupby(week[transfer]).max()
    order = m["category"] == "order"
    orders = m.loc[order, "total"].groupby(week[order]).sum()
    weeks = pd.date_range(week.min(), week.max(), freq="W-MON")
    return pd.DataFrame(
        {"week": weeks, "net": net.reindex(weeks, fill_value=0.0).to_numpy(),
         "payout": pay.reindex(weeks, fill_value=0.0).to_numpy(),
         "last_transfer": last.reindex(weeks).to_numpy(),
         "orders": orders.reindex(weeks, fill_value=0.0).to_numpy()}
    )  # fmt: skip


def settlement_cycle(transfer_days: pd.Series) -> tuple[int, pd.Timestamp] | None:
    """The settlement cycle in days (median gap between transfer days) and its anchor (the last transfer day).

    Returns:
        ``(cycle_days, last_transfer_day)``, or None with fewer than two transfer days.
    """
    days = pd.to_datetime(pd.Series(transfer_days)).dropna().dt.normalize().drop_duplicates().sort_values()
    if len(days) < 2:
        return None
    gap = int(round(float(np.median(np.diff(days.to_numpy()).astype("timedelta64[D]").astype(float)))))
    return max(gap, 1), pd.Timestamp(days.iloc[-1])


def payout_days(
    cycle: tuple[int, pd.Timestamp], start: pd.Timestamp, end: pd.Timestamp
) -> list[pd.Timestamp]:
    """Payout days ``anchor + k x cycle`` from ``start`` (included) to ``end`` (excluded)."""
    gap, anchor = cycle
    step = pd.Timedelta(days=gap)
    k = max(1, int(np.ceil((pd.Timestamp(start) - anchor) / step)))
    out, day = [], anchor + k * step
    while day < end:
        out.append(day)
        day += step
    return out


def mean_weekly_net(hist: pd.DataFrame, low_sales_share: float = LOW_SALES_SHARE) -> float:
    """Mean weekly net flow of ``hist``, leaving out weeks whose orders are below ``low_sales_share`` x the median week.

    Without an ``orders`` column, with ``low_sales_share`` 0, or when every week would go, the plain mean.
    """
    if "orders" not in hist or low_sales_share <= 0 or hist.empty:
        return float(hist["net"].mean())
    keep = hist["orders"] >= low_sales_share * float(hist["orders"].median())
    return float(hist.loc[keep, "net"].mean()) if keep.any() else float(hist["net"].mean())


def project_payouts(
    weekly: pd.DataFrame,
    origin: int,
    *,
    horizon: int = 13,
    window: int = 26,
    rate: str = "history",
    low_sales_share: float = LOW_SALES_SHARE,
) -> float:
    """Projected payouts of the ``horizon`` weeks after week index ``origin`` (NaN without ``window`` weeks).

    On the settlement cycle of the window's transfers (module docstring); ``horizon x`` the mean weekly net
    flow when the window has fewer than two transfers or ``weekly`` carries no ``last_transfer``. ``rate``:
    ``history`` (the window's mean net flow without its low-sales weeks, :func:`mean_weekly_net`) or
    ``future`` (the horizon's actual mean net flow, a diagnostic).
    """
    if origin + 1 < window:
        return float("nan")
    hist = weekly.iloc[origin - window + 1 : origin + 1]
    if rate == "future":
        mean_week = float(weekly["net"].iloc[origin + 1 : origin + 1 + horizon].mean())
    elif rate == "history":
        mean_week = mean_weekly_net(hist, low_sales_share)
    else:
        raise ValueError(f"rate must be 'history' or 'future', not {rate!r}")
    cycle = settlement_cycle(hist["last_transfer"]) if "last_transfer" in hist else None
    if cycle is None:
        return horizon * mean_week
    start = pd.Timestamp(weekly["week"].iloc[origin]) + pd.Timedelta(days=7)
    days = payout_days(cycle, start, start + pd.Timedelta(days=7 * horizon))
    return len(days) * cycle[0] * mean_week / 7.0


def _mean(scores: pd.Series) -> float:
    return float(scores.mean()) if len(scores) else float("nan")


def replay(
    weekly: pd.DataFrame,
    *,
    horizon: int = 13,
    window: int = 26,
    rate: str = "history",
    low_sales_share: float = LOW_SALES_SHARE,
) -> tuple[pd.DataFrame, dict]:
    """Project from every week that has ``window`` weeks behind and ``horizon`` ahead; compare with the payouts.

    Returns:
        (one row per origin: week, projected, actual, accuracy; summary: origins, mean_accuracy,
        median_accuracy, window, horizon, rate, and the time split: split_week (first origin of the later
        half), tune_origins / tune_accuracy (earlier half), validate_origins / validate_accuracy (later half)).
    """
    rows = []
    for t in range(window - 1, len(weekly) - horizon):
        actual = float(weekly["payout"].iloc[t + 1 : t + 1 + horizon].sum())
        proj = project_payouts(
            weekly, t, horizon=horizon, window=window, rate=rate, low_sales_share=low_sales_share
        )
        acc = 1.0 - abs(proj - actual) / actual if actual > 0 else float("nan")
        rows.append({"week": weekly["week"].iloc[t], "projected": proj, "actual": actual, "accuracy": acc})
    out = pd.DataFrame(rows, columns=["week", "projected", "actual", "accuracy"])
    scores = out["accuracy"].dropna()
    half = len(scores) // 2
    tune, validate = scores.iloc[:half], scores.iloc[half:]
    summary = {
        "origins": int(len(scores)),
        "mean_accuracy": _mean(scores),
        "median_accuracy": float(np.median(scores)) if len(scores) else float("nan"),
        "window": window,
        "horizon": horizon,
        "rate": rate,
        "low_sales_share": low_sales_share,
        "split_week": pd.Timestamp(out.loc[validate.index[0], "week"]).date() if len(validate) else None,
        "tune_origins": int(len(tune)),
        "tune_accuracy": _mean(tune),
        "validate_origins": int(len(validate)),
        "validate_accuracy": _mean(validate),
    }
    return out, summary
