"""The demo run: the whole job on the bundled real data (data/demo) into a fresh warehouse, with the
stages' quick limits (so it finishes in about a minute on two cores); the report lists them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xborder.core.settings import Settings, get_settings
from xborder.ingest.demo import demo_data_dir
from xborder.pipeline.registry import STAGES, quick_params
from xborder.pipeline.runner import LANGS, ProgressFn, run_pipeline
from xborder.warehouse.stage import Stage

__all__ = ["run_demo", "demo_params", "demo_note"]


def demo_params(stages: Sequence[Stage] = STAGES) -> dict[str, dict[str, Any]]:
    """The limits of the demo: every stage's ``quick`` values."""
    return quick_params(stages)


def demo_note(params: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The report's note on the demo's limits, as a message code with its numbers."""
    return {
        "code": "pipeline.demo_limits",
        "args": {
            "max_series": params["demand"]["max_series"],
            "max_products": params["landed_cost"]["max_products"],
            "cutoffs": params["backtest"]["cutoffs"],
        },
    }


def run_demo(
    settings: Settings,
    *,
    out: Path,
    stages: Sequence[Stage],
    langs: list[str] | None = None,
    on_progress: ProgressFn | None = None,
    fresh: bool = True,
) -> dict[str, Any]:
    """Ingest data/demo into ``<out>/demo.duckdb`` (rebuilt each time unless --db was given) and run ``stages``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if settings.source_of("db_path") == "default":
        db = out / "demo.duckdb"
        if fresh:
            for p in (db, db.with_name(db.name + ".wal")):
                p.unlink(missing_ok=True)
        settings = get_settings(db_path=str(db))
    params = demo_params(stages)
    return run_pipeline(
        settings,
        data=demo_data_dir(),
        langs=langs or list(LANGS),
        out=out,
        params=params,
        notes=[demo_note(params)],  # type: ignore[list-item]
        on_progress=on_progress,
        stages=stages,
    )
