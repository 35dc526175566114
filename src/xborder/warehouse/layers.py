"""Ingest under a rotated pseudonym key: the rows an ingest wrote get the key layers (docs/security.md)."""

from __future__ import annotations

from typing import Any

from xborder.schema import all_tables
from xborder.warehouse.keys import PSEUDONYM_COLUMNS, key_layers, layered

__all__ = ["LAYER_MAP", "note_pseudonyms", "layer_ingest", "forget_layer_map"]

LAYER_MAP = "_x_layer_map"
"""Temporary table (pkey, lkey): each base-key pseudonym the current ingest made, with its layered form."""


def _temp_exists(con: Any, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [name]
        ).fetchone()[0]
    )


def note_pseudonyms(con: Any, pseudonyms: list[str | None]) -> None:
    """Remember the layered form of each base-key pseudonym ingest just made (nothing before any rotation).

    Ingest keeps making base-key pseudonyms, and line keys from them, exactly as before a rotation; only the
    values it made are layered afterwards (:func:`layer_ingest`), never a value copied from a stored row.
    """
    layers = key_layers(con)
    if not layers:
        return
    distinct = sorted({p for p in pseudonyms if p})
    if not _temp_exists(con, LAYER_MAP):
        con.execute(f"CREATE TEMP TABLE {LAYER_MAP} (pkey VARCHAR PRIMARY KEY, lkey VARCHAR)")
    con.execute(
        f"INSERT OR IGNORE INTO {LAYER_MAP} SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
        [distinct, [layered(layers, p) for p in distinct]],
    )


def forget_layer_map(con: Any) -> None:
    """Drop the map of the current ingest (after it is applied, and when the layers change)."""
    con.execute(f"DROP TABLE IF EXISTS temp.{LAYER_MAP}")


def layer_ingest(con: Any, ingest_id: str) -> int:
    """Give the rows ingest ``ingest_id`` wrote the key layers; returns rows that turned out duplicates.

    Every pseudonym column of the tables ingest writes (:data:`xborder.warehouse.keys.PSEUDONYM_COLUMNS`)
    holding a value this ingest made is set to its layered form; line keys are untouched, so a re-ingest
    of the same export still finds them. Where a pseudonym is part of the table's key (``customer_links``) the
    rows are moved (delete, then insert-or-ignore): a link stored before the rotation is a duplicate, counted
    and returned. Olist orders linked through ``customer_links`` by their per-order customer key are
    linked again in layered form (the layout's join compares base-key values with stored layered ones).
    Must run before :func:`xborder.warehouse.suppress.suppress_erased` (the suppression list holds layered
    pseudonyms).
    """
    if not _temp_exists(con, LAYER_MAP):
        return 0
    duplicates = 0
    declared = {t.name: t for t in all_tables()}
    have = {
        r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
    }
    by_table: dict[str, list[tuple[str, str | None]]] = {}
    for table, column, where in PSEUDONYM_COLUMNS:
        t = declared.get(table)
        if t is not None and table in have and "ingest_id" in [c.name for c in t.columns]:
            by_table.setdefault(table, []).append((column, where))
    for table, columns in by_table.items():
        t = declared[table]
        if set(t.primary_key) & {c for c, _ in columns}:
            duplicates += _move_rows(con, t, [c for c, _ in columns], ingest_id)
            continue
        for column, where in columns:
            extra = f" AND ({where})" if where else ""
            con.execute(
                f"""UPDATE "{table}" SET "{column}" = m.lkey FROM {LAYER_MAP} m
                    WHERE "{table}".ingest_id = ? AND "{table}"."{column}" = m.pkey{extra}""",
                [ingest_id],
            )
    if "order_headers" in by_table and "customer_links" in have:
        con.execute(
            """UPDATE order_headers SET customer_key = l.customer_key, region = l.region FROM customer_links l
               WHERE order_headers.ingest_id = ? AND l.source = order_headers.source
                 AND l.source_customer_key = order_headers.customer_key""",
            [ingest_id],
        )
    forget_layer_map(con)
    return duplicates


def _move_rows(con: Any, table: Any, columns: list[str], ingest_id: str) -> int:
    """Re-insert the rows of ``ingest_id`` in ``table`` with ``columns`` layered; returns rows already stored."""
    joins: list[str] = []
    select: list[str] = []
    for c in table.columns:
        if c.name in columns:
            alias = f"m{len(joins)}"
            joins.append(f'LEFT JOIN {LAYER_MAP} {alias} ON {alias}.pkey = t."{c.name}"')
            select.append(f'coalesce({alias}.lkey, t."{c.name}")')
        else:
            select.append(f't."{c.name}"')
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_layer_rows AS SELECT {", ".join(select)}
            FROM "{table.name}" t {" ".join(joins)} WHERE t.ingest_id = ?""",
        [ingest_id],
    )
    rows = con.execute("SELECT count(*) FROM _x_layer_rows").fetchone()[0]
    con.execute(f'DELETE FROM "{table.name}" WHERE ingest_id = ?', [ingest_id])
    names = ", ".join(f'"{c.name}"' for c in table.columns)
    stored = con.execute(
        f'INSERT OR IGNORE INTO "{table.name}" ({names}) SELECT * FROM _x_layer_rows'
    ).fetchone()[0]
    con.execute("DROP TABLE _x_layer_rows")
    return int(rows) - int(stored)
