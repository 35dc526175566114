"""Keyed pseudonymisation (HMAC-SHA256) of customer and reviewer identifiers, applied at ingest."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pyarrow as pa

__all__ = ["pseudonymise", "pseudonymise_column"]


def pseudonymise(key: bytes, namespace: str, value: str) -> str:
    """HMAC-SHA256 of ``namespace:value`` under ``key``, as 64 hex characters."""
    return hmac.new(key, f"{namespace}:{value}".encode(), hashlib.sha256).hexdigest()


def pseudonymise_column(
    con: duckdb.DuckDBPyConnection, table: str, value_sql: str, *, key: bytes, namespace: str, out_table: str
) -> None:
    """Create ``out_table(raw, pkey)`` mapping each distinct non-empty value of ``value_sql`` over ``table``.

    Only distinct values go through Python, so millions of rows with thousands of customers cost
    milliseconds; the caller joins the map back in SQL and never stores ``raw``.
    """
    vals = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT v FROM (SELECT {value_sql} AS v FROM {table}) WHERE v IS NOT NULL AND v <> ''"
        ).fetchall()
    ]
    arrow = pa.table({"raw": vals, "pkey": [pseudonymise(key, namespace, v) for v in vals]})
    con.execute("SELECT 1").fetchall()  # finish any pending result before register()
    con.register("_pseudo_arrow", arrow)
    try:
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{out_table}" AS SELECT * FROM _pseudo_arrow')
    finally:
        con.unregister("_pseudo_arrow")
