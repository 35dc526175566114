"""Everything known about one product in one market: the report's per-opportunity page as data.

The page is assembled by :func:`_assemble` from rows given by a *source*: :class:`LiveSource` asks
the warehouse per request (about a dozen small queries), :class:`BulkSource` loads each table once
for a whole run and answers from memory (used to precompute every detail of a run, see
``xborder.api.precompute``). Both give the same rows, so a precomputed page equals a computed one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from xborder.api.db import Database
from xborder.api.queries.base import filtered_rows, missing_note, pick_col, quote, records
from xborder.api.queries.opportunities import latest_selection_run
from xborder.core.errors import NotFoundError
from xborder.core.jsonable import to_jsonable

__all__ = ["product_market_detail", "demand_history", "LiveSource", "BulkSource", "build_details"]

_MARKET = ("market", "market_code", "country", "destination")
_REVIEW_COLS = "review_id, rating, title, text, language, market_code, reviewed_at, source"


def _history_sql(table: str, unit: str, *, bulk: bool) -> str:
    if table == "order_lines":
        keys = "product_id, country, " if bulk else ""
        where = "" if bulk else "product_id = ? AND country = ? AND "
        return (
            f"SELECT {keys}date_trunc('{unit}', ordered_at)::DATE AS ds, sum(quantity) AS y, "
            f"count(DISTINCT order_id) AS orders FROM order_lines WHERE {where}status = 'sold' "
            f"GROUP BY {'ALL' if bulk else '1'} ORDER BY {'1, 2, 3' if bulk else '1'}"
        )
    keys = "product_id, country, " if bulk else ""
    where = "" if bulk else "WHERE product_id = ? AND country = ? "
    return (
        f"SELECT {keys}date_trunc('{unit}', period_start)::DATE AS ds, sum(units) AS y FROM sales "
        f"{where}GROUP BY {'ALL' if bulk else '1'} ORDER BY {'1, 2, 3' if bulk else '1'}"
    )


def _history(db: Database, fetch: Any, product_id: str, market: str, freq: str) -> dict[str, Any]:
    unit = "week" if freq == "W" else "month"
    for table in ("order_lines", "sales"):
        if db.has_table(table):
            rows = fetch(table, unit, product_id, market)
            if rows:
                return {"source": table, "freq": unit, "rows": rows}
    return {"source": None, "freq": unit, "rows": []}


def demand_history(db: Database, product_id: str, market: str, freq: str = "M") -> dict[str, Any]:
    """Units sold of the product in the market per week (freq W) or month (M), from order lines else sales."""
    return LiveSource(db).demand(product_id, market, freq)


class LiveSource:
    """Rows of one detail page, queried from the warehouse when asked."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _records(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        with self.db.read() as cur:
            return records(cur, sql, params)

    def product(self, product_id: str) -> list[dict[str, Any]]:
        return self._records("SELECT * FROM products WHERE product_id = ?", [product_id])

    def opportunity(self, run: str, product_id: str, market: str) -> list[dict[str, Any]]:
        return self._records(
            "SELECT * FROM opportunities WHERE run_id = ? AND product_id = ? AND market = ?",
            [run, product_id, market],
        )

    def other_markets(self, run: str, product_id: str) -> list[dict[str, Any]]:
        keep, order = _other_cols(self.db)
        return self._records(
            f"SELECT {keep} FROM opportunities WHERE run_id = ? AND product_id = ? ORDER BY {order}",
            [run, product_id],
        )

    def market(self, market: str) -> list[dict[str, Any]]:
        return self._records("SELECT * FROM markets WHERE market_code = ?", [market])

    def filtered(
        self,
        table: str,
        filters: Sequence[tuple[Sequence[str], Any]],
        run_id: str | None,
        order_by: Sequence[str],
        limit: int,
    ) -> dict[str, Any]:
        return filtered_rows(self.db, table, filters, run_id=run_id, order_by=order_by, limit=limit)

    def demand(self, product_id: str, market: str, freq: str) -> dict[str, Any]:
        def fetch(table: str, unit: str, pid: str, m: str) -> list[dict[str, Any]]:
            return self._records(_history_sql(table, unit, bulk=False), [pid, m])

        return _history(self.db, fetch, product_id, market, freq)

    def reviews(self, product_id: str) -> list[dict[str, Any]]:
        return self._records(
            f"SELECT {_REVIEW_COLS} FROM reviews WHERE product_id = ? AND text IS NOT NULL "
            "ORDER BY rating NULLS LAST, reviewed_at DESC, review_id LIMIT 6",
            [product_id],
        )

    def category_reviews(self, category: str) -> list[dict[str, Any]]:
        cols = ", ".join("r." + c.strip() for c in _REVIEW_COLS.split(","))
        return self._records(
            f"SELECT {cols} FROM reviews r JOIN products p ON p.product_id = r.product_id WHERE p.category = ? "
            "AND r.text IS NOT NULL ORDER BY r.rating NULLS LAST, r.review_id LIMIT 6",
            [category],
        )


def _other_cols(db: Database) -> tuple[str, str]:
    cols = db.columns("opportunities")
    keep = ", ".join(quote(c) for c in ("market", "score", "rank") if c in cols)
    return keep, ("score DESC, market" if "score" in cols else "market")


def _group(rows: list[tuple], nkeys: int) -> dict[tuple, list[tuple]]:
    out: dict[tuple, list[tuple]] = {}
    for r in rows:
        out.setdefault(r[:nkeys], []).append(r[nkeys:])
    return out


class BulkSource:
    """Rows of every detail page of one run: each table is read once (on first need) and kept grouped.

    Gives what :class:`LiveSource` gives for the same run (ties in an ORDER BY may come in another order).
    """

    def __init__(self, db: Database, run: str) -> None:
        self.db = db
        self.run = run
        self._loaded: dict[tuple, Any] = {}

    def _load(self, key: tuple, sql: str, params: Sequence[Any], nkeys: int) -> tuple[list[str], dict]:
        hit = self._loaded.get(key)
        if hit is None:
            with self.db.read() as cur:
                res = cur.execute(sql, list(params))
                names = [d[0] for d in res.description][nkeys:]
                hit = (names, _group(res.fetchall(), nkeys))
            self._loaded[key] = hit
        return hit

    def _rows(self, key: tuple, sql: str, params: Sequence[Any], nkeys: int, k: tuple) -> list[dict]:
        names, groups = self._load(key, sql, params, nkeys)
        return [to_jsonable(dict(zip(names, r, strict=True))) for r in groups.get(k, ())]

    def product(self, product_id: str) -> list[dict[str, Any]]:
        return self._rows(("products",), "SELECT product_id, * FROM products", (), 1, (product_id,))

    def opportunity(self, run: str, product_id: str, market: str) -> list[dict[str, Any]]:
        sql = "SELECT product_id, market, * FROM opportunities WHERE run_id = ?"
        return self._rows(("opp", run), sql, [run], 2, (product_id, market))

    def other_markets(self, run: str, product_id: str) -> list[dict[str, Any]]:
        keep, order = _other_cols(self.db)
        sql = f"SELECT product_id, {keep} FROM opportunities WHERE run_id = ? ORDER BY product_id, {order}"
        return self._rows(("others", run), sql, [run], 1, (product_id,))

    def market(self, market: str) -> list[dict[str, Any]]:
        return self._rows(("markets",), "SELECT market_code, * FROM markets", (), 1, (market,))

    def filtered(
        self,
        table: str,
        filters: Sequence[tuple[Sequence[str], Any]],
        run_id: str | None,
        order_by: Sequence[str],
        limit: int,
    ) -> dict[str, Any]:
        cols = self.db.columns(table)
        picked = [pick_col(cols, *c) for c, _ in filters]
        if not cols or any(p is None for p in picked):  # the notes: same as the live query
            return filtered_rows(self.db, table, filters, run_id=run_id, order_by=order_by, limit=limit)
        keys = [quote(p) for p in picked if p is not None]
        order = [quote(c) for c in order_by if c in cols]
        has_run = "run_id" in cols
        sql = (
            f"SELECT {', '.join(keys)}, {'run_id' if has_run else 'NULL'} AS _run, * FROM {quote(table)} "
            f"ORDER BY {', '.join([*keys, *(['_run'] if has_run else []), *order])}"
        )
        lkey = ("filtered", table, *picked, *order)
        hit = self._loaded.get(lkey)
        if hit is None:
            nk = len(keys)
            with self.db.read() as cur:
                res = cur.execute(sql)
                names = [d[0] for d in res.description][nk + 1 :]
                nested: dict[tuple, Any] = {}
                for r in res.fetchall():
                    nested.setdefault(r[:nk], {}).setdefault(r[nk], []).append(r[nk + 1 :])
            hit = self._loaded[lkey] = (names, nested)
        names, nested = hit
        by_run: dict[Any, list[tuple]] = nested.get(tuple(v for _, v in filters), {})
        chosen: list[tuple] = []
        used_run = None
        if by_run:
            if has_run:
                runs = [r for r in by_run if r is not None]
                used_run = (
                    run_id if run_id is not None and run_id in by_run else (max(runs) if runs else None)
                )
                chosen = by_run.get(used_run, []) if used_run is not None else []
            else:
                chosen = by_run[None]
        rows = [to_jsonable(dict(zip(names, r, strict=True))) for r in chosen[: int(limit)]]
        used = rows[0].get("run_id") if rows and has_run else None
        if has_run and not rows:
            return {
                "rows": [],
                "note": f"No rows in '{table}' for this selection in any run.",
                "run_id": None,
            }
        note = None if rows else f"No rows in '{table}' for this selection."
        if run_id and used and used != run_id:
            note = f"No rows of run {run_id}; showing run {used}."
        return {"rows": rows, "note": note, "run_id": used}

    def demand(self, product_id: str, market: str, freq: str) -> dict[str, Any]:
        def fetch(table: str, unit: str, pid: str, m: str) -> list[dict[str, Any]]:
            return self._rows(("history", table, unit), _history_sql(table, unit, bulk=True), (), 2, (pid, m))

        return _history(self.db, fetch, product_id, market, freq)

    def reviews(self, product_id: str) -> list[dict[str, Any]]:
        sql = (
            f"SELECT product_id, {_REVIEW_COLS} FROM reviews WHERE text IS NOT NULL "
            "QUALIFY row_number() OVER (PARTITION BY product_id ORDER BY rating NULLS LAST, reviewed_at DESC, review_id) <= 6 "
            "ORDER BY product_id, rating NULLS LAST, reviewed_at DESC, review_id"
        )
        return self._rows(("reviews",), sql, (), 1, (product_id,))

    def category_reviews(self, category: str) -> list[dict[str, Any]]:
        cols = ", ".join("r." + c.strip() for c in _REVIEW_COLS.split(","))
        sql = (
            f"SELECT p.category, {cols} FROM reviews r JOIN products p ON p.product_id = r.product_id "
            "WHERE r.text IS NOT NULL QUALIFY row_number() OVER (PARTITION BY p.category "
            "ORDER BY r.rating NULLS LAST, r.review_id) <= 6 ORDER BY p.category, r.rating NULLS LAST, r.review_id"
        )
        return self._rows(("category_reviews",), sql, (), 1, (category,))


def _series_rows(db: Database, src: Any, table: str, product_id: str, market: str, run: str | None) -> dict:
    cols = db.columns(table)
    if not cols:
        return {"rows": [], "note": missing_note(table), "run_id": None}
    if "unique_id" in cols:
        return src.filtered(
            table, [(("unique_id",), f"{product_id}|{market}")], run, ("ds", "model", "signal"), 1000
        )
    return src.filtered(table, [(("product_id",), product_id), (_MARKET, market)], run, ("ds",), 1000)


def _pain_points(
    db: Database, src: Any, product_id: str, market: str, category: str | None, run: str | None
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
        res = src.filtered(table, filters, run, ("rank", "priority"), 30)
        if res["rows"]:
            res["matched_on"] = [pick_col(cols, *c) for c, _ in filters]
            return res
    return {
        "rows": [],
        "note": "No customer pain points found for this product or its category.",
        "run_id": None,
    }


def _example_reviews(db: Database, src: Any, product_id: str, category: str | None) -> list[dict[str, Any]]:
    if not db.has_table("reviews"):
        return []
    rows = src.reviews(product_id)
    if not rows and category and "category" in db.columns("products"):
        rows = src.category_reviews(category)
    for r in rows:
        if isinstance(r.get("text"), str) and len(r["text"]) > 600:
            r["text"] = r["text"][:600] + "…"
    return rows


def product_market_detail(
    db: Database, product_id: str, market: str, run_id: str | None = None
) -> dict[str, Any]:
    """The detail of one product × market: opportunity, factors, demand, trends, costs, compliance, voice."""
    return db.cached(
        ("detail", product_id, market, run_id),
        lambda: _assemble(db, LiveSource(db), product_id, market, run_id or latest_selection_run(db)),
    )


def _assemble(db: Database, src: Any, product_id: str, market: str, run: str | None) -> dict[str, Any]:
    prod = src.product(product_id)
    opp: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    if db.has_table("opportunities") and run:
        opp = src.opportunity(run, product_id, market)
        others = src.other_markets(run, product_id)
    market_row = src.market(market) if db.has_table("markets") else []
    if not prod and not opp:
        raise NotFoundError(
            f"No product {product_id!r} in this warehouse.", hint="Pick one from the opportunities list."
        )
    product = prod[0] if prod else {"product_id": product_id}
    category = product.get("category")
    factors = (
        src.filtered(
            "opportunity_factors",
            [(("product_id",), product_id), (("market",), market)],
            run,
            ("contribution", "factor"),
            1000,
        )
        if run
        else {"rows": [], "note": None}
    )
    if factors["rows"] and "contribution" in factors["rows"][0]:
        factors["rows"].sort(key=lambda r: -(abs(r.get("contribution") or 0)))
    forecasts = _series_rows(db, src, "forecasts", product_id, market, run)
    freq = next((r.get("freq") for r in forecasts["rows"] if r.get("freq")), "M")
    return {
        "product": product,
        "market": market_row[0] if market_row else {"market_code": market},
        "run_id": run,
        "opportunity": opp[0] if opp else None,
        "other_markets": others,
        "factors": factors,
        "demand_history": src.demand(product_id, market, freq),
        "forecasts": forecasts,
        "forecast_accuracy": _series_rows(db, src, "forecast_accuracy", product_id, market, run),
        "trend_signals": _series_rows(db, src, "trend_signals", product_id, market, run),
        "landed_costs": _with_research_note(
            src.filtered(
                "landed_costs",
                [(("product_id",), product_id), (_MARKET, market)],
                run,
                ("mode", "shipping_mode", "component"),
                1000,
            ),
            market,
        ),
        "compliance": src.filtered(
            "compliance_checks",
            [(("product_id",), product_id), (_MARKET, market)],
            run,
            ("requirement", "rule_id"),
            1000,
        ),
        "pain_points": _pain_points(db, src, product_id, market, category, run),
        "example_reviews": _example_reviews(db, src, product_id, category),
    }


def _with_research_note(lc: dict[str, Any], market: str) -> dict[str, Any]:
    """Say so when the landed cost was answered for a date past where its rules were researched."""
    import datetime as dt

    from xborder.reference.coverage import research_notes

    day = lc["rows"][0].get("as_of") if lc.get("rows") else None
    if day and not lc.get("note"):
        when = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
        notes = research_notes([market], when)
        if notes:
            lc = {**lc, "note": " ".join(notes)}
    return lc


def build_details(db: Database, run: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(product_id, market, detail) for every opportunity of ``run``, from one read of each table."""
    src = BulkSource(db, run)
    with db.read() as cur:
        pairs = cur.execute(
            "SELECT product_id, market FROM opportunities WHERE run_id = ? ORDER BY product_id, market", [run]
        ).fetchall()
    for product_id, market in pairs:
        yield product_id, market, _assemble(db, src, product_id, market, run)
