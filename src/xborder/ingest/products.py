"""Insert products seen in any ingested file, with a category (source-given, rule-assigned or overridden)."""

from __future__ import annotations

import duckdb

from xborder.catalog.classify import classify_titles
from xborder.ingest.context import LoadContext

__all__ = ["upsert_products"]


def upsert_products(con: duckdb.DuckDBPyConnection, ctx: LoadContext, select_sql: str) -> int:
    """Insert the products of ``select_sql`` (product_id, source, source_key, title, is_product[, category])
    not yet known. A non-null ``category`` column is source-given (confidence 1); otherwise the category comes
    from the description rules (catalog.classify) with their confidence. Returns rows inserted.
    """
    new = con.execute(
        f"""SELECT p.* FROM ({select_sql}) p
            WHERE NOT EXISTS (SELECT 1 FROM products x WHERE x.product_id = p.product_id)"""
    ).df()
    if new.empty:
        return 0
    cats = classify_titles(list(new["title"].where(new["title"].notna(), None)))
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
