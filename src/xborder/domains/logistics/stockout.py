"""Stock-out impact of a disruption: what a scenario's extra transit days do to each pair's stock plan (the
inventory stage's reorder point, order quantity and demand spread) — cycle service, units short, days out of
stock per replenishment cycle, and the safety stock and cash that would restore the target."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

__all__ = ["PLAN_COLUMNS", "stockout_impact", "scenario_stock_summary"]

PLAN_COLUMNS = [
    "product_id", "market", "kind", "currency", "daily_demand", "lead_time_sd_days", "protection_days",
    "protection_demand", "protection_sd", "reorder_point", "order_quantity", "safety_factor", "service_target",
    "expected_cycle_service", "spread_growth", "average_stock", "cash_tied_up",
]  # fmt: skip

_OUT = ["plan_kind", "plan_currency", "cycle_service_base", "cycle_service_new", "units_short_base",
        "units_short_new", "stockout_days_base", "stockout_days_new", "fill_rate_new", "reorder_point_base", "reorder_point_new",
        "extra_safety_stock", "extra_cash"]  # fmt: skip


def _loss(z: np.ndarray) -> np.ndarray:
    """Standard normal first-order loss E[(Z − z)+]."""
    return norm.pdf(z) - z * norm.sf(z)


def _days(units: np.ndarray, daily: np.ndarray) -> np.ndarray:
    return np.divide(units, daily, out=np.full(len(units), np.nan), where=daily > 0)


def stockout_impact(impacts: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """``impacts`` (product_id, market, delay_days, unroutable …) with the stock plan's view of each delay.

    An order placed at the reorder point r now arrives ``delay_days`` later, so r must cover P + d days instead
    of P (P = lead time + review period): expected demand μ' = μ + (μ / P)·d; its spread, the plan's demand part
    σ_D = √(σ² − (μ/P)²σ_L²) grown as the plan grows it, σ_D·((P + d)/P)^a, with the lead-time part unchanged.
    Then per replenishment cycle: cycle service Φ((r − μ')/σ'), units short σ'·L(z'), days out of stock = units
    short / daily demand, fill rate Q / (Q + units short) (lost sales); to restore the plan's safety factor z:
    r' = μ' + zσ', extra safety stock r' − r, its cash at the plan's cash per unit of average stock. A pair left
    without a route never restocks: service 0, every unit short. Pairs without a plan (kind ``none``, or none
    at all) get NULLs.
    """
    out = impacts.copy()
    if out.empty:
        return out.assign(**{c: pd.Series(dtype=float) for c in _OUT})
    p = plans.reindex(columns=list(dict.fromkeys([*plans.columns, *PLAN_COLUMNS])))
    p = p[p["kind"].ne("none")].drop_duplicates(["product_id", "market"])
    cols = [c for c in PLAN_COLUMNS if c in p.columns]
    m = out[["product_id", "market"]].merge(p[cols], on=["product_id", "market"], how="left")

    def num(c: str) -> np.ndarray:
        return pd.to_numeric(m[c], errors="coerce").to_numpy(float) if c in m else np.full(len(m), np.nan)

    d = np.clip(pd.to_numeric(out["delay_days"], errors="coerce").fillna(0.0).to_numpy(float), 0, None)
    big_p, mu, sigma, r = (
        num("protection_days"),
        num("protection_demand"),
        num("protection_sd"),
        num("reorder_point"),
    )
    q, z0, a = num("order_quantity"), num("safety_factor"), np.nan_to_num(num("spread_growth"), nan=0.5)
    rate = np.divide(mu, big_p, out=np.zeros(len(m)), where=big_p > 0)
    lt_part = (rate * np.nan_to_num(num("lead_time_sd_days"))) ** 2
    sd_demand = np.sqrt(np.clip(sigma**2 - lt_part, 0, None))
    grow = np.divide(big_p + d, big_p, out=np.ones(len(m)), where=big_p > 0) ** a
    mu_new = mu + rate * d
    sigma_new = np.sqrt((sd_demand * grow) ** 2 + lt_part)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_base = np.where(sigma > 0, (r - mu) / sigma, np.inf)
        z_new = np.where(sigma_new > 0, (r - mu_new) / sigma_new, np.where(r >= mu_new, np.inf, -np.inf))
        short_base = np.where(np.isfinite(z_base), sigma * _loss(z_base), 0.0)
        short_new = np.where(np.isfinite(z_new), sigma_new * _loss(z_new), np.maximum(mu_new - r, 0))
        fill = np.divide(q, q + short_new, out=np.ones(len(m)), where=(q + short_new) > 0)
        r_new = np.ceil(np.round(mu_new + z0 * sigma_new, 9))
        per_unit = np.divide(num("cash_tied_up"), num("average_stock"))
    cycle_base, cycle_new = norm.cdf(z_base), norm.cdf(z_new)
    dead = out["unroutable"].fillna(False).to_numpy(bool) if "unroutable" in out else np.zeros(len(m), bool)
    cycle_new, fill = np.where(dead, 0.0, cycle_new), np.where(dead, 0.0, fill)
    short_new = np.where(dead, q, short_new)
    planned = np.isfinite(mu) & np.isfinite(r)
    extra = np.where(dead, np.nan, np.maximum(r_new - r, 0.0))

    def keep(x: np.ndarray) -> np.ndarray:
        return np.where(planned, x, np.nan)

    return out.assign(
        plan_kind=m["kind"].to_numpy(), plan_currency=m["currency"].to_numpy() if "currency" in m else None,
        cycle_service_base=keep(cycle_base), cycle_service_new=keep(cycle_new), units_short_base=keep(short_base),
        units_short_new=keep(short_new), stockout_days_base=keep(_days(short_base, num("daily_demand"))),
        stockout_days_new=keep(_days(short_new, num("daily_demand"))),
        fill_rate_new=keep(fill), reorder_point_base=keep(r), reorder_point_new=keep(np.where(dead, np.nan, r_new)),
        extra_safety_stock=keep(extra), extra_cash=keep(extra * per_unit),
    )  # fmt: skip


def scenario_stock_summary(impacts: pd.DataFrame) -> dict[str, float | int | None]:
    """Over a scenario's affected pairs with a stock plan: how many, how many fall below their target's cycle
    service, the mean cycle service before and after, the extra safety stock to restore the targets."""
    if impacts.empty or "cycle_service_new" not in impacts:
        return {"planned_pairs": 0}
    s = impacts[impacts["cycle_service_new"].notna()]
    if s.empty:
        return {"planned_pairs": 0}
    below = s["cycle_service_new"] < s["cycle_service_base"] - 1e-9
    return {
        "planned_pairs": len(s),
        "pairs_service_down": int(below.sum()),
        "mean_cycle_service_base": float(s["cycle_service_base"].mean()),
        "mean_cycle_service_new": float(s["cycle_service_new"].mean()),
        "extra_safety_stock": float(s["extra_safety_stock"].sum()),
        "stockout_days_base": float(s["stockout_days_base"].mean()),
        "stockout_days_new": float(s["stockout_days_new"].mean()),
    }
