"""Stock plans from a SKU's own daily sales for the lost-sales replay, and the per-class choice made on a backtest.

A plan here sees only what a seller's ERP sees: daily sales so far and which days ended in stock. Its demand
quantity is the mean daily demand over a window of days that ended in stock; its spread is either built from
independent days (√P·s, the textbook) or **measured**: the standard deviation of the window's P-day sums, P the
protection period (lead time + review), which keeps the clustering of real demand (a wholesale order, a promotion
week) that independent days average away. The error of the estimated mean (it persists over all P days) and the
lead time's spread are added. The reorder point is the normal or the gamma quantile of that mean and spread; :func:`choose_by_class`
picks one per volume class from a replayed backtest year (benchmarks/inventory_sim.py; docs/inventory.md).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy.stats import norm

from xborder.domains.inventory.intermittent import empirical_reorder_points
from xborder.domains.inventory.plan import PlanSettings, capped_reorder_points
from xborder.domains.inventory.policy import reorder_point
from xborder.domains.inventory.season import seasonal_index
from xborder.domains.inventory.simulate import Policy, SimResult

__all__ = [
    "EMPIRICAL_BELOW",
    "M5_CLASS_CHOICE",
    "M5_PROTECTION_CHOICE",
    "VOLUME_EDGES",
    "HistoryPlan",
    "choose_by_class",
    "gamma_by_class",
    "history_policy",
    "history_reorder_points",
    "protection_shift",
    "protection_spread",
    "seasonal_index",
    "volume_classes",
]

VOLUME_EDGES: tuple[float, ...] = (25.0, 50.0, 100.0, 200.0, 400.0)
"""Class edges in units of expected demand over the protection period (class 0 below 25, class 5 from 400)."""

M5_CLASS_CHOICE: Mapping[int, str] = {0: "gamma", 1: "gamma", 2: "gamma", 3: "gamma", 4: "normal"}
"""Normal or gamma per volume class as :func:`choose_by_class` chose it on M5's backtest year (2014-05-23 →
2015-05-22; the same at a 1- and a 7-day review; benchmarks/inventory_sim.py re-makes the choice and records
whether it still agrees). Classes not listed (≥ 400 units over the protection period) take the normal."""


M5_PROTECTION_CHOICE: Mapping[int, tuple[bool, bool]] = {1: (False, False), 7: (True, True)}
"""Review days → (seasonal index, P = L + R/2) as chosen on M5's backtest year among the per-class plan, with the
seasonal index (:func:`seasonal_index`), with P = L + R/2 and both (the variant reaching 95 % − 2 points with the
least stock; benchmarks/inventory_sim.py re-makes the choice): at a daily review the plain plan (93.3 %, the
seasonal one 93.7 % with 2.1 % more stock); at the 7-day review both (93.0 % with 3.6 % less stock than the plain
plan's 93.7 %). Other review periods take the 7-day choice; ninth session, docs/inventory.md "Measured"."""


def protection_shift(review_days: float) -> tuple[bool, float]:
    """(seasonal index on, days taken off the lead time) of the plan at ``review_days``
    (:data:`M5_PROTECTION_CHOICE`): with P = L + R/2 the protection period is shortened by R/2."""
    seasonal, half = M5_PROTECTION_CHOICE.get(int(round(review_days)), M5_PROTECTION_CHOICE[7])
    return seasonal, (review_days / 2 if half and review_days > 1 else 0.0)


EMPIRICAL_BELOW = 25.0
"""Pairs expecting fewer units than this over the protection period (the slowest volume class) take the empirical
reorder point (domains/inventory/intermittent.py): chosen on held-out replays of the demo's own pairs
(benchmarks/inventory_stage_replay.py; docs/inventory.md "Slow pairs")."""


@dataclass(frozen=True)
class HistoryPlan:
    """Per SKU: what :func:`history_reorder_points` read from its own sales and the reorder point it sets.

    Attributes:
        daily_demand: Mean daily demand over the window (days in stock).
        daily_sd: Standard deviation of one day's demand.
        protection_days: Lead time + review period P (days, rounded to whole days for the sums).
        protection_demand: daily_demand × P (× the seasonal index with ``seasonal``).
        protection_sd: Spread of demand over P with the error of the mean and the lead time's spread.
        reorder_point: Whole units: the normal or gamma quantile at the service level.
        gamma: True where the gamma quantile was taken.
        days_counted: Days of the window the figures rest on.
        empirical: True where the reorder point is the empirical one (slow pairs, ``empirical_below``).
        empirical_service: Its cycle service under the empirical model (NaN elsewhere or without
            ``baseline_safety_days``).
        baseline_empirical_service: The days-of-cover rule's there, on the same model.
    """

    daily_demand: np.ndarray
    daily_sd: np.ndarray
    protection_days: np.ndarray
    protection_demand: np.ndarray
    protection_sd: np.ndarray
    reorder_point: np.ndarray
    gamma: np.ndarray
    days_counted: np.ndarray
    empirical: np.ndarray
    empirical_service: np.ndarray
    baseline_empirical_service: np.ndarray


def gamma_by_class(
    mean_daily: np.ndarray, protect_days: np.ndarray | float, choice: Mapping[int, str] = M5_CLASS_CHOICE
) -> np.ndarray:
    """True per SKU whose volume class (:func:`volume_classes`) takes the gamma quantile in ``choice``."""
    classes = volume_classes(mean_daily, protect_days)
    return np.array([choice.get(int(c), "normal") == "gamma" for c in classes], dtype=bool)


def protection_spread(
    sales: np.ndarray, in_stock: np.ndarray, window: int, protect_days: int, *, from_first_sale: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean daily demand, sd of daily demand and sd of ``protect_days``-day sums over the last ``window`` days.

    With ``from_first_sale`` a series starts at its first sale in the window (a launch is not a run of
    zero-demand days); by default every day counts (on the M5 and UCI replays, reading a seasonal product from
    its first sale overstocks it: docs/benchmarks.md). A day that did not end in stock shows sales capped by
    stock, not demand: it counts as the mean of the days that did (so it neither adds nor removes spread).

    Args:
        sales: Daily sales, SKUs × days (the last ``window`` columns are read).
        in_stock: Same shape, True where the day ended with stock on hand.
        window: Days of history to read.
        protect_days: Length P of the sums (lead time + review period, days).
        from_first_sale: Count the window from the SKU's first sale in it.

    Returns:
        (mean per day, sd per day, sd of P-day sums, demand days counted) per SKU; the sums' sd is NaN where the
        series has fewer than 2P days in the window (too few sums to measure a spread on).
    """
    s = np.ascontiguousarray(sales[:, -window:], dtype=float)
    ok = np.ascontiguousarray(in_stock[:, -window:], dtype=bool)
    width = s.shape[1]
    first = np.zeros(len(s), dtype=int)
    if from_first_sale:
        first = np.where((s > 0).any(axis=1), np.argmax(s > 0, axis=1), width)
        ok = ok & (np.arange(width)[None, :] >= first[:, None])
    n = ok.sum(axis=1)
    mean = np.divide(np.where(ok, s, 0.0).sum(axis=1), n, out=np.zeros(len(s)), where=n > 0)
    x = np.where(ok, s, mean[:, None])
    day_sd = np.sqrt(np.divide(x.var(axis=1) * width, n - 1, out=np.zeros(len(s)), where=n > 1))
    sums_sd = np.full(len(s), np.nan)
    if width > protect_days:
        c = np.cumsum(x, axis=1)
        sums = c[:, protect_days - 1 :] - np.concatenate(
            [np.zeros((len(s), 1)), c[:, :-protect_days]], axis=1
        )
        if from_first_sale:
            sums = np.where(np.arange(sums.shape[1])[None, :] >= first[:, None], sums, np.nan)
            with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                var = np.nanvar(sums, axis=1, ddof=1)
        else:
            var = sums.var(axis=1, ddof=1)
        sums_sd = np.where(width - first >= 2 * protect_days, np.sqrt(var), np.nan)
    return mean, day_sd, sums_sd, n


def history_reorder_points(
    sales: np.ndarray,
    in_stock: np.ndarray,
    *,
    lead_time_days: np.ndarray | float,
    lead_time_sd_days: np.ndarray | float,
    review_days: float,
    service_level: float,
    window: int = 364,
    spread: str = "sums",
    gamma: np.ndarray | bool | None = None,
    from_first_sale: bool = False,
    spread_scale: float = 1.0,
    empirical_below: float = 0.0,
    baseline_safety_days: float | None = None,
    seasonal: bool = False,
) -> HistoryPlan:
    """Reorder points from each SKU's own daily sales: the ONE function the replay benchmark and the inventory
    stage both plan with (see the module docstring).

    Args:
        sales: Daily sales, SKUs × days (the last ``window`` columns are read).
        in_stock: Same shape, True where the day ended with stock on hand.
        lead_time_days, lead_time_sd_days: Lead time L and its standard deviation σ_L (days), per SKU or for all.
        review_days: Review period R (days); the protection period is P = L + R.
        service_level: Target cycle service level (probability of no lost sale in a replenishment cycle).
        window: Days of history the demand quantity and spread are read from.
        spread: ``sums`` (sd of the window's P-day sums; independent days where the series is shorter than 2P)
            or ``days`` (independent days, √P·s).
        gamma: Per SKU (or for all): True takes the gamma quantile, False the normal; None: per volume class as
            chosen on M5's backtest year (:data:`M5_CLASS_CHOICE`).
        from_first_sale: See :func:`protection_spread`.
        spread_scale: Factor on the demand spread (1: as measured).
        empirical_below: Pairs expecting fewer units than this over P take the empirical reorder point of
            :mod:`~xborder.domains.inventory.intermittent` instead (0: none).
        baseline_safety_days: With it, the cycle service of those empirical points and of the days-of-cover
            rule's, ⌈(L + these days) × mean⌉, is read on the same distribution (``empirical_service``,
            ``baseline_empirical_service``; NaN elsewhere).
        seasonal: Scale the protection period's demand and spread (not the daily mean, nor the empirical points
            of slow pairs) by :func:`seasonal_index`, pooled over all SKUs given.

    Returns:
        A :class:`HistoryPlan`.
    """
    if spread not in ("sums", "days"):
        raise ValueError(f"spread must be sums or days; got {spread!r}")
    n_sku = len(sales)
    lead = np.broadcast_to(np.asarray(lead_time_days, dtype=float), (n_sku,))
    lead_sd = np.broadcast_to(np.asarray(lead_time_sd_days, dtype=float), (n_sku,))
    protect = lead + review_days
    whole = np.round(protect).astype(int)
    d, s, sums_sd, counted = (
        np.zeros(n_sku),
        np.zeros(n_sku),
        np.full(n_sku, np.nan),
        np.zeros(n_sku, dtype=int),
    )
    season = np.ones(n_sku)
    for p in np.unique(whole):  # one pass per protection length (the benchmark has one)
        m = whole == p
        d[m], s[m], sums_sd[m], counted[m] = protection_spread(
            sales[m], in_stock[m], window, int(p), from_first_sale=from_first_sale
        )
        if seasonal:
            season[m] = seasonal_index(sales, window, int(p))
    n = np.maximum(counted, 1)
    demand_var = protect * s * s + protect**2 * s * s / n  # independent days, error of the mean
    if spread == "sums":
        demand_var = np.where(np.isnan(sums_sd), demand_var, sums_sd**2 * (1.0 + protect / n))
    demand_var = demand_var * (spread_scale * season) ** 2
    sigma = np.sqrt(demand_var + (season * d * lead_sd) ** 2)
    zz = np.full(n_sku, float(norm.ppf(service_level)))
    use_gamma = gamma_by_class(d, protect) if gamma is None else np.broadcast_to(gamma, d.shape).astype(bool)
    mu = season * d * protect
    quantile = np.where(
        use_gamma,
        reorder_point(mu, sigma, zz, distribution="gamma"),
        reorder_point(mu, sigma, zz),
    )
    r: np.ndarray = np.where(d > 0, np.ceil(quantile), 0.0)
    slow = (d > 0) & (d * protect < empirical_below)
    served, served_b = np.full(n_sku, np.nan), np.full(n_sku, np.nan)
    if slow.any():
        groups = np.stack([lead, lead_sd], axis=1)[slow]
        for key in np.unique(groups, axis=0):
            m = slow.copy()
            m[slow] = (groups == key).all(axis=1)
            point = partial(
                empirical_reorder_points, lead_time_days=float(key[0]), lead_time_sd_days=float(key[1]),
                window=window, review_days=int(round(review_days)), service_level=service_level,
            )  # fmt: skip
            if baseline_safety_days is None:
                r[m] = point(sales[m], in_stock[m])
            else:
                rule = np.ceil(np.round((lead[m] + baseline_safety_days) * d[m], 9))
                r[m], served[m], served_b[m] = point(sales[m], in_stock[m], at=rule)
    return HistoryPlan(
        daily_demand=d, daily_sd=s, protection_days=protect, protection_demand=mu, protection_sd=sigma,
        reorder_point=r, gamma=use_gamma & ~slow, days_counted=counted, empirical=slow, empirical_service=served,
        baseline_empirical_service=served_b,
    )  # fmt: skip


def history_policy(
    *,
    lead_time_days: float,
    lead_time_sd_days: float,
    review_days: int,
    service_level: float,
    window: int = 364,
    order_days: float = 30.0,
    spread: str = "sums",
    gamma: np.ndarray | bool | None = False,
    from_first_sale: bool = False,
    spread_scale: float = 1.0,
    empirical_below: float = 0.0,
    max_stock_months: float = 0.0,
    seasonal: bool = False,
    seasonal_order: bool = False,
) -> Policy:
    """A (R, r, Q) policy re-planned at every review from the sales so far (see the module docstring).

    Args:
        lead_time_days, lead_time_sd_days: Lead time L and its standard deviation σ_L (days).
        review_days: Review period R (days); the protection period is P = L + R.
        service_level: Target cycle service level (probability of no lost sale in a replenishment cycle).
        window: Days of history the demand quantity and spread are read from.
        order_days: Order quantity Q in days of mean demand (at least one unit).
        spread: ``sums`` (sd of the window's P-day sums; independent days where the series is shorter than 2P)
            or ``days`` (independent days, √P·s).
        gamma: Per SKU (or for all): True takes the gamma quantile, False the normal; None: per volume class
            (:data:`M5_CLASS_CHOICE`).
        from_first_sale: See :func:`protection_spread`.
        spread_scale: Factor on the demand spread (1: as measured).
        empirical_below: See :func:`history_reorder_points`.
        max_stock_months: With it (> 0), the reorder point is capped as the inventory stage caps it: at most
            this many months of the estimated demand on average (:func:`~xborder.domains.inventory.plan.capped_reorder_points`).
        seasonal: See :func:`history_reorder_points`.
        seasonal_order: Q in days of the seasonal demand (the protection period's daily rate) instead of the
            year mean.

    Returns:
        A :data:`~xborder.domains.inventory.simulate.Policy`.
    """

    def plan(day: int, sales: np.ndarray, in_stock: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h = history_reorder_points(
            sales, in_stock, lead_time_days=lead_time_days, lead_time_sd_days=lead_time_sd_days,
            review_days=review_days, service_level=service_level, window=window, spread=spread, gamma=gamma,
            from_first_sale=from_first_sale, spread_scale=spread_scale, empirical_below=empirical_below,
            seasonal=seasonal,
        )  # fmt: skip
        d = h.daily_demand
        if seasonal_order:
            d = np.divide(h.protection_demand, h.protection_days, out=d.copy(), where=h.protection_days > 0)
        q = np.where(d > 0, np.maximum(np.ceil(order_days * d), 1.0), 0.0)
        if max_stock_months > 0:
            cap = PlanSettings(review_days=float(review_days), max_stock_months=max_stock_months)
            r_cap, _ = capped_reorder_points(d, h.protection_demand, q, cap)
            return np.minimum(h.reorder_point, r_cap), q
        return h.reorder_point, q

    return plan


def volume_classes(
    mean_daily: np.ndarray, protect_days: np.ndarray | float, edges: tuple[float, ...] = VOLUME_EDGES
) -> np.ndarray:
    """Class index per SKU from its expected demand over the protection period (0 = slowest)."""
    return np.searchsorted(
        np.asarray(edges), np.asarray(mean_daily, dtype=float) * protect_days, side="right"
    )


def choose_by_class(
    outcomes: Mapping[str, SimResult],
    classes: np.ndarray,
    *,
    target: float,
    tolerance: float = 0.02,
    min_series: int = 30,
    default: str,
) -> dict[int, str]:
    """Per class, the variant that reached ``target − tolerance`` cycle service with the least average stock.

    Args:
        outcomes: Replays of the same SKUs (same order as ``classes``) under each variant.
        classes: Class index per SKU (:func:`volume_classes`).
        target: Target cycle service level.
        tolerance: How far below the target still counts as reached.
        min_series: Classes with fewer SKUs take ``default`` (too few to choose on).
        default: Variant for small classes.

    Returns:
        Class index → variant name, for every class present; where no variant reached it, the one with the
        highest cycle service.
    """
    choice: dict[int, str] = {}
    for c in np.unique(classes):
        m = classes == c
        if m.sum() < min_series:
            choice[int(c)] = default
            continue
        stats = {}
        for name, res in outcomes.items():
            cycles = res.cycles[m].sum()
            service = 1.0 - res.stockout_cycles[m].sum() / cycles if cycles else float("nan")
            stats[name] = (service, float(res.average_stock[m].sum()))
        reached = [n for n, (cs, _) in stats.items() if cs >= target - tolerance]
        if reached:
            choice[int(c)] = min(reached, key=lambda n: stats[n][1])
        else:
            choice[int(c)] = max(stats, key=lambda n: stats[n][0])
    return choice
