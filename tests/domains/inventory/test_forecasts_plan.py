"""Demand paths from forecast rows (today's intervals, and means/quantiles when demand writes them) and the plan
numbers, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from xborder.domains.inventory.forecasts import (
    days_until,
    demand_from_forecasts,
    pooled_growth,
    window_demand,
)
from xborder.domains.inventory.plan import PlanSettings, plan_from_rows
from xborder.domains.inventory.unplanned import niche_rows


def _weekly(points: list[float], **extra: list[float]) -> pd.DataFrame:
    n = len(points)
    return pd.DataFrame({"product_id": "p", "market": "US", "kind": "forecast", "model": "AutoETS", "freq": "W",
                         "ds": pd.date_range("2025-01-06", periods=n, freq="7D"), "point": points, **extra})  # fmt: skip


def test_spread_comes_from_the_central_80_band_then_the_95_interval_else_poisson() -> None:
    p = demand_from_forecasts(_weekly([70, 70], hi_80=[70 + 1.2816 * 10] * 2, hi_95=[70 + 1.96 * 12] * 2))
    assert p.keys["sd_basis"].tolist() == ["hi_80"]  # the 80 % band, not the widest tail
    np.testing.assert_allclose(p.var, [[100.0, 100.0]], rtol=1e-4)
    p = demand_from_forecasts(_weekly([70, 70], hi_95=[70 + 1.96 * 12] * 2))
    assert p.keys["sd_basis"].tolist() == ["hi_95"]
    np.testing.assert_allclose(p.var, [[144.0, 144.0]], rtol=1e-4)
    p = demand_from_forecasts(_weekly([70, 70]))
    assert p.keys["sd_basis"].tolist() == ["poisson"] and p.var.tolist() == [[70.0, 70.0]]


def test_calibrated_mean_and_quantiles_are_used_when_present() -> None:
    rows = _weekly([60, 60], mean=[70, 70], q50=[60, 60], q90=[60 + norm.ppf(0.9) * 7] * 2,
                   q95=[60 + norm.ppf(0.95) * 9] * 2, q975=[900, 900], hi_95=[200, 200])  # fmt: skip
    p = demand_from_forecasts(rows)
    assert p.mean.tolist() == [[70.0, 70.0]]  # mean, not the median point
    assert p.keys["sd_basis"].tolist() == ["q95"]  # read at the 95 % service level
    np.testing.assert_allclose(p.var, [[81.0, 81.0]], rtol=1e-9)
    p = demand_from_forecasts(rows, service_level=0.9)
    assert p.keys["sd_basis"].tolist() == ["q90"] and np.allclose(p.var, 49.0)
    p = demand_from_forecasts(rows, service_level=0.99)  # above every quantile: the highest
    assert p.keys["sd_basis"].tolist() == ["q975"]


def test_a_lumpy_series_spread_by_hand_from_the_demo_run() -> None:
    """uci:23084 × JP in the demo run of 2026-12-06 (CrostonSBA, lumpy; 4 orders of 120-2,040 units in 24 weeks):
    point 179.67 a week; its first four weeks' quantiles, copied from that run. At 95 % the spread is read at q95
    (q975 is up to 91 × the median there)."""
    q50 = np.array([104.079406, 97.678838, 97.638570, 99.677127])
    q95 = np.array([2508.395841, 2885.207945, 6227.728423, 1492.868629])
    rows = _weekly([179.671208] * 4, mean=[219.706931, 291.437976, 179.671208, 179.671208], q50=q50,
                   q90=[841.689420, 1891.741586, 1145.523990, 860.307724], q95=q95,
                   q975=[3512.355171, 4604.850906, 8933.246413, 2952.750682])  # fmt: skip
    mean, sd = window_demand(demand_from_forecasts(rows), np.array([0.0]), np.array([28.0]))
    assert mean[0] == pytest.approx(219.706931 + 291.437976 + 2 * 179.671208)
    assert sd[0] == pytest.approx(math.sqrt(((q95 - q50) ** 2).sum()) / norm.ppf(0.95))
    assert sd[0] == pytest.approx(4428.92, abs=0.01)  # from q975 − q50: 5,546


def test_the_horizon_total_sets_how_the_spread_grows_over_the_lead_time() -> None:
    # 26 weeks, each sd 10 (q90 − q50 = 1.2816 × 10): independent, the 26-week total's sd would be 10·√26 = 51.0
    base = _weekly([70.0] * 26, q50=[70.0] * 26, q90=[70 + norm.ppf(0.9) * 10] * 26)
    # the total's own 80 % band says sd 260 = 10 · 26: errors move together (a = 1)
    p = demand_from_forecasts(
        base.assign(total_q50=1820.0, total_q90=1820 + norm.ppf(0.9) * 260, total_periods=26)
    )
    assert p.growth.tolist() == pytest.approx([1.0]) and p.keys["sd_basis"].tolist() == ["q90+total"]
    assert window_demand(p, np.array([0.0]), np.array([70.0]))[1][0] == pytest.approx(100.0)  # 10 weeks × 10
    # sd 10 · 26^0.75 → a = 0.75: 10 weeks have sd 10 · 10^0.75
    p = demand_from_forecasts(base.assign(total_q50=1820.0, total_q90=1820 + norm.ppf(0.9) * 10 * 26**0.75,
                                          total_periods=26))  # fmt: skip
    assert p.growth[0] == pytest.approx(0.75)
    assert window_demand(p, np.array([0.0]), np.array([70.0]))[1][0] == pytest.approx(10 * 10**0.75)
    # a total narrower than independent periods (or none) keeps a = 0.5
    p = demand_from_forecasts(base.assign(total_q50=1820.0, total_q90=1830.0, total_periods=26))
    assert p.growth[0] == 0.5 and p.keys["sd_basis"].tolist() == ["q90"]
    assert window_demand(p, np.array([0.0]), np.array([70.0]))[1][0] == pytest.approx(10 * math.sqrt(10))


def test_pairs_without_a_total_borrow_the_runs_pooled_growth() -> None:
    base = _weekly([70.0] * 26, q50=[70.0] * 26, q90=[70 + norm.ppf(0.9) * 10] * 26)
    # three forecast pairs whose totals say a = 0.6, 0.75 and 1: the pooled a is their median, 0.75
    fc = pd.concat(
        [
            base.assign(
                product_id=f"p{i}",
                total_q50=1820.0,
                total_q90=1820 + norm.ppf(0.9) * 10 * 26**a,
                total_periods=26,
            )
            for i, a in enumerate((0.6, 0.75, 1.0))
        ]  # fmt: skip
    )
    assert pooled_growth(fc) == pytest.approx(0.75)
    assert pooled_growth(base) is None  # no total anywhere: nothing to lend
    # a history pair (80 % band, no total) takes it; a pair with its own total keeps its own
    hist = _weekly([14.0] * 26, hi_80=[14 + 1.2816 * 5] * 26).assign(product_id="h", kind="history")
    rows = pd.concat([fc[fc["product_id"] == "p0"], hist]).assign(growth_prior=0.75)
    p = demand_from_forecasts(rows)
    got = dict(zip(p.keys["product_id"], p.growth, strict=True))
    assert got["h"] == pytest.approx(0.75) and got["p0"] == pytest.approx(0.6)
    assert dict(zip(p.keys["product_id"], p.keys["sd_basis"], strict=True)) == {"h": "hi_80+pooled",
                                                                                "p0": "q90+total"}  # fmt: skip
    # 10 weeks of the history pair: sd 5 · 10^0.75 (not 5 · √10 as with independent weeks)
    i = p.keys.index[p.keys["product_id"] == "h"][0]
    sd = window_demand(p, np.zeros(len(p.keys)), np.full(len(p.keys), 70.0))[1][i]
    assert sd == pytest.approx(5 * 10**0.75, rel=1e-4)


def test_a_niche_grows_its_spread_as_its_categorys_total() -> None:
    cat = (
        _weekly([300.0] * 26, q50=[300.0] * 26, q90=[300 + norm.ppf(0.9) * 30] * 26)
        .assign(category="home", level="category_market")
        .drop(columns="product_id")
    )
    products = pd.DataFrame({"product_id": ["a", "b", "c"], "market": "US"})
    totals = pd.DataFrame({"category": ["home"], "market": ["US"], "total_q50": [7800.0],
                           "total_q90": [7800 + norm.ppf(0.9) * 30 * 26**0.9], "total_periods": [26]})  # fmt: skip
    rows = niche_rows(cat, products, pd.Series("home", index=["a", "b", "c"]), totals)
    assert rows["total_q50"].iloc[0] == pytest.approx(2600.0)  # divided by the 3 products, like the forecast
    p = demand_from_forecasts(rows)
    assert p.keys["product_id"].tolist() == ["niche:home"] and p.growth[0] == pytest.approx(0.9)
    assert p.mean[0, 0] == pytest.approx(100.0) and p.var[0, 0] == pytest.approx(100.0)


def test_safety_stock_reproduces_chopra_meindl_examples() -> None:
    """Chopra & Meindl, *Supply Chain Management* (6th ed.), ch. 12: weekly demand N(2,500, 500²), lead time
    2 weeks, CSL 0.90 → σ_L = √2 × 500 = 707, ss = Φ⁻¹(0.9) × 707 = 906 (Example 12-4); daily demand
    N(2,500, 500²), L = 7 ± 7 days, CSL 0.90 → σ_L = √(7 × 500² + 2,500² × 7²) = 17,550, ss = 22,491
    (Example 12-6, with lead-time uncertainty)."""
    weekly = _weekly([2500.0] * 8, hi_80=[2500 + norm.ppf(0.9) * 500] * 8).assign(
        lead_time_days=14.0, lead_time_sd_days=0.0, unit_cost=np.nan, order_cost=np.nan, moq=0.0, case_pack=1.0,
        on_hand=np.nan, inbound=np.nan, stock_offset_days=np.nan)  # fmt: skip
    s = PlanSettings(service_level=0.90, review_days=0.0)
    r = plan_from_rows(weekly, s).iloc[0]
    assert r["protection_sd"] == pytest.approx(707.1, abs=0.1)
    assert r["safety_stock"] == math.ceil(906.2)  # the reorder point is rounded up to a whole unit
    daily = pd.DataFrame({"product_id": "p", "market": "US", "kind": "forecast", "model": "X", "freq": "D",
                          "ds": pd.date_range("2025-01-06", periods=60), "point": 2500.0,
                          "hi_80": 2500 + norm.ppf(0.9) * 500}).assign(
        lead_time_days=7.0, lead_time_sd_days=7.0, unit_cost=np.nan, order_cost=np.nan, moq=0.0, case_pack=1.0,
        on_hand=np.nan, inbound=np.nan, stock_offset_days=np.nan)  # fmt: skip
    r = plan_from_rows(daily, s).iloc[0]
    assert r["protection_sd"] == pytest.approx(17_550, abs=1)
    assert r["safety_stock"] == pytest.approx(22_491, abs=1)


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
