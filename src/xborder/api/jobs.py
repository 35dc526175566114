"""Background jobs: pipeline runs started from the web, one at a time, with progress in the ``jobs`` table."""

from __future__ import annotations

import json
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from xborder.api.accounts import utcnow
from xborder.api.db import Database, Interrupted, ShuttingDown
from xborder.core.errors import XborderError
from xborder.core.settings import Settings

__all__ = ["JobRunner", "RunStopped"]


class RunStopped(Exception):
    """Raised from a run's progress when a shutdown stops it (an Exception: the runner records the stage failed)."""


class JobRunner:
    """Runs jobs on one worker thread (DuckDB has one writer); progress and outcome go to ``jobs``."""

    def __init__(self, db: Database, settings: Settings, report_dir: Path, stages: Any = None) -> None:
        self.db = db
        self.stages = stages  # None: every stage of the main job and the report; a subset for tests
        self.settings = settings
        self.report_dir = report_dir
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xborder-job")
        self._mark_interrupted()

    def _mark_interrupted(self) -> None:
        with self.db.write() as cur:
            cur.execute(
                "UPDATE jobs SET status = 'interrupted', finished_at = ?, message = 'the server stopped while it ran' "
                "WHERE status IN ('queued', 'running')",
                [utcnow()],
            )

    def submit_run(self, username: str, params: dict[str, Any]) -> str:
        """Queue a pipeline run; returns the job id."""
        job_id = secrets.token_hex(8)
        with self.db.write() as cur:
            cur.execute(
                "INSERT INTO jobs (job_id, kind, status, progress, message, params, created_by, created_at) "
                "VALUES (?, 'run', 'queued', 0, 'waiting for the worker', ?, ?, ?)",
                [job_id, json.dumps(params), username, utcnow()],
            )
        self._pool.submit(self._run, job_id, params)
        return job_id

    def _update(self, job_id: str, **values: Any) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        with self.db.write() as cur:
            cur.execute(f"UPDATE jobs SET {sets} WHERE job_id = ?", [*values.values(), job_id])

    def _run(self, job_id: str, params: dict[str, Any]) -> None:
        try:
            self._execute(job_id, params)
        except Exception as exc:
            self._update(
                job_id,
                status="failed",
                finished_at=utcnow(),
                message=f"Internal error: {type(exc).__name__}: {exc}"[:1000],
            )

    def _execute(self, job_id: str, params: dict[str, Any]) -> None:
        from xborder.pipeline.runner import run_pipeline
        from xborder.report.stage import RUN_STAGES

        stages = self.stages if self.stages is not None else RUN_STAGES
        weights = {s.name: s.weight for s in stages}
        self._update(job_id, status="running", started_at=utcnow(), message="starting")
        done: dict[str, float] = {}
        state: dict[str, Any] = {"last": 0.0, "run_id": None}
        lock = threading.Lock()

        def on_start(run_id: str) -> None:
            state["run_id"] = run_id
            self._update(job_id, run_id=run_id)

        def on_progress(stage: str, fraction: float, message: str) -> None:
            if (
                self.db.abort.is_set()
            ):  # a shutdown whose grace time is over: the stage fails, the run is resumable
                raise RunStopped("the server shut down during this stage; resume the run to finish it")
            with lock:
                done[stage] = fraction
                now = time.monotonic()
                if now - state["last"] < 0.5 and fraction not in (0.0, 1.0):
                    return
                state["last"] = now
                total = sum(weights.get(s, 0.05) * f for s, f in done.items()) / (
                    sum(weights.values()) or 1.0
                )
                self._update(job_id, progress=round(min(total, 0.99), 3), message=f"{stage}: {message}"[:500])

        cur = self.db.cursor()
        try:
            # waits for an upload being ingested (the run starts on whole data), then holds the warehouse
            with self.db.heavy(f"run {job_id}", cur, wait=True):
                result = run_pipeline(
                    self.settings,
                    markets=params.get("markets") or None,
                    langs=params.get("langs") or ["en", "zh"],
                    out=self.report_dir,
                    resume=params.get("resume"),
                    con=cur,
                    on_progress=on_progress,
                    on_start=on_start,
                    skip=params.get("skip") or None,
                    # the quick scope names every stage of the main job; a runner given fewer stages keeps theirs
                    params={k: v for k, v in (params.get("params") or {}).items() if k in weights} or None,
                    stages=stages,
                )
            summary = {
                "run_id": result.get("run_id"),
                "status": result.get("status"),
                "message": result.get("message"),
            }
            self._update(
                job_id,
                status="ok",
                progress=1.0,
                finished_at=utcnow(),
                run_id=result.get("run_id"),
                message=str(result.get("message") or "finished")[:500],
                result=json.dumps(summary, default=str),
            )
        except (Interrupted, ShuttingDown) as exc:
            self._update(
                job_id,
                status="interrupted",
                finished_at=utcnow(),
                message=f"the server stopped while it ran ({exc}); resume the run to finish it"[:1000],
                run_id=state["run_id"],
            )
        except XborderError as exc:
            self._update(
                job_id,
                status="interrupted" if self.db.abort.is_set() else "failed",
                finished_at=utcnow(),
                message=exc.message[:1000],
                run_id=state["run_id"],
            )
        except Exception as exc:
            self._update(
                job_id,
                status="interrupted" if self.db.abort.is_set() else "failed",
                finished_at=utcnow(),
                message=f"Internal error: {type(exc).__name__}: {exc}"[:1000],
                run_id=state["run_id"],
            )
        finally:
            cur.close()
            self.db.changed()

    def wait_idle(self, timeout: float = 600) -> None:
        """Block until queued jobs are done (tests and shutdown)."""
        self._pool.submit(lambda: None).result(timeout=timeout)

    def shutdown(self, wait: bool = False) -> None:
        """Stop accepting jobs and drop queued ones; ``wait`` for the running one to end (a server shutdown has
        already let it finish or interrupted it, see :meth:`Database.stop_work`)."""
        self._pool.shutdown(wait=wait, cancel_futures=True)
