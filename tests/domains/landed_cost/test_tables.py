"""landed_costs is declared once: the engine's columns derive from it, the stage writes it with notes as codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from xborder.core import i18n
from xborder.core.settings import Settings
from xborder.domains.landed_cost.engine import DETAIL_COLUMNS, OUTPUT_COLUMNS, ROW_COLUMNS, SOURCING_COLUMNS
from xborder.domains.landed_cost.sourcing import warehouse_input
from xborder.domains.landed_cost.stage import STAGE, run_landed_cost, warehouse_product
from xborder.domains.landed_cost.tables import LANDED_COSTS
from xborder.warehouse import connect

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_engine_columns_are_the_declarations() -> None:
    declared = LANDED_COSTS.column_names
    assert ROW_COLUMNS == tuple(c for c in declared if c != "run_id")
    assert set(OUTPUT_COLUMNS) | set(SOURCING_COLUMNS) == set(ROW_COLUMNS) | set(DETAIL_COLUMNS)
    assert not set(DETAIL_COLUMNS) & set(declared) and set(SOURCING_COLUMNS) <= set(declared)
    # added after the existing columns: old warehouses upgrade in order
    assert declared.index("note_codes") < declared.index("channel") < declared.index("freight_fixed")
    assert declared[-1] == "freight_fixed"


def test_every_quantity_has_a_unit() -> None:
    for c in LANDED_COSTS.columns:
        if c.type == "DOUBLE":
            assert c.unit in {"currency", "fraction", "units", "freight_basis"}, c.name
    assert LANDED_COSTS.column("freight").unit == "currency" and LANDED_COSTS.column("roi").unit == "fraction"


@pytest.fixture
def shop(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse of two products sold in GB: one without dimensions or quote, one quoted with dimensions."""
    con = connect(db_path)
    con.execute(
        "INSERT INTO products (product_id, source, title, category, weight_kg, length_cm, width_cm, height_cm) "
        "VALUES ('t:mug', 't', 'Mug', 'home_kitchen', NULL, NULL, NULL, NULL), "
        "('t:lamp', 't', 'Lamp', 'lighting', 0.8, 25, 20, 15)"
    )
    for i, (pid, price) in enumerate([("t:mug", 4.0), ("t:mug", 6.0), ("t:lamp", 20.0)]):
        con.execute(
            "INSERT INTO order_lines (line_key, source, order_id, ordered_at, product_id, country, quantity, "
            "unit_price, currency, status) VALUES (?, 't', ?, TIMESTAMP '2026-01-05 10:00:00', ?, 'GB', 2, ?, "
            "'GBP', 'sold')",
            [f"k{i}", f"o{i}", pid, price],
        )
    con.execute(
        "INSERT INTO supplier_offers (supplier_id, product_id, unit_cost, currency, valid_from) "
        "VALUES ('s:1', 't:lamp', 5.0, 'USD', DATE '2026-01-01')"
    )
    yield con
    con.close()


def test_the_stage_writes_notes_and_their_codes(shop: duckdb.DuckDBPyConnection) -> None:
    out = run_landed_cost(
        shop, Settings(), run_id="r1", markets=["GB", "US"], modes=("air",), date="2026-07-01"
    )
    assert out["rows"] == 4
    rows = shop.execute(
        "SELECT product_id, notes, CAST(note_codes AS VARCHAR) FROM landed_costs WHERE run_id = 'r1'"
    ).fetchall()
    assert len(rows) == 4
    for pid, notes, codes in rows:
        if pid == "t:mug":  # estimated cost (35% of the GB median) and dimensions from the category
            assert (
                notes == "unit cost estimated as 35% of the home price; weight/dims from category defaults; "
            )
        else:
            assert notes == "" and json.loads(codes) == []
        messages = json.loads(codes)
        assert "".join(i18n.message(m, "en") + "; " for m in messages) == notes
        assert all(CJK.search(i18n.message(m, "zh")) for m in messages)
    assert shop.execute("SELECT count(*) FROM landed_costs WHERE unit_cost IS NULL").fetchone() == (0,)


def test_the_stage_runs_as_a_recorded_run(shop: duckdb.DuckDBPyConnection) -> None:
    from xborder.pipeline.runner import run_stage

    run_id, summary = run_stage(
        shop, Settings(), STAGE, {"modes": ["express"], "date": "2026-07-01"}, markets=["DE"]
    )
    assert summary["rows"] == 2 and summary["markets"] == ["DE"]
    assert shop.execute("SELECT kind, status FROM runs WHERE run_id = ?", [run_id]).fetchone() == (
        "landed_cost",
        "ok",
    )
    assert shop.execute("SELECT count(*) FROM landed_costs WHERE run_id = ?", [run_id]).fetchone() == (2,)


def test_a_warehouse_product_as_input_says_what_was_estimated(shop: duckdb.DuckDBPyConnection) -> None:
    info, observed, fx = warehouse_product(shop, Settings(), "t:mug")
    pin, prices, notes = warehouse_input(
        info, observed, fx, product_id="t:mug", markets=["GB", "US"], cost_share=0.35, default_origin="CN",
        date="2026-07-01",
    )  # fmt: skip
    assert pin.unit_cost == pytest.approx(0.35 * 5.0) and pin.cost_currency == "GBP"  # median of 4 and 6
    assert prices["GB"] == pytest.approx(5.0) and prices["US"] > 5.0  # converted from GBP
    assert [i18n.message(n) for n in notes] == [
        "unit cost estimated as 35% of the median home price 5.00 GBP (GB)",
        "price in GB: observed median",
        "price in US: home median converted",
    ]
    assert warehouse_product(shop, Settings(), "t:nope") is None
