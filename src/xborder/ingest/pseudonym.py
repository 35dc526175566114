"""Keyed pseudonymisation (HMAC-SHA256) of customer and reviewer identifiers, applied at ingest."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence

import duckdb

from xborder.warehouse.layers import note_pseudonyms

__all__ = ["pseudonymise", "pseudonymise_column", "pseudonym_map", "values_table"]


def pseudonymise(key: bytes, namespace: str, value: str) -> str:
    """HMAC-SHA256 of ``namespace:value`` under ``key``, as 64 hex characters."""
    return hmac.new(key, f"{namespace}:{value}".encode(), hashlib.sha256).hexdigest()


def pseudonymise_column(
    con: duckdb.DuckDBPyConnection, table: str, value_sql: str, *, key: bytes, namespace: str, out_table: str
) -> None:
    """Create ``out_table(raw, pkey)`` mapping each distinct non-empty value of ``value_sql`` over ``table``.

    Only distinct values go through Python, so millions of rows with thousands of customers cost
    milliseconds; the caller joins the map back in SQL and never stores ``raw``. The pseudonyms are under the
    base key (line keys hash them); after a key rotation the engine layers the stored ones
    (:mod:`xborder.warehouse.layers`).
    """
    vals = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT v FROM (SELECT {value_sql} AS v FROM {table}) WHERE v IS NOT NULL AND v <> ''"
        ).fetchall()
    ]
    pkeys: list[str | None] = [pseudonymise(key, namespace, v) for v in vals]
    values_table(con, out_table, {"raw": vals, "pkey": pkeys})
    note_pseudonyms(con, pkeys)


def pseudonym_map(
    con: duckdb.DuckDBPyConnection, table: str, column: str, normalise_sql: str, *, key: bytes, namespace: str,
    out_table: str,
) -> None:  # fmt: skip
    """Create ``out_table(value, pkey)``: each distinct non-null ``column`` value of ``table`` as written, with
    the pseudonym of its normalised form (``normalise_sql`` over ``v``; NULL pkey when that is empty).

    The same pseudonyms as :func:`pseudonymise_column` with ``value_sql = normalise_sql(column)``, but the
    normalisation runs once per distinct value and callers join on the column itself (no per-row function).
    """
    vals = con.execute(
        f"SELECT v, {normalise_sql} AS n FROM (SELECT DISTINCT {column} AS v FROM {table}) WHERE v IS NOT NULL"
    ).fetchall()
    columns = {
        "value": [v for v, _ in vals],
        "pkey": [pseudonymise(key, namespace, n) if n else None for _, n in vals],
    }
    values_table(con, out_table, columns)
    note_pseudonyms(con, columns["pkey"])


_ARROW_FROM = 50_000
"""From this many values the map goes through Arrow (fast for millions); below, as two list parameters (no
pyarrow import: 0.1 s of an ingest's start)."""


def values_table(
    con: duckdb.DuckDBPyConnection, out_table: str, columns: Mapping[str, Sequence[str | None]]
) -> None:
    """Store text columns of equal length as the temporary table ``out_table`` (replacing it)."""
    names = list(columns)
    if len(columns[names[0]]) < _ARROW_FROM:
        select = ", ".join(f'unnest(?::VARCHAR[]) AS "{n}"' for n in names)
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE "{out_table}" AS SELECT {select}', [columns[n] for n in names]
        )
        return
    import pyarrow as pa

    arrow = pa.table(columns, schema=pa.schema([(n, pa.string()) for n in names]))
    con.execute("SELECT 1").fetchall()  # finish any pending result before register()
    con.register("_pseudo_arrow", arrow)
    try:
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{out_table}" AS SELECT * FROM _pseudo_arrow')
    finally:
        con.unregister("_pseudo_arrow")
