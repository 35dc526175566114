"""Same file again: skip it, or read it again and supersede the earlier ingest's quarantine.

A file whose bytes (SHA-256) were already ingested as the same kind is skipped — unless reading it again
can change something: the earlier ingest stored nothing but quarantined rows (e.g. a date format the
mapping now states), the layout or mapping differs (a mapping file's layout name carries a digest of its
content, ``mapping:shop.toml@1a2b3c4d``), or the caller forces it (``force=True``, ``--force``).

Row accounting of a re-read: the new ``ingest_log`` row balances on its own (rows_in = stored + duplicate
+ quarantined, where rows the earlier ingest stored are now duplicates). The earlier rows of the same
file and kind get status ``superseded`` (their counts kept as history) and their ``quarantine`` rows are
deleted, since every one of those input rows was read again and is stored, a duplicate or quarantined
again under the new ingest id. So the quarantine table always equals the sum of ``rows_quarantined``
over the ``ok`` rows of ``ingest_log``, and no input row is counted twice.
"""

from __future__ import annotations

from typing import NamedTuple

import duckdb

__all__ = ["Previous", "previous_ingest", "supersede"]


class Previous(NamedTuple):
    """The latest 'ok' ingest of the same bytes and kind."""

    ingest_id: str
    rows_in: int
    kind: str
    layout: str | None
    rows_stored: int
    rows_duplicate: int
    rows_quarantined: int


def previous_ingest(
    con: duckdb.DuckDBPyConnection, sha256: str, kind: str | None, layout: str | None, *, force: bool = False
) -> Previous | None:
    """The earlier ingest to skip to, or None when the file must be read (again).

    ``layout`` is the layout a mapping file imposes (None: recognised from the file).
    """
    if force:
        return None
    row = con.execute(
        "SELECT ingest_id, rows_in, kind, layout, rows_stored, rows_duplicate, rows_quarantined FROM ingest_log "
        "WHERE sha256 = ? AND status = 'ok' AND (? IS NULL OR kind = ?) ORDER BY started_at DESC LIMIT 1",
        [sha256, kind, kind],
    ).fetchone()
    if row is None:
        return None
    prev = Previous(*row)
    if layout is not None and prev.layout != layout:
        return None  # another mapping (or a changed one): read again
    if not prev.rows_stored and prev.rows_quarantined:
        return None  # nothing stored last time: the rows may read now
    return prev


def supersede(
    con: duckdb.DuckDBPyConnection, sha256: str, kind: str, new_id: str, keep: set[str]
) -> list[tuple[str, int]]:
    """Mark earlier 'ok' ingests of these bytes and kind as superseded by ``new_id`` and drop their quarantine.

    ``keep`` are ingest ids of the current batch (never superseded). Returns [(ingest_id, quarantined rows)].
    """
    rows = con.execute(
        "SELECT ingest_id, rows_quarantined FROM ingest_log WHERE sha256 = ? AND kind = ? AND status = 'ok' "
        "AND ingest_id <> ?",
        [sha256, kind, new_id],
    ).fetchall()
    out = [(str(i), int(q or 0)) for i, q in rows if i not in keep]
    for iid, _ in out:
        con.execute("DELETE FROM quarantine WHERE ingest_id = ?", [iid])
        con.execute(
            "UPDATE ingest_log SET status = 'superseded', message = concat(message, '; superseded by ', ?, "
            "' (the file was read again; its quarantined rows were re-read)') WHERE ingest_id = ?",
            [new_id, iid],
        )
    return out
