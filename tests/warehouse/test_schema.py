"""The warehouse schema: created from the declarations, upgraded from older files, every column documented."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from xborder.schema import Column, Table, all_tables
from xborder.warehouse import apply_migrations, connect, current_version
from xborder.warehouse.docs import render_data_model
from xborder.warehouse.migrate import BASELINE, list_migrations, sync

ROOT = Path(__file__).resolve().parents[2]

CANONICAL = {
    "markets", "marketplaces", "products", "listings", "order_lines", "sales", "rank_snapshots",
    "search_trends", "reviews", "suppliers", "supplier_offers", "ingest_log", "quarantine", "runs",
}  # fmt: skip


def _catalogue(con) -> dict:
    """Everything a declaration decides, read back from a warehouse."""
    cols = con.execute(
        "SELECT table_name, column_index, column_name, data_type, is_nullable, column_default, comment "
        "FROM duckdb_columns() WHERE schema_name = 'main' ORDER BY table_name, column_index"
    ).fetchall()
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main'"
    ).fetchall()
    keys = con.execute(
        "SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints() "
        "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') ORDER BY ALL"
    ).fetchall()
    return {"columns": cols, "tables": sorted(tables), "keys": keys}


def _legacy(con) -> None:
    """What warehouses created before the declarations got: every numbered SQL migration up to BASELINE."""
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    for version, name, sql in list_migrations():
        if version <= BASELINE:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])


def test_an_old_warehouse_upgraded_equals_one_created_from_the_declarations() -> None:
    """The declarations are exactly the schema the numbered migrations built (column order, types,
    nullability, defaults, keys); after the upgrade the comments are the declarations' too."""
    new = duckdb.connect(":memory:")
    apply_migrations(new)
    old = duckdb.connect(":memory:")
    _legacy(old)
    changes = apply_migrations(old)  # only what was declared after the numbered migrations is added
    assert all(c.startswith(("added column ", "created table ")) for c in changes), changes
    assert _catalogue(old) == _catalogue(new)


def test_migrations_create_canonical_tables_and_are_idempotent(db_path: Path) -> None:
    con = connect(db_path)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert CANONICAL <= tables
    assert {t.name for t in all_tables()} == tables
    v = current_version(con)
    assert v == BASELINE
    assert apply_migrations(con) == []  # nothing left to apply
    con.close()
    con = connect(db_path)  # reopening does not re-apply
    assert current_version(con) == v


def test_a_declared_table_or_column_reaches_an_existing_warehouse() -> None:
    con = duckdb.connect(":memory:")
    apply_migrations(con)
    con.execute("INSERT INTO products (product_id, source) VALUES ('p1', 'x')")
    extra = Table("widgets", "One widget.", owner="test", columns=(Column("widget_id", "VARCHAR", "Id."),))
    products = next(t for t in all_tables() if t.name == "products")
    grown = Table(products.name, products.doc, (*products.columns, Column("colour", "VARCHAR", "Colour.", default="'red'")),
                  owner=products.owner, role=products.role, primary_key=products.primary_key)  # fmt: skip
    changes = sync(con, [grown, extra])
    assert changes == ["added column products.colour", "created table widgets"]
    assert con.execute("SELECT product_id, colour FROM products").fetchall() == [("p1", "red")]
    assert con.execute("SELECT comment FROM duckdb_columns() WHERE column_name = 'colour'").fetchone() == (
        "Colour.",
    )
    assert sync(con, [grown, extra]) == []


def test_a_changed_column_type_asks_for_a_migration() -> None:
    con = duckdb.connect(":memory:")
    apply_migrations(con)
    products = next(t for t in all_tables() if t.name == "products")
    cols = tuple(Column(c.name, "DOUBLE", c.doc) if c.name == "title" else c for c in products.columns)
    changed = Table(products.name, products.doc, cols, owner=products.owner, role=products.role,
                    primary_key=products.primary_key)  # fmt: skip
    with pytest.raises(RuntimeError, match="products.title is VARCHAR .* declared DOUBLE"):
        sync(con, [changed])


def test_every_column_has_a_meaning() -> None:
    undocumented = [f"{t.name}.{c.name}" for t in all_tables() for c in t.columns if not c.doc.strip()]
    assert undocumented == []
    assert all(t.doc.strip() for t in all_tables())


def test_data_model_doc_is_current() -> None:
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert doc.strip() == render_data_model().strip(), (
        "docs/data-model.md is stale: run `make docs-data-model`"
    )


def test_opening_a_synced_file_skips_the_comparison_until_the_declarations_change(tmp_path, monkeypatch):
    """The fingerprint of the declarations is stored; an unchanged file opens without comparing every
    table, and a file whose fingerprint differs (a newer xborder) is synced: a missing column is added."""
    import xborder.warehouse.migrate as mig

    db = tmp_path / "w.duckdb"
    connect(db).close()
    con = duckdb.connect(str(db))
    assert con.execute("SELECT fingerprint FROM schema_sync").fetchall() == [(mig.fingerprint(all_tables()),)]
    con.execute("ALTER TABLE order_lines DROP COLUMN currency")
    con.close()

    def no_sync(*_a, **_k):
        raise AssertionError("sync ran on an unchanged file")

    monkeypatch.setattr(mig, "sync", no_sync)
    connect(db).close()  # same fingerprint: not compared (the dropped column stays dropped)
    monkeypatch.undo()
    con = duckdb.connect(str(db))
    con.execute("UPDATE schema_sync SET fingerprint = 'older declarations'")
    con.close()
    con = connect(db)
    cols = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'order_lines'"
        ).fetchall()
    }
    assert "currency" in cols
    assert con.execute("SELECT fingerprint FROM schema_sync").fetchone()[0] == mig.fingerprint(all_tables())
    con.close()
