"""The months-of-stock cap and the make-to-order decision of a plan, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from xborder.domains.inventory.plan import DAYS_PER_MONTH, PlanSettings, plan_from_rows

_BASE = {"lead_time_days": 35.0, "lead_time_sd_days": 5.0, "unit_cost": 4.0, "order_cost": 50.0, "moq": 100.0,
         "case_pack": 24.0, "on_hand": 300.0, "inbound": 0.0, "stock_offset_days": 0.0}  # fmt: skip


def _plan(weekly_sd: float, months: float, **pair: float) -> pd.Series:
    """One pair selling 70 units a week (10 a day), the week's spread ``weekly_sd``, planned with the cap."""
    rows = pd.DataFrame({"product_id": "p", "market": "US", "kind": "forecast", "model": "AutoETS", "freq": "W",
                         "ds": pd.date_range("2025-01-06", periods=26, freq="7D"), "point": 70.0,
                         "hi_80": 70.0 + 1.2816 * weekly_sd}).assign(**{**_BASE, **pair})  # fmt: skip
    return plan_from_rows(rows, PlanSettings(max_stock_months=months)).iloc[0]


def test_a_plan_within_the_cap_is_unchanged() -> None:
    capped, free = _plan(15.0, 6.0), _plan(15.0, 0.0)
    assert capped["stock_action"] == "stock" and free["stock_action"] == "stock"
    for c in (
        "reorder_point",
        "average_stock",
        "expected_cycle_service",
        "suggested_order",
        "launch_quantity",
    ):
        assert capped[c] == pytest.approx(free[c])
    assert capped["uncapped_reorder_point"] == capped["reorder_point"]
    # (r − 420) + Q/2 + 35 units on average, over 10 units a day
    assert capped["cover_months"] == pytest.approx(capped["average_stock"] / (10 * DAYS_PER_MONTH))


def test_a_plan_over_the_cap_holds_the_cap_and_states_its_service() -> None:
    free, r = _plan(150.0, 0.0), _plan(150.0, 2.0)
    sigma = math.sqrt(42 / 7 * 150**2 + (10 * 5) ** 2)  # 42 days of weekly variance + lead-time spread
    assert free["reorder_point"] == math.ceil(420 + norm.ppf(0.95) * sigma)
    q = r["order_quantity"]
    uncapped = free["reorder_point"] - 420 + q / 2 + 35
    cap = 2 * DAYS_PER_MONTH * 10  # 608.75 units
    assert uncapped > cap and r["stock_action"] == "cap"
    assert r["uncapped_reorder_point"] == free["reorder_point"]
    assert r["uncapped_average_stock"] == pytest.approx(uncapped)
    assert r["uncapped_cycle_service"] == pytest.approx(free["expected_cycle_service"])
    r_cap = math.floor(420 + cap - q / 2 - 35)
    assert r["reorder_point"] == r_cap and r["average_stock"] == pytest.approx(r_cap - 420 + q / 2 + 35)
    assert r["average_stock"] <= cap
    assert r["expected_cycle_service"] == pytest.approx(norm.cdf((r_cap - 420) / sigma), rel=1e-3)
    assert r["cash_tied_up"] == pytest.approx(4 * r["average_stock"])
    # 300 on hand is below both reorder points: one order either way; the rule is untouched by the cap
    assert r["suggested_order"] == q and r["baseline_reorder_point"] == free["baseline_reorder_point"]


def test_an_moq_larger_than_the_cap_is_made_to_order() -> None:
    r = _plan(15.0, 6.0, moq=5000.0)  # one order of 5,000 at 10 a day: 2,500 + 35 units on average > 1,826
    assert r["order_quantity"] == 5016.0 and r["stock_action"] == "make_to_order"
    assert (r["reorder_point"], r["average_stock"], r["cash_tied_up"], r["suggested_order"]) == (0, 0, 0, 0)
    assert r["launch_quantity"] == 0 and math.isnan(r["expected_cycle_service"])
    assert r["uncapped_average_stock"] > 2500 and r["uncapped_cycle_service"] >= 0.95


def test_a_sale_larger_than_the_capped_stock_is_made_to_order() -> None:
    # planned from its own sales (own_* columns): 10 a day in a few large sale days
    own = {"own_daily_demand": 10.0, "own_daily_sd": 90.0, "own_protection_sd": 900.0, "own_reorder_point": 2400.0,
           "own_gamma": 0.0, "own_empirical": 0.0}  # fmt: skip
    big, small = _plan(15.0, 6.0, own_sale_size=3000.0, **own), _plan(15.0, 6.0, own_sale_size=200.0, **own)
    q = big["order_quantity"]
    r_cap = math.floor(420 + 6 * DAYS_PER_MONTH * 10 - q / 2 - 35)
    assert big["uncapped_average_stock"] == pytest.approx(2400 - 420 + q / 2 + 35)
    assert 3000 > r_cap + q and big["stock_action"] == "make_to_order" and big["average_stock"] == 0
    assert small["stock_action"] == "cap" and small["reorder_point"] == r_cap
    assert np.isfinite(small["expected_cycle_service"]) and small["expected_cycle_service"] < 0.95
