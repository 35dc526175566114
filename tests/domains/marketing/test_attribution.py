"""Attribution models on the issue's golden toy example and hand-checked cases."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.marketing.attribution import (
    attribute,
    journeys,
    markov,
    removal_effects,
    rule_based,
    shapley,
)

# The toy: four converting journeys — A, A, B and A > B.
TOY = pd.DataFrame({"path": ["A", "B", "A > B"], "conversions": [2, 1, 1], "nulls": [0, 0, 0]})


def test_golden_toy_removal_effects_markov_and_shapley() -> None:
    p = journeys(TOY)
    e = removal_effects(p)
    assert e["A"] == pytest.approx(0.75) and e["B"] == pytest.approx(0.50)
    g = markov(p)
    assert g["A"] == pytest.approx(2.4) and g["B"] == pytest.approx(1.6)
    j = markov(p, per_journey=True)
    assert j["A"] == pytest.approx(2.6) and j["B"] == pytest.approx(1.4)
    s = shapley(p)
    assert s["A"] == pytest.approx(2.5) and s["B"] == pytest.approx(1.5)


def test_rule_based_models_on_the_toy_by_hand() -> None:
    p = journeys(TOY)
    assert rule_based(p, "last_click") == {"A": 2.0, "B": 2.0}
    assert rule_based(p, "first_click") == {"A": 3.0, "B": 1.0}
    assert rule_based(p, "linear") == {"A": 2.5, "B": 1.5}
    assert rule_based(p, "position") == {"A": 2.5, "B": 1.5}  # two touches: 50/50
    # half-life 1 touch: in A > B, A weighs 1/2 and B 1 → A gets 1/3 of that conversion
    td = rule_based(p, "time_decay", half_life=1)
    assert td["A"] == pytest.approx(2 + 1 / 3) and td["B"] == pytest.approx(1 + 2 / 3)


def test_position_based_40_20_40_and_nulls_lower_the_markov_chain() -> None:
    p = journeys(pd.DataFrame({"path": ["A > B > C > D"], "conversions": [10]}))
    pos = rule_based(p, "position")
    assert pos == pytest.approx({"A": 4.0, "B": 1.0, "C": 1.0, "D": 4.0})
    # A converts 1 of 2 journeys, B 1 of 1: removing B leaves only A's own conversion
    q = journeys(pd.DataFrame({"path": ["A", "A > B"], "conversions": [1, 1], "nulls": [1, 0]}))
    e = removal_effects(q)
    # P(conv) = 1/3 + 1/3 = 2/3 (A → conv 1/3, A → B 1/3 → conv); without B: 1/3 → effect 1/2; without A: 0 → 1
    assert e["A"] == pytest.approx(1.0) and e["B"] == pytest.approx(0.5)


def test_shapley_efficiency_and_symmetry_with_three_channels() -> None:
    p = journeys(pd.DataFrame({"path": ["A > B", "B > A", "C", "A > B > C"], "conversions": [3, 3, 2, 4]}))
    s = shapley(p)
    assert sum(s.values()) == pytest.approx(12.0)
    assert s["A"] == pytest.approx(s["B"])
    # by hand: A and B share the 6 of {A,B} and a third of the 4 of {A,B,C}; C its 2 and a third of the 4
    assert s["C"] == pytest.approx(2 + 4 / 3)


def test_attribute_table_and_bad_input_messages() -> None:
    t = attribute(journeys(TOY))
    assert list(t["channel"]) == ["A", "B"]
    assert t[["last_click", "first_click", "linear", "time_decay", "position", "markov", "markov_journey",
              "shapley"]].sum().round(9).eq(4.0).all()  # fmt: skip
    with pytest.raises(BadInputError, match="Unknown attribution model"):
        attribute(journeys(TOY), ["u_shape"])
    with pytest.raises(BadInputError, match="row 2 has an empty path"):
        journeys(pd.DataFrame({"path": ["A", " > "], "conversions": [1, 1]}))
    with pytest.raises(BadInputError, match="conversions"):
        journeys(pd.DataFrame({"path": ["A"]}))
