"""Horizon totals no narrower than the per-period quantiles summed with the measured cross-step correlation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.demand.window_totals import cross_step_rho, period_sum_quantiles, widen_by_periods


def _rows() -> pd.DataFrame:
    # one series, two periods: medians 10 and 20, 10% quantiles 2 and 5 below, 90% quantiles 3 and 4 above
    return pd.DataFrame({"unique_id": "a|DE", "q10": [8.0, 15.0], "q50": [10.0, 20.0], "q90": [13.0, 24.0]})


def test_period_sums_add_the_spreads_as_their_correlation_says() -> None:
    """rho = 0: sqrt(3^2 + 4^2) = 5 above the summed median 30; rho = 1: 3 + 4 = 7; rho = 0.5: sqrt(25 + 12)."""
    indep, together, half = (period_sum_quantiles(_rows(), r).loc["a|DE"] for r in (0.0, 1.0, 0.5))
    assert indep["q90"] == pytest.approx(35.0) and together["q90"] == pytest.approx(37.0)
    assert half["q90"] == pytest.approx(30 + np.sqrt(37.0))
    assert indep["q10"] == pytest.approx(30 - np.sqrt(29.0)) and together["q10"] == pytest.approx(23.0)
    assert "q05" not in indep.index  # only the levels the rows carry


def test_a_narrower_tail_is_widened_and_a_wider_one_kept() -> None:
    totals = pd.DataFrame({"unique_id": ["a|DE"], "q10": [20.0], "q50": [29.0], "q90": [33.0]})
    out = widen_by_periods(totals, _rows(), 0.0).iloc[0]
    assert out["q10"] == 20.0  # already below 30 - sqrt(29) = 24.6
    assert out["q90"] == pytest.approx(35.0)  # 33 is inside 30 + 5
    assert out["q50"] == 29.0  # the median is the totals' own


def test_cross_step_correlation_of_backtest_windows() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    same = pd.DataFrame({"demand_class": "smooth", 1: x, 2: x, 3: x})
    opposite = pd.DataFrame({"demand_class": "smooth", 1: x, 2: -x})
    assert cross_step_rho(same) == pytest.approx(1.0)
    assert cross_step_rho(opposite) == 0.0  # negative correlation is floored at independence
    assert cross_step_rho(same.head(5)) == 1.0  # too few windows to say: the per-period bounds add up
