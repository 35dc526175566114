"""A/B-test statistics: the issue's golden figures and hand-checked intervals."""

from __future__ import annotations

from math import sqrt

import pytest
from scipy import stats

from xborder.core.errors import BadInputError
from xborder.domains.marketing.experiments import (
    ArmResult,
    compare_arms,
    crossing_probability,
    obrien_fleming_bounds,
    peeking_false_positive_rate,
    sample_size,
    simulate_peeking,
)


def test_sample_size_by_cohens_h() -> None:
    assert sample_size(0.20, 0.25) == 1092
    assert sample_size(0.25, 0.20) == 1092
    with pytest.raises(BadInputError, match="strictly between 0 and 1"):
        sample_size(0.2, 1.2)


def test_obrien_fleming_bounds_for_five_looks_are_computed() -> None:
    b = obrien_fleming_bounds(5)
    assert [round(x, 3) for x in b] == [4.562, 3.226, 2.634, 2.281, 2.040]
    assert crossing_probability(b) == pytest.approx(0.05, abs=1e-6)
    # one look is the fixed-sample test
    assert obrien_fleming_bounds(1)[0] == pytest.approx(stats.norm.ppf(0.975), abs=1e-4)


def test_naive_peeking_five_times_gives_about_14_percent() -> None:
    exact = peeking_false_positive_rate(5)
    assert exact == pytest.approx(0.142, abs=0.001)
    sim = simulate_peeking(5, trials=100_000)
    assert abs(sim - exact) < 4 * sqrt(exact * (1 - exact) / 100_000)
    assert peeking_false_positive_rate(1) == pytest.approx(0.05, abs=1e-6)


def test_compare_arms_intervals_by_hand_and_the_peeking_warning() -> None:
    a, b = ArmResult("A", 1000, 200, 5000.0, 20.0), ArmResult("B", 1000, 250, 6000.0, 22.0)
    r = compare_arms(a, b)
    assert r["difference"] == pytest.approx(0.05)
    # Wilson interval of 200/1000 by hand
    z, n, p = stats.norm.ppf(0.975), 1000, 0.2
    centre, half = (
        (p + z**2 / (2 * n)) / (1 + z**2 / n),
        z * sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n),
    )
    assert r["control"]["interval"] == pytest.approx([centre - half, centre + half])
    pooled = 0.225
    assert r["z"] == pytest.approx(0.05 / sqrt(pooled * (1 - pooled) * 2 / 1000))
    assert r["significant"] is True and r["warnings"] == []
    se = sqrt(20.0**2 / 1000 + 22.0**2 / 1000)
    lo, hi = r["revenue_per_visitor_interval"]
    assert (lo + hi) / 2 == pytest.approx(1.0) and (hi - lo) / 2 == pytest.approx(1.961 * se, rel=1e-3)
    peeked = compare_arms(a, b, looks_done=3)
    assert peeked["warnings"][0]["code"] == "marketing.peeking"
    assert peeked["warnings"][0]["args"]["rate"] == pytest.approx(peeking_false_positive_rate(3))
    planned = compare_arms(a, b, looks_done=2, looks_planned=5)
    assert planned["bound"] == pytest.approx(3.226, abs=1e-3) and planned["significant"] is False
    with pytest.raises(BadInputError, match="Arm B: 20 conversions of 10 visitors"):
        compare_arms(a, ArmResult("B", 10, 20, 0.0))
