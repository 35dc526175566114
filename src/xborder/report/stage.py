"""The report as the run's last stage: render HTML, PDF and Excel in each of the run's languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from xborder.pipeline.registry import STAGES
from xborder.report.render import render_report
from xborder.schema.system import REPORT_FILES
from xborder.warehouse.stage import Params, Stage, StageContext

__all__ = ["STAGE", "RUN_STAGES", "ReportParams"]


class ReportParams(Params):
    """Parameters of the report."""

    top_n: int = Field(10, ge=1, le=200)
    """Opportunities with a page of their own."""


def _run(ctx: StageContext, p: ReportParams) -> dict[str, Any]:
    files = render_report(
        ctx.con,
        ctx.run_id,
        langs=ctx.run_params.get("langs") or ["en", "zh"],
        out=Path(ctx.run_params.get("out") or ctx.settings.report_dir),
        top_n=p.top_n,
        progress=ctx.progress,
        stages_override=ctx.record,
        target_margin=ctx.settings.target_margin,
    )
    return {"files": files}


STAGE = Stage(
    "report", _run, ReportParams, writes=(REPORT_FILES,), weight=0.20, quick={"top_n": 10}, web=("top_n",),
    title="Report", rerun_on_resume=True,
)  # fmt: skip

RUN_STAGES: tuple[Stage, ...] = (*STAGES, STAGE)
"""The main job as the interfaces run it: the registry's stages, then the report."""
