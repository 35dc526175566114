"""Runs API: list, detail, start (a background job), job progress, report download."""

from __future__ import annotations

import mimetypes
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from xborder.api import services
from xborder.api.accounts import Principal
from xborder.api.models import Job, JobStarted, Problem, RunDetail, RunList, error_responses
from xborder.api.queries import runs as qr
from xborder.api.routers.opportunities import RUN_ID
from xborder.api.security import current_user, get_db, require_role
from xborder.pipeline.registry import STAGES

__all__ = ["router", "report_path"]

router = APIRouter(prefix="/api", tags=["runs"], responses=error_responses(401, 403, 422))


def _default_langs() -> list[Literal["en", "zh"]]:
    return ["en", "zh"]


class RunBody(BaseModel):
    markets: list[str] | None = Field(
        None, max_length=60, description="ISO2 markets (default: all in the data)."
    )
    langs: list[Literal["en", "zh"]] = Field(default_factory=_default_langs, description="Report languages.")
    resume: str | None = Field(None, pattern=RUN_ID, description="Id of a failed run to finish.")
    params: dict[str, dict[str, Any]] | None = Field(
        None,
        description=(
            'Engine limits, e.g. {"demand": {"max_series": 200}, "landed_cost": {"max_products": 300}}; '
            "only the parameters each stage lets a web user set are accepted (Stage.web in the registry)."
        ),
    )
    quick: bool = Field(False, description="Use the demo's limits (params given here override them).")
    skip: list[Literal[tuple(s.name for s in STAGES)]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Stages to leave out (e.g. demand, to reuse nothing and go fast)."
    )


@router.get("/runs", summary="Runs, newest first", response_model=RunList)
def list_runs(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    return qr.list_runs(get_db(request), limit=limit, offset=offset)


@router.post(
    "/runs",
    status_code=202,
    summary="Start a pipeline run in the background (analyst, admin)",
    response_model=JobStarted,
)
def start_run(
    body: RunBody, request: Request, p: Annotated[Principal, Depends(require_role("analyst"))]
) -> dict[str, Any]:
    job_id = services.start_run(
        request,
        p,
        body.markets,
        list(body.langs),
        body.resume,
        list(body.skip),
        body.params,
        quick=body.quick,
    )
    return {"job_id": job_id, "poll": f"/api/jobs/{job_id}"}


@router.get(
    "/runs/{run_id}",
    summary="A run's record, output counts and report files",
    response_model=RunDetail,
    responses=error_responses(404),
)
def run_detail(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    run_id: Annotated[str, Path(pattern=RUN_ID)],
) -> dict[str, Any]:
    return qr.run_detail(get_db(request), run_id)


def report_path(request: Request, run_id: str, fmt: str, lang: str) -> FsPath:
    """The file of a run's report in ``fmt``/``lang`` as recorded by the report step; 404 when there is none."""
    db = get_db(request)
    if not db.has_table("report_files"):
        raise HTTPException(404, "No reports in this warehouse yet.")
    with db.read() as cur:
        row = cur.execute(
            "SELECT path, status, message FROM report_files WHERE run_id = ? AND format = ? AND lang = ? "
            "ORDER BY created_at DESC LIMIT 1",
            [run_id, fmt, lang],
        ).fetchone()
    if row is None:
        raise HTTPException(404, f"Run {run_id} has no {fmt} report in {lang}.")
    if row[1] != "ok" or not row[0]:
        raise HTTPException(
            404, f"The {fmt} report of run {run_id} was not produced: {row[2] or 'unknown reason'}."
        )
    path = FsPath(row[0])
    if not path.is_file():
        raise HTTPException(
            410, f"The {fmt} report file of run {run_id} is no longer on the server; re-run the report."
        )
    return path


@router.get(
    "/runs/{run_id}/report",
    summary="Download a run's report (html, pdf or xlsx; en or zh)",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The report file, as an attachment",
            "content": {
                "text/html": {},
                "application/pdf": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            },
        },
        **error_responses(404),
        410: {"model": Problem, "description": "The file is no longer on the server; re-run the report"},
    },
)
def download_report(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    run_id: Annotated[str, Path(pattern=RUN_ID)],
    format: Annotated[Literal["html", "pdf", "xlsx"], Query()] = "html",
    lang: Annotated[Literal["en", "zh"], Query()] = "en",
) -> FileResponse:
    path = report_path(request, run_id, format, lang)
    media = mimetypes.types_map.get("." + format, "application/octet-stream")
    if format == "xlsx":
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return FileResponse(
        path,
        media_type=media,
        filename=f"xborder-{run_id}-{lang}.{format}",
        content_disposition_type="attachment",
    )


@router.get(
    "/jobs",
    summary="Background jobs, newest first",
    response_model=list[Job],  # type: ignore[valid-type]
)
def list_jobs(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    return qr.list_jobs(get_db(request), limit=limit)


@router.get(
    "/jobs/{job_id}",
    summary="Progress of a background job (poll until status is ok or failed)",
    response_model=Job,
    responses=error_responses(404),
)
def job(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")],
) -> dict[str, Any]:
    return qr.get_job(get_db(request), job_id)
