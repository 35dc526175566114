"""The seasonal index of the own-sales plans: the coming days' share of a year, read a year ago on established SKUs."""

from __future__ import annotations

import numpy as np

__all__ = ["LAUNCH_DAYS", "established", "seasonal_index"]

LAUNCH_DAYS = 91
"""Days after a SKU's first sale during which its sales are a launch (a ramp or an opening burst), not a season:
a SKU is read for the index only once its first sale is this long before the window (:func:`established`)."""


def established(
    sales: np.ndarray, window: int, launch_days: int = LAUNCH_DAYS, data_start_days: int | None = None
) -> np.ndarray:
    """True per SKU that was selling a full year before the protection period ahead, past its launch.

    The window is the last ``window`` columns of ``sales``; its first days are the same days a year ago. A SKU
    qualifies when its first sale in ``sales`` is at least ``launch_days`` before the window begins, or, where the
    data do not reach back that far, in the data's first ``data_start_days`` days (selling when the data begin:
    its launch is not seen; by default half the window, the ninth session's "a sale in the window's first half" —
    a sporadic wholesale code may not sell for weeks, so a shorter span reads it as a launch: with 28 days the UCI
    replay lost 9 points of its stock saving, docs/benchmarks.md). A SKU launched inside the window's data, or less
    than ``launch_days`` before it, does not.

    Args:
        sales: Daily sales, SKUs × days (all the history there is; the window is the last ``window`` columns).
        window: Days the index reads.
        launch_days: Days after the first sale that are a launch.
        data_start_days: Days at the start of the data a first sale there counts as "already selling" (None:
            ``window // 2``).
    """
    span = window // 2 if data_start_days is None else data_start_days
    s = np.asarray(sales) > 0
    start = s.shape[1] - window
    first = np.where(s.any(axis=1), np.argmax(s, axis=1), s.shape[1])
    return (first <= start - launch_days) | (first < span)


def seasonal_index(
    sales: np.ndarray,
    window: int,
    protect_days: int,
    clip: tuple[float, float] = (0.5, 2.0),
    launch_days: int | None = LAUNCH_DAYS,
) -> float:
    """The coming ``protect_days`` days' share of a year, read on the same days a year ago, pooled over the SKUs.

    The window's first ``protect_days`` days are the same weekdays of last year as the protection period ahead
    (364 = 52 weeks). Pooled over the SKUs that were selling when the window began — a seller's season, not one
    SKU's lumps: their units sold then over their window's units × P / window, clipped to ``clip``; 1 when none
    qualifies or the window is shorter. Which SKUs qualify: with ``launch_days`` the :func:`established` ones (a
    launch's ramp or opening burst a year ago is not a season; tenth session), with None the ninth session's
    rule, a sale in the window's first half (a launch late in the window does not count, one early in it does).

    Args:
        sales: Daily sales, SKUs × days (the last ``window`` columns are read; earlier ones tell a launch).
        window: Days of history (364: a year of whole weeks).
        protect_days: Length P of the protection period (days).
        clip: Lowest and highest index.
        launch_days: See :func:`established`; None for the ninth session's rule.

    Returns:
        The index (1 = an average stretch of the year).
    """
    full = np.asarray(sales, dtype=float)
    s = full[:, -window:]
    if s.shape[1] < window or protect_days >= window:
        return 1.0
    if launch_days is None:
        s = s[(s[:, : window // 2] > 0).any(axis=1)]
    else:
        s = s[established(full, window, launch_days)]
    total = float(s.sum())
    if total <= 0:
        return 1.0
    ahead = float(s[:, :protect_days].sum())
    return float(np.clip(ahead / (total * protect_days / window), *clip))
