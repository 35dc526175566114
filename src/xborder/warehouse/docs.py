"""Render docs/data-model.md from the comments in the migrations: ``python -m xborder.warehouse.docs``."""

from __future__ import annotations

import duckdb

from xborder.warehouse.migrate import apply_migrations

__all__ = ["render_data_model"]


def render_data_model() -> str:
    """Markdown listing every table and column of the current schema with its meaning and unit."""
    con = duckdb.connect(":memory:")
    apply_migrations(con)
    lines = [
        "# Data model",
        "",
        "Generated from the schema comments in `src/xborder/warehouse/migrations/` by",
        "`make docs-data-model`; a test fails when this file and the schema disagree.",
        "Conventions: markets ISO 3166-1 alpha-2, currencies ISO 4217, languages ISO 639-1,",
        "weights kg, lengths cm, money in the row's currency.",
        "",
    ]
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name"
    ).fetchall()
    for name, comment in tables:
        lines += [f"## `{name}`", "", comment or "", "", "| column | type | meaning |", "|---|---|---|"]
        cols = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [name],
        ).fetchall()
        for col, typ, ccomment in cols:
            lines.append(f"| `{col}` | {typ} | {(ccomment or '').replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(render_data_model())
