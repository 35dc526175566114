"""Runs, background jobs, report files, ingest log and quarantined rows."""

from __future__ import annotations

import json
from typing import Any

from xborder.api.db import Database
from xborder.api.queries.base import missing_note, records
from xborder.core.errors import NotFoundError

__all__ = [
    "base_name",
    "list_runs",
    "run_detail",
    "list_jobs",
    "get_job",
    "report_files",
    "list_ingests",
    "list_quarantine",
    "output_tables",
]


def output_tables() -> list[str]:
    """Run-scoped tables the stages of the main job write (from the stage registry)."""
    from xborder.report.stage import RUN_STAGES
    from xborder.schema import table

    names = [t.name for s in RUN_STAGES for t in s.writes]
    return [n for n in dict.fromkeys(names) if table(n).run_scoped and n != "report_files"]


def _decode(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    for k in keys:
        v = row.get(k)
        if isinstance(v, str) and v:
            try:
                row[k] = json.loads(v)
            except ValueError:
                pass
    return row


def list_runs(db: Database, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Runs, newest first."""
    with db.read() as cur:
        total = cur.execute("SELECT count(*) FROM runs").fetchone()[0]  # type: ignore[index]
        rows = records(
            cur,
            (
                "SELECT run_id, kind, started_at, finished_at, status, params, message FROM runs "
                f"ORDER BY started_at DESC LIMIT {int(limit)} OFFSET {int(offset)}"
            ),
        )
    return {"total": int(total), "items": [_decode(r, "params") for r in rows]}


def run_detail(db: Database, run_id: str) -> dict[str, Any]:
    """A run's record, its output row counts per table, its report files and the job that started it."""
    with db.read() as cur:
        rows = records(cur, "SELECT * FROM runs WHERE run_id = ?", [run_id])
        if not rows:
            raise NotFoundError(f"No run {run_id!r}.", hint="See GET /api/runs.")
        run = _decode(rows[0], "params", "stages")
        outputs = {}
        for t in output_tables():
            if db.has_table(t):
                outputs[t] = int(
                    cur.execute(f'SELECT count(*) FROM "{t}" WHERE run_id = ?', [run_id]).fetchone()[0]  # type: ignore[index]
                )
        jobs = records(
            cur, "SELECT job_id, status, progress, created_by FROM jobs WHERE run_id = ?", [run_id]
        )
    run["outputs"] = outputs
    run["reports"] = report_files(db, run_id)
    run["job"] = jobs[0] if jobs else None
    return run


def report_files(db: Database, run_id: str) -> list[dict[str, Any]]:
    """Current report files of a run (latest per language and format), without their server paths."""
    if not db.has_table("report_files"):
        return []
    with db.read() as cur:
        rows = records(
            cur,
            (
                "SELECT lang, format, bytes, created_at, status, message FROM report_files WHERE run_id = ? "
                "QUALIFY row_number() OVER (PARTITION BY lang, format ORDER BY created_at DESC) = 1 ORDER BY lang, format"
            ),
            [run_id],
        )
    return rows


def list_jobs(db: Database, *, limit: int = 50) -> list[dict[str, Any]]:
    """Background jobs, newest first."""
    with db.read() as cur:
        rows = records(cur, f"SELECT * FROM jobs ORDER BY created_at DESC LIMIT {int(limit)}")
    return [_decode(r, "params", "result") for r in rows]


def get_job(db: Database, job_id: str) -> dict[str, Any]:
    """One job with its progress."""
    with db.read() as cur:
        rows = records(cur, "SELECT * FROM jobs WHERE job_id = ?", [job_id])
    if not rows:
        raise NotFoundError(f"No job {job_id!r}.")
    return _decode(rows[0], "params", "result")


def list_ingests(db: Database, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Ingested files, newest first, with their row accounting."""
    with db.read() as cur:
        total = cur.execute("SELECT count(*) FROM ingest_log").fetchone()[0]  # type: ignore[index]
        rows = records(
            cur,
            (
                "SELECT ingest_id, started_at, finished_at, file_name, kind, layout, rows_in, rows_stored, rows_duplicate, "
                f"rows_quarantined, status, message FROM ingest_log ORDER BY started_at DESC LIMIT {int(limit)} OFFSET {int(offset)}"
            ),
        )
    for r in rows:
        r["file_name"] = base_name(r.get("file_name"))
    return {"total": int(total), "items": rows}


def base_name(path: Any) -> Any:
    """The file's own name (upload folders on the server are not shown), without the upload time prefix."""
    if not isinstance(path, str):
        return path
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    parts = name.split("-", 2)
    if len(parts) == 3 and len(parts[0]) == 15 and parts[0][8:9] == "T" and len(parts[1]) == 8:
        return parts[2]
    return name


def list_quarantine(
    db: Database, *, ingest_id: str | None = None, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Quarantined rows (optionally of one ingest) with their reasons."""
    if not db.has_table("quarantine"):
        return {"total": 0, "items": [], "note": missing_note("quarantine")}
    cond, params = ("WHERE ingest_id = ?", [ingest_id]) if ingest_id else ("", [])
    with db.read() as cur:
        total = cur.execute(f"SELECT count(*) FROM quarantine {cond}", params).fetchone()[0]  # type: ignore[index]
        rows = records(
            cur,
            (
                f"SELECT ingest_id, file_name, row_number, column_name, value, reason_code, reason FROM quarantine {cond} "
                f"ORDER BY ingest_id, row_number LIMIT {int(limit)} OFFSET {int(offset)}"
            ),
            params,
        )
    for r in rows:
        r["file_name"] = base_name(r.get("file_name"))
    return {"total": int(total), "items": rows}
