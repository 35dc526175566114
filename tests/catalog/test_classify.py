"""Category rules: descriptions → taxonomy ids with a confidence; user overrides win."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.ingest.helpers import fresh, ingest
from tests.ingest.test_formats import write_csv
from xborder.catalog import CATEGORY_IDS
from xborder.catalog.classify import classify, keyword_rules

CASES = [
    # (description as in UCI Online Retail, expected category, why)
    ("WHITE HANGING HEART T-LIGHT HOLDER", "home_kitchen", "t-light holder is home decor"),
    ("JUMBO BAG RED RETROSPOT", "bags_luggage", "jumbo shopping bag"),
    ("PARTY BUNTING", "party_seasonal", "bunting is a party decoration"),
    ("RABBIT NIGHT LIGHT", "lighting", "two-word phrase 'night light'"),
    ("PAPER CHAIN KIT 50'S CHRISTMAS", "party_seasonal", "christmas decoration"),
    ("SET OF 3 CAKE TINS PANTRY DESIGN", "home_kitchen", "kitchen tins"),
    ("REGENCY CAKESTAND 3 TIER", "home_kitchen", "cake stand written as one word"),
    ("SPACEBOY LUNCH BOX", "home_kitchen", "lunch box is kitchenware"),
]


@pytest.mark.parametrize(("title", "expected", "why"), CASES)
def test_known_descriptions(title, expected, why):
    cat, conf = classify(title)
    assert cat == expected, why
    assert 0 < conf <= 0.95


def test_no_match_is_other_with_zero_confidence():
    assert classify("XYZZY 123") == ("other", 0.0)
    assert classify(None) == ("other", 0.0)


def test_rules_and_source_maps_use_only_taxonomy_ids():
    cats = {c for rules in keyword_rules().values() for c, _ in rules}
    assert cats <= set(CATEGORY_IDS)
    from xborder.ingest.layouts.olist import source_category_map

    assert set(source_category_map()["category"]) <= set(CATEGORY_IDS)


def test_user_override_wins_and_survives_reingest(tmp_path):
    con = fresh(tmp_path)
    ingest(con, write_csv(tmp_path / "o.csv"), "orders", tmp_path)
    assert (
        con.execute("SELECT category_source FROM products WHERE product_id = 'uci:85123A'").fetchone()[0]
        == "rules"
    )
    ov = tmp_path / "overrides.csv"
    pd.DataFrame(
        {"product_id": ["uci:85123A", "uci:22633"], "category": ["lighting", "not_a_category"]}
    ).to_csv(ov, index=False)
    (r,) = ingest(con, ov, "categories", tmp_path)
    assert (r.rows_stored, r.rows_quarantined) == (1, 1)
    row = con.execute(
        "SELECT category, category_confidence, category_source FROM products WHERE product_id = 'uci:85123A'"
    ).fetchone()
    assert row == ("lighting", 1.0, "override")
    reason = con.execute("SELECT reason_code FROM quarantine WHERE ingest_id = ?", [r.ingest_id]).fetchone()[
        0
    ]
    assert reason == "unknown_category"
