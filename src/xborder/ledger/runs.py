"""Run records in the ledger: every ingest and every run appends an entry to the batch ``xborder-runs``.

An ``ingest`` entry holds the file's SHA-256, its kind and layout, the row counts, the code version, and the
digest of the rows it stored in each table; a ``run`` entry holds the run's kind, status, parameters, the
fingerprint and SHA-256 of every input it read, the code version, and the digest of every output table's
rows for the run. :func:`record_run` is what the pipeline runner calls when a run ends (it first appends
the ingests not yet in the ledger, so a stand-alone ``xborder ingest`` is recorded at the latest by the next
run, or by ``xborder ledger record``). :func:`check_records` is the part of ``verify`` that recomputes those
digests from the warehouse as it is now and names the first entry whose rows were changed.
"""

from __future__ import annotations

import functools
import json
import platform
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import orjson

from xborder import __version__
from xborder.core.clock import utcnow
from xborder.ledger.canonical import iso_utc
from xborder.ledger.digests import DIGEST_METHOD, INGEST_TABLES, RUN_OUTPUT_TABLES, digests_for, rows_digest
from xborder.ledger.events import parse_event
from xborder.ledger.store import AppendResult, append_events

__all__ = ["RUNS_BATCH", "code_version", "record_ingests", "record_run", "check_records", "reseal"]

RUNS_BATCH = "xborder-runs"
"""The batch (Merkle tree) that holds the warehouse's own ingest and run records."""

_INGEST_COLS = (
    "ingest_id, started_at, finished_at, file_name, sha256, kind, layout, rows_in, rows_stored, rows_duplicate, "
    "rows_quarantined, status, message"
)


@functools.cache
def code_version() -> dict[str, Any]:
    """xborder's version, the git commit of its source when it runs from a checkout, Python and DuckDB."""
    out: dict[str, Any] = {
        "xborder": __version__,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }
    src = Path(__file__).resolve().parents[1]
    try:
        proc = subprocess.run(
            ["git", "-C", str(src), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return out
    if proc.returncode == 0 and len(proc.stdout.strip()) == 40:
        out["git"] = proc.stdout.strip()
    return out


def _recorded_ids(con: duckdb.DuckDBPyConnection, type_: str, field: str) -> set[str]:
    rows = con.execute(
        f"SELECT json_extract_string(document, '$.data.{field}') FROM ledger_entries "
        "WHERE batch_id = ? AND event_type = ?",
        [RUNS_BATCH, type_],
    ).fetchall()
    return {r[0] for r in rows}


def _ingest_event(con: duckdb.DuckDBPyConnection, row: tuple[Any, ...]) -> dict[str, Any]:
    rec = dict(zip([c.strip() for c in _INGEST_COLS.split(",")], row, strict=True))
    data = {
        "ingest_id": rec["ingest_id"],
        "file": rec["file_name"],
        "file_sha256": rec["sha256"],
        "kind": rec["kind"],
        "layout": rec["layout"],
        "started_at": iso_utc(rec["started_at"]),
        "rows_in": rec["rows_in"],
        "rows_stored": rec["rows_stored"],
        "rows_duplicate": rec["rows_duplicate"],
        "rows_quarantined": rec["rows_quarantined"],
        "status": rec["status"],
        "code": code_version(),
        "digest_method": DIGEST_METHOD,
        "tables": digests_for(con, "ingest_id", rec["ingest_id"], INGEST_TABLES),
    }
    return {"type": "ingest", "at": rec["finished_at"] or rec["started_at"], "data": data}


def record_ingests(con: duckdb.DuckDBPyConnection, *, origin: str = "ingest") -> AppendResult:
    """Append an ``ingest`` entry for every ``ingest_log`` row not yet in the ledger (oldest first)."""
    done = _recorded_ids(con, "ingest", "ingest_id")
    rows = [
        r
        for r in con.execute(
            f"SELECT {_INGEST_COLS} FROM ingest_log ORDER BY started_at, ingest_id"
        ).fetchall()
        if r[0] not in done
    ]
    events = [parse_event(RUNS_BATCH, _ingest_event(con, r), f"ingest {r[0]}") for r in rows]
    return append_events(con, events, origin=origin)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value else (value or {})


def record_run(con: duckdb.DuckDBPyConnection, run_id: str) -> AppendResult:
    """Append the pending ingests, then a ``run`` entry for ``run_id`` as its record stands now.

    Called when a run ends (ok or failed); a resumed run that ends again gets a second entry, and
    ``verify`` checks the outputs against the latest one.
    """
    result = record_ingests(con, origin=f"run:{run_id}")
    row = con.execute(
        "SELECT kind, started_at, finished_at, status, params, fingerprint, stages, message FROM runs WHERE run_id = ?",
        [run_id],
    ).fetchone()
    if row is None:
        return result
    kind, started, finished, status, params, fingerprint, stages, message = row
    params = _json(params)
    inputs = params.pop("inputs", [])
    data = {
        "run_id": run_id,
        "kind": kind,
        "status": status,
        "message": message,
        "started_at": iso_utc(started),
        "params": params,
        "inputs": {"fingerprint": fingerprint, "files": inputs},
        "stages": {name: rec.get("status") for name, rec in _json(stages).items()},
        "code": code_version(),
        "digest_method": DIGEST_METHOD,
        "outputs": digests_for(con, "run_id", run_id, RUN_OUTPUT_TABLES),
    }
    event = parse_event(RUNS_BATCH, {"type": "run", "at": finished or started, "data": data}, f"run {run_id}")
    done = append_events(con, [event], origin=f"run:{run_id}")
    result.entries += done.entries
    result.heads.update(done.heads)
    return result


def _latest_records(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, dict[str, Any]]]:
    """(seq, type, data) of the latest entry per run id and per ingest id."""
    latest: dict[tuple[str, str], tuple[int, str, dict[str, Any]]] = {}
    for seq, type_, doc in con.execute(
        "SELECT seq, event_type, document FROM ledger_entries WHERE batch_id = ? ORDER BY seq", [RUNS_BATCH]
    ).fetchall():
        try:
            data = orjson.loads(doc)["data"]
            ident = data["run_id"] if type_ == "run" else data["ingest_id"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            continue  # a changed document: the entry checks already name it
        latest[(type_, ident)] = (int(seq), type_, data)
    return sorted(latest.values(), key=lambda x: x[0])


def _check_ingest_log(
    con: duckdb.DuckDBPyConnection, seq: int, data: dict[str, Any]
) -> list[tuple[str, str, str]]:
    row = con.execute(
        "SELECT sha256, kind, layout, rows_in, rows_stored, rows_duplicate, rows_quarantined, status "
        "FROM ingest_log WHERE ingest_id = ?",
        [data["ingest_id"]],
    ).fetchone()
    if row is None:
        return [
            (
                "ingest_id",
                "record_missing",
                f"ingest {data['ingest_id']} (ledger seq {seq}) is no longer in ingest_log",
            )
        ]
    want = [data.get(k) for k in ("file_sha256", "kind", "layout", "rows_in", "rows_stored", "rows_duplicate",
                                  "rows_quarantined", "status")]  # fmt: skip
    names = (
        "sha256",
        "kind",
        "layout",
        "rows_in",
        "rows_stored",
        "rows_duplicate",
        "rows_quarantined",
        "status",
    )
    return [
        (
            n,
            "record_changed",
            f"ingest_log.{n} of ingest {data['ingest_id']} is {got!r}; ledger seq {seq} recorded {w!r}",
        )
        for n, got, w in zip(names, row, want, strict=True)
        if got != w
    ]


def check_records(con: duckdb.DuckDBPyConnection, add: Any) -> int:
    """Recompute the digests of every recorded run's outputs and ingest's rows; ``add(table, row, column,
    code, message)`` each difference. Returns how many tables were checked."""
    checked = 0
    for seq, type_, data in _latest_records(con):
        tables = data.get("outputs" if type_ == "run" else "tables") or {}
        key, ident = (
            ("run_id", data.get("run_id")) if type_ == "run" else ("ingest_id", data.get("ingest_id"))
        )
        where = f"seq {seq}"
        if type_ == "ingest":
            for column, code, message in _check_ingest_log(con, seq, data):
                add("ingest_log", where, column, code, message)
        for table, rec in tables.items():
            checked += 1
            try:
                rows, digest = rows_digest(con, table, key, str(ident), rec["columns"])
            except duckdb.Error as exc:
                add(
                    table,
                    where,
                    None,
                    "output_unreadable",
                    f"{table} rows of {key} {ident} cannot be read: {exc}",
                )
                continue
            if (rows, digest) != (rec["rows"], rec["sha256"]):
                add(table, where, None, "output_changed",
                    f"{table}: the {rows:,} rows of {key} {ident} are not the {rec['rows']:,} rows ledger seq {seq} "
                    f"recorded (digest {digest[:12]}…, recorded {rec['sha256'][:12]}…)")  # fmt: skip
    return checked


def reseal(con: duckdb.DuckDBPyConnection, reason: str, *, origin: str = "reseal") -> AppendResult:
    """After a legitimate change of recorded rows (an erasure, a retention clean-up), append a new entry for
    each run and ingest whose rows changed: the same record with today's digests and ``resealed`` =
    ``{"reason", "replaces"}`` (the seq of the entry it supersedes). The old entries stay: the ledger shows
    what was recorded, what changed and why; ``verify`` then checks against the new entries.

    Raises:
        BadInputError: no reason given.
    """
    from xborder.core.errors import BadInputError

    if not reason or not reason.strip():
        raise BadInputError("Say why the rows changed.", hint='e.g. --reason "privacy erase request 12"')
    events = []
    for seq, type_, data in _latest_records(con):
        field, key = ("outputs", "run_id") if type_ == "run" else ("tables", "ingest_id")
        recorded = data.get(field) or {}
        now = {}
        for table, rec in recorded.items():
            try:
                rows, digest = rows_digest(con, table, key, str(data[key]), rec["columns"])
            except duckdb.Error:
                rows, digest = 0, ""
            now[table] = {**rec, "rows": rows, "sha256": digest}
        if now == recorded:
            continue
        new = {**data, field: now, "resealed": {"reason": reason.strip(), "replaces": seq}}
        event = {"type": type_, "at": utcnow(), "data": new}
        events.append(parse_event(RUNS_BATCH, event, f"{type_} {data[key]}"))
    return append_events(con, events, origin=origin)
