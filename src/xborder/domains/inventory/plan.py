"""Stock plans for many SKU × location pairs at once: safety stock, reorder point, order quantity, stock-out date,
cash tied up — next to the days-of-cover rule Chinese seller ERPs use (the baseline every plan is compared with).

Policy: reviewed every ``review_days``; when stock on hand + inbound is at or below the reorder point r, order
whole multiples of Q. r covers demand over the protection interval (lead time + review period) at the target
service: a **cycle service level** (probability of no stock-out in a replenishment cycle, the default) or a
**fill rate** (share of demand served from stock), with **lost sales** — a shopper who finds an Amazon listing
out of stock buys elsewhere, so short units are not refilled. Q is the EOQ (holding cost = holding_rate × landed
cost per year), capped at ``max_cover_days`` of demand, raised to the MOQ and rounded up to whole cases.
Baseline: reorder when stock covers fewer than lead time + ``baseline_safety_days`` days of average sales, and
order ``baseline_order_days`` days of sales (same MOQ and case rounding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import gamma as gamma_dist
from scipy.stats import norm

from xborder.domains.inventory.forecasts import DemandPaths, days_until, demand_from_forecasts, window_demand
from xborder.domains.inventory.launch import measured_service
from xborder.domains.inventory.policy import (
    cycle_safety_factor,
    eoq,
    fill_rate_safety_factor,
    normal_loss,
    reorder_point,
    round_order,
)

__all__ = [
    "DAYS_PER_MONTH",
    "PAIR_COLUMNS",
    "PLAN_COLUMNS",
    "PLAN_METHODS",
    "STOCK_ACTIONS",
    "PlanSettings",
    "capped_reorder_points",
    "order_quantities",
    "plan_from_rows",
    "plan_pairs",
]

PAIR_COLUMNS = (
    "lead_time_days",
    "lead_time_sd_days",
    "unit_cost",
    "order_cost",
    "moq",
    "case_pack",
    "on_hand",
    "inbound",
    "stock_offset_days",
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
    "launch_floor",
    "launch_sale_size",
)
"""Per-pair inputs besides demand (NaN allowed: on_hand/inbound unknown, unit_cost unknown → no EOQ;
stock_offset_days = day of the stock snapshot counted from the path's start, 0 when NaN). The ``own_*`` columns
(:mod:`xborder.domains.inventory.own_sales`), where given, replace the forecast's demand, spread and reorder point:
the pair is planned from its own year of daily sales (``plan_method`` own_sales); own_sale_size (median units of a
sale day) and own_cap_service (the empirical cycle service at the capped reorder point) serve the stock cap."""

PLAN_COLUMNS = (
    "product_id", "market", "kind", "model", "freq", "start", "sd_basis", "daily_demand", "daily_demand_sd",
    "protection_days", "protection_demand", "protection_sd", "service_measure", "service_target", "safety_factor",
    "safety_stock", "reorder_point", "eoq", "order_quantity", "order_quantity_rule", "expected_fill_rate",
    "expected_cycle_service", "average_stock", "cash_tied_up", "days_of_cover", "stockout_days", "order_in_days",
    "suggested_order", "launch_quantity", "launch_cash", "baseline_reorder_point", "baseline_order_quantity",
    "baseline_average_stock", "baseline_cash_tied_up", "baseline_cycle_service", "baseline_fill_rate",
    "annual_cost", "baseline_annual_cost", "spread_growth", "plan_method", "distribution", "stock_action",
    "cover_months", "uncapped_reorder_point", "uncapped_average_stock", "uncapped_cycle_service", "measured_cycle_service",
)  # fmt: skip

STOCK_ACTIONS = ("stock", "cap", "make_to_order")
"""stock: the plan as computed; cap: its average stock would exceed ``max_stock_months`` of demand, so the
reorder point is lowered to hold that much and the service it then reaches is stated; make_to_order: even the
capped stock cannot serve (the order quantity alone, MOQ and cases, holds more than the cap, or the pair's typical
sale day is larger than the capped stock position r + Q): stock nothing, buy when a customer orders."""

DAYS_PER_MONTH = 365.25 / 12

PLAN_METHODS = ("own_sales", "forecast_spread")
"""own_sales: the pair's own last 364 days of daily sales, the replay-validated policy (replay.history_reorder_points);
forecast_spread: the spread of its demand forecast (analogue, niche, six-month history and recent-sales rows alike)."""


@dataclass(frozen=True)
class PlanSettings:
    """How plans are made (defaults from core.settings; see docs/inventory.md)."""

    service_level: float = 0.95
    service_measure: str = "cycle"  # cycle | fill_rate
    distribution: str = "normal"  # normal | gamma (own-sales plans of slow pairs: empirical)
    review_days: float = 7.0
    holding_rate: float = 0.25
    max_cover_days: float = 90.0
    baseline_safety_days: float = 15.0
    baseline_order_days: float = 30.0
    max_stock_months: float = 0.0  # 0: no cap (the stage passes settings.max_stock_months)


def order_quantities(
    daily: np.ndarray,
    rate: np.ndarray,
    unit_cost: np.ndarray,
    order_cost: np.ndarray,
    moq: np.ndarray,
    case_pack: np.ndarray,
    s: PlanSettings,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EOQ (on ``daily`` demand), the order quantity Q (EOQ capped at ``max_cover_days`` of the protection
    period's ``rate``, or ``baseline_order_days`` of it without a unit cost; MOQ and whole cases; at least 1) and
    its rule, per pair."""
    n = len(rate)
    q_eoq = eoq(np.nan_to_num(order_cost), s.holding_rate * unit_cost, 365.0 * daily)
    cap = s.max_cover_days * rate
    has_cost = np.isfinite(q_eoq) & (np.nan_to_num(order_cost) > 0)
    q_raw = np.where(has_cost, np.minimum(q_eoq, cap), s.baseline_order_days * rate)
    rule = np.where(has_cost, np.where(q_eoq > cap, "eoq_capped", "eoq"), "cover_days")
    q = np.where(rate > 0, np.maximum(round_order(q_raw, moq, case_pack), 1.0), np.zeros(n))
    return q_eoq, q, rule


def capped_reorder_points(
    rate: np.ndarray, protection_demand: np.ndarray, q: np.ndarray, s: PlanSettings
) -> tuple[np.ndarray, np.ndarray]:
    """The highest whole reorder point whose average stock (safety stock + Q/2 + R/2 days of demand) stays within
    ``max_stock_months`` of demand, and the average stock that leaves with no safety stock at all (Q/2 + R/2)."""
    hold = q / 2 + rate * s.review_days / 2
    cap_units = s.max_stock_months * DAYS_PER_MONTH * rate
    return np.maximum(np.floor(np.round(protection_demand + cap_units - hold, 9)), 0.0), hold


def _fill_rate(q: np.ndarray, sigma: np.ndarray, z: np.ndarray) -> np.ndarray:
    short = sigma * normal_loss(z)
    return np.divide(q, q + short, out=np.ones(len(q)), where=(q + short) > 0)


def _below(x: np.ndarray, mu: np.ndarray, sigma: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """P(demand over the protection days ≤ x): normal, or gamma of the same mean and variance where ``gamma``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        g = gamma_dist.cdf(x, mu * mu / (sigma * sigma), scale=sigma * sigma / mu)
        n = norm.cdf(np.divide(x - mu, sigma, out=np.zeros(len(mu)), where=sigma > 0))
    return np.where(gamma & (mu > 0) & (sigma > 0), g, n)


def plan_pairs(paths: DemandPaths, pairs: pd.DataFrame, s: PlanSettings) -> pd.DataFrame:
    """One plan per pair of ``paths`` (``pairs`` aligned row by row, with :data:`PAIR_COLUMNS`).

    Day counts (``stockout_days``, ``order_in_days``) run from the stock snapshot (``stock_offset_days``).
    """
    n = len(paths.keys)
    col = {c: pd.to_numeric(pairs[c], errors="coerce").to_numpy(dtype=float) if c in pairs else np.full(n, np.nan)
           for c in PAIR_COLUMNS}  # fmt: skip
    lt = np.nan_to_num(col["lead_time_days"], nan=0.0)
    lt_sd = np.nan_to_num(col["lead_time_sd_days"], nan=0.0)
    protect = lt + s.review_days
    mu_p, sd_p = window_demand(paths, np.zeros(n), protect)
    rate = np.divide(mu_p, protect, out=np.zeros(n), where=protect > 0)
    sigma = np.sqrt(sd_p**2 + (rate * lt_sd) ** 2)
    daily = paths.daily_mean
    own = np.isfinite(col["own_reorder_point"])  # planned from its own year of daily sales
    own_gamma = own & (np.nan_to_num(col["own_gamma"]) > 0)
    own_emp = own & (np.nan_to_num(col["own_empirical"]) > 0)  # slow pair: empirical lead-time demand
    rate = np.where(own, col["own_daily_demand"], rate)
    # own plans: their protection period and its demand as planned (P = L + R/2 and the seasonal index where chosen)
    protect = np.where(own & np.isfinite(col["own_protection_days"]), col["own_protection_days"], protect)
    mu_p = np.where(own, np.where(np.isfinite(col["own_protection_demand"]), col["own_protection_demand"],
                                  rate * protect), mu_p)  # fmt: skip
    sigma = np.where(own, col["own_protection_sd"], sigma)
    daily = np.where(own, rate, daily)
    cost = col["unit_cost"]
    q_eoq, q, rule = order_quantities(daily, rate, cost, col["order_cost"], col["moq"], col["case_pack"], s)
    if s.service_measure == "fill_rate":
        z = fill_rate_safety_factor(np.full(n, s.service_level), q, sigma, lost_sales=True)
    elif s.service_measure == "cycle":
        z = np.full(n, float(cycle_safety_factor(s.service_level)))
    else:
        raise ValueError(f"service_measure must be cycle or fill_rate; got {s.service_measure!r}")
    r = np.ceil(np.round(reorder_point(mu_p, sigma, z, distribution=s.distribution), 9))
    r = np.where(own, col["own_reorder_point"], r)
    launch = launch_plan = paths.keys["kind"].to_numpy() == "analogue"
    r = np.where(launch, np.fmax(r, col["launch_floor"]), r)  # a launch opens with one customer's order
    r0 = np.where(rate > 0, np.maximum(r, 0.0), 0.0)
    avg0 = np.maximum(r0 - mu_p, 0) + q / 2 + rate * s.review_days / 2
    action, r_cap = np.full(n, "stock", dtype=object), r0
    if s.max_stock_months > 0:  # a plan holding more than the cap months of demand: capped, or make-to-order
        r_cap, hold = capped_reorder_points(rate, mu_p, q, s)
        cap_units = s.max_stock_months * DAYS_PER_MONTH * rate
        over = (rate > 0) & (avg0 > cap_units + 0.5) & (r_cap < r0)
        sale = np.where(launch, col["launch_sale_size"], col["own_sale_size"])
        mto = over & ((hold > cap_units) | (np.isfinite(sale) & (sale > r_cap + q)))
        action = np.where(mto, "make_to_order", np.where(over, "cap", "stock"))
    mto, capped = action == "make_to_order", action == "cap"
    r = np.where(mto, 0.0, np.where(capped, r_cap, r0))
    ss = np.where(mto, 0.0, r - mu_p)
    z_eff = np.divide(ss, sigma, out=np.zeros(n), where=sigma > 0)
    avg = np.where(mto, 0.0, np.maximum(ss, 0) + q / 2 + rate * s.review_days / 2)
    # the days-of-cover rule (ERP baseline)
    r_b = np.ceil(np.round((lt + s.baseline_safety_days) * rate, 9))
    q_b = np.where(
        rate > 0,
        np.maximum(round_order(s.baseline_order_days * rate, col["moq"], col["case_pack"]), 1.0),
        0.0,
    )
    z_b = np.divide(r_b - mu_p, sigma, out=np.zeros(n), where=sigma > 0)
    avg_b = np.maximum(r_b - mu_p, 0) + q_b / 2 + rate * s.review_days / 2
    yearly = 365.0 * daily
    k, h = np.nan_to_num(col["order_cost"]), s.holding_rate * cost
    cost_plan = np.divide(k * yearly, q, out=np.zeros(n), where=q > 0) + h * avg
    cost_base = np.divide(k * yearly, q_b, out=np.zeros(n), where=q_b > 0) + h * avg_b
    position = np.nan_to_num(col["on_hand"]) + np.nan_to_num(col["inbound"])
    known = np.isfinite(col["on_hand"])
    first30, _ = window_demand(paths, np.zeros(n), np.full(n, 30.0))
    cover = np.divide(col["on_hand"], first30 / 30.0, out=np.full(n, np.nan), where=(first30 > 0) & known)
    offset = np.nan_to_num(col["stock_offset_days"])
    out_days = np.where(known, days_until(paths, position, offset), np.nan)
    order_in = np.where(known, np.where(position <= r, 0.0, days_until(paths, position - r, offset)), np.nan)
    short_units = np.maximum(r - position, 0.0)
    n_orders = np.where(q > 0, np.floor(np.divide(short_units, q, out=np.zeros(n), where=q > 0)) + 1, 0)
    suggested = np.where(known & (position <= r) & ~mto, n_orders * q, np.where(known, 0.0, np.nan))
    launch = np.where(
        (rate > 0) & ~mto,
        round_order(np.maximum(ss, 0) + q + rate * s.review_days, col["moq"], col["case_pack"]), 0.0,
    )  # fmt: skip
    z0 = np.divide(r0 - mu_p, sigma, out=np.zeros(n), where=sigma > 0)
    cycle0 = np.where(own, _below(r0, mu_p, sigma, own_gamma), norm.cdf(z0))
    cycle0 = np.where(own_emp & np.isfinite(col["own_cycle_service"]), col["own_cycle_service"], cycle0)
    cycle = np.where(own, _below(r, mu_p, sigma, own_gamma), norm.cdf(z_eff))
    cycle = np.where(capped & own_emp & np.isfinite(col["own_cap_service"]), col["own_cap_service"], cycle)
    cycle_b = np.where(own, _below(r_b, mu_p, sigma, own_gamma), norm.cdf(z_b))
    cycle = np.where(
        ~capped & own_emp & np.isfinite(col["own_cycle_service"]), col["own_cycle_service"], cycle
    )
    cycle_b = np.where(own_emp & np.isfinite(col["own_baseline_cycle_service"]), col["own_baseline_cycle_service"],
                       cycle_b)  # fmt: skip
    out = paths.keys.reset_index(drop=True).copy()
    out["sd_basis"] = np.where(own, "own_sales_sums", out["sd_basis"])
    out = out.assign(
        daily_demand=daily, daily_demand_sd=np.where(own, col["own_daily_sd"], paths.daily_sd), protection_days=protect, protection_demand=mu_p,
        protection_sd=sigma, service_measure=s.service_measure, service_target=s.service_level, safety_factor=z_eff,
        safety_stock=ss, reorder_point=r, eoq=q_eoq, order_quantity=q, order_quantity_rule=rule,
        expected_fill_rate=np.where((rate > 0) & ~mto, _fill_rate(q, sigma, z_eff), np.nan),
        expected_cycle_service=np.where(mto, np.nan, np.where(sigma > 0, cycle, np.where(rate > 0, 1.0, np.nan))),
        average_stock=avg, cash_tied_up=avg * cost, days_of_cover=cover, stockout_days=out_days,
        order_in_days=order_in, suggested_order=suggested, launch_quantity=launch, launch_cash=launch * cost,
        baseline_reorder_point=r_b, baseline_order_quantity=q_b, baseline_average_stock=avg_b,
        baseline_cash_tied_up=avg_b * cost,
        baseline_cycle_service=np.where(sigma > 0, cycle_b, np.where(rate > 0, 1.0, np.nan)),
        baseline_fill_rate=np.where(rate > 0, _fill_rate(q_b, sigma, z_b), np.nan),
        annual_cost=cost_plan, baseline_annual_cost=cost_base,
        spread_growth=np.where(own, np.nan, paths.growth if paths.growth is not None else np.full(n, 0.5)),
        plan_method=np.where(own, "own_sales", "forecast_spread"),
        distribution=np.where(own, np.where(own_emp, "empirical", np.where(own_gamma, "gamma", "normal")),
                              s.distribution),
        stock_action=action, cover_months=np.divide(avg0, rate * DAYS_PER_MONTH, out=np.full(n, np.nan), where=rate > 0),
        uncapped_reorder_point=r0, uncapped_average_stock=avg0,
        uncapped_cycle_service=np.where(sigma > 0, cycle0, np.where(rate > 0, 1.0, np.nan)),
        measured_cycle_service=np.where(launch_plan, measured_service(action, np.isfinite(col["launch_floor"]),
                                                                      s.max_stock_months), np.nan),
    )  # fmt: skip
    return out[list(PLAN_COLUMNS)]


def plan_from_rows(rows: pd.DataFrame, s: PlanSettings) -> pd.DataFrame:
    """Plans from one long frame: forecast rows (one per pair and period) carrying their pair's
    :data:`PAIR_COLUMNS` — the per-SKU step the engines run on partitions of whole pairs."""
    paths = demand_from_forecasts(rows, s.service_level)
    if len(paths.keys) == 0:
        return pd.DataFrame(columns=list(PLAN_COLUMNS))
    attrs = rows.drop_duplicates(["product_id", "market"]).set_index(["product_id", "market"])
    idx = pd.MultiIndex.from_frame(paths.keys[["product_id", "market"]])
    pairs = attrs.reindex(idx)[[c for c in PAIR_COLUMNS if c in attrs.columns]].reset_index(drop=True)
    return plan_pairs(paths, pairs, s)
