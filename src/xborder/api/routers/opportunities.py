"""Opportunities API: the ranked list with filters, facets, market comparison and the product × market detail."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from xborder.api.accounts import Principal
from xborder.api.models import Comparison, Dossier, Facets, OpportunityList, error_responses
from xborder.api.queries import detail as qd
from xborder.api.queries import opportunities as qo
from xborder.api.security import current_user, get_db

__all__ = ["router", "RUN_ID", "MARKET"]

router = APIRouter(prefix="/api", tags=["opportunities"], responses=error_responses(400, 401, 403, 422))

RUN_ID = r"^[A-Za-z0-9_.:-]{1,80}$"
MARKET = r"^[A-Z]{2}$"


async def _json(db: Any, key: tuple, compute: Any) -> Response:
    """A JSON answer serialised once and served from the cache until the data changes.

    A cache hit is answered on the event loop; a miss runs the DuckDB queries in the thread pool.
    """
    body = db.peek(("json", *key))
    if body is None:
        body = await run_in_threadpool(db.cached_json, key, compute)
    return Response(body, media_type="application/json")


RunQ = Annotated[
    str | None, Query(pattern=RUN_ID, description="Run id (default: the latest run with opportunities).")
]


# These answers are JSON serialised once (precompute, query cache): `responses` documents them, nothing
# validates them per request (a response_model would, on the hot path).


def _doc(model: type, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"model": model, "description": description}}


@router.get(
    "/opportunities",
    summary="Ranked product × market opportunities of a run, filtered and paginated",
    responses=_doc(OpportunityList, "One page of the run's opportunities"),
)
async def list_opportunities(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    run_id: RunQ = None,
    market: Annotated[
        str | None, Query(pattern=MARKET, description="ISO 3166-1 alpha-2 market, e.g. DE.")
    ] = None,
    category: Annotated[
        str | None, Query(pattern=r"^[a-z0-9_]{1,64}$", description="Taxonomy category id.")
    ] = None,
    product: Annotated[
        str | None, Query(max_length=100, description="Text in the product id or title.")
    ] = None,
    min_score: Annotated[
        float | None, Query(ge=-1e9, le=1e9, description="Keep rows with score >= this.")
    ] = None,
    sort: Annotated[Literal["rank", "score", "market", "product_id", "title", "category"], Query()] = "rank",
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    db = get_db(request)
    args = (run_id, market, category, product, min_score, sort, order, page, page_size)
    pre = request.app.state.precompute
    ready = pre.list_body(*args) if pre is not None else None
    if ready is not None:
        return Response(ready, media_type="application/json")
    return await _json(
        db,
        ("opps", *args),
        lambda: qo.list_opportunities(
            db,
            run_id=run_id,
            market=market,
            category=category,
            product=product,
            min_score=min_score,
            sort=sort,
            order=order,
            page=page,
            page_size=page_size,
        ),
    )


@router.get(
    "/opportunities/facets",
    summary="Runs, markets and categories to filter by",
    responses=_doc(Facets, "What the run's opportunities can be filtered by"),
)
async def facets(
    request: Request, p: Annotated[Principal, Depends(current_user)], run_id: RunQ = None
) -> Response:
    db = get_db(request)
    return await _json(db, ("facets", run_id), lambda: qo.facets(db, run_id))


@router.get(
    "/opportunities/compare",
    summary="Compare markets: count, mean and best score, best product per market",
    responses=_doc(Comparison, "The run's markets, the one holding the best rank first"),
)
async def compare(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    run_id: RunQ = None,
    category: Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,64}$")] = None,
) -> Response:
    db = get_db(request)
    return await _json(db, ("compare", run_id, category), lambda: qo.compare_markets(db, run_id, category))


@router.get(
    "/opportunities/{market}/{product_id:path}",
    summary="One product in one market: factors, explanation, demand and forecast, trends, landed cost, "
    "compliance, pain points",
    responses={
        **_doc(Dossier, "The dossier of the product in the market (xborder.pipeline.dossier)"),
        **error_responses(404),
    },
)
async def detail(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    market: Annotated[str, Path(pattern=MARKET)],
    product_id: Annotated[str, Path(min_length=1, max_length=200)],
    run_id: RunQ = None,
) -> Response:
    db = get_db(request)
    pre = request.app.state.precompute
    ready = pre.detail_body(product_id, market, run_id) if pre is not None else None
    if ready is not None:
        return Response(ready, media_type="application/json")
    return await _json(
        db,
        ("detail", product_id, market, run_id),
        lambda: qd.product_market_detail(db, product_id, market, run_id),
    )
