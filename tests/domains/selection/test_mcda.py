"""MCDA: golden TOPSIS examples, the weighted sum and the normalisations."""

from __future__ import annotations

import numpy as np
import pytest

from xborder.domains.selection.mcda import normalise, rank_desc, score_matrix, topsis, weighted_sum


def test_topsis_reproduces_tzeng_huang_2011_worked_example() -> None:
    # Tzeng & Huang (2011), Multiple Attribute Decision Making, CRC Press; vector normalisation, all benefit.
    m = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)
    c = topsis(m, np.array([0.3, 0.4, 0.3]), np.array([1, 1, 1]), normalisation="vector")
    np.testing.assert_allclose(c, [0.5037, 0.6581, 0.7482, 0.3340], atol=1e-4)
    assert rank_desc(c).tolist() == [3, 2, 1, 4]


def test_topsis_reproduces_pymcdm_docstring_example_with_minmax() -> None:
    m = np.array([[1, 3000], [2, 3750], [5, 4500]], dtype=float)
    c = topsis(m, np.array([0.5, 0.5]), np.array([-1, 1]), normalisation="minmax")
    np.testing.assert_allclose(c, [0.500, 0.617, 0.500], atol=1e-3)


def test_score_matrix_topsis_matches_golden_and_attributes_the_closeness() -> None:
    m = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)
    res = score_matrix(
        m, np.array([0.3, 0.4, 0.3]), np.array([1, 1, 1]), method="topsis", normalisation="vector"
    )
    np.testing.assert_allclose(res.scores, [0.5037, 0.6581, 0.7482, 0.3340], atol=1e-4)
    np.testing.assert_allclose(res.contributions.sum(axis=1), res.scores, atol=1e-12)


def test_weighted_sum_contributions_add_up_to_the_score() -> None:
    norm = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    s, c = weighted_sum(norm, np.array([3.0, 1.0]))  # weights are rescaled to 0.75 / 0.25
    np.testing.assert_allclose(s, [0.75, 0.5, 0.25])
    np.testing.assert_allclose(c.sum(axis=1), s)


@pytest.mark.parametrize(
    ("method", "benefit_best", "cost_best"),
    [("minmax", 1.0, 1.0), ("rank", 1.0, 1.0)],
    ids=["min-max: best value maps to 1", "rank: best value maps to 1"],
)
def test_normalise_reverses_cost_factors(method: str, benefit_best: float, cost_best: float) -> None:
    m = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    n = normalise(m, np.array([1, -1]), method)
    assert n[2, 0] == pytest.approx(benefit_best)  # largest benefit is best
    assert n[0, 1] == pytest.approx(cost_best)  # smallest cost is best
    assert n[0, 0] < n[1, 0] < n[2, 0] and n[0, 1] > n[1, 1] > n[2, 1]


def test_rank_normalisation_ignores_outliers_and_ties_share_a_value() -> None:
    a = normalise(np.array([[1.0], [2.0], [3.0], [1e9]]), np.array([1]), "rank")[:, 0]
    b = normalise(np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([1]), "rank")[:, 0]
    np.testing.assert_allclose(a, b)
    t = normalise(np.array([[5.0], [5.0], [1.0]]), np.array([1]), "rank")[:, 0]
    assert t[0] == t[1] > t[2]


def test_missing_values_get_the_neutral_value_and_constant_columns_do_not_divide_by_zero() -> None:
    n = normalise(np.array([[1.0, 7.0], [np.nan, 7.0], [3.0, 7.0]]), np.array([1, 1]), "minmax")
    assert n[1, 0] == 0.5
    assert (n[:, 1] == 0.5).all()


def test_unknown_method_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="weighted_sum"):
        score_matrix(np.ones((2, 2)), np.ones(2), np.ones(2), method="ahp")


def test_topsis_on_many_candidates_is_not_squashed_by_one_outlier() -> None:
    rng = np.random.default_rng(0)
    m = rng.uniform(0, 1, size=(500, 2))
    m[0, 0] = 1e6  # a +100,000% trend from a zero base
    res = score_matrix(m, np.array([0.5, 0.5]), np.array([1, 1]), method="topsis", normalisation="vector")
    others = np.delete(res.scores, 0)
    assert others.std() > 0.1  # the other 499 still spread over the scale
    assert res.scores[0] > np.median(res.scores)  # the outlier is at the top of its factor
    ws = score_matrix(m, np.array([0.5, 0.5]), np.array([1, 1]), method="weighted_sum", normalisation="rank")
    assert np.corrcoef(res.ranks, ws.ranks)[0, 1] > 0.9  # same ordering as the robust weighted sum
