"""Pipeline stage 1: ingest a folder (or file) of exports into the warehouse (default: the bundled demo data)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from xborder.core.settings import Settings

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
        from xborder.pipeline.demo import demo_data_dir

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
