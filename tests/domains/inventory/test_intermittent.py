"""Empirical reorder points for slow pairs: the lead-time demand and undershoot worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import nbinom

from xborder.domains.inventory.intermittent import (
    daily_pmf,
    empirical_reorder_points,
    protection_pmf,
    undershoot_pmf,
)
from xborder.domains.inventory.replay import history_reorder_points


def _one_in_four(days: int = 400) -> tuple[np.ndarray, np.ndarray]:
    sales = np.tile([0.0, 0.0, 0.0, 2.0], days // 4)[None, :]
    return sales, np.ones_like(sales, dtype=bool)


def test_three_days_of_a_two_unit_order_one_day_in_four_by_hand() -> None:
    sales, ok = _one_in_four()
    day, n = daily_pmf(sales, ok, 16)
    assert n[0] == 400 and day[0, 0] == pytest.approx(0.75) and day[0, 2] == pytest.approx(0.25)
    # L = 2 days exactly, R = 1: demand over 3 days is 2 × Binomial(3, 1/4)
    d3 = protection_pmf(day, 2.0, 0.0, 1, 16)[0]
    assert d3[[0, 2, 4, 6]] == pytest.approx([27 / 64, 27 / 64, 9 / 64, 1 / 64])
    # undershoot of a 2-unit jump: 0 or 1 unit, each with probability P(X > k) / E[X] = 1/2
    assert undershoot_pmf(day)[0, :3] == pytest.approx([0.5, 0.5, 0.0])
    # P(D3 + U ≤ 4) = 0.914 < 0.95 ≤ P(≤ 5) = 0.984; without the undershoot P(D3 ≤ 2) = 0.844, P(≤ 4) = 0.984
    kw = {"lead_time_days": 2.0, "lead_time_sd_days": 0.0, "review_days": 1, "service_level": 0.95}
    assert empirical_reorder_points(sales, ok, rate_uncertainty=False, **kw)[0] == 5
    assert empirical_reorder_points(sales, ok, rate_uncertainty=False, undershoot=False, **kw)[0] == 4


def test_with_the_rate_uncertain_one_unit_days_give_the_negative_binomial_quantile() -> None:
    sales = np.zeros((1, 364))
    sales[0, ::26] = 1.0  # 14 one-unit sale days in a year: no undershoot, counts over P are the whole story
    ok = np.ones_like(sales, dtype=bool)
    kw = {"lead_time_days": 60.0, "lead_time_sd_days": 0.0, "review_days": 1, "service_level": 0.95}
    # posterior predictive: Poisson over 61 days with a Gamma(14 + ½, 364) rate = NB(14.5, 1 / (1 + 61/364))
    expected = nbinom.ppf(0.95, 14.5, 1.0 / (1.0 + 61.0 / 364.0))
    assert empirical_reorder_points(sales, ok, **kw)[0] == expected == 6
    assert empirical_reorder_points(sales, ok, rate_uncertainty=False, **kw)[0] == 5  # Binomial(61, 14/364)


def test_days_out_of_stock_are_left_out_and_a_series_without_sales_orders_nothing() -> None:
    sales, ok = _one_in_four()
    ok = ok.copy()
    ok[0, 1::4] = False  # a quarter of the zero days did not end in stock: p(order) rises to 1/3
    day, n = daily_pmf(sales, ok, 8)
    assert n[0] == 300 and day[0, 2] == pytest.approx(1 / 3)
    none = np.zeros((1, 400))
    kw = {"lead_time_days": 2.0, "lead_time_sd_days": 0.0, "review_days": 1, "service_level": 0.95}
    assert empirical_reorder_points(none, np.ones_like(none, dtype=bool), **kw)[0] == 0


def test_a_lead_time_spread_mixes_protection_lengths() -> None:
    sales, ok = _one_in_four()
    day, _ = daily_pmf(sales, ok, 64)
    mixed = protection_pmf(day, 10.0, 2.0, 1, 64)[0]
    assert mixed.sum() == pytest.approx(1.0)
    assert (mixed * np.arange(64)).sum() == pytest.approx(0.5 * 11, rel=1e-3)  # E[D] = d × (E[L] + R)
    fixed = protection_pmf(day, 10.0, 0.0, 1, 64)[0]
    var = lambda p: (p * np.arange(64) ** 2).sum() - (p * np.arange(64)).sum() ** 2  # noqa: E731
    assert var(mixed) == pytest.approx(var(fixed) + 0.5**2 * 4.0, rel=0.02)  # + d² σ_L²


def test_history_plans_use_it_only_below_the_threshold() -> None:
    slow, _ = _one_in_four()
    busy = np.full((1, 400), 20.0)
    sales = np.vstack([slow, busy])
    ok = np.ones_like(sales, dtype=bool)
    kw = {"lead_time_days": 2.0, "lead_time_sd_days": 0.0, "review_days": 1, "service_level": 0.95}
    h = history_reorder_points(sales, ok, empirical_below=25.0, **kw)
    alone = empirical_reorder_points(slow, np.ones_like(slow, dtype=bool), **kw)[0]
    assert h.empirical.tolist() == [True, False] and h.reorder_point[0] == alone and h.reorder_point[1] >= 60
    assert history_reorder_points(sales, ok, **kw).empirical.tolist() == [False, False]
