"""The access log of personal data: who read which personal columns of which table, through which command, when.

A command or endpoint that hands customer-level rows to a person calls :func:`log_reads` with the frames it
read; the personal columns are found from the table declarations (``personal=True``), so a new per-customer
table is logged without further code. A writable connection (the web server's, a writing command's) records
into ``personal_reads`` at once; a read-only one (most CLI reads, or a copy made by a running server) appends a
line to ``<warehouse>.reads.jsonl`` beside the file, which the next ``xborder privacy access`` with write access
moves into the table (so the log does not need the lock a read does not take).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from xborder.schema import all_tables
from xborder.warehouse.tables import table_exists

__all__ = [
    "pending_path",
    "personal_columns",
    "reads_of",
    "log_reads",
    "log_read_counts",
    "flush_pending",
    "list_reads",
]

_COLS = ("read_at", "actor", "channel", "command", "table_name", "columns", "rows_read", "run_id")


def pending_path(db_path: str | Path) -> Path:
    """The side file of reads made over a read-only connection: ``<warehouse>.reads.jsonl``."""
    return Path(f"{db_path}.reads.jsonl")


def personal_columns(table: str, columns: list[str] | None = None) -> list[str]:
    """Declared personal columns of ``table`` (among ``columns`` when given)."""
    for t in all_tables():
        if t.name == table:
            return [c.name for c in t.columns if c.personal and (columns is None or c.name in columns)]
    return []


def reads_of(frames: Mapping[str, Any]) -> dict[str, tuple[list[str], int]]:
    """``{table: (personal columns read, rows holding one)}`` for the frames (pandas) a command read; tables
    without personal columns, or whose personal columns are all empty, are left out."""
    out: dict[str, tuple[list[str], int]] = {}
    for table, df in frames.items():
        cols = personal_columns(table, [str(c) for c in getattr(df, "columns", [])])
        if not cols or df is None or not len(df):
            continue
        rows = int(df[cols].notna().any(axis=1).sum())
        if rows:
            out[table] = (cols, rows)
    return out


def log_reads(
    con: duckdb.DuckDBPyConnection | None,
    db_path: str | Path | None,
    *,
    actor: str,
    channel: str,
    command: str,
    frames: Mapping[str, Any],
    run_id: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Record the personal data in ``frames`` (table name → rows read) as read by ``actor``.

    Args:
        con: The caller's connection: the rows go to ``personal_reads`` when it can write, else (read-only,
            a server's snapshot, None) to :func:`pending_path` of ``db_path``.
        db_path: The warehouse file (for the side file).
        actor: ``cli:<os user>`` or the web user name.
        channel: ``cli`` or ``api``.
        command: The command or endpoint.
        frames: What was read.
        run_id: The run whose rows were read.
        now: When (default: now, UTC).

    Returns:
        Log rows written (one per table holding personal data).
    """
    return log_read_counts(con, db_path, actor=actor, channel=channel, command=command, reads=reads_of(frames),
                           run_id=run_id, now=now)  # fmt: skip


def log_read_counts(
    con: duckdb.DuckDBPyConnection | None,
    db_path: str | Path | None,
    *,
    actor: str,
    channel: str,
    command: str,
    reads: Mapping[str, tuple[list[str], int | None]],
    run_id: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Record ``reads`` (table → (personal columns read, rows read or None when not counted)), as
    :func:`log_reads` does for frames; what the web server's access-log middleware calls."""
    when = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    rows = [(when, actor, channel, command, t, cols, n, run_id) for t, (cols, n) in reads.items()]
    if not rows:
        return 0
    if con is not None and table_exists(con, "personal_reads"):
        try:
            con.executemany(
                f"INSERT INTO personal_reads ({', '.join(_COLS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
            return len(rows)
        except duckdb.Error:  # a read-only connection (or a server's snapshot): the side file
            pass
    if db_path is None:
        return 0
    lines = "".join(
        json.dumps(dict(zip(_COLS, (r[0].isoformat(), *r[1:]), strict=True)), sort_keys=True) + "\n"
        for r in rows
    )
    fd = os.open(pending_path(db_path), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(
            fd, lines.encode("utf-8")
        )  # one write with O_APPEND: lines of two processes never interleave
    finally:
        os.close(fd)
    return len(rows)


def _pending(db_path: str | Path) -> list[dict[str, Any]]:
    p = pending_path(db_path)
    if not p.is_file():
        return []
    out = []
    for line in p.read_text(encoding="utf-8").splitlines():
        try:
            d = json.loads(line)
            d["read_at"] = dt.datetime.fromisoformat(d["read_at"])
            out.append(d)
        except (ValueError, KeyError, TypeError):
            continue  # a line cut by a crash: the others stand
    return out


def flush_pending(con: duckdb.DuckDBPyConnection, db_path: str | Path) -> int:
    """Move the side file's reads into ``personal_reads`` (writable connection); returns how many."""
    rows = _pending(db_path)
    if rows:
        con.executemany(
            f"INSERT INTO personal_reads ({', '.join(_COLS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [tuple(r.get(c) for c in _COLS) for r in rows],
        )
    pending_path(db_path).unlink(missing_ok=True)
    return len(rows)


def list_reads(
    con: duckdb.DuckDBPyConnection,
    db_path: str | Path | None = None,
    *,
    since: dt.datetime | None = None,
    actor: str | None = None,
    table: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """The access log, latest first: the table's rows and any reads still in the side file (``pending``)."""
    rows: list[dict[str, Any]] = []
    if table_exists(con, "personal_reads"):
        cur = con.execute(f"SELECT {', '.join(_COLS)} FROM personal_reads")
        rows = [{**dict(zip(_COLS, r, strict=True)), "pending": False} for r in cur.fetchall()]
    if db_path is not None:
        rows += [{**{c: r.get(c) for c in _COLS}, "pending": True} for r in _pending(db_path)]
    rows = [
        r
        for r in rows
        if (since is None or r["read_at"] >= since)
        and (actor is None or r["actor"] == actor)
        and (table is None or r["table_name"] == table)
    ]
    rows.sort(key=lambda r: r["read_at"], reverse=True)
    return rows[:limit]
