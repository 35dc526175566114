"""Everything known about one product in one market: the report's per-opportunity page as data."""

from __future__ import annotations

from typing import Any

from xborder.api.db import Database
from xborder.api.queries.base import filtered_rows, missing_note, pick_col, quote, records
from xborder.api.queries.opportunities import latest_selection_run
from xborder.errors import NotFoundError

__all__ = ["product_market_detail", "demand_history"]

_MARKET = ("market", "market_code", "country", "destination")


def demand_history(db: Database, product_id: str, market: str, freq: str = "M") -> dict[str, Any]:
    """Units sold of the product in the market per week (freq W) or month (M), from order lines else sales."""
    unit = "week" if freq == "W" else "month"
    with db.read() as cur:
        rows: list[dict[str, Any]] = []
        if db.has_table("order_lines"):
            rows = records(
                cur,
                (
                    f"SELECT date_trunc('{unit}', ordered_at)::DATE AS ds, sum(quantity) AS y, count(DISTINCT order_id) AS orders "
                    "FROM order_lines WHERE product_id = ? AND country = ? AND status = 'sold' "
                    "GROUP BY 1 ORDER BY 1"
                ),
                [product_id, market],
            )
        if rows:
            return {"source": "order_lines", "freq": unit, "rows": rows}
        if db.has_table("sales"):
            rows = records(
                cur,
                (
                    f"SELECT date_trunc('{unit}', period_start)::DATE AS ds, sum(units) AS y FROM sales "
                    "WHERE product_id = ? AND country = ? GROUP BY 1 ORDER BY 1"
                ),
                [product_id, market],
            )
            if rows:
                return {"source": "sales", "freq": unit, "rows": rows}
    return {"source": None, "freq": unit, "rows": []}


def _series_rows(
    db: Database, table: str, product_id: str, market: str, run_id: str | None
) -> dict[str, Any]:
    cols = db.columns(table)
    if not cols:
        return {"rows": [], "note": missing_note(table), "run_id": None}
    if "unique_id" in cols:
        return filtered_rows(
            db,
            table,
            [(("unique_id",), f"{product_id}|{market}")],
            run_id=run_id,
            order_by=("ds", "model", "signal"),
        )
    return filtered_rows(
        db, table, [(("product_id",), product_id), (_MARKET, market)], run_id=run_id, order_by=("ds",)
    )


def _pain_points(
    db: Database, product_id: str, market: str, category: str | None, run_id: str | None
) -> dict[str, Any]:
    table = "improvement_opportunities"
    cols = db.columns(table)
    if not cols:
        return {"rows": [], "note": missing_note(table), "run_id": None}
    for filters in (
        [(("product_id",), product_id), (_MARKET, market)],
        [(("product_id",), product_id)],
        [(("category",), category), (_MARKET, market)],
        [(("category",), category)],
    ):
        if any(v is None for _, v in filters) or any(pick_col(cols, *c) is None for c, _ in filters):
            continue
        res = filtered_rows(db, table, filters, run_id=run_id, order_by=("rank", "priority"), limit=30)
        if res["rows"]:
            res["matched_on"] = [pick_col(cols, *c) for c, _ in filters]
            return res
    return {
        "rows": [],
        "note": "No customer pain points found for this product or its category.",
        "run_id": None,
    }


def _example_reviews(db: Database, product_id: str, category: str | None) -> list[dict[str, Any]]:
    if not db.has_table("reviews"):
        return []
    with db.read() as cur:
        rows = records(
            cur,
            (
                "SELECT review_id, rating, title, text, language, market_code, reviewed_at, source FROM reviews "
                "WHERE product_id = ? AND text IS NOT NULL ORDER BY rating NULLS LAST, reviewed_at DESC LIMIT 6"
            ),
            [product_id],
        )
        if not rows and category and "category" in db.columns("products"):
            rows = records(
                cur,
                (
                    "SELECT r.review_id, r.rating, r.title, r.text, r.language, r.market_code, r.reviewed_at, r.source "
                    "FROM reviews r JOIN products p ON p.product_id = r.product_id WHERE p.category = ? "
                    "AND r.text IS NOT NULL ORDER BY r.rating NULLS LAST, r.review_id LIMIT 6"
                ),
                [category],
            )
    for r in rows:
        if isinstance(r.get("text"), str) and len(r["text"]) > 600:
            r["text"] = r["text"][:600] + "…"
    return rows


def product_market_detail(
    db: Database, product_id: str, market: str, run_id: str | None = None
) -> dict[str, Any]:
    """The detail of one product × market: opportunity, factors, demand, trends, costs, compliance, voice."""
    return db.cached(("detail", product_id, market, run_id), lambda: _detail(db, product_id, market, run_id))


def _detail(db: Database, product_id: str, market: str, run_id: str | None) -> dict[str, Any]:
    run = run_id or latest_selection_run(db)
    with db.read() as cur:
        prod = records(cur, "SELECT * FROM products WHERE product_id = ?", [product_id])
        opp: list[dict[str, Any]] = []
        others: list[dict[str, Any]] = []
        if db.has_table("opportunities") and run:
            opp = records(
                cur,
                "SELECT * FROM opportunities WHERE run_id = ? AND product_id = ? AND market = ?",
                [run, product_id, market],
            )
            cols = db.columns("opportunities")
            keep = [c for c in ("market", "score", "rank") if c in cols]
            others = records(
                cur,
                (
                    f"SELECT {', '.join(quote(c) for c in keep)} FROM opportunities WHERE run_id = ? AND product_id = ? "
                    f"ORDER BY {'score DESC' if 'score' in cols else 'market'}"
                ),
                [run, product_id],
            )
        market_row = (
            records(cur, "SELECT * FROM markets WHERE market_code = ?", [market])
            if db.has_table("markets")
            else []
        )
    if not prod and not opp:
        raise NotFoundError(
            f"No product {product_id!r} in this warehouse.", hint="Pick one from the opportunities list."
        )
    product = prod[0] if prod else {"product_id": product_id}
    category = product.get("category")
    factors = (
        filtered_rows(
            db,
            "opportunity_factors",
            [(("product_id",), product_id), (("market",), market)],
            run_id=run,
            order_by=("contribution",),
        )
        if run
        else {"rows": [], "note": None}
    )
    if factors["rows"] and "contribution" in factors["rows"][0]:
        factors["rows"].sort(key=lambda r: -(abs(r.get("contribution") or 0)))
    forecasts = _series_rows(db, "forecasts", product_id, market, run)
    freq = next((r.get("freq") for r in forecasts["rows"] if r.get("freq")), "M")
    return {
        "product": product,
        "market": market_row[0] if market_row else {"market_code": market},
        "run_id": run,
        "opportunity": opp[0] if opp else None,
        "other_markets": others,
        "factors": factors,
        "demand_history": demand_history(db, product_id, market, freq),
        "forecasts": forecasts,
        "forecast_accuracy": _series_rows(db, "forecast_accuracy", product_id, market, run),
        "trend_signals": _series_rows(db, "trend_signals", product_id, market, run),
        "landed_costs": filtered_rows(
            db,
            "landed_costs",
            [(("product_id",), product_id), (_MARKET, market)],
            run_id=run,
            order_by=("mode", "shipping_mode", "component"),
        ),
        "compliance": filtered_rows(
            db,
            "compliance_checks",
            [(("product_id",), product_id), (_MARKET, market)],
            run_id=run,
            order_by=("requirement", "rule_id"),
        ),
        "pain_points": _pain_points(db, product_id, market, category, run),
        "example_reviews": _example_reviews(db, product_id, category),
    }
