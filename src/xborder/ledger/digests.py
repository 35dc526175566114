"""Digests of the warehouse rows a run or an ingest wrote, so the ledger can tell when one was changed.

The digest of a table's rows for one run (or ingest) is SHA-256 over the sorted SHA-256 of each row's text
(DuckDB's ``CAST(struct_pack(col := col, ...) AS VARCHAR)``), over the columns the table had when the
entry was made — a column added to the declaration later does not change an old digest. Row order does not
matter; any changed, added or removed row does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from xborder.schema import all_tables

__all__ = ["DIGEST_METHOD", "RUN_OUTPUT_TABLES", "INGEST_TABLES", "rows_digest", "digests_for"]

DIGEST_METHOD = "sha256(sorted sha256(duckdb row text))/1"

_NOT_OUTPUTS = frozenset({"runs", "jobs"})  # the run record itself and the job queue change after the run
_NOT_INGESTED = frozenset({"ingest_log"})  # checked field by field against the ingest entry


def _with(column: str, skip: frozenset[str]) -> tuple[str, ...]:
    return tuple(
        t.name for t in all_tables() if t.name not in skip and any(c.name == column for c in t.columns)
    )


RUN_OUTPUT_TABLES = _with("run_id", _NOT_OUTPUTS)
"""Tables whose rows carry the run that wrote them (every stage's outputs, the report files)."""

INGEST_TABLES = _with("ingest_id", _NOT_INGESTED)
"""Tables whose rows carry the ingest that stored them (the canonical inputs and the quarantine)."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def rows_digest(
    con: duckdb.DuckDBPyConnection, table: str, key: str, value: str, columns: Sequence[str]
) -> tuple[int, str]:
    """(rows, digest) of the rows of ``table`` whose ``key`` column is ``value``, over ``columns``."""
    cols = ", ".join(f"{_quote(c)} := {_quote(c)}" for c in columns)
    row = con.execute(
        f"SELECT count(*), sha256(coalesce(string_agg(h, '' ORDER BY h), '')) FROM "
        f"(SELECT sha256(CAST(struct_pack({cols}) AS VARCHAR)) AS h FROM {_quote(table)} "
        f"WHERE {_quote(key)} = ?)",
        [value],
    ).fetchone()
    assert row is not None
    return int(row[0]), str(row[1])


def digests_for(
    con: duckdb.DuckDBPyConnection, key: str, value: str, tables: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """``{table: {"rows", "sha256", "columns"}}`` for each of ``tables`` holding rows of ``key = value``.

    One ``count(*)`` per table finds the tables with rows; only those are hashed. The columns are the declared
    ones (the warehouse is synced with its declarations when opened; no catalogue query, no pandas import).
    """
    declared = {t.name: list(t.column_names) for t in all_tables()}  # = the warehouse's (synced on open)
    existing = {
        r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
    }
    present = {name: declared[name] for name in tables if name in existing and key in declared.get(name, ())}
    if not present:
        return {}
    union = " UNION ALL ".join(
        f"SELECT '{n}' AS t, count(*) AS n FROM {_quote(n)} WHERE {_quote(key)} = $v" for n in present
    )
    counts = dict(con.execute(union, {"v": value}).fetchall())
    out: dict[str, dict[str, Any]] = {}
    for name, cols in present.items():
        if counts.get(name):
            rows, digest = rows_digest(con, name, key, value, cols)
            out[name] = {"columns": cols, "rows": rows, "sha256": digest}
    return out
