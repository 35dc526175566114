"""Run records (table ``runs``): create, update per stage, finish, load, fingerprint the inputs.

This module is the only writer of ``runs``; the pipeline runner calls it for whole runs and for stand-alone
stage commands alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

from xborder.core.clock import utcnow
from xborder.core.errors import NotFoundError

__all__ = [
    "new_run_id",
    "utcnow",
    "input_tables",
    "create_run",
    "save_stages",
    "finish_run",
    "load_run",
    "latest_run_id",
    "fingerprint_dir",
    "fingerprint_warehouse",
]


def input_tables() -> frozenset[str]:
    """Canonical tables the engines read (role ``input`` or ``reference``); their row counts enter a fingerprint."""
    from xborder.schema import all_tables

    return frozenset(t.name for t in all_tables() if t.role in ("input", "reference"))


def new_run_id() -> str:
    """A sortable, unique run id: ``run-YYYYmmddTHHMMSS-xxxxxx``."""
    return f"run-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def create_run(
    con: Any,
    run_id: str,
    *,
    params: dict[str, Any],
    fingerprint: str,
    stages: dict[str, Any],
    kind: str = "pipeline",
) -> None:
    """Insert a run in state ``running``: ``kind`` is ``pipeline`` for the main job, else the stage's name."""
    con.execute(
        "INSERT INTO runs (run_id, kind, started_at, status, params, fingerprint, stages, message) "
        "VALUES (?, ?, ?, 'running', ?, ?, ?, NULL)",
        [
            run_id,
            kind,
            utcnow(),
            json.dumps(params, default=str),
            fingerprint,
            json.dumps(stages, default=str),
        ],
    )


def save_stages(con: Any, run_id: str, stages: dict[str, Any], *, status: str = "running") -> None:
    """Write the per-stage record (after every stage, so a crash leaves an accurate record)."""
    con.execute(
        "UPDATE runs SET stages = ?, status = ? WHERE run_id = ?",
        [json.dumps(stages, default=str), status, run_id],
    )


def finish_run(con: Any, run_id: str, *, status: str, message: str | None) -> None:
    """Mark the run ok/failed with its end time and message."""
    con.execute(
        "UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE run_id = ?",
        [status, utcnow(), message, run_id],
    )


def load_run(con: Any, run_id: str) -> dict[str, Any]:
    """A pipeline run's record with params and stages decoded; NotFoundError when absent."""
    row = con.execute(
        "SELECT run_id, kind, started_at, finished_at, status, params, fingerprint, stages, message "
        "FROM runs WHERE run_id = ?",
        [run_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"No run '{run_id}' in this warehouse.",
            hint="List runs with `xborder report --list`, or check --db points at the right warehouse.",
        )
    keys = (
        "run_id",
        "kind",
        "started_at",
        "finished_at",
        "status",
        "params",
        "fingerprint",
        "stages",
        "message",
    )
    rec = dict(zip(keys, row, strict=True))
    for k in ("params", "stages"):
        v = rec[k]
        rec[k] = json.loads(v) if isinstance(v, str) and v else (v or {})
    return rec


def latest_run_id(con: Any) -> str | None:
    """The most recent pipeline run, or None."""
    row = con.execute(
        "SELECT run_id FROM runs WHERE kind = 'pipeline' ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fingerprint_dir(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """SHA-256 of every file under ``path`` (relative name, size, hash) and one hash over them all."""
    files = [p for p in sorted(path.rglob("*")) if p.is_file()] if path.is_dir() else [path]
    listing = []
    total = hashlib.sha256()
    for p in files:
        rel = p.relative_to(path).as_posix() if path.is_dir() else p.name
        digest = _sha256_file(p)
        listing.append({"file": rel, "bytes": p.stat().st_size, "sha256": digest})
        total.update(f"{rel}\0{digest}\n".encode())
    return total.hexdigest(), listing


def fingerprint_warehouse(con: Any) -> tuple[str, list[dict[str, Any]]]:
    """Fingerprint of a warehouse's inputs: the hashes of every ingested file plus table row counts."""
    from xborder.warehouse import table_counts

    total = hashlib.sha256()
    listing: list[dict[str, Any]] = []
    for file_name, sha, rows in con.execute(
        "SELECT file_name, sha256, rows_stored FROM ingest_log WHERE status <> 'failed' ORDER BY sha256, file_name"
    ).fetchall():
        listing.append({"file": file_name, "sha256": sha, "rows_stored": rows})
        total.update(f"{file_name}\0{sha}\n".encode())
    for t in table_counts(con):
        if t["table"] in input_tables():
            total.update(f"{t['table']}={t['rows']}\n".encode())
    return total.hexdigest(), listing
