"""The warehouse schema: migrations apply once, every table and column is documented."""

from __future__ import annotations

from pathlib import Path

import duckdb

from xborder.warehouse import apply_migrations, connect, current_version
from xborder.warehouse.docs import render_data_model

ROOT = Path(__file__).resolve().parents[2]

CANONICAL = {
    "markets",
    "marketplaces",
    "products",
    "listings",
    "order_lines",
    "sales",
    "rank_snapshots",
    "search_trends",
    "reviews",
    "suppliers",
    "supplier_offers",
    "ingest_log",
    "quarantine",
    "runs",
}


def test_migrations_create_canonical_tables_and_are_idempotent(db_path: Path) -> None:
    con = connect(db_path)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert CANONICAL <= tables
    v = current_version(con)
    assert v >= 1
    assert apply_migrations(con) == []  # nothing left to apply
    con.close()
    con = connect(db_path)  # reopening does not re-apply
    assert current_version(con) == v


def test_every_column_has_a_meaning() -> None:
    con = duckdb.connect(":memory:")
    apply_migrations(con)
    undocumented = con.execute(
        "SELECT table_name || '.' || column_name FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND NOT internal AND (comment IS NULL OR comment = '')"
    ).fetchall()
    assert undocumented == []


def test_data_model_doc_is_current() -> None:
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert doc.strip() == render_data_model().strip(), (
        "docs/data-model.md is stale: run `make docs-data-model`"
    )
