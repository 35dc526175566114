"""The shipped rule tables are well-formed: sourced, dated, parseable, and cover every market of the rule base."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from xborder.domains.compliance.rules import EU_MEMBERS, MARKETS, compile_condition, load_requirements
from xborder.reference import load_table

RULE_BASE_MARKETS = set(load_table("markets")["market_code"])
RULE_BASE_EU = set(load_table("markets").query("region == 'EU'")["market_code"]) - {"GB"}


@pytest.fixture(scope="module")
def rules() -> pd.DataFrame:
    return load_requirements()


def test_every_rule_is_sourced_dated_and_rated(rules: pd.DataFrame) -> None:
    assert rules["rule_id"].is_unique
    assert rules["source"].str.match(r"^https?://").all(), "every rule cites a source address"
    assert not rules["source"].str.contains("regs.md").any(), (
        "cite the original source, not the research notes"
    )
    assert rules["last_checked"].notna().all()
    assert set(rules["confidence"]) <= {"high", "medium", "low"}
    assert set(MARKETS) <= RULE_BASE_MARKETS
    assert set(rules["market"]) <= RULE_BASE_MARKETS | {"EU", "ALL"}
    bad_dates = rules[
        rules["valid_to"].notna() & rules["valid_from"].notna() & (rules["valid_to"] < rules["valid_from"])
    ]
    assert bad_dates.empty, bad_dates["rule_id"].tolist()


def test_lead_times_and_costs_are_ranges_with_a_currency(rules: pd.DataFrame) -> None:
    both = rules.dropna(subset=["lead_time_days_min", "lead_time_days_max"])
    assert (both["lead_time_days_min"] <= both["lead_time_days_max"]).all()
    costed = rules.dropna(subset=["cost_min"])
    assert (costed["currency"] == "USD").all()
    assert (costed["cost_max"].isna() | (costed["cost_min"] <= costed["cost_max"])).all()
    # A lead time or cost that a source gives names where it came from (the rule source or a second one).
    assert len(both) >= 20 and len(costed) >= 8


def test_dependencies_point_to_rules_of_the_same_market(rules: pd.DataFrame) -> None:
    scope = dict(zip(rules["rule_id"], rules["market"], strict=True))
    for rule_id, market, deps in zip(rules["rule_id"], rules["market"], rules["depends_on"], strict=True):
        for dep in filter(None, deps.split(";")):
            assert dep in scope, f"{rule_id} depends on unknown {dep}"
            ok = {market, "EU"} if market in EU_MEMBERS or market in RULE_BASE_EU else {market}
            assert scope[dep] in ok, f"{rule_id} ({market}) depends on {dep} ({scope[dep]})"


def test_each_market_has_its_own_rules(rules: pd.DataFrame) -> None:
    national = set(rules["market"])
    assert all(m in national for m in RULE_BASE_MARKETS - RULE_BASE_EU)
    assert all(m in national for m in RULE_BASE_EU | set(EU_MEMBERS)), (
        "each EU market has at least one national rule (EPR, language...)"
    )
    assert len(rules) >= 250


def test_uncertain_items_from_the_research_stay_marked_low(rules: pd.DataFrame) -> None:
    by_id = rules.set_index("rule_id")
    # regs.md marks these as uncertain or secondary-only; they must not be promoted to high confidence.
    for rule_id in (
        "de_elektrog_marketplace",
        "de_battdg",
        "us_amazon_battery",
        "eu_batt_dd",
        "in_bis_crs",
        "vn_mic",
    ):
        assert by_id.loc[rule_id, "confidence"] == "low", rule_id


@pytest.mark.parametrize(
    ("text", "flags", "expected"),
    [
        ("all", {}, True),
        ("eee & !radio", {"eee": True, "radio": False}, True),
        ("eee & !radio", {"eee": True, "radio": True}, False),
        ("mains | (toy & eee)", {"mains": False, "toy": True, "eee": True}, True),
        ("age<=12", {"children": True, "age": 12.0}, True),
        ("age<=12", {"children": True, "age": 13.0}, False),
        ("age<3", {"children": True, "age": None}, True),  # unknown age: the strictest rule applies
        ("age<3", {"children": False, "age": None}, False),
        ("battery_wh>100", {"battery_wh": 99.0}, False),
        ("category=apparel & textile", {"category": "apparel", "textile": True}, True),
    ],
)
def test_conditions(text: str, flags: dict, expected: bool) -> None:
    base = dict.fromkeys(("all", "eee", "mains", "radio", "toy", "children", "textile"), False)
    base.update({"all": True, "category": "", "age": None, "battery_wh": None})
    assert compile_condition(text)({**base, **flags}) is expected


@pytest.mark.parametrize("bad", ["eee &", "unknown_term", "(eee | mains", "age<", "eee mains", "colour>3"])
def test_malformed_conditions_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        compile_condition(bad)


def test_hs_table_is_sourced_and_six_digit() -> None:
    hs = load_table("hs/headings")
    assert hs["hs6"].str.fullmatch(r"\d{6}").all() and hs["hs6"].is_unique
    assert (hs["chapter"] == hs["hs6"].str[:2]).all()
    assert hs["source"].str.contains("wcoomd.org").all()
    assert len(hs) >= 150
    assert all(re.search(r"\w", k) for k in hs["keywords"])


def test_docs_state_the_current_rule_counts(rules: pd.DataFrame) -> None:
    from pathlib import Path

    doc = " ".join(
        (Path(__file__).resolve().parents[3] / "docs" / "compliance.md").read_text(encoding="utf-8").split()
    )
    assert f"{len(rules)} rules: {int((rules['market'] == 'EU').sum())} EU-wide" in doc
    assert f"{int((rules['confidence'] == 'low').sum())} rows are confidence low" in doc
    assert f"Lead times are sourced for {int(rules['lead_time_days_max'].notna().sum())} rows" in doc
    assert f"costs for {int(rules['cost_min'].notna().sum())};" in doc
