"""The demo run: the whole job on the bundled real data (data/demo) into a fresh warehouse, with demo limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xborder.core.errors import BadInputError
from xborder.core.settings import Settings

__all__ = ["run_demo", "demo_data_dir", "DEMO_PARAMS", "DEMO_NOTES", "DEMO_NOTES_ZH"]

# Limits that keep `make demo` under two minutes on two cores; the report lists them.
DEMO_PARAMS: dict[str, dict[str, Any]] = {
    "demand": {"max_series": 200},
    "landed_cost": {"max_products": 300},
    "backtest": {"cutoffs": 3, "k": 20},
    "report": {"top_n": 10},
}
DEMO_NOTES = [
    "Demo run on the bundled real data (data/demo) with limits so it finishes in under two minutes on two "
    "CPU cores: per level only the 200 busiest series are forecast, landed cost is computed for the 300 "
    "best-selling products, and the selection backtest uses the last 3 cutoffs (see the parameters below). "
    "Run `xborder run --data DIR` without limits for a full analysis.",
]
DEMO_NOTES_ZH = {
    DEMO_NOTES[
        0
    ]: "基于随附真实数据（data/demo）的演示运行，为在两个CPU核心上两分钟内完成而设了限制：每个层级只预测"
    "最繁忙的200个序列，只为销量最高的300个产品计算到岸成本，选品回测只用最近3个截止点（参数见下）。"
    "完整分析请不加限制运行 `xborder run --data DIR`。",
}
"""The report's Chinese text of each demo note (the run record keeps the English)."""


def demo_data_dir() -> Path:
    """The bundled demo data folder (repository checkout: ./data/demo)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "data" / "demo"
        if cand.is_dir():
            return cand
    raise BadInputError(
        "The bundled demo data folder data/demo was not found next to the package.",
        hint="Run the demo from a checkout of the repository (make demo), or use `xborder run --data DIR`.",
    )


def run_demo(
    settings: Settings,
    *,
    out: Path,
    langs: list[str] | None = None,
    on_progress: Any = None,
    fresh: bool = True,
) -> dict[str, Any]:
    """Ingest data/demo into ``<out>/demo.duckdb`` (rebuilt each time unless --db was given) and run everything."""
    from xborder.core.settings import get_settings
    from xborder.pipeline.runner import LANGS, run_pipeline

    data = demo_data_dir()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if settings.source_of("db_path") == "default":
        db = out / "demo.duckdb"
        if fresh:
            for p in (db, db.with_name(db.name + ".wal")):
                p.unlink(missing_ok=True)
        settings = get_settings(db_path=str(db))
    return run_pipeline(
        settings,
        data=data,
        langs=langs or list(LANGS),
        out=out,
        params=DEMO_PARAMS,
        notes=list(DEMO_NOTES),
        on_progress=on_progress,
    )
