"""Retention: customer keys older than the retention period unlinked from sales and reviews; old quarantine gone."""

from __future__ import annotations

import datetime as dt

import duckdb

from xborder.privacy.datamap import KEY_COLUMNS
from xborder.schema import all_tables
from xborder.warehouse.tables import table_exists

__all__ = ["retain"]

_DATES = ("ordered_at", "reviewed_at")  # what dates a row of a table that declares no dated_by column


def retain(con: duckdb.DuckDBPyConnection, days: int, *, now: dt.datetime, dry_run: bool = False) -> dict:
    """Enforce a retention period of ``days``: in every input table dated by a column, person keys of rows older
    than the cutoff are set to NULL (the sale or review stays, anonymous); customer links no sale uses any more
    and quarantined rows of ingests older than the cutoff are deleted. One transaction; returns counts."""
    if days <= 0:
        from xborder.core.errors import BadInputError

        raise BadInputError(
            "No retention period is set (retention_personal_days = 0 keeps personal data).",
            hint="Give --days N, or set retention_personal_days in the config.",
        )
    cutoff = now - dt.timedelta(days=days)
    out: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for t in all_tables():
            dated = t.dated_by or next((c.name for c in t.columns if c.name in _DATES), None)
            if t.role != "input" or not dated or not table_exists(con, t.name):
                continue
            for c in t.columns:
                if c.personal and c.name in KEY_COLUMNS and c.nullable:
                    where = f'"{c.name}" IS NOT NULL AND "{dated}" < ?'
                    n = _count(con, f'SELECT count(*) FROM "{t.name}" WHERE {where}', [cutoff])
                    if n and not dry_run:
                        con.execute(f'UPDATE "{t.name}" SET "{c.name}" = NULL WHERE {where}', [cutoff])
                    if n:
                        out[f"{t.name}.{c.name}"] = n
        if table_exists(con, "customer_links") and table_exists(con, "order_lines"):
            where = (
                "customer_key NOT IN (SELECT customer_key FROM order_lines WHERE customer_key IS NOT NULL)"
            )
            if not dry_run:
                n = _delete_count(con, "customer_links", where)
            else:
                n = int(con.execute(f"SELECT count(*) FROM customer_links WHERE {where}").fetchone()[0])  # type: ignore[index]
            if n:
                out["customer_links"] = n
        where = "ingest_id IN (SELECT ingest_id FROM ingest_log WHERE started_at < ?)"
        n = int(con.execute(f"SELECT count(*) FROM quarantine WHERE {where}", [cutoff]).fetchone()[0])  # type: ignore[index]
        if n and not dry_run:
            con.execute(f"DELETE FROM quarantine WHERE {where}", [cutoff])
        if n:
            out["quarantine"] = n
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {"cutoff": cutoff, "days": days, "dry_run": dry_run, "changed": out}


def _delete_count(con: duckdb.DuckDBPyConnection, table: str, where: str) -> int:
    n = int(con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0])  # type: ignore[index]
    if n:
        con.execute(f"DELETE FROM {table} WHERE {where}")
    return n


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> int:
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0
