"""Retention: customer keys older than the retention period (Amazon buyers: 30 days) unlinked; old quarantine gone."""

from __future__ import annotations

import datetime as dt

import duckdb

from xborder.privacy.datamap import KEY_COLUMNS
from xborder.schema import all_tables
from xborder.warehouse.tables import table_exists

__all__ = ["retain"]

_DATES = ("ordered_at", "reviewed_at")  # what dates a row of a table that declares no dated_by column


def retain(
    con: duckdb.DuckDBPyConnection,
    days: int,
    *,
    now: dt.datetime,
    amazon_days: int = 0,
    dry_run: bool = False,
) -> dict:
    """Enforce the retention periods in one transaction.

    With ``days``: in every input table dated by a column, person keys of rows older than the cutoff are set to
    NULL (the sale or review stays, anonymous), and quarantined rows of ingests older than the cutoff are
    deleted. With ``amazon_days`` (Amazon's Data Protection Policy): the buyer key of order lines sold on an
    Amazon marketplace (``amazon.*``) and of their order headers, older than that many days. Then customer
    links no sale uses any more are deleted.

    Args:
        con: The warehouse.
        days: The general retention period (0: keep).
        now: The time the periods count back from.
        amazon_days: The period of Amazon buyer data (0: off).
        dry_run: Count only.

    Returns:
        ``cutoff`` (None without ``days``), ``days``, ``amazon_cutoff``, ``amazon_days``, ``dry_run`` and
        ``changed`` (``table.column`` or table → rows).

    Raises:
        BadInputError: When neither period is set.
    """
    if days <= 0 and amazon_days <= 0:
        from xborder.core.errors import BadInputError

        raise BadInputError(
            "No retention period is set (retention_personal_days = 0 keeps personal data; "
            "retention_amazon_days = 0 turns the Amazon rule off).",
            hint="Give --days N, or set retention_personal_days / retention_amazon_days in the config.",
        )
    cutoff = now - dt.timedelta(days=days) if days > 0 else None
    amazon_cutoff = now - dt.timedelta(days=amazon_days) if amazon_days > 0 else None
    out: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        if amazon_cutoff is not None:
            _amazon(con, amazon_cutoff, dry_run, out)
        for t in all_tables() if cutoff is not None else ():
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
        n = 0
        if cutoff is not None:
            n = int(con.execute(f"SELECT count(*) FROM quarantine WHERE {where}", [cutoff]).fetchone()[0])  # type: ignore[index]
        if n and not dry_run:
            con.execute(f"DELETE FROM quarantine WHERE {where}", [cutoff])
        if n:
            out["quarantine"] = n
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {"cutoff": cutoff, "days": days, "amazon_cutoff": amazon_cutoff, "amazon_days": amazon_days,
            "dry_run": dry_run, "changed": out}  # fmt: skip


_AMAZON = "marketplace_id LIKE 'amazon.%'"


def _amazon(con: duckdb.DuckDBPyConnection, cutoff: dt.datetime, dry_run: bool, out: dict[str, int]) -> None:
    """Unlink the buyer of Amazon order lines (and their order headers) ordered before ``cutoff``."""
    if not table_exists(con, "order_lines"):
        return
    where = f"customer_key IS NOT NULL AND {_AMAZON} AND ordered_at < ?"
    if table_exists(con, "order_headers"):
        heads = (
            "customer_key IS NOT NULL AND (source, order_id) IN "
            f"(SELECT source, order_id FROM order_lines WHERE {_AMAZON} AND ordered_at < ?)"
        )
        n = _count(con, f"SELECT count(*) FROM order_headers WHERE {heads}", [cutoff])
        if n and not dry_run:
            con.execute(f"UPDATE order_headers SET customer_key = NULL WHERE {heads}", [cutoff])
        if n:
            out["order_headers.customer_key (amazon)"] = n
    n = _count(con, f"SELECT count(*) FROM order_lines WHERE {where}", [cutoff])
    if n and not dry_run:
        con.execute(f"UPDATE order_lines SET customer_key = NULL WHERE {where}", [cutoff])
    if n:
        out["order_lines.customer_key (amazon)"] = n


def _delete_count(con: duckdb.DuckDBPyConnection, table: str, where: str) -> int:
    n = int(con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0])  # type: ignore[index]
    if n:
        con.execute(f"DELETE FROM {table} WHERE {where}")
    return n


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> int:
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0
