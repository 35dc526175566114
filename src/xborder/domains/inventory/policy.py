"""Inventory policy formulas (vectorised): EOQ, newsvendor, exact (r, Q), safety factors, MOQ and case-pack rounding.

Notation follows Snyder & Shen, *Fundamentals of Supply Chain Theory* (2nd ed., 2019): K fixed cost per order,
h holding cost per unit per time, p stock-out cost per unit, λ demand rate, τ standard deviation of demand per
time, L lead time. Every function takes numbers or numpy arrays (one element per SKU × location), so 100,000
plans are a handful of array operations. Golden values (the book's examples, checked with Snyder's stockpyl)
are in tests/domains/inventory/test_policy_golden.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize
from scipy.stats import gamma as gamma_dist
from scipy.stats import norm

__all__ = [
    "normal_loss",
    "normal_second_loss",
    "eoq",
    "eoq_cost",
    "newsvendor_normal",
    "rq_cost",
    "rq_optimal",
    "cycle_safety_factor",
    "fill_rate_safety_factor",
    "lead_time_demand",
    "reorder_point",
    "round_order",
]

Array = Any  # float or numpy array


def normal_loss(z: Array) -> Array:
    """Standard normal first-order loss L(z) = E[(Z - z)+] = φ(z) − z(1 − Φ(z))."""
    z = np.asarray(z, dtype=float)
    return norm.pdf(z) - z * norm.sf(z)


def normal_second_loss(z: Array) -> Array:
    """Standard normal second-order loss L2(z) = ½[(z² + 1)(1 − Φ(z)) − zφ(z)] (the integral of L from z to ∞)."""
    z = np.asarray(z, dtype=float)
    return 0.5 * ((z * z + 1.0) * norm.sf(z) - z * norm.pdf(z))


def eoq(fixed_cost: Array, holding_cost: Array, demand_rate: Array) -> Array:
    """Economic order quantity Q* = √(2Kλ/h) (Harris 1913); NaN where h ≤ 0 or λ ≤ 0."""
    k, h, lam = (np.asarray(x, dtype=float) for x in (fixed_cost, holding_cost, demand_rate))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((h > 0) & (lam > 0), np.sqrt(2.0 * k * lam / h), np.nan)


def eoq_cost(order_quantity: Array, fixed_cost: Array, holding_cost: Array, demand_rate: Array) -> Array:
    """Cost per time of ordering Q each time: Kλ/Q + hQ/2."""
    q = np.asarray(order_quantity, dtype=float)
    return np.asarray(fixed_cost) * np.asarray(demand_rate) / q + np.asarray(holding_cost) * q / 2.0


def newsvendor_normal(
    holding_cost: Array, stockout_cost: Array, mean: Array, sd: Array
) -> tuple[Array, Array]:
    """Optimal base-stock level and expected cost of the newsvendor with N(mean, sd²) demand.

    S* = μ + σΦ⁻¹(p/(p+h)); g(S*) = (h + p)σφ(z*) (Snyder & Shen eqs. 4.24, 4.36).
    """
    h, p = np.asarray(holding_cost, dtype=float), np.asarray(stockout_cost, dtype=float)
    z = norm.ppf(p / (p + h))
    return np.asarray(mean) + np.asarray(sd) * z, (h + p) * np.asarray(sd) * norm.pdf(z)


def _lead_time_moments(demand_rate: float, demand_sd: float, lead_time: float) -> tuple[float, float]:
    return demand_rate * lead_time, demand_sd * np.sqrt(lead_time)


def rq_cost(
    reorder_point: float,
    order_quantity: float,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    demand_sd: float,
    lead_time: float,
) -> float:
    """Exact expected cost per time of an (r, Q) policy with normal lead-time demand and backorders.

    g(r, Q) = [Kλ + ∫ᵣ^{r+Q} g(y) dy] / Q with the newsvendor cost g(y) = h(y − μ) + (h + p)n(y), integrated in
    closed form through the second-order loss function (Snyder & Shen eq. 5.7).
    """
    mu, sigma = _lead_time_moments(demand_rate, demand_sd, lead_time)
    r, q = float(reorder_point), float(order_quantity)
    a, b = r - mu, r + q - mu
    holding = holding_cost * (b * b - a * a) / 2.0
    shortage = (
        (holding_cost + stockout_cost)
        * sigma
        * sigma
        * (normal_second_loss(a / sigma) - normal_second_loss(b / sigma))
    )
    return float((fixed_cost * demand_rate + holding + shortage) / q)


def _r_for_q(q: float, h: float, p: float, mu: float, sigma: float) -> float:
    """For a given Q the optimal r makes the newsvendor cost equal at both ends: g(r) = g(r + Q)."""

    def gap(r: float) -> float:
        g_lo = h * (r - mu) + (h + p) * sigma * normal_loss((r - mu) / sigma)
        g_hi = h * (r + q - mu) + (h + p) * sigma * normal_loss((r + q - mu) / sigma)
        return float(g_lo - g_hi)

    span = 10.0 * sigma + q
    return float(optimize.brentq(gap, mu - span, mu + span, xtol=1e-10))


def rq_optimal(
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    demand_sd: float,
    lead_time: float,
) -> tuple[float, float, float]:
    """Exactly optimal (r, Q) and its cost (normal lead-time demand, backorders): minimise g(r(Q), Q) over Q.

    Returns:
        (reorder point, order quantity, cost per time).
    """
    mu, sigma = _lead_time_moments(demand_rate, demand_sd, lead_time)
    h, p, k = holding_cost, stockout_cost, fixed_cost

    def cost(q: float) -> float:
        return rq_cost(_r_for_q(q, h, p, mu, sigma), q, h, p, k, demand_rate, demand_sd, lead_time)

    q0 = float(eoq(k, h, demand_rate))
    res = optimize.minimize_scalar(
        cost, bounds=(q0 * 0.2, q0 * 5.0), method="bounded", options={"xatol": 1e-8}
    )
    q = float(res.x)
    return _r_for_q(q, h, p, mu, sigma), q, float(res.fun)


def cycle_safety_factor(service_level: Array) -> Array:
    """z such that P(lead-time demand ≤ μ + zσ) = the cycle service level (normal demand)."""
    return norm.ppf(np.asarray(service_level, dtype=float))


_Z_GRID = np.linspace(-4.0, 8.0, 4801)
_LOSS_GRID = normal_loss(_Z_GRID)  # decreasing in z


def fill_rate_safety_factor(
    fill_rate: Array, order_quantity: Array, sigma: Array, *, lost_sales: bool = True
) -> Array:
    """z such that the expected fill rate of an (r, Q) policy with r = μ + zσ equals ``fill_rate``.

    Units short per cycle are σL(z). With backorders the fill rate is 1 − σL(z)/Q; with lost sales the units
    short are not refilled, so a cycle's demand is Q + σL(z) and the fill rate is Q/(Q + σL(z))
    (Silver, Pyke & Thomas 2017, §7.4). Solved for every SKU at once by interpolation on a grid of L(z).
    """
    beta = np.asarray(fill_rate, dtype=float)
    q, s = np.asarray(order_quantity, dtype=float), np.asarray(sigma, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = (1.0 - beta) * q / s / (beta if lost_sales else 1.0)
    z = np.interp(target, _LOSS_GRID[::-1], _Z_GRID[::-1])
    return np.where(s > 0, z, 0.0)


def lead_time_demand(
    daily_mean: Array, daily_sd: Array, lead_time_days: Array, lead_time_sd_days: Array
) -> tuple[Array, Array]:
    """Mean and standard deviation of demand over a random lead time: μL, √(Lσ² + μ²σ_L²)."""
    d, s = np.asarray(daily_mean, dtype=float), np.asarray(daily_sd, dtype=float)
    lt, lt_sd = np.asarray(lead_time_days, dtype=float), np.asarray(lead_time_sd_days, dtype=float)
    return d * lt, np.sqrt(lt * s * s + d * d * lt_sd * lt_sd)


def reorder_point(mean: Array, sd: Array, z: Array, *, distribution: str = "normal") -> Array:
    """Reorder point for safety factor z: μ + zσ (normal), or the gamma quantile of the same probability with the
    same mean and variance (gamma: skewed, never negative — better for slow, intermittent sellers)."""
    mu, sigma, zz = (np.asarray(x, dtype=float) for x in (mean, sd, z))
    if distribution == "normal":
        return mu + zz * sigma
    if distribution != "gamma":
        raise ValueError(f"distribution must be normal or gamma; got {distribution!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = mu * mu / (sigma * sigma)
        scale = sigma * sigma / mu
        q = gamma_dist.ppf(norm.cdf(zz), shape, scale=scale)
    return np.where((mu > 0) & (sigma > 0), q, mu + zz * sigma)


def round_order(quantity: Array, moq: Array = 0.0, case_pack: Array = 1.0) -> Array:
    """Order quantity raised to the MOQ, then rounded up to whole cases (case_pack ≤ 1 means single units)."""
    q = np.maximum(np.asarray(quantity, dtype=float), np.nan_to_num(np.asarray(moq, dtype=float)))
    pack = np.maximum(np.nan_to_num(np.asarray(case_pack, dtype=float), nan=1.0), 1.0)
    return np.ceil(np.round(q / pack, 9)) * pack
