"""run_compliance writes one row per product x market x requirement; the change report finds affected products."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from xborder.domains.compliance import ProductAttributes, changed_rules, requirements_for
from xborder.domains.compliance.changes import affected_products
from xborder.domains.compliance.stage import run_compliance
from xborder.warehouse import connect

PRODUCTS = [
    (
        "t:speaker",
        "Portable Bluetooth speaker",
        "consumer_electronics",
        True,
        True,
        True,
        None,
        None,
        {"battery_type": "li-ion"},
    ),
    ("t:toy", "Wooden puzzle", "toys_games", False, False, False, True, None, {"age_min": 3}),
    ("t:mug", "POLKADOT MUG PINK", None, None, None, None, None, None, {}),
    ("t:nosale", "Never sold lamp", "lighting", None, None, True, None, None, {}),
]


@pytest.fixture
def small_warehouse(db_path: Path) -> duckdb.DuckDBPyConnection:
    con = connect(db_path)
    for pid, title, cat, battery, radio, electrical, children, food, attrs in PRODUCTS:
        con.execute(
            "INSERT INTO products (product_id, source, title, category, battery, radio, electrical, for_children, "
            "food_contact, attributes) VALUES (?, 't', ?, ?, ?, ?, ?, ?, ?, ?)",
            [pid, title, cat, battery, radio, electrical, children, food, json.dumps(attrs)],
        )
    for i, pid in enumerate(["t:speaker", "t:toy", "t:mug", "t:mug"]):
        con.execute(
            "INSERT INTO order_lines (line_key, source, order_id, ordered_at, product_id, country, quantity, "
            "status) VALUES (?, 't', ?, TIMESTAMP '2026-01-05 10:00:00', ?, 'GB', 1, 'sold')",
            [f"k{i}", f"o{i}", pid],
        )
    yield con
    con.close()


def test_run_compliance_matches_the_engine(small_warehouse: duckdb.DuckDBPyConnection) -> None:
    con = small_warehouse
    out = run_compliance(con, None, run_id="r1", markets=["DE", "US", "JP"], as_of="2026-11-26")
    assert out["products"] == 3  # the never-sold lamp is not a candidate
    speaker = ProductAttributes(
        title="Portable Bluetooth speaker",
        category="consumer_electronics",
        battery=True,
        wireless=True,
        electronic=True,
        battery_type="li-ion",
    )
    want = requirements_for(speaker, ["DE", "US", "JP"], "2026-11-26")
    got = con.execute(
        "SELECT market, rule_id, basis FROM compliance_checks WHERE run_id='r1' AND product_id='t:speaker' "
        "ORDER BY market, rule_id"
    ).fetchall()
    assert sorted(got) == sorted(zip(want["market"], want["rule_id"], want["basis"], strict=True))
    # Every candidate product has a summary row for every market, even without requirements there.
    n = con.execute(
        "SELECT count(*), count(DISTINCT product_id) FROM compliance_summary WHERE run_id='r1'"
    ).fetchone()
    assert n == (9, 3)
    mug_us = con.execute(
        "SELECT n_mandatory, inferred_attributes FROM compliance_summary WHERE run_id='r1' "
        "AND product_id='t:mug' AND market='DE'"
    ).fetchone()
    assert mug_us[0] >= 5 and "food_contact" in mug_us[1]  # food contact inferred from the word MUG
    toy_us = con.execute(
        "SELECT critical_path, cost_min, cost_max FROM compliance_summary WHERE run_id='r1' "
        "AND product_id='t:toy' AND market='US'"
    ).fetchone()
    assert toy_us == ("us_cpc > us_astm_f963_23", 400.0, 1500.0)
    # Re-running the same run id replaces, not duplicates.
    total = con.execute("SELECT count(*) FROM compliance_checks WHERE run_id='r1'").fetchone()[0]
    assert total == out["compliance_checks"]
    run_compliance(con, None, run_id="r1", markets=["DE", "US", "JP"], as_of="2026-11-26")
    assert con.execute("SELECT count(*) FROM compliance_checks WHERE run_id='r1'").fetchone()[0] == total


def test_changed_rules_window() -> None:
    ch = changed_rules(dt.date(2024, 12, 1), dt.date(2024, 12, 31), horizon_days=0)
    got = set(zip(ch["change"], ch["rule_id"], strict=False))
    assert ("came into force", "eu_gpsr") in got and ("ended", "eu_gpsd") in got
    assert ("came into force", "eu_usbc") in got
    assert all(dt.date(2024, 12, 1) < d <= dt.date(2024, 12, 31) for d in ch["date"])
    upcoming = changed_rules(dt.date(2026, 11, 1), dt.date(2026, 11, 26), horizon_days=400)
    assert {"eu_batt_removable", "eu_cra"} <= set(upcoming.loc[upcoming["change"] == "upcoming", "rule_id"])
    assert (
        changed_rules(dt.date(2026, 11, 1), dt.date(2026, 11, 26), horizon_days=0, include_rechecked=True)[
            "change"
        ]
        .eq("re-checked")
        .any()
    )


def test_affected_products_only_lists_products_the_rule_applies_to() -> None:
    ch = changed_rules(dt.date(2025, 8, 1), dt.date(2025, 10, 31), horizon_days=0)
    prods = [
        ("p:speaker", ProductAttributes(category="consumer_electronics", wireless=True, battery=True)),
        ("p:mug", ProductAttributes(title="POLKADOT MUG PINK")),
        ("p:remote", ProductAttributes(title="Remote control with CR2032 button cell")),
    ]
    aff = affected_products(ch, prods, ["DE", "US"])
    battdg = aff[aff["rule_id"] == "de_battdg"]
    assert set(battdg["product_id"]) == {"p:speaker", "p:remote"} and set(battdg["market"]) == {"DE"}
    assert battdg.set_index("product_id").loc["p:remote", "basis"] == "inferred"
    assert "p:mug" not in set(aff["product_id"])


@pytest.mark.shared_data
@pytest.mark.slow
def test_run_compliance_on_real_online_retail_products(retail_warehouse: Path, db_path: Path) -> None:
    con = connect(db_path)
    con.execute(f"ATTACH '{retail_warehouse}' AS r (READ_ONLY)")
    con.execute(
        "INSERT INTO products SELECT * FROM r.products WHERE product_id IN (SELECT DISTINCT product_id FROM "
        "r.order_lines WHERE product_id IS NOT NULL AND is_product ORDER BY product_id LIMIT 400)"
    )
    con.execute(
        "INSERT INTO order_lines SELECT * FROM r.order_lines WHERE product_id IN (SELECT product_id FROM products) "
        "LIMIT 5000"
    )
    out = run_compliance(con, None, run_id="real", markets=["GB", "DE", "US"], as_of="2026-11-26")
    assert out["products"] > 100
    assert out["attribute_sets"] < out["products"]  # many products share attributes
    by = dict(
        con.execute(
            "SELECT rule_id, count(*) FROM compliance_checks WHERE run_id='real' AND market='DE' GROUP BY 1"
        ).fetchall()
    )
    assert by["eu_gpsr"] == out["products"]  # GPSR applies to every consumer product
    assert by.get("eu_fcm", 0) > 0  # mugs, cups, lunch boxes in the catalogue
    assert (
        con.execute(
            "SELECT count(*) FROM compliance_checks WHERE run_id='real' AND source NOT LIKE 'http%'"
        ).fetchone()[0]
        == 0
    )
    con.close()


def test_run_markets_outside_the_rule_base_are_skipped_not_fatal(
    small_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # Kosovo (XK) and Zimbabwe (ZW) are not in the rule base (64 markets); NO and CH are since issue 14
    out = run_compliance(small_warehouse, None, run_id="r2", markets=["GB", "XK", "ZW"], as_of="2026-11-26")
    assert out["markets"] == ["GB"] and out["markets_not_covered"] == ["XK", "ZW"]
    assert out["compliance_checks"] > 0
    none = run_compliance(small_warehouse, None, run_id="r3", markets=["ZW"], as_of="2026-11-26")
    assert none["compliance_checks"] == 0 and none["markets_not_covered"] == ["ZW"]
