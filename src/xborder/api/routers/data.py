"""Data API: upload files (same ingest path as the CLI), ingest log, quarantined rows, table counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from xborder.api import services
from xborder.api.accounts import Principal
from xborder.api.models import (
    IngestList,
    Problem,
    QuarantineList,
    TableCount,
    UploadResult,
    error_responses,
)
from xborder.api.queries import runs as qr
from xborder.api.security import current_user, get_db, require_role

__all__ = ["router"]

router = APIRouter(prefix="/api/data", tags=["data"], responses=error_responses(401, 403, 422))


@router.post(
    "/uploads",
    summary="Upload a data file and ingest it (analyst, admin); returns the ingest summary",
    responses={
        200: {
            "model": UploadResult,
            "description": "The ingest summary of each file (or table) in the upload",
        },
        422: {
            "model": UploadResult,
            "description": "The file could not be ingested: `error` says why and `hint` what to do (an "
            "unknown kind or an empty file answers a Problem instead)",
        },
        **error_responses(400, 409),
        413: {"model": Problem, "description": "The file is larger than max_upload_mb"},
    },
)
async def upload(
    request: Request,
    p: Annotated[Principal, Depends(require_role("analyst"))],
    file: Annotated[UploadFile, File(description="CSV/Excel/JSON/Parquet export")],
    kind: Annotated[str | None, Form(description="orders, products, reviews, ... (default: detect)")] = None,
) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool

    content = await file.read()
    out = await run_in_threadpool(services.ingest_upload, request, p, file.filename, content, kind or None)
    return JSONResponse(out, status_code=422 if out.get("error") else 200)


@router.get(
    "/ingests",
    summary="Ingested files, newest first, with rows stored / duplicate / quarantined",
    response_model=IngestList,
)
def ingests(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    return qr.list_ingests(get_db(request), limit=limit, offset=offset)


@router.get(
    "/quarantine",
    summary="Rows that could not be stored, with the reason and what to do",
    response_model=QuarantineList,
    response_model_exclude_unset=True,  # `note` only when the table is not built yet, as before
)
def quarantine(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    ingest_id: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    return qr.list_quarantine(get_db(request), ingest_id=ingest_id, limit=limit, offset=offset)


@router.get(
    "/tables",
    summary="Every warehouse table with its row count and date range",
    response_model=list[TableCount],
)
def tables(request: Request, p: Annotated[Principal, Depends(current_user)]) -> list[dict[str, Any]]:
    from xborder.warehouse import table_counts

    db = get_db(request)

    def q() -> list[dict[str, Any]]:
        with db.read() as cur:
            return [t for t in table_counts(cur) if t["table"] not in _PRIVATE]

    return db.cached(("tables",), q)


_PRIVATE = {"users", "sessions", "login_attempts", "audit_log"}
