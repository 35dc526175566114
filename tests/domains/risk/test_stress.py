"""Monte Carlo stress tests against answers known in closed form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from xborder.domains.risk.montecarlo import Driver, draw, first_order_indices, mc_error
from xborder.domains.risk.stress import StressSpec, break_even, plan_components, plan_profit, stress_test


def test_single_normal_driver_reproduces_the_analytic_loss_probability() -> None:
    # profit = 3 - 2 X with X ~ N(1, 0.8): P(loss) = P(X > 1.5) = 1 - Phi((1.5 - 1) / 0.8) = 0.26599
    n = 200_000
    x = draw([Driver("x", stats.norm(1.0, 0.8).ppf)], n, seed=3)["x"]
    profit = 3.0 - 2.0 * x
    p_hat = float((profit < 0).mean())
    p_true = float(stats.norm.sf(0.5 / 0.8))
    assert p_true == pytest.approx(0.26599, abs=1e-5)
    assert abs(p_hat - p_true) < 4 * mc_error(p_true, n)
    # mean and spread: E = 3 - 2 = 1, sd = 1.6
    assert abs(profit.mean() - 1.0) < 4 * 1.6 / np.sqrt(n)
    assert profit.std() == pytest.approx(1.6, rel=0.01)


def test_first_order_indices_of_an_additive_model() -> None:
    # Y = 2 X1 + X2, independent standard normals: S1 = 4/5, S2 = 1/5
    xs = draw([Driver("a", stats.norm.ppf), Driver("b", stats.norm.ppf)], 100_000, seed=1)
    y = 2 * xs["a"] + xs["b"]
    s1, s2 = first_order_indices(xs["a"], y, bins=40)[0], first_order_indices(xs["b"], y, bins=40)[0]
    assert s1 == pytest.approx(0.8, abs=0.02)
    assert s2 == pytest.approx(0.2, abs=0.02)


def test_correlation_is_applied() -> None:
    corr = np.array([[1.0, 0.6], [0.6, 1.0]])
    xs = draw([Driver("a", stats.norm.ppf), Driver("b", stats.norm.ppf)], 50_000, correlation=corr, seed=2)
    assert np.corrcoef(xs["a"], xs["b"])[0, 1] == pytest.approx(0.6, abs=0.02)


ROW = {
    # a plan whose unit margin is 5.00 with net revenue 20.00
    "net_revenue": 20.0,
    "goods_cost": 5.0,
    "insurance": 0.0,
    "freight": 2.5,
    "duty": 0.5,
    "additional_duty": 0.0,
    "import_tax_cost": 0.0,
    "customs_value": 5.0,
    "customs_fees": 0.0,
    "low_value_charges": 0.0,
    "referral_fee": 3.0,
    "fulfilment_fee": 4.0,
    "other_fees": 0.0,
}


def test_break_even_per_driver_hand_computed() -> None:
    spec = StressSpec()
    be = {k: float(v[0]) for k, v in break_even(plan_components(pd.DataFrame([ROW])), spec).items()}
    # freight: 20 - 7 - 5.5 - 2.5 f = 0 -> f = 3.0 ; fx: phi = 13 / 8 -> move = 8/13 - 1
    assert be["freight"] == pytest.approx(3.0)
    assert be["fx"] == pytest.approx(8 / 13 - 1)
    # duty: 5 / 5 = +100 points; fees: 5 / 7 = +71%
    assert be["duty"] == pytest.approx(1.0)
    assert be["fee"] == pytest.approx(5 / 7)
    # demand: s (20 - 7) - 8 + (1 - s) 0.3 x 8 = 0 -> s = 5.6 / 10.6
    assert be["demand"] == pytest.approx(5.6 / 10.6)
    assert be["delay"] == pytest.approx(26 * (1 - 5.6 / 10.6))


def test_stress_with_one_driver_matches_the_beta_tail() -> None:
    # only FX moves (other extremes at no shock): loss when the Beta share exceeds be_fx / fx_min
    spec = StressSpec(freight_max=1.0, duty_max=0.0, demand_min=1.0, fee_max=0.0, delay_max_weeks=0.0,
                      draws=100_000, seed=11)  # fmt: skip
    rows = pd.DataFrame([ROW])
    summary, drivers = stress_test(rows, spec)
    share = (8 / 13 - 1) / spec.fx_min
    p_true = float(stats.beta(spec.alpha, spec.beta).sf(share))
    assert abs(summary["p_loss"].iloc[0] - p_true) < 4 * mc_error(p_true, spec.draws) + 1e-9
    assert summary["base_margin"].iloc[0] == pytest.approx(5.0 / 20.0)
    fo = drivers.set_index("driver")["first_order"]
    # FX explains all the variance; 20 equal-count bins lose the within-bin part of the skewed tail (~2%)
    assert 0.95 < fo["fx"] <= 1.0
    assert fo.drop("fx").max() < 0.01


def test_full_stress_is_worse_than_the_base_and_reproducible() -> None:
    spec = StressSpec(draws=4000)
    rows = pd.DataFrame([ROW, {**ROW, "freight": 0.5, "customs_value": 5.0}])
    a, da = stress_test(rows, spec)
    b, _ = stress_test(rows, spec)
    pd.testing.assert_frame_equal(a, b)
    assert (a["mean_margin"] < a["base_margin"]).all()
    assert a["p_loss"].iloc[0] > a["p_loss"].iloc[1]  # dearer freight loses more often
    assert set(da["driver"]) == {"freight", "fx", "duty", "demand", "fee", "delay"}
    c = plan_components(rows)
    base = plan_profit(
        c, {"freight": 1.0, "fx": 0.0, "duty": 0.0, "demand": 1.0, "fee": 0.0, "delay": 0.0}, spec
    )
    assert base[0, 0] == pytest.approx(5.0)
