"""Stock-out impact of a disruption day by day: each pair's stock on hand and at sea from the day a lane is
disrupted, under its stock plan (reorder point r, order quantity Q, review period), with and without the delay.

`stockout.py` prices a delay per replenishment cycle; this projects the days: the plan is run at expected demand
until it is in its steady cycle (on hand, orders at sea), then on day 0 every order still at sea and every order
placed later arrives ``delay_days`` late (a closed chokepoint re-routes ships already under way). Demand that finds
no stock is lost (Amazon). The base path never runs out at expected demand when r covers the lead time; the
delayed one runs out when the delay outlasts the safety stock and the stock at sea cannot arrive in time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["StockPaths", "project_stock_at_sea", "stock_at_sea_summary"]


@dataclass(frozen=True)
class StockPaths:
    """Per pair (rows) and day (columns, day 0 = the disruption starts): expected units."""

    on_hand: np.ndarray
    at_sea: np.ndarray
    lost: np.ndarray


def project_stock_at_sea(
    *,
    daily_demand: np.ndarray,
    reorder_point: np.ndarray,
    order_quantity: np.ndarray,
    lead_time_days: np.ndarray,
    review_days: int,
    delay_days: np.ndarray,
    horizon_days: int = 182,
) -> StockPaths:
    """Project stock on hand and at sea day by day at expected demand (vectorised over pairs).

    Args:
        daily_demand: Expected units a day.
        reorder_point: r: at a review, when on hand + at sea ≤ r, whole multiples of Q are ordered to lift it
            above r.
        order_quantity: Q.
        lead_time_days: Order → available days before the disruption.
        review_days: Days between reviews.
        delay_days: Extra days for every order at sea on day 0 and every later order (0: the base path).
        horizon_days: Days projected from day 0.

    Returns:
        :class:`StockPaths` of shape pairs × horizon_days.
    """
    d = np.asarray(daily_demand, dtype=float)
    r, q = np.asarray(reorder_point, dtype=float), np.asarray(order_quantity, dtype=float)
    lt = np.maximum(np.round(np.asarray(lead_time_days, dtype=float)), 1).astype(int)
    delay = np.maximum(np.round(np.asarray(delay_days, dtype=float)), 0).astype(int) * np.ones(
        len(d), dtype=int
    )
    n = len(d)
    cycle = np.divide(q, d, out=np.zeros(n), where=d > 0)
    # each pair's own warm-up (a multiple of the review period, so day 0 is a review day), started so that every
    # pair reaches day 0 together: a pair's path does not depend on the others
    warm = (lt + 2 * np.ceil(cycle).astype(int) + review_days) // review_days * review_days + review_days
    start_at = int(warm.max(initial=0))
    begin = start_at - warm
    total = start_at + horizon_days
    arrivals = np.zeros((n, total + int(lt.max(initial=1)) + int(delay.max(initial=0)) + 1))
    on_hand = r + q  # a fresh start: one order's worth above r, nothing at sea
    at_sea = np.zeros(n)
    rows = np.arange(n)
    out_hand, out_sea, out_lost = (np.zeros((n, horizon_days)) for _ in range(3))
    for t in range(total):
        if t == start_at:  # the disruption: everything at sea arrives `delay` days later
            shifted = np.zeros_like(arrivals)
            for i in np.flatnonzero(delay):
                shifted[i, t + delay[i] :] = arrivals[i, t : arrivals.shape[1] - delay[i]]
            arrivals = np.where(delay[:, None] > 0, shifted, arrivals)
        active = t >= begin
        on_hand += arrivals[:, t]
        at_sea -= arrivals[:, t]
        sold = np.minimum(on_hand, d * active)
        lost = d * active - sold
        on_hand -= sold
        review = active & ((t - begin) % review_days == 0)
        position = on_hand + at_sea
        need = review & (position <= r) & (q > 0)
        k = np.where(need, np.floor(np.divide(r - position, q, out=np.zeros(n), where=q > 0)) + 1, 0)
        due = t + lt + (delay if t >= start_at else 0)
        np.add.at(arrivals, (rows[need], due[need]), (k * q)[need])
        at_sea += k * q
        if t >= start_at:
            out_hand[:, t - start_at], out_sea[:, t - start_at], out_lost[:, t - start_at] = (
                on_hand,
                at_sea,
                lost,
            )
    return StockPaths(on_hand=out_hand, at_sea=out_sea, lost=out_lost)


def stock_at_sea_summary(base: StockPaths, delayed: StockPaths, daily_demand: np.ndarray) -> pd.DataFrame:
    """Per pair: first day out of stock, days out of stock, units lost and the lowest stock on hand in days of
    demand over the horizon, base and delayed, and the stock at sea on day 0 (what the delay holds back)."""
    d = np.asarray(daily_demand, dtype=float)

    def first_out(p: StockPaths) -> np.ndarray:
        out = p.lost > 1e-9
        return np.where(out.any(axis=1), out.argmax(axis=1).astype(float), np.nan)

    return pd.DataFrame(
        {
            "at_sea_day0": base.at_sea[:, 0],
            "first_stockout_day_base": first_out(base),
            "first_stockout_day_new": first_out(delayed),
            "stockout_days_base": np.divide(base.lost.sum(axis=1), d, out=np.zeros(len(d)), where=d > 0),
            "stockout_days_new": np.divide(delayed.lost.sum(axis=1), d, out=np.zeros(len(d)), where=d > 0),
            "units_lost_base": base.lost.sum(axis=1),
            "units_lost_new": delayed.lost.sum(axis=1),
            "min_cover_days_base": np.divide(base.on_hand.min(axis=1), d, out=np.zeros(len(d)), where=d > 0),
            "min_cover_days_new": np.divide(
                delayed.on_hand.min(axis=1), d, out=np.zeros(len(d)), where=d > 0
            ),
        }
    )
