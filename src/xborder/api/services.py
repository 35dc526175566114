"""The writes of the web app (upload + ingest, start a run), shared by the API and the dashboard forms."""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request

from xborder.api.accounts import Principal, utcnow
from xborder.api.db import Busy, Interrupted, ShuttingDown
from xborder.api.queries.runs import base_name
from xborder.api.security import audit_request, get_db
from xborder.core.errors import BadInputError, XborderError
from xborder.core.inputs import regular_input

__all__ = [
    "safe_file_name",
    "ingest_upload",
    "ingest_local",
    "start_run",
    "ALLOWED_SUFFIXES",
    "UPLOAD_KINDS",
]

log = logging.getLogger("xborder.api")

ALLOWED_SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".csv.gz",
    ".tsv.gz",
    ".xlsx",
    ".xls",
    ".json",
    ".jsonl",
    ".parquet",
    ".zip",
)
UPLOAD_KINDS = (
    "orders",
    "products",
    "reviews",
    "sales",
    "trends",
    "ranks",
    "listings",
    "suppliers",
    "offers",
)
_BAD_NAME = re.compile(r"[/\\\x00-\x1f]|(^|\.)\.(\.|$)")
_MARKET = re.compile(r"^[A-Z]{2}$")


def safe_file_name(name: str | None) -> str:
    """A harmless file name for storage; 400 for names that try to leave the upload folder or are not data files."""
    raw = (name or "").strip()
    if not raw or _BAD_NAME.search(raw) or ".." in raw or raw.startswith("."):
        raise HTTPException(
            400, "File name not allowed: give a plain file name (no folders, no '..', no hidden files)."
        )
    if not raw.lower().endswith(ALLOWED_SUFFIXES):
        raise HTTPException(400, f"Unsupported file type; upload one of: {', '.join(ALLOWED_SUFFIXES)}.")
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", raw)[-120:].lstrip("._-")
    return clean or "upload.csv"


def ingest_upload(
    request: Request, p: Principal, file_name: str | None, content: bytes, kind: str | None
) -> dict[str, Any]:
    """Store an uploaded file under the data folder and ingest it through ``xborder.ingest.ingest_path``.

    Returns ``{"file": ..., "results": [ingest summaries]}``; a file the ingest cannot read gives
    ``{"error": ..., "hint": ...}`` (status 422 from the caller), never a server error.
    """
    name = safe_file_name(file_name)
    if kind is not None and kind not in UPLOAD_KINDS:
        raise HTTPException(
            422, f"Unknown kind {kind!r}; use one of {', '.join(UPLOAD_KINDS)} or leave it empty."
        )
    if not content:
        raise HTTPException(422, "The file is empty.")
    folder: Path = request.app.state.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}-{name}"
    assert stored.resolve().parent == folder.resolve()
    stored.write_bytes(content)
    out, outcome = _ingest(
        request,
        p,
        stored,
        kind,
        label=name,
        what=f"the upload of {name} by {p.username}",
        reject_dir=request.app.state.data_dir / "rejected",
        summary=_summary,
        on_refused=lambda: stored.unlink(missing_ok=True),
    )
    audit_request(
        request,
        p,
        "data.upload",
        name,
        outcome,
        {"kind": kind, "bytes": len(content), "results": out["results"], "error": out.get("error")},
    )
    return out


def ingest_local(
    request: Request,
    p: Principal,
    path: str,
    kind: str | None,
    mapping: str | None,
    reject_dir: str | None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Ingest a file or folder on the server's machine for the command line (local token only); results are the
    full ingest summaries (paths included: the caller is on this machine)."""
    target = Path(path)
    if not target.is_absolute():
        raise HTTPException(422, "Give an absolute path.")
    try:
        regular_input(target)
    except BadInputError as exc:
        raise HTTPException(422, f"{exc.message} {exc.hint or ''}".strip()) from None
    out, outcome = _ingest(
        request,
        p,
        target,
        kind,
        label=target.name,
        what=f"the ingest of {target.name} from the command line ({p.username})",
        reject_dir=Path(reject_dir) if reject_dir else None,
        mapping=Path(mapping) if mapping else None,
        summary=lambda r: r.to_dict(),
        options=options,
    )
    opts = {k: str(v) for k, v in (options or {}).items() if v not in (None, False)}
    audit_request(
        request, p, "data.ingest", str(target), outcome, {"kind": kind, "error": out.get("error"), **opts}
    )
    return out


def _ingest(
    request: Request,
    p: Principal,
    source: Path,
    kind: str | None,
    *,
    label: str,
    what: str,
    reject_dir: Path | None,
    summary: Any,
    mapping: Path | None = None,
    on_refused: Any = None,
    options: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], str]:
    """Run ``ingest_path`` as the server's heavy work: 409 while other work runs, 503 while stopping; a shutdown
    during it rolls it back (one transaction) and answers 503."""
    db = get_db(request)
    settings = request.app.state.settings
    cur = db.cursor()
    try:
        with db.heavy(what, cur):
            out, outcome = _run_ingest(
                db, cur, source, kind, label, settings, reject_dir, mapping, summary, options or {}
            )
    except Busy as exc:
        if on_refused:
            on_refused()
        raise HTTPException(
            409,
            f"The server is busy with {exc}; try again when it has finished.",
            headers={"Retry-After": "30"},
        ) from None
    except ShuttingDown:
        if on_refused:
            on_refused()
        raise HTTPException(503, "The server is shutting down; try again when it is back.") from None
    except Interrupted:
        raise HTTPException(
            503,
            f"The server shut down during the ingest of {label}: it was rolled back, nothing of it is stored. "
            "Send it again when the server is back.",
        ) from None
    finally:
        cur.close()
        db.changed()
    return out, outcome


def _run_ingest(
    db: Any,
    cur: Any,
    source: Path,
    kind: str | None,
    label: str,
    settings: Any,
    reject_dir: Path | None,
    mapping: Path | None,
    summary: Any,
    options: dict[str, Any],
) -> tuple[dict[str, Any], str]:
    from xborder.ingest import ingest_path

    try:
        results = ingest_path(
            cur,
            source,
            kind,
            settings=settings,
            mapping=mapping,
            reject_dir=reject_dir,
            # raises Interrupted inside the transaction only (1.0 is reported after the commit)
            progress=lambda fraction, message: db.check_abort() if fraction < 1.0 else None,
            force=bool(options.get("force")),
            sheet=options.get("sheet"),
            as_of=options.get("as_of"),
        )
        out: dict[str, Any] = {"file": label, "results": [summary(r) for r in results]}
        outcome = "ok" if all(r.status != "failed" for r in results) else "failed"
    except XborderError as exc:
        if (
            db.abort.is_set()
        ):  # DuckDB's interrupt of the running statement, reported as bad input: rolled back
            raise Interrupted(exc.message) from exc
        out = {
            "file": label,
            "results": [],
            "error": _scrub(exc.message),
            "hint": _scrub(exc.hint or "") or None,
        }
        outcome = "failed"
    except Exception as exc:
        if db.abort.is_set():  # DuckDB's interrupt of the running statement: rolled back
            raise Interrupted(str(exc)) from exc
        log.exception("ingest of %s failed", label)
        out = {
            "file": label,
            "results": [],
            "error": f"The file could not be read: {type(exc).__name__}: {exc}",
            "hint": "Check it is a CSV/Excel/JSON export in one of the supported layouts (docs/web.md).",
        }
        outcome = "failed"
    return out, outcome


_PATH = re.compile(r"(?:/[^\s\"'/]+)+/([^\s\"'/]+)")


def _scrub(text: str) -> str:
    """Server paths in messages reduced to the file's own name (clients never see server folders)."""
    return _PATH.sub(lambda m: base_name(m.group(1)), text)


def _summary(r: Any) -> dict[str, Any]:
    d = r.to_dict() if hasattr(r, "to_dict") else dict(r.__dict__)
    d["file_name"] = base_name(str(d.get("file_name", "")))
    d.pop("rejected_csv", None)  # server path: not shown to clients
    d["message"] = _scrub(str(d.get("message") or ""))
    return d


def start_run(
    request: Request,
    p: Principal,
    markets: list[str] | None,
    langs: list[str] | None,
    resume: str | None = None,
    skip: list[str] | None = None,
    stage_params: dict[str, Any] | None = None,
    *,
    quick: bool = False,
) -> str:
    """Validate and queue a pipeline run; returns the job id (audited).

    ``stage_params`` may only hold the parameters each stage lets a web user set (``Stage.web``);
    ``quick`` starts from the stages' quick limits (the demo's).
    """
    from xborder.pipeline.registry import parse_params, quick_params
    from xborder.report.stage import RUN_STAGES

    ms = [m.strip().upper() for m in (markets or []) if m and m.strip()]
    bad = [m for m in ms if not _MARKET.match(m)]
    if bad:
        audit_request(request, p, "run.start", None, "failed", {"bad_markets": bad[:5]})
        raise HTTPException(422, "Markets must be ISO 3166-1 alpha-2 codes such as DE, GB, US.")
    ls = langs or ["en", "zh"]
    if any(x not in ("en", "zh") for x in ls):
        raise HTTPException(422, "Report languages must be en and/or zh.")
    if resume is not None and not re.match(r"^[A-Za-z0-9_.:-]{1,80}$", resume):
        raise HTTPException(422, "Not a run id.")
    try:
        parse_params(stage_params, RUN_STAGES, strict=True, origin="params", web=True)
        given = {k: dict(v) for k, v in (stage_params or {}).items() if v}
    except BadInputError as exc:
        audit_request(request, p, "run.start", None, "failed", {"bad_params": exc.message[:200]})
        raise HTTPException(422, f"{exc.message} {exc.hint or ''}".strip()) from None
    if resume is not None and (given or quick):
        raise HTTPException(422, "A resumed run keeps its own parameters; leave out params and quick.")
    db = get_db(request)
    if db.stopping.is_set():
        raise HTTPException(503, "The server is shutting down; start the run when it is back.")
    busy = db.busy_with()
    if busy is not None and not busy.startswith("run "):  # runs queue one after another; data must be whole
        audit_request(request, p, "run.start", None, "failed", {"busy": busy})
        raise HTTPException(
            409,
            f"Not started: the server is busy with {busy}; a run must not start on half-loaded data. "
            "Start it again when that has finished.",
            headers={"Retry-After": "30"},
        )
    limits = quick_params(RUN_STAGES) if quick else {}
    for stage, values in given.items():
        limits.setdefault(stage, {}).update(values)
    params = {"markets": ms or None, "langs": ls, "resume": resume, "skip": skip or [], "params": limits}
    job_id = request.app.state.jobs.submit_run(p.username, params)
    audit_request(request, p, "run.start", job_id, "ok", params)
    return job_id
