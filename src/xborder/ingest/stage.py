"""Pipeline stage 1: ingest a folder (or file) of exports into the warehouse (default: the bundled demo data)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from xborder.core.settings import Settings
from xborder.warehouse.stage import Params, Stage, StageContext

__all__ = ["run_ingest"]


def run_ingest(
    con: Any,
    settings: Settings,
    *,
    run_id: str,
    markets: list[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    data_dir: str | Path | None = None,
    path: str | Path | None = None,
    kind: str | None = None,
    reject_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Ingest ``data_dir`` (or ``path``; default data/demo) — each file recognised by its layout.

    Files already ingested (same SHA-256) are skipped, so re-running a pipeline adds nothing.
    ``markets`` does not filter ingest (every row is kept); it is recorded in the summary.
    Returns a JSON-able summary: per-file counts and totals.
    """
    from xborder.ingest import ingest_path

    target = data_dir or path
    if target is None:
        from xborder.ingest.demo import demo_data_dir

        target = demo_data_dir()
    results = ingest_path(
        con, Path(target), kind, settings=settings, reject_dir=reject_dir, progress=progress
    )
    files = [r.to_dict() for r in results]
    totals = {
        k: sum(r[k] for r in files) for k in ("rows_in", "rows_stored", "rows_duplicate", "rows_quarantined")
    }
    return {
        "run_id": run_id,
        "path": str(target),
        "files": files,
        **totals,
        "markets": markets,
        "rejected_csv": [r["rejected_csv"] for r in files if r["rejected_csv"]],
    }


class IngestParams(Params):
    """Parameters of the ingest stage (see :func:`run_ingest`); the runner sets ``path`` from ``--data``."""

    path: str | None = None
    kind: str | None = None
    reject_dir: str | None = None


def _run(ctx: StageContext, p: IngestParams) -> dict[str, Any]:
    """In a run: ingest ``path`` (default: the run's ``--data``); without either, use the warehouse as it is."""
    path = p.path or ctx.run_params.get("data")
    if path is None:
        return {
            "status": "skipped",
            "reason": "no --data: using the warehouse as it is",
            "reason_code": "pipeline.no_data",
        }
    reject_dir = p.reject_dir or (
        str(Path(ctx.run_params["out"]) / "rejected") if ctx.run_params.get("out") else None
    )
    return run_ingest(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets, progress=ctx.progress,
                      path=path, kind=p.kind, reject_dir=reject_dir)  # fmt: skip


STAGE = Stage("ingest", _run, IngestParams, writes=(), weight=0.10, title="Ingest")
