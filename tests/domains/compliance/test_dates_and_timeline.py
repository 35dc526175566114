"""Answers change on the day a rule starts or ends; time to market is the critical path, computed by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xborder.domains.compliance import ProductAttributes, check_product, critical_path, requirements_for

SPEAKER = ProductAttributes(
    category="consumer_electronics", wireless=True, battery=True, battery_type="li-ion"
)
SMART = ProductAttributes(category="consumer_electronics", wireless=True, mains=True, connected=True)
TOY = ProductAttributes(category="toys_games", for_children=True, age_min=3)
BABY_TOY = ProductAttributes(category="toys_games", for_children=True, age_min=1)

# (what changes, product, market, rule, day before it applies, first day)
SWITCHES = [
    ("GPSR replaces the GPSD in the EU", SPEAKER, "DE", "eu_gpsr", "2024-12-12", "2024-12-13"),
    ("ASTM F963-23 becomes the US toy standard", TOY, "US", "us_astm_f963_23", "2024-04-19", "2024-04-20"),
    ("UK PSTI applies to connected products", SMART, "GB", "gb_psti", "2024-04-28", "2024-04-29"),
    ("RED cybersecurity delegated act", SMART, "FR", "eu_red_cyber", "2025-07-31", "2025-08-01"),
    ("Japan PSC for toys under 36 months", BABY_TOY, "JP", "jp_psc_toys", "2025-12-24", "2025-12-25"),
    (
        "EU battery label under Regulation 2023/1542",
        SPEAKER,
        "DE",
        "eu_batt_label",
        "2026-08-17",
        "2026-08-18",
    ),
    ("CPSC eFiling of certificates", TOY, "US", "us_efiling", "2026-07-07", "2026-07-08"),
    ("EU Toy Safety Regulation 2025/2509", TOY, "DE", "eu_toy_reg", "2030-07-31", "2030-08-01"),
]


@pytest.mark.parametrize(
    ("what", "product", "market", "rule", "before", "start"), SWITCHES, ids=[s[0] for s in SWITCHES]
)
def test_rule_applies_from_its_start_date(
    what: str, product: ProductAttributes, market: str, rule: str, before: str, start: str
) -> None:
    assert rule not in set(requirements_for(product, [market], before)["rule_id"])
    assert rule in set(requirements_for(product, [market], start)["rule_id"])


@pytest.mark.parametrize(
    ("old", "new", "product", "market", "last_old_day"),
    [
        ("eu_gpsd", "eu_gpsr", SPEAKER, "DE", "2024-12-12"),
        ("us_astm_f963_17", "us_astm_f963_23", TOY, "US", "2024-04-19"),
        ("de_battg", "de_battdg", SPEAKER, "DE", "2025-10-06"),
        ("eu_batt_dir", "eu_batt_collect", SPEAKER, "NL", "2025-08-17"),
        ("eu_toy", "eu_toy_reg", TOY, "IT", "2030-07-31"),
    ],
)
def test_old_rule_ends_when_new_one_starts(
    old: str, new: str, product: ProductAttributes, market: str, last_old_day: str
) -> None:
    before = set(requirements_for(product, [market], last_old_day)["rule_id"])
    after = set(
        requirements_for(product, [market], pd.Timestamp(last_old_day).date() + pd.Timedelta(days=1))[
            "rule_id"
        ]
    )
    assert old in before and new not in before
    assert new in after and old not in after


def test_critical_path_by_hand() -> None:
    # a (10-20) -> b (1-5) -> c (unknown); d (30-40) alone; e optional (100).
    reqs = pd.DataFrame(
        [
            ("a", 10, 20, "", True),
            ("b", 1, 5, "a", True),
            ("c", None, None, "b", True),
            ("d", 30, 40, "", True),
            ("e", 100, 100, "", False),
        ],
        columns=["rule_id", "lead_time_days_min", "lead_time_days_max", "depends_on", "mandatory"],
    )
    assert critical_path(reqs) == (30.0, 40.0, ["d"])
    reqs.loc[reqs.rule_id == "b", ["lead_time_days_min", "lead_time_days_max"]] = [25, 25]
    assert critical_path(reqs) == (35.0, 45.0, ["a", "b", "c"])  # 10+25 .. 20+25, unknown c counts 0


def test_speaker_into_germany_is_paced_by_the_weee_registration() -> None:
    ans = check_product(SPEAKER, ["DE", "GB"], "2026-11-26")
    s = ans.summary.set_index("market")
    # ElektroG registration (stiftung ear, ~12 weeks = 56-84 days) outlasts RED testing (10-28) + DoC (1-5).
    assert s.loc["DE", "time_to_market_days_min"] == 56 and s.loc["DE", "time_to_market_days_max"] == 84
    assert s.loc["DE", "critical_path"].startswith("de_elektrog")
    # GB: tests (7-28) then UKCA/CE declaration (1-5).
    assert (s.loc["GB", "time_to_market_days_min"], s.loc["GB", "time_to_market_days_max"]) == (8, 33)
    assert s.loc["GB", "critical_path"] == "gb_tests > gb_ukca_ce"
    # Costs: only the RED test campaign (3,500-6,000 USD) is sourced in DE; the rest are counted as unknown.
    assert (s.loc["DE", "cost_min"], s.loc["DE", "cost_max"]) == (3500, 6000)
    assert s.loc["DE", "n_cost_unknown"] == s.loc["DE", "n_mandatory"] - 1
    assert s.loc["DE", "confidence"] == "low"


def test_market_without_any_rule_still_gets_a_summary_row() -> None:
    ans = check_product(ProductAttributes(category="other", title="x"), ["AE"], "2026-11-26")
    assert list(ans.summary["market"]) == ["AE"] and ans.summary.loc[0, "n_mandatory"] == 0


def test_summary_text_marks_unknown_and_lower_bound_figures() -> None:
    from xborder.domains.compliance.lines import summary_rows

    speaker = check_product(SPEAKER, ["DE", "US"], "2026-11-26").summary
    rows = {r[0]: r for r in summary_rows(speaker)}
    assert rows["DE"][2] == "56-84+" and rows["DE"][3] == "$3,500-6,000+"  # some items have no sourced figure
    assert rows["US"][3] == "$70+"  # only the FCC grantee code fee is sourced
    mug = check_product(ProductAttributes(title="POLKADOT MUG PINK"), ["DE"], "2026-11-26").summary
    assert summary_rows(mug)[0][2:4] == ("?", "?")  # nothing sourced: unknown, not zero


def test_answer_lines_are_messages_in_both_languages() -> None:
    from xborder.core import i18n
    from xborder.domains.compliance.changes import changed_rules
    from xborder.domains.compliance.lines import change_lines, requirement_lines

    def say(msg: object, lang: str) -> object:
        if not isinstance(msg, dict):
            return msg
        return i18n.render(msg["code"], lang, **{k: say(v, lang) for k, v in msg["args"].items()})

    ans = check_product(SPEAKER, ["GB"], "2026-11-26")
    lines = requirement_lines(ans.requirements, ans.summary)
    en = [say(m, "en") for m in lines]
    assert en[0] == "\nGB - critical path: gb_tests > gb_ukca_ce" and en[-1].startswith(
        "* = on the critical path"
    )
    assert any(line.startswith("* gb_tests: ") and "\n    source: http" in line for line in en)
    assert all(say(m, "zh") for m in lines)
    changes = changed_rules(dt.date(2024, 12, 1), dt.date(2024, 12, 31), horizon_days=0).assign(
        products_affected=0
    )
    text = [say(m, "en") for m in change_lines(changes)]
    assert any(t.startswith("2024-12-13  came into force ") and " eu_gpsr (" in t for t in text)
    zh = [say(m, "zh") for m in change_lines(changes)]
    assert any("已生效" in t for t in zh) and any("已失效" in t for t in zh)
