"""One product in one market: its opportunity dossier (:mod:`xborder.pipeline.dossier`) as JSON.

The dashboard page, ``GET /api/opportunities/{market}/{product}`` and the report's pages show the same
dossier; this module only reaches it through the server's read cursors, live for one page or in bulk for
every page of a run (``xborder.api.precompute``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from xborder.api.db import Database
from xborder.api.queries.opportunities import latest_selection_run
from xborder.core.jsonable import to_jsonable
from xborder.pipeline.dossier import Query, dossier, dossiers

__all__ = ["product_market_detail", "build_details", "server_query"]


def server_query(db: Database) -> Query:
    """A dossier :data:`~xborder.pipeline.dossier.Query` over the server's read cursors."""

    def q(sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple]]:
        with db.read() as cur:
            res = cur.execute(sql, list(params))
            return [d[0] for d in res.description], res.fetchall()

    return q


def product_market_detail(
    db: Database, product_id: str, market: str, run_id: str | None = None
) -> dict[str, Any]:
    """The dossier of one product × market (of ``run_id``, default the latest run with opportunities)."""
    run = run_id or latest_selection_run(db) or ""
    return db.cached(
        ("detail", product_id, market, run),
        lambda: to_jsonable(dossier(server_query(db), run, product_id, market)),
    )


def build_details(db: Database, run: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(product_id, market, dossier) for every opportunity of ``run``, from one read of each table."""
    for d in dossiers(server_query(db), run):
        yield d["product_id"], d["market"], to_jsonable(d)
