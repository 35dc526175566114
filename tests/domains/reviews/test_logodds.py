"""Golden test of the weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)."""

from __future__ import annotations

import math

import pytest

from xborder.domains.reviews.logodds import log_odds_dirichlet


def test_hand_computed_example() -> None:
    """Two words, counts 3/1 vs 1/3, prior a_good = a_bad = 2 (a_0 = 4), n_i = n_j = 4.

    delta_good = log((3+2)/(4+4-3-2)) - log((1+2)/(4+4-1-2)) = log(5/3) - log(3/5) = 2 log(5/3)
    var = 1/(3+2) + 1/(1+2) = 8/15;  z = delta / sqrt(8/15)
    """
    res = log_odds_dirichlet({"good": 3, "bad": 1}, {"good": 1, "bad": 3}, prior={"good": 2, "bad": 2})
    good = res.set_index("term").loc["good"]
    assert good["log_odds"] == pytest.approx(2 * math.log(5 / 3), abs=1e-12)  # 1.021651...
    assert good["variance"] == pytest.approx(8 / 15, abs=1e-12)
    assert good["z"] == pytest.approx(
        2 * math.log(5 / 3) / math.sqrt(8 / 15), abs=1e-12
    )  # 1.021651 / 0.730297 = 1.398954
    assert good["z"] == pytest.approx(1.398954, abs=1e-6)
    bad = res.set_index("term").loc["bad"]
    assert bad["z"] == pytest.approx(-good["z"], abs=1e-12)  # symmetric counts give opposite z
    assert list(res["term"]) == ["good", "bad"]  # sorted by z, group-i words first


def test_informative_prior_scales_with_prior_total() -> None:
    """a_w = a_0 · background share: with a_0 = 40 the same shares give a_w = 20 and more shrinkage."""
    weak = log_odds_dirichlet({"good": 3, "bad": 1}, {"good": 1, "bad": 3}, prior={"good": 2, "bad": 2})
    strong = log_odds_dirichlet(
        {"good": 3, "bad": 1}, {"good": 1, "bad": 3}, prior={"good": 2, "bad": 2}, prior_total=40
    )
    s = strong.set_index("term").loc["good"]
    assert s["alpha"] == pytest.approx(20)
    assert s["log_odds"] == pytest.approx(math.log(23 / 21) - math.log(21 / 23))
    assert abs(s["z"]) < abs(weak.set_index("term").loc["good"]["z"])


def test_pooled_prior_and_unseen_words() -> None:
    """Without a prior the pooled counts are the background; a word only in one group gets a finite z."""
    res = log_odds_dirichlet({"loud": 5, "ok": 5}, {"ok": 10}).set_index("term")
    assert res.loc["loud", "alpha"] == pytest.approx(5)
    assert math.isfinite(res.loc["loud", "z"]) and res.loc["loud", "z"] > 0
    assert res.loc["ok", "z"] < 0


def test_empty_input() -> None:
    assert log_odds_dirichlet({}, {}).empty
