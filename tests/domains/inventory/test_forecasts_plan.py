"""Demand paths from forecast rows (today's intervals, and means/quantiles when demand writes them) and the plan
numbers, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from xborder.domains.inventory.forecasts import days_until, demand_from_forecasts, window_demand
from xborder.domains.inventory.plan import PlanSettings, plan_from_rows


def _weekly(points: list[float], **extra: list[float]) -> pd.DataFrame:
    n = len(points)
    return pd.DataFrame({"product_id": "p", "market": "US", "kind": "forecast", "model": "AutoETS", "freq": "W",
                         "ds": pd.date_range("2025-01-06", periods=n, freq="7D"), "point": points, **extra})  # fmt: skip


def test_spread_comes_from_the_upper_half_of_the_widest_interval_else_poisson() -> None:
    p = demand_from_forecasts(_weekly([70, 70], hi_80=[70 + 1.2816 * 10] * 2, hi_95=[70 + 1.96 * 12] * 2))
    assert p.keys["sd_basis"].tolist() == ["hi_95"]
    np.testing.assert_allclose(p.var, [[144.0, 144.0]], rtol=1e-4)
    p = demand_from_forecasts(_weekly([70, 70]))
    assert p.keys["sd_basis"].tolist() == ["poisson"] and p.var.tolist() == [[70.0, 70.0]]


def test_calibrated_mean_and_quantiles_are_used_when_present() -> None:
    rows = _weekly([60, 60], mean=[70, 70], q50=[60, 60], q95=[60 + 1.6449 * 9] * 2, hi_95=[200, 200])
    p = demand_from_forecasts(rows)
    assert p.mean.tolist() == [[70.0, 70.0]]  # mean, not the median point
    assert p.keys["sd_basis"].tolist() == ["q95"]
    np.testing.assert_allclose(p.var, [[81.0, 81.0]], rtol=1e-4)


def test_window_demand_and_days_until_across_weeks_months_and_past_the_horizon() -> None:
    w = _weekly([7, 14, 7])
    m = pd.DataFrame({"product_id": "q", "market": "US", "kind": "forecast", "model": "X", "freq": "M",
                      "ds": pd.to_datetime(["2025-01-01", "2025-02-01"]), "point": [31.0, 56.0]})  # fmt: skip
    p = demand_from_forecasts(pd.concat([w, m]))
    mean, sd = window_demand(p, np.array([0.0, 0.0]), np.array([10.0, 45.0]))
    assert mean.tolist() == pytest.approx([7 + 3 * 2, 31 + 14 * 2])  # week 2 is 2/day; February 2/day
    assert sd.tolist() == pytest.approx([math.sqrt(7 + 3 / 7 * 14), math.sqrt(31 + 14 / 28 * 56)])
    # 21 units last until the end of week 2; past the horizon the last period's rate (1/day; 2/day) goes on
    assert days_until(p, np.array([21.0, 100.0])).tolist() == pytest.approx([14.0, 59 + 13 / 2])
    assert window_demand(p, np.array([20.0, 0.0]), np.array([7.0, 0.0]))[0].tolist() == pytest.approx(
        [1 * 1 + 6 * 1, 0]
    )


def _plan(**pair: float) -> pd.Series:
    base = {"lead_time_days": 35.0, "lead_time_sd_days": 5.0, "unit_cost": 4.0, "order_cost": 50.0, "moq": 100.0,
            "case_pack": 24.0, "on_hand": 300.0, "inbound": 0.0, "stock_offset_days": 0.0}  # fmt: skip
    rows = _weekly([70.0] * 26, hi_80=[70 + 1.2816 * 15] * 26).assign(**{**base, **pair})
    return plan_from_rows(rows, PlanSettings()).iloc[0]


def test_plan_numbers_by_hand() -> None:
    r = _plan()
    protect = 35 + 7
    sigma = math.sqrt(
        protect / 7 * 15**2 + (10 * 5) ** 2
    )  # weekly variance spread over days + lead-time spread
    assert r["protection_demand"] == pytest.approx(420.0)
    assert r["protection_sd"] == pytest.approx(sigma, rel=1e-3)
    assert r["reorder_point"] == math.ceil(420 + norm.ppf(0.95) * sigma)
    eoq = math.sqrt(2 * 50 * 3650 / (0.25 * 4))
    assert r["eoq"] == pytest.approx(eoq)
    assert r["order_quantity"] == math.ceil(eoq / 24) * 24 and r["order_quantity_rule"] == "eoq"
    assert r["average_stock"] == pytest.approx(r["reorder_point"] - 420 + r["order_quantity"] / 2 + 35)
    assert r["cash_tied_up"] == pytest.approx(4 * r["average_stock"])
    # 300 on hand at 10/day: out after 30 days; at or below the reorder point now → order one Q
    assert r["stockout_days"] == pytest.approx(30.0) and r["order_in_days"] == 0.0
    assert r["suggested_order"] == r["order_quantity"]
    # the days-of-cover rule: reorder at (35 + 15) × 10, order 30 × 10 → 312 (13 cases of 24)
    assert (r["baseline_reorder_point"], r["baseline_order_quantity"]) == (500.0, 312.0)
    assert r["baseline_cycle_service"] == pytest.approx(norm.cdf((500 - 420) / sigma), rel=1e-3)


def test_eoq_is_capped_and_without_a_cost_the_order_is_days_of_cover() -> None:
    r = _plan(order_cost=5000.0)  # EOQ 6,042 > 90 days × 10
    assert r["order_quantity_rule"] == "eoq_capped" and r["order_quantity"] == 912.0  # 900 → 38 cases
    r = _plan(unit_cost=float("nan"))
    assert r["order_quantity_rule"] == "cover_days" and r["order_quantity"] == 312.0
    assert math.isnan(r["cash_tied_up"])


def test_fill_rate_target_is_met_by_the_plan_with_lost_sales() -> None:
    rows = _weekly([70.0] * 26, hi_80=[70 + 1.2816 * 15] * 26).assign(
        lead_time_days=35.0, lead_time_sd_days=5.0, unit_cost=4.0, order_cost=50.0, moq=0.0, case_pack=1.0,
        on_hand=np.nan, inbound=np.nan, stock_offset_days=np.nan)  # fmt: skip
    r = plan_from_rows(rows, PlanSettings(service_measure="fill_rate", service_level=0.99)).iloc[0]
    assert r["expected_fill_rate"] == pytest.approx(0.99, abs=1e-3)  # reorder point rounded up to whole units
    assert r["expected_fill_rate"] >= 0.99
    assert math.isnan(r["stockout_days"]) and math.isnan(r["suggested_order"])  # no stock snapshot


def test_a_stock_snapshot_after_the_forecast_start_projects_from_its_own_day() -> None:
    r = _plan(stock_offset_days=14.0, on_hand=100.0)
    assert r["stockout_days"] == pytest.approx(10.0)
