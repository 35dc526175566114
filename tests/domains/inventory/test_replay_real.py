"""A year of real M5 daily demand replayed with lost sales: the plan's reorder point reaches its cycle service
target, the days-of-cover rule at its default safety days does not (benchmarks/inventory_sim.py at full size)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from tests.conftest import shared_path
from xborder.domains.inventory.policy import reorder_point
from xborder.domains.inventory.simulate import simulate_lost_sales, trailing_estimate

LEAD, LEAD_SD, REVIEW, WINDOW, ORDER_DAYS, SAFETY_DAYS, TARGET = 60.0, 6.0, 7, 56, 30.0, 15.0, 0.95


def _policies():
    z, protect = float(norm.ppf(TARGET)), LEAD + REVIEW

    def qty(d: np.ndarray) -> np.ndarray:
        return np.where(d > 0, np.maximum(np.ceil(ORDER_DAYS * d), 1.0), 0.0)

    def plan(t: int, sales: np.ndarray, ok: np.ndarray):
        d, s = trailing_estimate(sales, ok, WINDOW)
        n = np.maximum(ok[:, -WINDOW:].sum(axis=1), 1)
        sig = np.sqrt(protect * s * s + protect**2 * s * s / n + d * d * LEAD_SD**2)
        r = reorder_point(d * protect, sig, np.full(len(d), z))
        return np.where(d > 0, np.ceil(r), 0.0), qty(d)

    def rule(t: int, sales: np.ndarray, ok: np.ndarray):
        d, _ = trailing_estimate(sales, ok, WINDOW)
        return np.ceil((LEAD + SAFETY_DAYS) * d), qty(d)

    return plan, rule


@pytest.mark.shared_data
def test_m5_year_plan_meets_its_cycle_service_and_the_rule_does_not() -> None:
    df = pd.read_csv(shared_path("m5_walmart_subset", "sales_train_evaluation_1000series.csv.gz"))
    y = df[[c for c in df.columns if c.startswith("d_")]].to_numpy(dtype=float)
    hist, play = y[:, -365 - WINDOW : -365], y[:, -365:]
    assert play.shape == (1000, 365)
    out = {}
    for name, pol in zip(("plan", "rule"), _policies(), strict=True):
        r0, q0 = pol(0, hist, np.ones_like(hist, dtype=bool))
        out[name] = simulate_lost_sales(play, hist, pol, lead_time_days=LEAD, lead_time_sd_days=LEAD_SD,
                                        review_days=REVIEW, initial_stock=r0 + q0 / 2, seed=7)  # fmt: skip
    plan, rule = out["plan"], out["rule"]
    # demand replayed is the file's: every unit of the year is either sold or lost
    assert plan.demand.sum() == rule.demand.sum() == play.sum()
    assert plan.sold.sum() <= play.sum() and (plan.sold <= plan.demand).all()
    assert abs(plan.cycle_service - TARGET) <= 0.02  # the target: within 2 points
    assert rule.cycle_service < TARGET - 0.05 and rule.fill_rate < plan.fill_rate
    # the rule protects less, so it holds less stock: the plan's service is bought with stock
    assert rule.average_stock.sum() < plan.average_stock.sum()
