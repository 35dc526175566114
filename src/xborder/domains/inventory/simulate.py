"""Replay real daily demand through a stock policy with **lost sales** (vectorised over SKUs, one step per day).

Each day: orders due arrive; sales = min(stock, demand) and the rest is lost (an Amazon shopper who finds no stock
buys elsewhere, nothing is backordered); every ``review_days`` the policy sees the sales history so far and
orders whole multiples of Q when stock on hand + on order is at or below r. Lead times are drawn per order from
a fixed stream per SKU, so two policies replayed with the same seed meet the same lead times (common random
numbers). A replenishment cycle runs from one arrival to the next; the cycle service level is the share of
completed cycles without a lost sale, the fill rate the share of demand sold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["Policy", "SimResult", "simulate_lost_sales", "trailing_estimate"]

Policy = Callable[[int, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
"""policy(day, sales so far (S × days), in-stock flags so far) → (reorder points, order quantities), per SKU."""


@dataclass(frozen=True)
class SimResult:
    """Per-SKU outcomes of one replay."""

    demand: np.ndarray
    sold: np.ndarray
    cycles: np.ndarray
    stockout_cycles: np.ndarray
    average_stock: np.ndarray
    orders: np.ndarray

    @property
    def fill_rate(self) -> float:
        """Units sold / units demanded, pooled over SKUs."""
        return float(self.sold.sum() / self.demand.sum()) if self.demand.sum() else float("nan")

    @property
    def cycle_service(self) -> float:
        """Completed replenishment cycles without a lost sale / completed cycles, pooled over SKUs."""
        n = self.cycles.sum()
        return float(1.0 - self.stockout_cycles.sum() / n) if n else float("nan")


def trailing_estimate(sales: np.ndarray, in_stock: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of daily demand over the last ``window`` days, counting only days that ended in stock (a day
    that sold out shows sales capped by stock, not demand; the stock-out exclusion of docs/inventory.md)."""
    s, ok = sales[:, -window:], in_stock[:, -window:]
    n = ok.sum(axis=1)
    mean = np.divide((s * ok).sum(axis=1), n, out=np.zeros(len(s)), where=n > 0)
    var = np.divide((((s - mean[:, None]) ** 2) * ok).sum(axis=1), n - 1, out=np.zeros(len(s)), where=n > 1)
    return mean, np.sqrt(var)


def simulate_lost_sales(
    demand: np.ndarray,
    history: np.ndarray,
    policy: Policy,
    *,
    lead_time_days: float,
    lead_time_sd_days: float,
    review_days: int,
    initial_stock: np.ndarray,
    seed: int = 0,
) -> SimResult:
    """Replay ``demand`` (S SKUs × T days) after ``history`` (S × H days of sales, all in stock).

    Args:
        demand: Daily demand to replay.
        history: Daily sales before the replay (what the policy knows on day 0).
        policy: See :data:`Policy`.
        lead_time_days, lead_time_sd_days: Lead times are max(1, round(N(mean, sd))) days.
        review_days: Days between reviews (day 0 is a review).
        initial_stock: Units on hand on day 0.
        seed: Seed of the lead-time stream.
    """
    s_n, t_n = demand.shape
    max_orders = t_n // max(1, review_days) + 2
    draws = np.maximum(
        1, np.round(np.random.default_rng(seed).normal(lead_time_days, lead_time_sd_days, (s_n, max_orders)))
    )
    horizon = t_n + int(draws.max()) + 1
    arrivals = np.zeros((s_n, horizon))
    on_hand = np.asarray(initial_stock, dtype=float).copy()
    on_order = np.zeros(s_n)
    n_orders = np.zeros(s_n, dtype=int)
    seen = np.zeros(s_n, dtype=bool)  # an order has arrived: a cycle is running
    flag = np.zeros(s_n, dtype=bool)
    cycles = np.zeros(s_n)
    bad = np.zeros(s_n)
    sold_total = np.zeros(s_n)
    stock_sum = np.zeros(s_n)
    sales_hist = np.hstack([history, np.zeros((s_n, t_n))])
    ok_hist = np.hstack([np.ones_like(history, dtype=bool), np.zeros((s_n, t_n), dtype=bool)])
    h = history.shape[1]
    rows = np.arange(s_n)
    for t in range(t_n):
        got = arrivals[:, t] > 0
        on_hand += arrivals[:, t]
        on_order -= arrivals[:, t]
        done = got & seen
        cycles += done
        bad += done & flag
        flag[got] = False
        seen |= got
        d = demand[:, t]
        sold = np.minimum(on_hand, d)
        flag |= d > sold
        on_hand -= sold
        sold_total += sold
        sales_hist[:, h + t] = sold
        ok_hist[:, h + t] = on_hand > 0
        stock_sum += on_hand
        if t % review_days == 0:
            r, q = policy(t, sales_hist[:, : h + t + 1], ok_hist[:, : h + t + 1])
            position = on_hand + on_order
            need = (position <= r) & (q > 0)
            n = np.where(need, np.floor(np.divide(r - position, q, out=np.zeros(s_n), where=q > 0)) + 1, 0)
            qty = n * q
            lt = draws[rows, np.minimum(n_orders, max_orders - 1)].astype(int)
            np.add.at(arrivals, (rows[need], t + lt[need]), qty[need])
            on_order += qty
            n_orders += need
    return SimResult(demand=demand.sum(axis=1), sold=sold_total, cycles=cycles, stockout_cycles=bad,
                     average_stock=stock_sum / t_n, orders=n_orders)  # fmt: skip
