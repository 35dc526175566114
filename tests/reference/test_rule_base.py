"""The rule base: every row sourced and dated, coverage of markets/categories/low-value rules, no gaps in time."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xborder.catalog import CATEGORY_IDS
from xborder.domains.landed_cost.rules import RULE_TABLES, rule_book
from xborder.reference import load_table

MARKETS = [
    "US",
    "CA",
    "MX",
    "BR",
    "GB",
    "DE",
    "FR",
    "IT",
    "ES",
    "NL",
    "PL",
    "SE",
    "JP",
    "KR",
    "AU",
    "SG",
    "MY",
    "TH",
    "VN",
    "ID",
    "PH",
    "SA",
    "AE",
    "TR",
    "IN",
]


@pytest.mark.parametrize("name", RULE_TABLES)
def test_every_rule_has_an_original_source_dates_and_confidence(name: str) -> None:
    df = load_table(name)
    assert len(df) > 0
    assert df["source"].str.match(r"^https?://").all(), df.loc[
        ~df["source"].str.match(r"^https?://"), "source"
    ]
    assert not df["source"].str.contains("regs.md|regs_facts").any()  # cite originals, not the research notes
    assert df["valid_from"].notna().all()
    assert df["last_checked"].notna().all()
    closed = df[df["valid_to"].notna()]
    assert (closed["valid_from"] <= closed["valid_to"]).all()
    key = ["rule_id"] if "rule_id" in df.columns else [df.columns[0], "valid_from"]
    assert not df.duplicated(key).any()


def test_rule_ids_are_unique_across_tables() -> None:
    ids = pd.concat([load_table(n).get("rule_id", pd.Series(dtype=str)) for n in RULE_TABLES])
    assert ids.is_unique


def test_all_25_markets_have_currency_and_a_vat_rule_on_any_day() -> None:
    for day in ("2019-06-01", "2023-01-01", "2025-08-29", "2026-07-01", "2026-11-26"):
        b = rule_book(day)
        assert set(MARKETS) <= set(b.markets.index), day
        assert set(MARKETS) <= set(b.vat.index), day
        assert (b.markets.loc[MARKETS, "currency"].str.len() == 3).all()


def test_low_value_rules_cover_the_named_changes() -> None:
    lv = load_table("low_value/rules").set_index("rule_id")
    expect = {
        "US-DM-SUSP": dt.date(2025, 8, 29),
        "US-DM-END-CNHK": dt.date(2025, 5, 2),
        "EU-LVC-3EUR": dt.date(2026, 7, 1),
        "EU-LVC-150-IOSS": dt.date(2021, 7, 1),
        "GB-LV-135": dt.date(2021, 1, 1),
        "AU-LVG-1000": dt.date(2018, 7, 1),
        "BR-RC-20": dt.date(2024, 8, 1),
        "MX-COURIER-33": dt.date(2025, 8, 15),
        "TH-END": dt.date(2026, 1, 1),
        "VN-END": dt.date(2025, 2, 18),
    }
    for rid, start in expect.items():
        assert lv.loc[rid, "valid_from"] == start, rid
    assert lv.loc["EU-LVC-150-IOSS", "valid_to"] == dt.date(2026, 6, 30)
    assert lv.loc["US-DM-800", "valid_to"] == dt.date(2025, 8, 28)


def test_duties_cover_the_common_categories_for_six_markets() -> None:
    d = load_table("duties/rates")
    wanted = [
        "home_kitchen",
        "toys_games",
        "apparel",
        "footwear",
        "bags_luggage",
        "consumer_electronics",
        "lighting",
        "furniture",
        "beauty_personal_care",
        "sports_outdoors",
        "pet_supplies",
        "baby",
    ]
    for market in ("US", "EU", "GB", "JP", "CA", "AU"):
        have = set(d.loc[d["market"] == market, "category"])
        assert set(wanted) <= have, (market, set(wanted) - have)
    assert set(d["category"]) <= set(CATEGORY_IDS)


def test_category_defaults_cover_every_category_and_point_at_a_duty_row() -> None:
    cd = load_table("category_defaults")
    assert set(cd["category"]) == set(CATEGORY_IDS)
    d = load_table("duties/rates")
    assert set(cd["hs_code"]) <= set(d["hs_prefix"])
    assert (pd.to_numeric(cd["weight_kg"]) > 0).all()


def test_us_surcharges_in_force_by_date_for_china() -> None:
    def rates(day: str) -> dict[str, float]:
        return {r["rule_id"]: float(r["rate"]) for r in rule_book(day).additional_rules("US", "CN", "940542")}

    assert rates("2025-01-15") == {"US-301-L3": 0.25}
    assert rates("2025-04-20") == {"US-301-L3": 0.25, "US-IEEPA-FENT-20": 0.20, "US-IEEPA-RECIP-CN-125": 1.25}
    assert rates("2025-12-01") == {
        "US-301-L3": 0.25,
        "US-IEEPA-FENT-10B": 0.10,
        "US-IEEPA-RECIP-CN-10B": 0.10,
    }
    assert rates("2026-03-01") == {"US-301-L3": 0.25, "US-S122": 0.10}
    assert rates("2026-08-01") == {
        "US-301-L3": 0.25
    }  # Section 122 expired 2026-07-24 (no successor in the base)


def test_marketplace_fee_tables_exist_for_the_required_marketplaces() -> None:
    ref = load_table("fees/amazon_referral")
    assert {"amazon.US", "amazon.DE", "amazon.GB", "amazon.JP"} <= set(ref["fee_table"])
    fba = load_table("fees/amazon_fba")
    us = fba[fba["fee_table"] == "amazon.US"]
    assert {dt.date(2024, 2, 5), dt.date(2026, 1, 15)} <= set(us["valid_from"])  # 2025 and 2026 cards
    plats = set(load_table("fees/platforms")["platform"])
    assert {"tiktok", "shopee", "temu", "mercadolibre"} <= plats
