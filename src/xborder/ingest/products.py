"""Insert products seen in any ingested file, with a category (source-given, rule-assigned or overridden)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import duckdb

from xborder.ingest.context import LoadContext

__all__ = ["upsert_products", "prepare_products", "PendingProducts"]


def upsert_products(con: duckdb.DuckDBPyConnection, ctx: LoadContext, select_sql: str) -> int:
    """Insert the products of ``select_sql`` (product_id, source, source_key, title, is_product[, category])
    not yet known. A non-null ``category`` column is source-given (confidence 1); otherwise the category comes
    from the description rules (catalog.classify) with their confidence. Returns rows inserted.
    """
    return prepare_products(con, select_sql).insert(con, ctx)


_COLUMNS = ("product_id", "source", "source_key", "title", "category", "category_confidence", "category_source",
            "is_product")  # fmt: skip


def _classified(columns: list[str], rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    """The new products as ``_COLUMNS`` lists: a source-given category (confidence 1), else the description
    rules' (catalog.classify, each distinct title once); none for rows that are not products. Pure Python in
    the background thread while DuckDB builds the order lines; no pandas (ingest does not import it)."""
    from xborder.catalog.classify import classify

    at = {c: i for i, c in enumerate(columns)}
    cache: dict[Any, tuple[str, float]] = {}
    out: list[list[Any]] = [[] for _ in _COLUMNS]
    for r in rows:
        title, is_product = r[at["title"]], bool(r[at["is_product"]])
        given = r[at["category"]] if "category" in at else None
        if not is_product:
            cat, conf, src = None, None, None
        elif given is not None:
            cat, conf, src = given, 1.0, "source"
        else:
            if title not in cache:
                cache[title] = classify(title)
            (cat, conf), src = cache[title], "rules"
        for col, v in zip(
            out,
            (r[at["product_id"]], r[at["source"]], r[at["source_key"]], title, cat, conf, src, is_product),
            strict=True,
        ):
            col.append(v)
    return out


class PendingProducts:
    """New products read from the batch, classified in a background thread (pure Python, while DuckDB works)."""

    def __init__(self, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._cats: Future[list[list[Any]]] | None = None
        if rows:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xborder-classify")
            self._cats = self._pool.submit(_classified, columns, rows)

    def close(self) -> None:
        """Drop the pending work (the classification finishes in the background and is discarded)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._cats = None

    def insert(self, con: duckdb.DuckDBPyConnection, ctx: LoadContext) -> int:
        """Wait for the categories and insert the products (INSERT OR IGNORE); returns rows inserted."""
        if self._cats is None or self._pool is None:
            return 0
        try:
            lists = self._cats.result()
        finally:
            self._pool.shutdown()
        types = ("VARCHAR",) * 5 + ("DOUBLE", "VARCHAR", "BOOLEAN")
        cols = ", ".join(f"unnest(?::{t}[]) AS {c}" for c, t in zip(_COLUMNS, types, strict=True))
        n = con.execute(
            f"""INSERT OR IGNORE INTO products ({", ".join(_COLUMNS)}, ingest_id)
                SELECT {cols}, ?::VARCHAR AS ingest_id""",
            [*lists, ctx.ingest_id],
        ).fetchone()[0]  # type: ignore[index]
        return int(n)


def prepare_products(con: duckdb.DuckDBPyConnection, select_sql: str) -> PendingProducts:
    """Read the products of ``select_sql`` not yet known and start classifying them; call ``.insert`` later
    (in the same transaction, before anything else writes ``products``)."""
    cur = con.execute(
        f"""SELECT p.* FROM ({select_sql}) p
            WHERE NOT EXISTS (SELECT 1 FROM products x WHERE x.product_id = p.product_id)"""
    )
    columns = [d[0] for d in cur.description]
    return PendingProducts(columns, cur.fetchall())
