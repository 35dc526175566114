"""Insert products seen in any ingested file, with a category (source-given, rule-assigned or overridden)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import duckdb
import pandas as pd

from xborder.catalog.classify import classify_titles
from xborder.ingest.context import LoadContext

__all__ = ["upsert_products", "prepare_products", "PendingProducts"]


def upsert_products(con: duckdb.DuckDBPyConnection, ctx: LoadContext, select_sql: str) -> int:
    """Insert the products of ``select_sql`` (product_id, source, source_key, title, is_product[, category])
    not yet known. A non-null ``category`` column is source-given (confidence 1); otherwise the category comes
    from the description rules (catalog.classify) with their confidence. Returns rows inserted.
    """
    return prepare_products(con, select_sql).insert(con, ctx)


class PendingProducts:
    """New products read from the batch, classified in a background thread (pure Python, while DuckDB works)."""

    def __init__(self, new: pd.DataFrame) -> None:
        self.new = new
        self._pool: ThreadPoolExecutor | None = None
        self._cats: Future[pd.DataFrame] | None = None
        if not new.empty:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xborder-classify")
            self._cats = self._pool.submit(
                classify_titles, list(new["title"].where(new["title"].notna(), None))
            )

    def close(self) -> None:
        """Drop the pending work (the classification finishes in the background and is discarded)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._cats = None

    def insert(self, con: duckdb.DuckDBPyConnection, ctx: LoadContext) -> int:
        """Wait for the categories and insert the products (INSERT OR IGNORE); returns rows inserted."""
        new = self.new
        if self._cats is None or self._pool is None:
            return 0
        try:
            cats = self._cats.result()
        finally:
            self._pool.shutdown()
        given = new["category"] if "category" in new else None
        new["category_source"] = "rules"
        new["category_confidence"] = cats["category_confidence"].to_numpy()
        if given is not None:
            has = given.notna()
            new.loc[has, "category_source"] = "source"
            new.loc[has, "category_confidence"] = 1.0
            new["category"] = given.where(has, cats["category"])
        else:
            new["category"] = cats["category"].to_numpy()
        new.loc[~new["is_product"].astype(bool), ["category", "category_confidence", "category_source"]] = [
            None,
            None,
            None,
        ]
        con.execute("SELECT 1").fetchall()  # finish any pending result before register()
        con.register("_x_newprod", new)
        try:
            n = con.execute(
                f"""INSERT OR IGNORE INTO products (product_id, source, source_key, title, category, category_confidence,
                        category_source, is_product, ingest_id)
                    SELECT product_id, source, source_key, title, category, category_confidence,
                           category_source, is_product, '{ctx.ingest_id}'
                    FROM _x_newprod"""
            ).fetchone()[0]  # type: ignore[index]
        finally:
            con.unregister("_x_newprod")
        return int(n)


def prepare_products(con: duckdb.DuckDBPyConnection, select_sql: str) -> PendingProducts:
    """Read the products of ``select_sql`` not yet known and start classifying them; call ``.insert`` later
    (in the same transaction, before anything else writes ``products``)."""
    new = con.execute(
        f"""SELECT p.* FROM ({select_sql}) p
            WHERE NOT EXISTS (SELECT 1 FROM products x WHERE x.product_id = p.product_id)"""
    ).df()
    return PendingProducts(new)
