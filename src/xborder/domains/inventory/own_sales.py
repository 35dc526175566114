"""Stock plans from a pair's own year of daily sales: the replay-validated policy, applied to the stage's pairs.

A product × market with a full year of sales history (its first sale at least ``window`` days before the
cutoff) is planned as the lost-sales replay validated it (benchmarks/inventory_sim.py; docs/inventory.md
"Replay with lost sales"): demand = the mean of the last 364 days, spread = the standard deviation of that year's
(lead time + review)-day sums, normal or gamma per volume class — through
:func:`xborder.domains.inventory.replay.history_reorder_points`, the same function the benchmark replays. Days
out of stock (``inventory_stockouts``, all locations) count as the mean of the days in stock. A pair without a
full year keeps the plan of its forecast (the bathmat replay: a product launched within its history year reads
as a slow seller on a year's mean).
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd

from xborder.domains.inventory.intermittent import empirical_reorder_points
from xborder.domains.inventory.plan import PlanSettings, capped_reorder_points, order_quantities
from xborder.domains.inventory.replay import (
    EMPIRICAL_BELOW,
    HistoryPlan,
    history_reorder_points,
    protection_shift,
)

__all__ = ["HISTORY_DAYS", "OWN_COLUMNS", "own_sales_plans"]

HISTORY_DAYS = 364
"""Days of daily sales a plan reads (the replay's window)."""

OWN_COLUMNS = (
    "own_daily_demand",
    "own_daily_sd",
    "own_protection_sd",
    "own_protection_days",
    "own_protection_demand",
    "own_reorder_point",
    "own_gamma",
    "own_empirical",
    "own_cycle_service",
    "own_baseline_cycle_service",
    "own_sale_size",
    "own_cap_service",
)
"""What :func:`own_sales_plans` gives per pair (``plan.PAIR_COLUMNS`` carries them into the plan)."""

_KEY = ["product_id", "market"]


def own_sales_plans(
    daily_sales: pd.DataFrame,
    first_sales: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    cutoff: dt.date | str,
    review_days: float,
    service_level: float,
    stockouts: pd.DataFrame | None = None,
    window: int = HISTORY_DAYS,
    baseline_safety_days: float = 15.0,
    settings: PlanSettings | None = None,
) -> pd.DataFrame:
    """Reorder points from own sales for the ``pairs`` that have a full year of them.

    Args:
        daily_sales: product_id, market, day, units (sold units per day, the window's days at least).
        first_sales: product_id, market, first_sale (the pair's first sold day ever).
        pairs: product_id, market, lead_time_days, lead_time_sd_days (the stage's lead times).
        cutoff: Last day of the window (included).
        review_days: Review period R (days).
        service_level: Target cycle service level.
        stockouts: product_id, market, first_day, last_day: periods without sellable stock (all locations).
        window: Days of history read.
        baseline_safety_days: The days-of-cover rule's safety days (its reorder point is read on the empirical
            distribution of slow pairs, so the rule's cycle service there is comparable).
        settings: With ``max_stock_months`` > 0, the cycle service of slow (empirical) pairs at the reorder point
            capped to that many months of stock (``own_cap_service``; Q from the pairs' unit_cost, order_cost,
            moq and case_pack as :func:`~xborder.domains.inventory.plan.plan_pairs` sets it).

    Returns:
        One row per planned pair: product_id, market and :data:`OWN_COLUMNS` (own_gamma 1.0 where the gamma
        quantile was taken, own_empirical 1.0 where the empirical one, with its cycle service and the rule's;
        own_sale_size the median units of a sale day in stock); pairs without a full year of history or without a
        sale in it are left out.
    """
    end = pd.Timestamp(cutoff).normalize()
    start = end - pd.Timedelta(days=window - 1)
    first = first_sales.assign(first_sale=pd.to_datetime(first_sales["first_sale"]))
    full = first[first["first_sale"] <= start][_KEY]
    order = [c for c in ("unit_cost", "order_cost", "moq", "case_pack") if c in pairs]
    cand = pairs[_KEY + ["lead_time_days", "lead_time_sd_days", *order]].merge(full, on=_KEY)
    cand = cand[cand["lead_time_days"].notna()]
    sold = daily_sales.assign(day=pd.to_datetime(daily_sales["day"]))
    sold = sold[(sold["day"] >= start) & (sold["day"] <= end)]
    cand = cand.merge(sold.groupby(_KEY, as_index=False)["units"].sum(), on=_KEY)
    cand = cand[cand["units"] > 0].drop(columns="units").reset_index(drop=True)
    if cand.empty:
        return pd.DataFrame(columns=[*_KEY, *OWN_COLUMNS])
    idx = pd.MultiIndex.from_frame(cand[_KEY])
    days = pd.date_range(start, end)
    grid = sold.pivot_table(index=_KEY, columns="day", values="units", aggfunc="sum")
    sales = grid.reindex(index=idx, columns=days).fillna(0.0).to_numpy(dtype=float)
    in_stock = np.ones_like(sales, dtype=bool)
    if stockouts is not None and len(stockouts):
        pos = {k: i for i, k in enumerate(idx)}
        for r in stockouts.itertuples(index=False):
            i = pos.get((r.product_id, r.market))
            if i is None:
                continue
            lo = max(0, (pd.Timestamp(str(r.first_day)) - start).days)
            hi = min(window, (pd.Timestamp(str(r.last_day)) - start).days + 1)
            if lo < hi:
                in_stock[i, lo:hi] = False
    # the protection variant chosen on M5's year before: the seasonal index and P = L + R/2 at a 7-day review (the
    # rule's reorder point keeps the full lead time: its safety days absorb the shift)
    seasonal, shift = protection_shift(review_days)
    h = history_reorder_points(
        sales, in_stock, lead_time_days=cand["lead_time_days"].to_numpy(dtype=float) - shift,
        lead_time_sd_days=np.nan_to_num(cand["lead_time_sd_days"].to_numpy(dtype=float)),
        review_days=review_days, service_level=service_level, window=window, empirical_below=EMPIRICAL_BELOW,
        baseline_safety_days=baseline_safety_days + shift, seasonal=seasonal,
    )  # fmt: skip
    with warnings.catch_warnings():  # a pair whose sales all fell on sold-out days has no sale size
        warnings.simplefilter("ignore", RuntimeWarning)
        size = np.nanmedian(np.where(in_stock & (sales > 0), sales, np.nan), axis=1)
    at_cap = np.full(len(cand), np.nan)
    if settings is not None and settings.max_stock_months > 0 and h.empirical.any():
        at_cap = _service_at_cap(cand, sales, in_stock, h, settings, window, shift)
    return cand[_KEY].assign(
        own_daily_demand=h.daily_demand, own_daily_sd=h.daily_sd, own_protection_sd=h.protection_sd,
        own_protection_days=h.protection_days, own_protection_demand=h.protection_demand,
        own_reorder_point=h.reorder_point, own_gamma=h.gamma.astype(float), own_empirical=h.empirical.astype(float),
        own_cycle_service=h.empirical_service, own_baseline_cycle_service=h.baseline_empirical_service,
        own_sale_size=size, own_cap_service=at_cap,
    )  # fmt: skip


def _service_at_cap(
    cand: pd.DataFrame,
    sales: np.ndarray,
    in_stock: np.ndarray,
    h: HistoryPlan,
    s: PlanSettings,
    window: int,
    shift: float = 0.0,
) -> np.ndarray:
    """Empirical cycle service of the slow pairs at the reorder point capped to ``s.max_stock_months`` of stock."""
    rate, mu_p, slow = h.daily_demand, h.protection_demand, h.empirical
    col = {c: pd.to_numeric(cand[c], errors="coerce").to_numpy(dtype=float) if c in cand else np.full(len(cand), np.nan)
           for c in ("unit_cost", "order_cost", "moq", "case_pack")}  # fmt: skip
    _, q, _ = order_quantities(
        rate, rate, col["unit_cost"], col["order_cost"], col["moq"], col["case_pack"], s
    )
    r_cap, _ = capped_reorder_points(rate, mu_p, q, s)
    todo = slow & (r_cap < h.reorder_point)
    out = np.full(len(cand), np.nan)
    lead = cand["lead_time_days"].to_numpy(dtype=float) - shift
    lead_sd = np.nan_to_num(cand["lead_time_sd_days"].to_numpy(dtype=float))
    groups = np.stack([lead, lead_sd], axis=1)
    for key in np.unique(groups[todo], axis=0):
        m = todo & (groups == key).all(axis=1)
        _, _, out[m] = empirical_reorder_points(
            sales[m], in_stock[m], lead_time_days=float(key[0]), lead_time_sd_days=float(key[1]),
            review_days=int(round(s.review_days)), service_level=s.service_level, window=window, at=r_cap[m],
        )  # fmt: skip
    return out
