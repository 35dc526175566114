"""Run the whole job: ingest → demand → reviews → landed cost → compliance → selection → report.

Every stage's status, timing and summary is written to the run's record (``runs.stages``)
as soon as it ends, so a failed run can be resumed with ``resume=<run_id>``: finished
stages are kept, the failed one is cleaned (its rows for this run are deleted) and rerun.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xborder.core.errors import BadInputError, XborderError
from xborder.core.settings import Settings
from xborder.pipeline.stages import NOT_AVAILABLE, STAGES, Stage, call_stage, resolve
from xborder.warehouse.runs import (
    create_run,
    fingerprint_dir,
    fingerprint_warehouse,
    finish_run,
    load_run,
    new_run_id,
    save_stages,
    utcnow,
)

__all__ = ["run_pipeline", "StageFailedError", "ProgressFn", "LANGS"]

ProgressFn = Callable[[str, float, str], None]
"""on_progress(stage_name, fraction_0_to_1, message)."""

LANGS = ("en", "zh")
NO_DATA = "no --data: using the warehouse as it is"
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


def _clean_stage_rows(con: Any, stage: Stage, run_id: str) -> None:
    """Delete what a failed attempt of ``stage`` may have left for this run."""
    for table in stage.writes:
        has = con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = 'run_id'", [table]
        ).fetchone()
        if has and has[0]:
            con.execute(f'DELETE FROM "{table}" WHERE run_id = ?', [run_id])


def _start(
    con: Any,
    *,
    data: Path | None,
    markets: list[str] | None,
    langs: list[str],
    out: Path,
    params: dict[str, Any],
    notes: list[str],
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
    stages = {s: {"status": "pending"} for s in [*(x.name for x in STAGES), "report"]}
    create_run(con, run_id, params=run_params, fingerprint=fingerprint, stages=stages)
    return run_id, run_params, stages


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
                f"The files in {data} changed since run {run_id} started, so its finished stages no longer "
                "match them.",
                hint="Start a new run instead of resuming.",
            )
    return params, rec["stages"]


def run_pipeline(
    settings: Settings,
    *,
    data: Path | None = None,
    markets: list[str] | None = None,
    langs: Sequence[str] = LANGS,
    out: Path | None = None,
    resume: str | None = None,
    params: dict[str, dict[str, Any]] | None = None,
    notes: list[str] | None = None,
    skip: Sequence[str] | None = None,
    on_progress: ProgressFn | None = None,
    stages: Sequence[Stage] = STAGES,
    con: Any = None,
) -> dict[str, Any]:
    """Run (or resume) the main job and render its report; returns the run record with the report files.

    Args:
        settings: Settings (the warehouse is ``settings.db_path`` unless ``con`` is given).
        data: Folder (or file) of exports to ingest first; None uses the warehouse as it is.
        markets: ISO2 markets to restrict the engines to (None: all markets in the data).
        langs: Report languages (``en``, ``zh``).
        out: Report folder (default ``settings.report_dir``).
        resume: Id of an earlier run to finish: its finished stages are not rerun.
        params: Per-stage keyword parameters, e.g. ``{"demand": {"max_series": 200}}``; the
            ``report`` key takes ``top_n``.
        notes: Sentences shown in the report's method section (e.g. demo limits).
        skip: Stages not to run this time (recorded as skipped on request; allowed with ``resume``).
        on_progress: Called as stages progress (stage, fraction, message).
        stages: The stages to run (default: the six domain stages).
        con: An open warehouse connection to use (the caller keeps ownership).
    """
    from xborder.warehouse import connect

    own = con is None
    if own:
        con = connect(settings.db_path)
    try:
        if resume:
            run_id = resume
            run_params, record = _resume(con, resume)
        else:
            run_id, run_params, record = _start(
                con,
                data=data,
                markets=[m.upper() for m in markets] if markets else None,
                langs=_check_langs(langs),
                out=out or Path(settings.report_dir),
                params=params or {},
                notes=notes or [],
            )
        skipped_by_user = _check_skip(skip, stages)
        stage_params: dict[str, dict[str, Any]] = run_params.get("stage_params") or {}
        run_markets = run_params.get("markets")

        def progress_for(name: str) -> Callable[[float, str], None]:
            def cb(fraction: float, message: str = "") -> None:
                if on_progress is not None:
                    on_progress(name, max(0.0, min(1.0, float(fraction))), message)

            return cb

        for stage in stages:
            rec = record.setdefault(stage.name, {"status": "pending"})
            if rec.get("status") == "ok" or (
                rec.get("status") == "skipped" and rec.get("reason") not in {NOT_AVAILABLE, SKIPPED}
            ):
                progress_for(stage.name)(1.0, f"kept from the earlier attempt ({rec['status']})")
                continue
            if stage.name in skipped_by_user:
                record[stage.name] = {"status": "skipped", "reason": SKIPPED}
                progress_for(stage.name)(1.0, SKIPPED)
                save_stages(con, run_id, record)
                continue
            fn = resolve(stage)
            sp = dict(stage_params.get(stage.name, {}))
            if stage.name == "ingest":
                if not run_params.get("data"):
                    record[stage.name] = {"status": "skipped", "reason": NO_DATA}
                    progress_for(stage.name)(1.0, "using the warehouse as it is")
                    save_stages(con, run_id, record)
                    continue
                sp.setdefault("path", run_params["data"])
                sp.setdefault("reject_dir", str(Path(run_params["out"]) / "rejected"))
            if fn is None:
                record[stage.name] = {"status": "skipped", "reason": NOT_AVAILABLE}
                progress_for(stage.name)(1.0, NOT_AVAILABLE)
                save_stages(con, run_id, record)
                continue
            if rec.get("status") in {"failed", "running"}:
                _clean_stage_rows(con, stage, run_id)
            started, t0 = utcnow(), time.perf_counter()
            record[stage.name] = {
                "status": "running",
                "started_at": started.isoformat(),
                "params": sp,
                "attempts": int(rec.get("attempts", 0)) + 1,
            }
            save_stages(con, run_id, record)
            progress_for(stage.name)(0.0, "starting")
            try:
                summary = call_stage(
                    fn,
                    con,
                    settings,
                    run_id=run_id,
                    markets=run_markets,
                    progress=progress_for(stage.name),
                    params=sp,
                )
            except Exception as exc:  # noqa: BLE001 — recorded, then re-raised as a resumable failure
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
                raise StageFailedError(
                    f"Stage '{stage.name}' of run {run_id} failed: {msg}",
                    hint=f"Fix the cause, then resume without redoing finished stages: xborder run --resume {run_id}",
                ) from exc
            status = "skipped" if summary.get("status") == "skipped" else "ok"
            record[stage.name].update(
                status=status,
                finished_at=utcnow().isoformat(),
                seconds=round(time.perf_counter() - t0, 3),
                summary=summary,
            )
            if status == "skipped":
                record[stage.name]["reason"] = str(summary.get("reason") or "skipped by the stage")
            progress_for(stage.name)(1.0, status)
            save_stages(con, run_id, record)

        # The report: always re-rendered on resume (cheap, and it must reflect every stage).
        from xborder.report import render_report

        t0 = time.perf_counter()
        record["report"] = {"status": "running", "started_at": utcnow().isoformat()}
        save_stages(con, run_id, record)
        rp = stage_params.get("report", {})
        try:
            files = render_report(
                con,
                run_id,
                langs=run_params.get("langs") or list(LANGS),
                out=Path(run_params["out"]),
                top_n=int(rp.get("top_n", 10)),
                progress=progress_for("report"),
                stages_override=record,
            )
        except Exception as exc:  # noqa: BLE001 — recorded, then re-raised as a resumable failure
            msg = exc.message if isinstance(exc, XborderError) else f"{type(exc).__name__}: {exc}"
            record["report"].update(status="failed", error=msg, traceback=traceback.format_exc(limit=8))
            save_stages(con, run_id, record, status="failed")
            finish_run(con, run_id, status="failed", message=f"stage report failed: {msg}")
            raise StageFailedError(
                f"Stage 'report' of run {run_id} failed: {msg}",
                hint=f"Fix the cause, then: xborder run --resume {run_id} (or xborder report --run {run_id})",
            ) from exc
        record["report"].update(
            status="ok",
            finished_at=utcnow().isoformat(),
            seconds=round(time.perf_counter() - t0, 3),
            summary={"files": files},
        )
        save_stages(con, run_id, record, status="ok")
        skipped = [n for n, r in record.items() if r.get("status") == "skipped"]
        finish_run(
            con,
            run_id,
            status="ok",
            message="finished" + (f"; skipped: {', '.join(skipped)}" if skipped else ""),
        )
        result = load_run(con, run_id)
        result["files"] = files
        return result
    finally:
        if own:
            con.close()
