"""Routes for the command line on the server's machine (local token only): a read snapshot, an ingest by path."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from xborder.api import services
from xborder.api.accounts import Principal
from xborder.api.security import current_user, get_db

__all__ = ["router"]

router = APIRouter(prefix="/api/local", tags=["local"], include_in_schema=False)


class IngestBody(BaseModel):
    path: str = Field(
        max_length=4096, description="Absolute path of a file or folder on the server's machine."
    )
    kind: str | None = Field(None, max_length=40)
    mapping: str | None = Field(None, max_length=4096)
    reject_dir: str | None = Field(None, max_length=4096)
    force: bool = False
    sheet: str | None = Field(None, max_length=200)
    as_of: date | None = None


@router.post("/snapshot", summary="A read-only copy of the warehouse for a command (xborder status ...)")
def snapshot(request: Request, p: Annotated[Principal, Depends(current_user)]) -> dict[str, Any]:
    db = get_db(request)
    if db.stopping.is_set():
        raise HTTPException(503, "The server is shutting down; run the command again when it has stopped.")
    path = db.snapshot(request.app.state.data_dir / "snapshots")
    return {"path": str(path), "generation": db.generation}


@router.post(
    "/ingest", summary="Ingest a file or folder on this machine (xborder ingest while the server runs)"
)
def ingest(
    body: IngestBody, request: Request, p: Annotated[Principal, Depends(current_user)]
) -> dict[str, Any]:
    out = services.ingest_local(
        request,
        p,
        body.path,
        body.kind,
        body.mapping,
        body.reject_dir,
        options={"force": body.force, "sheet": body.sheet, "as_of": body.as_of},
    )
    if out.get("error"):
        raise HTTPException(422, f"{out['error']} {out.get('hint') or ''}".strip())
    return out
