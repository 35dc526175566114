"""Ledger and privacy API: append supply-chain batch events, a batch's consumer page, QR code and recall; the
suppression list of erased persons and lifting one (admin, audited)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from xborder.api.accounts import Principal
from xborder.api.db import Busy, ShuttingDown
from xborder.api.models import error_responses
from xborder.api.security import audit_request, current_user, get_db, require_role
from xborder.core.clock import utcnow

__all__ = ["router", "MAX_EVENTS"]

router = APIRouter(prefix="/api", tags=["ledger"], responses=error_responses(401, 403, 422))

MAX_EVENTS = 5000
"""Events one request may append (a bigger file: several requests, or ``xborder ledger batch add --file``)."""

BATCH = Path(min_length=1, max_length=200, description="The batch (lot) id.")
REQUEST_ID = Path(
    pattern=r"^[0-9a-f]{1,64}$", description="The erasure request (privacy_requests.request_id)."
)


class BatchEvents(BaseModel):
    """Supply-chain events to append, each as one line of ``ledger batch add --file``."""

    events: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_EVENTS,
        description='Each {"batch_id", "type", "at", "actor", "data", "documents": [{"name", "sha256"}], '
        '"parents"}; type is material | production | inspection | shipment | customs | warehouse | sale.',
    )


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LedgerEntryPlace(_Answer):
    seq: int = Field(description="Place in the whole ledger's chain.")
    batch_id: str
    index: int = Field(description="Leaf index in the batch's Merkle tree.")
    duplicate: bool = Field(description="Already in the ledger: nothing was written.")


class BatchHead(_Answer):
    tree_size: int
    root: str = Field(description="RFC 6962 root (hex) of the batch's tree at that size.")


class BatchEventsAdded(_Answer):
    """What an append did."""

    stored: int
    duplicates: int
    entries: list[LedgerEntryPlace]
    heads: dict[str, BatchHead] = Field(description="Each batch's new head.")


class BatchStep(_Answer):
    date: str | None
    step: str
    actor: str | None
    place: str | None
    facts: dict[str, Any]
    documents: list[dict[str, Any]] = Field(
        description="Each {name, sha256}: the document stays with its owner."
    )
    entry: int = Field(description="Ledger seq of the event.")


class BatchOrigin(_Answer):
    batch: str
    depth: int
    steps: list[BatchStep]
    verified: bool


class SignedBatchHead(_Answer):
    """The batch's latest tree head signed with the ledger's key (`xborder ledger sign`)."""

    key_id: str = Field(
        description="The signing key's id (first 16 hex digits of SHA-256 of its public key)."
    )
    tree_size: int
    root: str
    head_at: str = Field(description="When the head was made (UTC, ISO 8601).")


class BatchPage(_Answer):
    """A batch's consumer page (what a shop renders behind the QR code)."""

    batch: str
    product: str | None
    verified: bool = Field(description="The batch's and its origins' ledger entries verify.")
    problems: int
    tree_size: int
    root: str
    steps: list[BatchStep]
    origins: list[BatchOrigin]
    qr: str = Field(description="The QR payload (a link with the batch, tree size and root).")
    signed: SignedBatchHead | None = Field(
        default=None, description="The latest signed head of the batch; null until `xborder ledger sign`."
    )


class BatchRecall(_Answer):
    """Every batch made from the recalled one (distance 0 = itself), their sales and the markets reached."""

    batch_id: str
    batches: dict[str, int]
    sales: list[dict[str, Any]]
    markets: dict[str, dict[str, float]] = Field(description="Market → orders, lines, units.")
    orders: int
    lines_found: int = Field(description="order_lines rows the sales' order references matched.")
    seconds: float


class Suppression(_Answer):
    """One erasure request on the suppression list (pseudonyms counted, never shown)."""

    request_id: str
    added_at: dt.datetime
    active: int
    lifted: int
    lifted_at: dt.datetime | None
    lifted_by: str | None
    lift_reason: str | None


class SuppressionLifted(_Answer):
    request_id: str
    lifted: int = Field(description="Pseudonyms lifted (0: already lifted).")


class Lift(BaseModel):
    """Why a suppression is lifted."""

    reason: str = Field(
        min_length=1, max_length=1000, description="The person's consent, a ticket number ..."
    )


@router.post(
    "/ledger/batches",
    summary="Append supply-chain events to batches (analyst, admin); all or none",
    response_model=BatchEventsAdded,
    responses=error_responses(400, 409),
)
def add_events(
    body: BatchEvents, request: Request, p: Annotated[Principal, Depends(require_role("analyst"))]
) -> dict[str, Any]:
    from xborder.ledger.batches import add_batch_events, batch_event_from

    events = [batch_event_from(e, f"events[{i}]") for i, e in enumerate(body.events)]
    db = get_db(request)
    cur = db.cursor()
    try:
        with db.heavy(f"ledger events from {p.username}", cur):
            out = add_batch_events(cur, events, origin=f"api:{p.username}").as_dict()
    except Busy as exc:
        raise HTTPException(
            409,
            f"The server is busy with {exc}; try again when it has finished.",
            headers={"Retry-After": "30"},
        ) from None
    except ShuttingDown:
        raise HTTPException(503, "The server is shutting down; try again when it is back.") from None
    finally:
        cur.close()
    db.changed()
    audit_request(request, p, "ledger.batch.add", ",".join(sorted(out["heads"]))[:200], "ok",
                  {"stored": out["stored"], "duplicates": out["duplicates"]})  # fmt: skip
    return out


@router.get(
    "/ledger/batches/{batch_id:path}/qr.svg",
    summary="The QR code of a batch's consumer page, as SVG",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, **error_responses(404)},
)
def batch_qr(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    batch_id: Annotated[str, BATCH],
    base_url: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    from xborder.ledger.consumer import qr_svg

    page = _page(request, batch_id, base_url)
    return Response(qr_svg(page["qr"]), media_type="image/svg+xml")


@router.get(
    "/ledger/batches/{batch_id:path}",
    summary="A batch's consumer page: verified steps, the batches it was made from, the root and QR payload",
    response_model=BatchPage,
    responses=error_responses(404),
)
def batch_page(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    batch_id: Annotated[str, BATCH],
    base_url: Annotated[
        str | None, Query(max_length=500, description="Where the seller publishes batch pages (QR link).")
    ] = None,
) -> dict[str, Any]:
    return _page(request, batch_id, base_url)


def _page(request: Request, batch_id: str, base_url: str | None) -> dict[str, Any]:
    from xborder.ledger.consumer import consumer_page

    with get_db(request).read() as cur:
        return consumer_page(cur, batch_id, base_url=base_url)


@router.get(
    "/ledger/recall/{batch_id:path}",
    summary="Recall: every batch made from this one, their sales, the orders and markets that received them",
    response_model=BatchRecall,
    responses=error_responses(404),
)
def batch_recall(
    request: Request, p: Annotated[Principal, Depends(current_user)], batch_id: Annotated[str, BATCH]
) -> dict[str, Any]:
    from xborder.ledger.batches import recall

    with get_db(request).read() as cur:
        return recall(cur, batch_id).as_dict()


@router.get(
    "/privacy/suppressions",
    summary="Erasure requests whose persons a later ingest keeps out (admin)",
    response_model=list[Suppression],
)
def suppressions(
    request: Request,
    p: Annotated[Principal, Depends(require_role("admin"))],
    lifted: Annotated[bool, Query(description="Also those already lifted.")] = False,
) -> list[dict[str, Any]]:
    from xborder.privacy.suppressions import list_suppressions

    with get_db(request).read() as cur:
        return list_suppressions(cur, include_lifted=lifted)


@router.post(
    "/privacy/suppressions/{request_id}/lift",
    summary="Lift an erased person's suppression: rows ingested from now on are linked again (admin, audited)",
    response_model=SuppressionLifted,
    responses=error_responses(400, 404),
)
def lift(
    body: Lift,
    request: Request,
    p: Annotated[Principal, Depends(require_role("admin"))],
    request_id: Annotated[str, REQUEST_ID],
) -> dict[str, Any]:
    from xborder.core.errors import NotFoundError
    from xborder.privacy.suppressions import lift_suppression

    db = get_db(request)
    try:
        with db.write() as cur:
            n = lift_suppression(cur, request_id, reason=body.reason, lifted_by=p.username, now=utcnow())
    except NotFoundError:
        audit_request(request, p, "privacy.suppression.lift", request_id, "not_found", None)
        raise
    db.changed()
    audit_request(
        request, p, "privacy.suppression.lift", request_id, "ok", {"lifted": n, "reason": body.reason}
    )
    return {"request_id": request_id, "lifted": n}
