"""Ranked opportunities of a selection run: filtered, sorted and paginated list, facets, market comparison."""

from __future__ import annotations

from typing import Any

from xborder.api.db import Database
from xborder.api.queries.base import missing_note, quote, records
from xborder.core.errors import BadInputError

__all__ = ["latest_selection_run", "selection_runs", "list_opportunities", "facets", "compare_markets"]

# Sort keys offered to users (those present in the table are used).
SORTABLE = ("rank", "score", "market", "product_id", "title", "category")


def selection_runs(db: Database) -> list[str]:
    """Run ids that have opportunities, newest first."""
    if not db.has_table("opportunities"):
        return []

    def q() -> list[str]:
        with db.read() as cur:
            return [
                r[0]
                for r in cur.execute(
                    "SELECT DISTINCT run_id FROM opportunities WHERE run_id IS NOT NULL ORDER BY run_id DESC"
                ).fetchall()
            ]

    return db.cached(("selection_runs",), q)


def latest_selection_run(db: Database) -> str | None:
    """The newest run with opportunities (run ids sort by start time)."""
    runs = selection_runs(db)
    return runs[0] if runs else None


def _resolve_run(db: Database, run_id: str | None) -> str | None:
    if run_id is None:
        return latest_selection_run(db)
    if run_id not in selection_runs(db):
        raise BadInputError(f"Run {run_id!r} has no opportunities.", hint="See GET /api/runs for runs.")
    return run_id


def _base(db: Database) -> tuple[str, dict[str, str]]:
    """FROM clause joining products, and the SQL expression of each logical column (declared columns of
    ``opportunities``, then the product's title and category where the opportunity does not carry them)."""
    from xborder.schema import table

    expr = {
        c: f"o.{quote(c)}" for c in table("opportunities").column_names if c in db.columns("opportunities")
    }
    for c in ("title", "category"):
        expr.setdefault(c, f"p.{quote(c)}")
    return "FROM opportunities o LEFT JOIN products p ON p.product_id = o.product_id", expr


def list_opportunities(
    db: Database,
    *,
    run_id: str | None = None,
    market: str | None = None,
    category: str | None = None,
    product: str | None = None,
    min_score: float | None = None,
    sort: str = "rank",
    order: str = "asc",
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    """One page of opportunities of a run (default: the latest) with the filters applied.

    Args:
        market: ISO2 market code. category: taxonomy id. product: substring of product id or title.
        min_score: keep rows with score >= this. sort/order: one of SORTABLE, asc|desc.
    """
    empty: dict[str, Any] = {"run_id": None, "total": 0, "page": page, "page_size": page_size, "items": []}
    if not db.has_table("opportunities"):
        return {**empty, "note": missing_note("opportunities")}
    key = ("opps", run_id, market, category, product, min_score, sort, order, page, page_size)
    return db.cached(
        key, lambda: _list(db, run_id, market, category, product, min_score, sort, order, page, page_size)
    )


def _list(db, run_id, market, category, product, min_score, sort, order, page, page_size) -> dict[str, Any]:
    run = _resolve_run(db, run_id)
    if run is None:
        return {
            "run_id": None,
            "total": 0,
            "page": page,
            "page_size": page_size,
            "items": [],
            "note": "No selection run yet: start a run on the Runs page.",
        }
    frm, expr = _base(db)
    where, params = ["o.run_id = ?"], [run]
    if market:
        where.append(f"{expr['market']} = ?")
        params.append(market)
    if category and "category" in expr:
        where.append(f"{expr['category']} = ?")
        params.append(category)
    if product:
        like = "%" + product.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        parts = [f"lower({expr['product_id']}) LIKE ? ESCAPE '\\'"]
        params.append(like)
        if "title" in expr:
            parts.append(f"lower({expr['title']}) LIKE ? ESCAPE '\\'")
            params.append(like)
        where.append("(" + " OR ".join(parts) + ")")
    if min_score is not None and "score" in expr:
        where.append(f"{expr['score']} >= ?")
        params.append(min_score)
    cond = " AND ".join(where)
    sort_col = sort if sort in SORTABLE and sort in expr else ("rank" if "rank" in expr else "product_id")
    direction = "DESC" if order == "desc" else "ASC"
    tie = ", o.product_id, o.market" if sort_col not in ("product_id",) else ", o.market"
    select = ", ".join(f"{e} AS {quote(c)}" for c, e in expr.items())
    with db.read() as cur:
        total = cur.execute(f"SELECT count(*) {frm} WHERE {cond}", params).fetchone()[0]
        items = records(
            cur,
            f"SELECT {select} {frm} WHERE {cond} ORDER BY {expr[sort_col]} {direction} NULLS LAST{tie} "
            f"LIMIT {int(page_size)} OFFSET {int((page - 1) * page_size)}",
            params,
        )
    return {
        "run_id": run,
        "total": int(total),
        "page": page,
        "page_size": page_size,
        "sort": sort_col,
        "order": direction.lower(),
        "items": items,
        "note": None,
    }


def facets(db: Database, run_id: str | None = None) -> dict[str, Any]:
    """Markets and categories present in a run (for filter menus) and the runs to choose from."""
    if not db.has_table("opportunities"):
        return {
            "run_id": None,
            "runs": [],
            "markets": [],
            "categories": [],
            "note": missing_note("opportunities"),
        }

    def q() -> dict[str, Any]:
        run = _resolve_run(db, run_id)
        frm, expr = _base(db)
        with db.read() as cur:
            markets = [
                r[0]
                for r in cur.execute(
                    f"SELECT DISTINCT {expr['market']} {frm} WHERE o.run_id = ? ORDER BY 1", [run]
                ).fetchall()
            ]
            cats: list[str] = []
            if "category" in expr:
                cats = [
                    r[0]
                    for r in cur.execute(
                        f"SELECT DISTINCT {expr['category']} {frm} WHERE o.run_id = ? AND {expr['category']} IS NOT NULL "
                        "ORDER BY 1",
                        [run],
                    ).fetchall()
                ]
        return {
            "run_id": run,
            "runs": selection_runs(db),
            "markets": markets,
            "categories": cats,
            "note": None,
        }

    return db.cached(("facets", run_id), q)


def compare_markets(db: Database, run_id: str | None = None, category: str | None = None) -> dict[str, Any]:
    """Per market of a run: how many opportunities, mean score, and its best-ranked product and that one's score."""
    if not db.has_table("opportunities"):
        return {"run_id": None, "markets": [], "note": missing_note("opportunities")}

    def q() -> dict[str, Any]:
        run = _resolve_run(db, run_id)
        frm, expr = _base(db)
        where, params = "o.run_id = ?", [run]
        if category and "category" in expr:
            where += f" AND {expr['category']} = ?"
            params.append(category)
        score = expr.get("score", "NULL")
        title = expr.get("title", expr["product_id"])
        # the market's best = its best-ranked candidate: the rank puts non-viable candidates (loss per unit,
        # too little demand; see docs/selection.md) after viable ones, whatever their score
        best = expr.get("rank", f"-{score}")
        with db.read() as cur:
            rows = records(
                cur,
                (
                    f"SELECT {expr['market']} AS market, count(*) AS opportunities, avg({score}) AS mean_score, "
                    f"arg_min({score}, {best}) AS best_score, arg_min({expr['product_id']}, {best}) AS best_product_id, "
                    f"arg_min({title}, {best}) AS best_title {frm} WHERE {where} GROUP BY 1 ORDER BY min({best})"
                ),
                params,
            )
        return {"run_id": run, "markets": rows, "note": None}

    return db.cached(("compare", run_id, category), q)
