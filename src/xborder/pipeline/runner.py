"""Run stages over the warehouse and record them: the whole job, or one stage on its own.

Every stage's status, timing and summary is written to the run's record (``runs.stages``, through
:mod:`xborder.warehouse.runs`, its only writer) as soon as it ends, so a failed run can be resumed with
``resume=<run_id>``: finished stages are kept, the failed one is cleaned (its rows for this run are
deleted) and rerun. Every run that ends (ok or failed) appends its entry to the traceability ledger
(:func:`xborder.ledger.runs.record_run`). Stand-alone commands (``xborder forecast``, ``xborder select``, ...) go through
:func:`run_stage`, the same path with a run of one stage. Parameters are validated against each stage's
declared Params before anything runs.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from xborder.core.clock import utcnow
from xborder.core.errors import BadInputError, XborderError
from xborder.core.settings import Settings
from xborder.ledger.runs import record_run
from xborder.warehouse.runs import (
    create_run,
    fingerprint_dir,
    fingerprint_warehouse,
    finish_run,
    load_run,
    new_run_id,
    save_stages,
)
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows

__all__ = ["run_pipeline", "run_stage", "StageFailedError", "ProgressFn", "LANGS", "SKIPPED"]

ProgressFn = Callable[[str, float, str], None]
"""on_progress(stage_name, fraction_0_to_1, message)."""

LANGS = ("en", "zh")
SKIPPED = "skipped on request (--skip)"


class StageFailedError(XborderError):
    """A stage raised; the run is recorded as failed and can be resumed."""

    exit_code = 1


def _check_langs(langs: Sequence[str]) -> list[str]:
    bad = [x for x in langs if x not in LANGS]
    if bad or not langs:
        raise BadInputError(
            f"Report language must be one of {', '.join(LANGS)}; got {', '.join(bad) or 'none'}."
        )
    return list(dict.fromkeys(langs))


def _check_skip(skip: Sequence[str] | None, stages: Sequence[Stage]) -> set[str]:
    names = {s.name for s in stages}
    bad = sorted(set(skip or []) - names)
    if bad:
        raise BadInputError(
            f"Cannot skip unknown stage(s) {', '.join(bad)}.",
            hint=f"Stages: {', '.join(s.name for s in stages)}.",
        )
    return set(skip or [])


def _start(
    con: Any,
    stages: Sequence[Stage],
    *,
    data: Path | None,
    markets: list[str] | None,
    langs: list[str],
    out: Path,
    params: dict[str, Any],
    notes: list[str],
    kind: str = "pipeline",
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    if data is not None:
        if not data.exists():
            raise BadInputError(
                f"Data folder {data} does not exist.", hint="Pass --data with a folder of exports."
            )
        fingerprint, inputs = fingerprint_dir(data)
    else:
        fingerprint, inputs = fingerprint_warehouse(con)
    run_params = {
        "data": None if data is None else str(data.resolve()),
        "markets": markets,
        "langs": langs,
        "out": str(out.resolve()),
        "stage_params": params,
        "notes": notes,
        "inputs": inputs,
    }
    run_id = new_run_id()
    record = {s.name: {"status": "pending"} for s in stages}
    create_run(con, run_id, params=run_params, fingerprint=fingerprint, stages=record, kind=kind)
    return run_id, run_params, record


def _resume(con: Any, run_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    rec = load_run(con, run_id)
    if rec["kind"] != "pipeline":
        raise BadInputError(
            f"Run {run_id} is a '{rec['kind']}' run, not a pipeline run; it cannot be resumed."
        )
    params = rec["params"]
    if params.get("data"):
        data = Path(params["data"])
        if not data.exists():
            raise BadInputError(f"Run {run_id} read {data}, which no longer exists; start a new run.")
        fp, _ = fingerprint_dir(data)
        if fp != rec["fingerprint"]:
            raise BadInputError(
                f"The files in {data} changed since run {run_id} started, so its finished stages no longer match them.",
                hint="Start a new run instead of resuming.",
            )
    return params, rec["stages"]


def _execute(
    con: Any,
    settings: Settings,
    stage: Stage,
    params: Params,
    *,
    run_id: str,
    run_params: dict[str, Any],
    record: dict[str, Any],
    progress: Callable[[float, str], None],
) -> None:
    """Run one stage, keeping ``record[stage.name]`` (and the stored record) current; raises StageFailedError."""
    previous = record.get(stage.name) or {}
    if previous.get("status") in {"failed", "running"}:
        delete_run_rows(con, stage.writes, run_id)
    started, t0 = utcnow(), time.perf_counter()
    given = (run_params.get("stage_params") or {}).get(stage.name, {})
    record[stage.name] = {
        "status": "running",
        "started_at": started.isoformat(),
        "params": given,
        "attempts": int(previous.get("attempts", 0)) + 1,
    }
    save_stages(con, run_id, record)
    progress(0.0, "starting")
    ctx = StageContext(
        con, settings, run_id, run_params.get("markets"), progress, run_params=run_params, record=record
    )
    try:
        summary = stage.run(ctx, params)
    except Exception as exc:
        msg = exc.message if isinstance(exc, XborderError) else f"{type(exc).__name__}: {exc}"
        record[stage.name].update(
            status="failed",
            finished_at=utcnow().isoformat(),
            seconds=round(time.perf_counter() - t0, 3),
            error=msg,
            traceback=traceback.format_exc(limit=8),
        )
        save_stages(con, run_id, record, status="failed")
        finish_run(con, run_id, status="failed", message=f"stage {stage.name} failed: {msg}")
        record_run(con, run_id)  # the ledger entry: inputs, params, code version, output digests
        hint = (
            f"Fix the cause, then resume without redoing finished stages: xborder run --resume {run_id}"
            if run_params.get("kind", "pipeline") == "pipeline"
            else "Fix the cause and run the command again."
        )
        if isinstance(exc, BadInputError) and run_params.get("kind") not in (None, "pipeline"):
            raise
        raise StageFailedError(f"Stage '{stage.name}' of run {run_id} failed: {msg}", hint=hint) from exc
    summary = dict(summary) if isinstance(summary, dict) else {"result": summary}
    status = "skipped" if summary.get("status") == "skipped" else "ok"
    record[stage.name].update(
        status=status,
        finished_at=utcnow().isoformat(),
        seconds=round(time.perf_counter() - t0, 3),
        summary=summary,
    )
    if status == "skipped":
        record[stage.name]["reason"] = str(summary.get("reason") or "skipped by the stage")
        if summary.get("reason_code"):
            record[stage.name]["reason_code"] = summary["reason_code"]
    progress(1.0, status)
    save_stages(con, run_id, record)


def run_pipeline(
    settings: Settings,
    *,
    data: Path | None = None,
    markets: list[str] | None = None,
    langs: Sequence[str] = LANGS,
    out: Path | None = None,
    resume: str | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    notes: list[str] | None = None,
    skip: Sequence[str] | None = None,
    on_progress: ProgressFn | None = None,
    on_start: Callable[[str], None] | None = None,
    stages: Sequence[Stage] | None = None,
    con: Any = None,
) -> dict[str, Any]:
    """Run (or resume) the main job; returns the run record (``run_id``, ``status``, ``stages``, ...).

    Args:
        settings: Settings (the warehouse is ``settings.db_path`` unless ``con`` is given).
        data: Folder (or file) of exports to ingest first; None uses the warehouse as it is.
        markets: ISO2 markets to restrict the engines to (None: all markets in the data).
        langs: Report languages (``en``, ``zh``).
        out: Report folder (default ``settings.report_dir``).
        resume: Id of an earlier run to finish: its finished stages are not rerun (a stage declared
            ``rerun_on_resume``, like the report, always is).
        params: Per-stage parameters, e.g. ``{"demand": {"max_series": 200}}``, validated against each
            stage's Params before anything runs.
        notes: Message codes or sentences shown in the report's method section (e.g. the demo's limits).
        skip: Stages not to run this time (recorded as skipped on request; allowed with ``resume``).
        on_progress: Called as stages progress (stage, fraction, message).
        on_start: Called with the run id as soon as the run is recorded.
        stages: The stages to run, in order (default: the registry's; interfaces append the report).
        con: An open warehouse connection to use (the caller keeps ownership).
    """
    # The registry imports every domain (scipy, networkx ...): only a whole run needs it, so a single stage's
    # command (run_stage) does not pay for it.
    from xborder.pipeline.registry import STAGES, parse_params
    from xborder.warehouse import connect

    stages = STAGES if stages is None else stages

    own = con is None
    if own:
        con = connect(settings.db_path)
    try:
        if resume:
            run_id = resume
            run_params, record = _resume(con, resume)
        else:
            given = {k: dict(v) for k, v in (params or {}).items()}
            parse_params(given, stages)  # a typo fails before anything runs
            run_id, run_params, record = _start(
                con,
                stages,
                data=data,
                markets=[m.upper() for m in markets] if markets else None,
                langs=_check_langs(langs),
                out=out or Path(settings.report_dir),
                params=given,
                notes=notes or [],
            )
        if on_start is not None:
            on_start(run_id)
        skipped_by_user = _check_skip(skip, stages)
        parsed = parse_params(run_params.get("stage_params") or {}, stages)

        def progress_for(name: str) -> Callable[[float, str], None]:
            def cb(fraction: float, message: str = "") -> None:
                if on_progress is not None:
                    on_progress(name, max(0.0, min(1.0, float(fraction))), message)

            return cb

        for stage in stages:
            rec = record.setdefault(stage.name, {"status": "pending"})
            done = rec.get("status") == "ok" or (
                rec.get("status") == "skipped" and rec.get("reason") != SKIPPED
            )
            if done and not stage.rerun_on_resume:
                progress_for(stage.name)(1.0, f"kept from the earlier attempt ({rec['status']})")
                continue
            if stage.name in skipped_by_user:
                record[stage.name] = {
                    "status": "skipped",
                    "reason": SKIPPED,
                    "reason_code": "pipeline.skipped_on_request",
                }
                progress_for(stage.name)(1.0, SKIPPED)
                save_stages(con, run_id, record)
                continue
            _execute(
                con,
                settings,
                stage,
                parsed[stage.name],
                run_id=run_id,
                run_params=run_params,
                record=record,
                progress=progress_for(stage.name),
            )
        skipped = [n for n, r in record.items() if r.get("status") == "skipped"]
        save_stages(con, run_id, record, status="ok")
        finish_run(
            con,
            run_id,
            status="ok",
            message="finished" + (f"; skipped: {', '.join(skipped)}" if skipped else ""),
        )
        record_run(con, run_id)
        return load_run(con, run_id)
    finally:
        if own:
            con.close()


def _quiet(fraction: float, message: str = "") -> None:
    """A progress callback that reports nothing."""


def run_stage(
    con: Any,
    settings: Settings,
    stage: Stage,
    params: Mapping[str, Any] | Params | None = None,
    *,
    markets: list[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    run_params: Mapping[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """Run one stage on its own as a recorded run of kind ``stage.name``; returns (run id, summary).

    A user error inside the stage (BadInputError) is re-raised as it is, after the run is recorded failed.
    """
    p = params if isinstance(params, Params) else stage.parse(params or {})
    given = p.model_dump(mode="json", exclude_defaults=True)
    fingerprint, inputs = fingerprint_warehouse(con)
    run_id = new_run_id()
    record: dict[str, Any] = {stage.name: {"status": "pending"}}
    rp = {
        **(run_params or {}),
        "kind": stage.name,
        "markets": [m.upper() for m in markets] if markets else None,
        "stage_params": {stage.name: given},
        "inputs": inputs,
    }
    create_run(con, run_id, params=rp, fingerprint=fingerprint, stages=record, kind=stage.name)
    _execute(
        con,
        settings,
        stage,
        p,
        run_id=run_id,
        run_params=rp,
        record=record,
        progress=progress or _quiet,
    )
    rec = record[stage.name]
    finish_run(con, run_id, status="ok", message=str(rec.get("reason") or rec["status"]))
    record_run(con, run_id)
    return run_id, rec.get("summary") or {}
