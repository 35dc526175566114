"""Product attributes: read from the products table, inferred from category/title, validated."""

from __future__ import annotations

import json

import pytest

from xborder.core.errors import BadInputError
from xborder.domains.compliance import ProductAttributes


def test_from_product_row_reads_columns_and_json() -> None:
    row = {
        "product_id": "x:1",
        "title": "Kids night light",
        "category": "lighting",
        "hs_code": "9405.42",
        "origin_country": "VN",
        "battery": True,
        "radio": False,
        "electrical": True,
        "for_children": True,
        "food_contact": None,
        "attributes": json.dumps(
            {"battery_type": "button", "battery_wh": 0.7, "age_min": 3, "mains": False, "connected": False}
        ),
    }
    a = ProductAttributes.from_product_row(row)
    assert (a.category, a.hs_code, a.origin) == ("lighting", "940542", "VN")
    assert a.battery and a.battery_type == "button" and a.battery_wh == 0.7
    assert a.wireless is False and a.mains is False and a.electronic is True
    assert a.for_children and a.age_min == 3
    assert a.food_contact is None and a.inferred == frozenset()
    flags = a.flags()
    assert flags["battery_button"] and not flags["battery_li"] and flags["eee"] and flags["lighting"]


def test_bad_values_in_warehouse_rows_become_unknown_not_errors() -> None:
    a = ProductAttributes.from_product_row(
        {"category": "not-a-category", "hs_code": "n/a", "attributes": "{broken", "battery": "maybe"}
    )
    assert a.category is None and a.hs_code is None and a.battery is None


def test_inference_fills_unknowns_and_marks_them() -> None:
    a = ProductAttributes(category="toys_games", title="Bluetooth remote control car for kids 6+").infer()
    assert a.wireless and a.for_children and a.age_min == 6
    assert {"wireless", "for_children", "age_min"} <= a.inferred
    assert a.stated_only().wireless is None


def test_stated_attributes_win_over_inference() -> None:
    a = ProductAttributes(category="consumer_electronics", title="wired earphones", battery=False).infer()
    assert a.battery is False and "battery" not in a.inferred and a.electronic is True


def test_category_defaults() -> None:
    assert ProductAttributes(category="beauty_personal_care").infer().cosmetic
    assert ProductAttributes(category="furniture").infer().flags()["furniture"]
    assert ProductAttributes(category="baby").infer().age_min == 0
    assert ProductAttributes(category="consumer_electronics").infer().battery_type == "li-ion"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"category": "toyz"}, "Unknown category 'toyz'"),
        ({"age_min": -1.0, "for_children": True}, "between 0 and 18"),
        ({"battery_type": "plutonium"}, "Unknown battery type"),
        ({"battery_wh": -5.0}, ">= 0 Wh"),
        ({"hs_code": "12"}, "at least 4 digits"),
    ],
)
def test_bad_input_is_a_clear_bad_input_error(kwargs: dict, message: str) -> None:
    with pytest.raises(BadInputError, match=message) as exc:
        ProductAttributes(**kwargs)
    assert exc.value.exit_code == 2


def test_battery_aliases() -> None:
    assert ProductAttributes(battery_type="LiPo").battery_type == "li-ion"
    assert ProductAttributes(battery_type="coin").battery_type == "button"


def test_with_stated_applies_flags_and_their_implications() -> None:
    base = ProductAttributes.from_product_row({"title": "speaker", "radio": False, "attributes": "{}"})
    a = base.with_stated(
        wireless=True, battery_type="button", age_min=3, origin="vn", furniture=False, title=None
    )
    assert a.wireless and a.electronic and a.battery and a.battery_type == "button"
    assert a.for_children and a.age_min == 3 and a.origin == "VN"
    assert a.furniture is None and a.title == "speaker"  # False/None flags mean "not said"
    with pytest.raises(BadInputError, match="between 0 and 18"):
        base.with_stated(age_min=-1)


def test_category_is_inferred_from_an_unambiguous_hs_heading() -> None:
    toy = ProductAttributes(hs_code="9503.00").infer()
    assert toy.category == "toys_games" and toy.for_children and {"category", "for_children"} <= toy.inferred
    assert ProductAttributes(hs_code="640299").infer().category == "footwear"
    assert (
        ProductAttributes(hs_code="732399").infer().category is None
    )  # iron household articles: no one category
    assert ProductAttributes(hs_code="950300", category="baby").infer().category == "baby"  # stated wins


def test_hs_code_suggested_from_the_title_only_when_confident() -> None:
    puzzle = ProductAttributes(title="Wooden jigsaw puzzle 100 pieces").with_suggested_hs()
    assert puzzle.hs_code == "950300" and "hs_code" in puzzle.inferred
    assert puzzle.infer().category == "toys_games"
    vague = ProductAttributes(title="ASSORTED COLOUR BIRD ORNAMENT").with_suggested_hs()
    assert vague.hs_code is None  # low-confidence suggestion is not used
    stated = ProductAttributes(title="Wooden jigsaw puzzle", category="arts_crafts").with_suggested_hs()
    assert stated.hs_code is None
