"""Policy formulas against the published worked examples of Snyder & Shen, *Fundamentals of Supply Chain Theory*
(2nd ed.), whose values Snyder's stockpyl library reproduces (eoq.py, newsvendor.py and rq.py doctests)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from xborder.domains.inventory.policy import (
    cycle_safety_factor,
    eoq,
    eoq_cost,
    fill_rate_safety_factor,
    lead_time_demand,
    newsvendor_normal,
    normal_loss,
    normal_second_loss,
    reorder_point,
    round_order,
    rq_cost,
    rq_optimal,
)


def test_eoq_example_3_1() -> None:
    q = eoq(8, 0.225, 1300)
    assert q == pytest.approx(304.05, abs=0.005)
    assert eoq_cost(q, 8, 0.225, 1300) == pytest.approx(68.41, abs=0.005)


def test_newsvendor_example_4_1_normal_50_8() -> None:
    s, cost = newsvendor_normal(0.18, 0.70, 50, 8)
    assert s == pytest.approx(56.60, abs=0.005)
    assert cost == pytest.approx(1.9976, abs=0.00005)


def test_rq_example_5_1_cost_and_exact_optimum() -> None:
    # h = 0.225, p = 7.5, K = 8, λ = 1300, τ = 150, L = 1/12 (stockpyl: r_q_cost(...) = 78.07116250928294)
    assert rq_cost(126.8, 328.5, 0.225, 7.5, 8, 1300, 150, 1 / 12) == pytest.approx(
        78.07116250928294, rel=1e-9
    )
    r, q, cost = rq_optimal(0.225, 7.5, 8, 1300, 150, 1 / 12)
    assert r == pytest.approx(126.87, abs=0.005)
    assert q == pytest.approx(328.45, abs=0.005)
    assert cost == pytest.approx(78.07, abs=0.005)


def test_loss_functions_match_their_integrals() -> None:
    z = np.array([-1.0, 0.0, 0.5, 2.0])
    grid = np.linspace(-12, 12, 200_001)
    for zi, li, l2 in zip(z, normal_loss(z), normal_second_loss(z), strict=True):
        dx = grid[1] - grid[0]
        assert li == pytest.approx(float((np.maximum(grid - zi, 0) * norm.pdf(grid)).sum() * dx), abs=1e-6)
        assert l2 == pytest.approx(
            float((0.5 * np.maximum(grid - zi, 0) ** 2 * norm.pdf(grid)).sum() * dx), abs=1e-6
        )


def test_fill_rate_factor_gives_the_target_fill_rate_with_lost_sales_and_backorders() -> None:
    q, sigma = np.array([100.0, 40.0, 500.0]), np.array([50.0, 60.0, 20.0])
    for beta in (0.9, 0.95, 0.99):
        z = fill_rate_safety_factor(np.full(3, beta), q, sigma, lost_sales=True)
        short = sigma * normal_loss(z)
        np.testing.assert_allclose(q / (q + short), beta, atol=2e-4)
        zb = fill_rate_safety_factor(np.full(3, beta), q, sigma, lost_sales=False)
        np.testing.assert_allclose(1 - sigma * normal_loss(zb) / q, beta, atol=2e-4)
        assert (z <= zb + 1e-9).all()  # lost sales need less safety stock for the same fill rate


def test_cycle_factor_reorder_point_and_lead_time_demand() -> None:
    assert cycle_safety_factor(0.95) == pytest.approx(1.644854, abs=1e-6)
    mu, sd = lead_time_demand(10.0, 3.0, 36.0, 4.0)
    assert (mu, sd) == (pytest.approx(360.0), pytest.approx(np.sqrt(36 * 9 + 100 * 16)))
    assert reorder_point(mu, sd, 1.644854) == pytest.approx(360 + 1.644854 * sd)
    g = reorder_point(np.array([4.0]), np.array([3.0]), np.array([1.644854]), distribution="gamma")[0]
    from scipy.stats import gamma

    assert g == pytest.approx(gamma.ppf(0.95, 16 / 9, scale=9 / 4), rel=1e-6)  # same mean and variance


def test_round_order_applies_moq_then_whole_cases() -> None:
    got = round_order(
        np.array([37.0, 37.0, 37.0, 0.4, 120.0]),
        np.array([0, 100, 0, 0, np.nan]),
        np.array([1, 1, 12, 1, 24]),
    )
    assert got.tolist() == [37.0, 100.0, 48.0, 1.0, 120.0]
