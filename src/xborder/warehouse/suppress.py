"""Keep erased persons out at a later ingest: the suppression list (``privacy_suppressions``) applied to new rows."""

from __future__ import annotations

from typing import Any

from xborder.schema import all_tables

__all__ = ["PERSON_KEY_COLUMNS", "OWN_ROW_TABLES", "suppress_erased"]

PERSON_KEY_COLUMNS = ("customer_key", "source_customer_key", "reviewer_key")
"""Columns that hold a person's pseudonym in the tables ingest writes."""

OWN_ROW_TABLES = frozenset({"reviews", "customer_links"})
"""Tables whose rows are the person's own (erasure deletes them; ``xborder.privacy.datamap.DELETE_TABLES``):
a suppressed person's new rows there are quarantined. Elsewhere (sales) the row is stored, key set to NULL."""

REASON = (
    "the person was erased on request (privacy_requests, suppression list); the row is not stored with them. "
    "Nothing to fix."
)


def _tables(con: Any) -> set[str]:
    """Tables of the warehouse (without :mod:`xborder.warehouse.tables`, which loads pandas: ingest does not)."""
    return {
        r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
    }


def suppress_erased(con: Any, ingest_id: str, file_name: str) -> int:
    """Apply the suppression list to the rows ingest ``ingest_id`` just wrote.

    Only suppressions not lifted count (``xborder privacy suppression lift``). Sales (``order_lines``,
    ``order_headers``) of a suppressed person are kept with the person key set to NULL — as erasure left the person's earlier sales, so their line keys (made before) still recognise the same
    line as a duplicate. A suppressed person's own rows (a review, a customer link) are moved to quarantine
    with reason code ``erased_person`` and the row's non-personal columns as ``raw``.

    Returns:
        Rows moved from stored to quarantined (the caller moves them in its accounting too).
    """
    have = _tables(con)
    if "privacy_suppressions" not in have:
        return 0
    active = "(SELECT subject_key FROM privacy_suppressions WHERE lifted_at IS NULL)"
    if not con.execute("SELECT count(*) FROM privacy_suppressions WHERE lifted_at IS NULL").fetchone()[0]:
        return 0
    moved = 0
    for t in all_tables():
        names = [c.name for c in t.columns]
        keys = [c for c in PERSON_KEY_COLUMNS if c in names]
        if not keys or "ingest_id" not in names or t.name not in have:
            continue
        hit = " OR ".join(f'"{k}" IN {active}' for k in keys)
        where = f"ingest_id = ? AND ({hit})"
        if t.name in OWN_ROW_TABLES:
            keep = ", ".join(f'"{c.name}"' for c in t.columns if not c.personal and c.name != "ingest_id")
            n = con.execute(
                f"""INSERT INTO quarantine (ingest_id, file_name, row_number, column_name, value, reason_code,
                        reason, raw)
                    SELECT ?, ?, NULL, ?, NULL, 'erased_person', ?, to_json(struct_pack({keep}))
                    FROM "{t.name}" WHERE {where}""",
                [ingest_id, file_name, keys[-1], REASON, ingest_id],
            ).fetchone()[0]
            con.execute(f'DELETE FROM "{t.name}" WHERE {where}', [ingest_id])
            moved += int(n)
        else:
            for k in keys:
                con.execute(
                    f'UPDATE "{t.name}" SET "{k}" = NULL WHERE ingest_id = ? AND "{k}" IN {active}',
                    [ingest_id],
                )
    return moved
