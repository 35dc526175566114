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
from xborder.core.errors import BadInputError
from xborder.ledger.canonical import iso_utc
from xborder.ledger.digests import DIGEST_METHOD, INGEST_TABLES, RUN_OUTPUT_TABLES, digests_for, rows_digest
from xborder.ledger.events import parse_event
from xborder.ledger.store import AppendResult, append_events
from xborder.schema import all_tables

__all__ = [
    "RUNS_BATCH",
    "DIGEST_AT_INGEST_ROWS",
    "code_version",
    "record_at_ingest",
    "record_ingests",
    "record_run",
    "check_records",
    "reseal",
]

RUNS_BATCH = "xborder-runs"
"""The batch (Merkle tree) that holds the warehouse's own ingest and run records."""

DIGEST_AT_INGEST_ROWS = 20_000
"""An ingest that stored at most this many rows gets its row digests at once (≈ 60 ms of CPU); a larger one gets
its row counts at once and its digests at the next run or ``xborder ledger record``."""

PENDING = "pending"
"""``data.row_digests`` of an ingest entry made with row counts only."""

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


def _ingest_event(
    con: duckdb.DuckDBPyConnection, row: tuple[Any, ...], *, counts_only: bool = False
) -> dict[str, Any]:
    rec = dict(zip([c.strip() for c in _INGEST_COLS.split(",")], row, strict=True))
    tables = _counts(con, rec["ingest_id"]) if counts_only else None
    if tables is not None and sum(t["rows"] for t in tables.values()) <= DIGEST_AT_INGEST_ROWS:
        tables = None  # few rows: their digests cost less than a second entry
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
        "tables": tables
        if tables is not None
        else digests_for(con, "ingest_id", rec["ingest_id"], INGEST_TABLES),
    }
    if tables is not None:
        data["row_digests"] = PENDING
    return {"type": "ingest", "at": rec["finished_at"] or rec["started_at"], "data": data}


def _counts(con: duckdb.DuckDBPyConnection, ingest_id: str) -> dict[str, dict[str, Any]]:
    """``{table: {"rows", "columns"}}`` of the tables holding rows of the ingest: one count query, no hashing
    (the declared columns: asking the catalogue for each of two dozen tables would cost more than the rest)."""
    present = {t.name: list(t.column_names) for t in all_tables() if t.name in INGEST_TABLES}
    union = " UNION ALL ".join(
        f"SELECT '{n}' AS t, count(*) AS n FROM \"{n}\" WHERE ingest_id = $v" for n in present
    )
    counts = dict(con.execute(union, {"v": ingest_id}).fetchall()) if union else {}
    return {n: {"columns": cols, "rows": int(counts[n])} for n, cols in present.items() if counts.get(n)}


def record_at_ingest(con: duckdb.DuckDBPyConnection, ingest_ids: list[str]) -> AppendResult | None:
    """Append an ``ingest`` entry for each of ``ingest_ids`` now (what an ingest calls after its commit).

    The entry holds the file's SHA-256, the counts and the code version; the row digests too when the ingest
    stored at most :data:`DIGEST_AT_INGEST_ROWS` rows, else ``row_digests: "pending"`` and each table's row
    count, completed by :func:`record_ingests` at the next run. Never fails the ingest: on a database error
    nothing is appended (the next run records the ingest) and None is returned.
    """
    if not ingest_ids:
        return None
    try:
        rows = con.execute(
            f"SELECT {_INGEST_COLS} FROM ingest_log WHERE ingest_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) "
            "ORDER BY started_at, ingest_id",
            [list(ingest_ids)],
        ).fetchall()
        done = _recorded_ids(con, "ingest", "ingest_id")
        events = [
            parse_event(RUNS_BATCH, _ingest_event(con, r, counts_only=True), f"ingest {r[0]}")
            for r in rows
            if r[0] not in done and r[11] != "skipped"  # a file already ingested: the next run records it
        ]
        return append_events(con, events, origin="ingest")
    except (duckdb.Error, BadInputError):
        return None


def record_ingests(con: duckdb.DuckDBPyConnection, *, origin: str = "ingest") -> AppendResult:
    """Append an ``ingest`` entry with row digests for every ``ingest_log`` row that has none yet (oldest first):
    not in the ledger, or recorded at ingest with row counts only (the new entry says ``completes: <seq>``)."""
    pending = _pending_ingests(con)
    done = _recorded_ids(con, "ingest", "ingest_id") - set(pending)
    events = []
    for r in con.execute(f"SELECT {_INGEST_COLS} FROM ingest_log ORDER BY started_at, ingest_id").fetchall():
        if r[0] in done:
            continue
        event = _ingest_event(con, r)
        if r[0] in pending:
            event["data"]["completes"] = pending[r[0]]
        events.append(parse_event(RUNS_BATCH, event, f"ingest {r[0]}"))
    return append_events(con, events, origin=origin)


def _pending_ingests(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Ingest id -> seq of its latest entry, for ingests whose latest entry has row counts only."""
    latest: dict[str, tuple[int, Any]] = {}
    for seq, ident, digests in con.execute(
        "SELECT seq, json_extract_string(document, '$.data.ingest_id'), "
        "json_extract_string(document, '$.data.row_digests') FROM ledger_entries "
        "WHERE batch_id = ? AND event_type = 'ingest' ORDER BY seq",
        [RUNS_BATCH],
    ).fetchall():
        latest[ident] = (int(seq), digests)
    return {i: seq for i, (seq, d) in latest.items() if d == PENDING}


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


def _count(con: duckdb.DuckDBPyConnection, table: str, key: str, value: str) -> int:
    row = con.execute(f'SELECT count(*) FROM "{table}" WHERE "{key}" = ?', [value]).fetchone()
    return int(row[0]) if row else 0


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
                if "sha256" not in rec:  # recorded at ingest with its row count only (digests pending)
                    rows, digest = _count(con, table, key, str(ident)), ""
                else:
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
            if "sha256" not in rec:
                if rows != rec["rows"]:
                    add(table, where, None, "output_changed",
                        f"{table}: {rows:,} rows of {key} {ident}, ledger seq {seq} recorded {rec['rows']:,}")  # fmt: skip
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
