"""AHP weights (Saaty's golden example, consistency checks), TOPSIS and tiers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.suppliers import GROUPS, ahp, assign_tiers, indicator_weights, topsis_scores

# Saaty (1980, 2008): relative consumption of drinks in the US — coffee, wine, tea, beer, sodas, milk, water.
DRINKS = np.array([
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
])  # fmt: skip


def test_saaty_drinks_matrix_gives_the_published_weights_and_consistency() -> None:
    r = ahp(DRINKS)
    # water .327, sodas .190, coffee .177, milk .129, beer .116, tea .042, wine .019
    assert sorted(np.round(r.weights, 3), reverse=True) == [0.327, 0.19, 0.177, 0.129, 0.116, 0.042, 0.019]
    assert np.round(r.weights, 3).tolist() == [0.177, 0.019, 0.042, 0.116, 0.19, 0.129, 0.327]
    assert r.lambda_max == pytest.approx(7.1766, abs=5e-5)
    # CI = 0.1766 / 6 = 0.02944; pymcdm's RI(7) = 1.3322 (Tummala & Ling) gives 0.0221, Saaty's 1.32 gives 0.0223
    assert r.ci == pytest.approx(0.02944, abs=5e-5)
    assert r.cr == pytest.approx(0.022, abs=5e-4)


def test_default_judgements_are_consistent_and_cover_the_twelve_indicators() -> None:
    w = indicator_weights()
    assert w.method == "ahp" and len(w.weights) == 12 == sum(len(g) for g in GROUPS.values())
    assert sum(w.weights.values()) == pytest.approx(1.0)
    assert all(r.cr == 0.0 and r.ci == 0.0 for r in w.consistency.values())  # never -0.0 from rounding noise
    # delivery, cost and compliance each 3/10, capability 1/10; price is 3/4 of cost
    assert w.group_weights == pytest.approx(
        {"delivery": 0.3, "cost": 0.3, "capability": 0.1, "compliance": 0.3}
    )
    assert w.weights["price"] == pytest.approx(0.225) and w.weights["moq"] == pytest.approx(0.075)


def test_a_user_judgement_changes_only_its_matrix() -> None:
    w = indicator_weights({"price/moq": 1})
    assert w.local["price"] == pytest.approx(0.5) and w.weights["quality"] == pytest.approx(0.1125)


def test_inconsistent_judgements_are_refused_naming_the_furthest_one() -> None:
    # quality 9x on-time, on-time 9x lead time, but lead time 9x quality: circular
    bad = {"quality/on_time": 9, "on_time/lead_time": 9, "lead_time/quality": 9}
    with pytest.raises(
        BadInputError, match=r"judgements of delivery are inconsistent: CR = \d\.\d{3} > 0\.10"
    ) as e:
        indicator_weights(bad)
    assert "furthest off" in (e.value.hint or "")


def test_judgements_off_the_scale_or_across_groups_are_refused() -> None:
    with pytest.raises(BadInputError, match="not on Saaty's scale"):
        indicator_weights({"price/moq": 2.5})
    with pytest.raises(BadInputError, match="does not compare two groups or two indicators of one group"):
        indicator_weights({"price/quality": 3})
    with pytest.raises(BadInputError, match="either AHP judgements or direct weights"):
        indicator_weights({"price/moq": 3}, {"price": 1})


def test_direct_weights_are_normalised_and_left_out_indicators_weigh_nothing() -> None:
    w = indicator_weights(direct={"price": 3, "quality": 1})
    assert w.method == "direct" and w.weights["price"] == 0.75 and w.weights["quality"] == 0.25
    assert w.weights["on_time"] == 0.0
    with pytest.raises(BadInputError, match="unknown indicator"):
        indicator_weights(direct={"speed": 1})


def test_topsis_closeness_by_hand_and_neutral_missing_values() -> None:
    m = pd.DataFrame(
        {"on_time": [0.9, 0.6, 0.8], "price": [1.2, 0.8, 1.0], "moq": [1.0, 1.0, 1.0]}, index=["a", "b", "c"]
    )
    w = {"on_time": 0.5, "price": 0.5, "moq": 0.5}
    got = topsis_scores(m, w)
    # by hand: vector normalisation, weights .5/.5 (moq is equal for all: it separates no one and is left out)
    x = m[["on_time", "price"]].to_numpy()
    v = x / np.sqrt((x**2).sum(axis=0)) * 0.5
    best, worst = np.array([v[:, 0].max(), v[:, 1].min()]), np.array([v[:, 0].min(), v[:, 1].max()])
    dp, dm = np.sqrt(((v - best) ** 2).sum(axis=1)), np.sqrt(((v - worst) ** 2).sum(axis=1))
    assert got.to_numpy() == pytest.approx(dm / (dp + dm))
    m.loc["c", "on_time"] = np.nan  # unknown: the median of the others (0.75), not a zero
    filled = topsis_scores(m, w)
    m.loc["c", "on_time"] = 0.75
    assert filled.to_numpy() == pytest.approx(topsis_scores(m, w).to_numpy())


def test_tiers_take_fifteen_and_thirty_five_percent_by_rank() -> None:
    scores = pd.Series(np.linspace(1, 0.1, 10), index=[f"s{i}" for i in range(10)])
    t = assign_tiers(scores)
    assert t.sort_values("rank")["tier"].tolist() == ["strategic"] * 2 + ["core"] * 3 + ["cooperative"] * 5
    assert assign_tiers(scores.head(1))["tier"].tolist() == ["strategic"]
    t = assign_tiers(scores, strategic_share=0.3, core_share=0.3)
    assert (t["tier"] == "strategic").sum() == 3 and (t["tier"] == "core").sum() == 3
