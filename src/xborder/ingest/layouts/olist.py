"""Olist multi-table dump: category translation, products, customers, orders, order items, order reviews.

In a folder they load in dependency order (translation → products → customers → orders → items → reviews);
order items need their order (ingested now or earlier) for the purchase time, else they are quarantined.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.layouts.orders import insert_order_lines
from xborder.ingest.layouts.reviews import ReviewSpec, write_reviews

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["OLIST_STATUS", "source_category_map"]

# Olist order_status → xborder status. Orders never paid/shipped are cancellations of the intent to buy.
OLIST_STATUS = {"canceled": "cancelled", "unavailable": "cancelled"}


@lru_cache(maxsize=1)
def source_category_map() -> pd.DataFrame:
    """catalog/data/source_categories.csv: (source, source_category) → taxonomy category."""
    import pandas as pd

    with (
        resources.files("xborder.catalog")
        .joinpath("data", "source_categories.csv")
        .open("r", encoding="utf-8") as fh
    ):
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def _translation(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    n = con.execute(
        f"""INSERT OR IGNORE INTO source_category_names
            SELECT 'olist', name, name_en, '{ctx.ingest_id}' FROM {ctx.good}"""
    ).fetchone()[0]  # type: ignore[index]
    return WriteCounts(stored=int(n), duplicate=ctx.count() - int(n))


def _products(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    con.execute("SELECT 1").fetchall()  # finish any pending result before register()
    con.register("_x_srccat", source_category_map())
    try:
        n = con.execute(
            f"""INSERT OR IGNORE INTO products (product_id, source, source_key, title, category, category_confidence,
                    category_source, weight_kg, length_cm, width_cm, height_cm, is_product, attributes, ingest_id)
                SELECT 'olist:' || g.product_id, 'olist', g.product_id, coalesce(t.name_en, g.category_pt),
                       coalesce(m.category, 'other'), CASE WHEN m.category IS NOT NULL THEN 1.0 ELSE 0.0 END,
                       CASE WHEN m.category IS NOT NULL THEN 'source' ELSE 'rules' END,
                       g.weight_g / 1000.0, g.length_cm, g.width_cm, g.height_cm, TRUE,
                       json_object('olist_category', g.category_pt), '{ctx.ingest_id}'
                FROM {ctx.good} g
                LEFT JOIN source_category_names t ON t.source = 'olist' AND t.name = g.category_pt
                LEFT JOIN _x_srccat m ON m.source = 'olist' AND m.source_category = coalesce(t.name_en, g.category_pt)
                QUALIFY row_number() OVER (PARTITION BY g.product_id ORDER BY g._row) = 1"""
        ).fetchone()[0]  # type: ignore[index]
    finally:
        con.unregister("_x_srccat")
    return WriteCounts(stored=int(n), duplicate=ctx.count() - int(n))


def _customers(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    ctx.pseudonyms("customer_id", "olist_order_customer", "_x_oc")
    ctx.pseudonyms("customer_unique_id", "olist", "_x_uc")
    n = con.execute(
        f"""INSERT OR IGNORE INTO customer_links
            SELECT 'olist', oc.pkey, uc.pkey, 'BR', g.state, '{ctx.ingest_id}'
            FROM {ctx.good} g JOIN _x_oc oc ON oc.raw = g.customer_id JOIN _x_uc uc ON uc.raw = g.customer_unique_id"""
    ).fetchone()[0]  # type: ignore[index]
    return WriteCounts(stored=int(n), duplicate=ctx.count() - int(n))


def _orders(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    ctx.pseudonyms("customer_id", "olist_order_customer", "_x_oc")
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in OLIST_STATUS.items())
    n = con.execute(
        f"""INSERT OR IGNORE INTO order_headers
            SELECT 'olist', g.order_id, g.ordered_at, coalesce(l.customer_key, oc.pkey),
                   CASE lower(g.status) {cases} ELSE 'sold' END, g.status, 'BR', l.region, '{ctx.ingest_id}'
            FROM {ctx.good} g LEFT JOIN _x_oc oc ON oc.raw = g.customer_id
            LEFT JOIN customer_links l ON l.source = 'olist' AND l.source_customer_key = oc.pkey"""
    ).fetchone()[0]  # type: ignore[index]
    return WriteCounts(stored=int(n), duplicate=ctx.count() - int(n))


def _items(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    ctx.quarantine_where(
        ctx.good, "NOT EXISTS (SELECT 1 FROM order_headers h WHERE h.source = 'olist' AND h.order_id = t.order_id)",
        "order_id", "order_id", "unknown_order", "order not found: ingest olist_orders_dataset.csv first (or together)",
    )  # fmt: skip
    stored = insert_order_lines(
        con,
        f"""SELECT md5('olist|' || g.order_id || '|' || g.item_no) AS line_key, 'olist' AS source, g.order_id,
                   CAST(TRY_CAST(g.item_no AS BIGINT) AS INTEGER) AS line_no, h.ordered_at, h.customer_key,
                   'olist:' || g.product_id AS product_id, 'olist.BR' AS marketplace_id, h.country, 1.0 AS quantity,
                   g.price AS unit_price, 'BRL' AS currency, h.status, TRUE AS is_product, '{ctx.ingest_id}' AS ingest_id,
                   g._row
            FROM {ctx.good} g JOIN order_headers h ON h.source = 'olist' AND h.order_id = g.order_id""",
    )  # fmt: skip
    return WriteCounts(stored=stored, duplicate=ctx.count() - stored)


def _reviews(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_olist_rev AS SELECT g.*, (SELECT min(product_id) FROM order_lines o
              WHERE o.source = 'olist' AND o.order_id = g.order_id) AS product FROM {ctx.good} g"""
    )
    ctx.good = "_x_olist_rev"
    spec = ReviewSpec("olist", "coalesce(split_part(g.product, ':', 2), 'order_' || g.order_id)", language="pt",
                      market="BR", marketplace="olist.BR", review_key="g.review_id || ':' || g.order_id")  # fmt: skip
    return write_reviews(con, ctx, spec)


def _reg(name: str, kind: str, order: int, fields: tuple[Field, ...], writer, desc: str) -> None:  # noqa: ANN001
    register(Layout(name, kind, fields, writer, desc, order=order, source="olist"))


_reg("olist_category_translation", "products", 5,
     (Field("name", ("product_category_name",), required=True),
      Field("name_en", ("product_category_name_english",), required=True)), _translation,
     "Olist product_category_name_translation")  # fmt: skip
_reg("olist_products", "products", 10,
     (Field("product_id", ("product_id",), required=True), Field("category_pt", ("product_category_name",)),
      Field("weight_g", ("product_weight_g",), "number"), Field("length_cm", ("product_length_cm",), "number"),
      Field("height_cm", ("product_height_cm",), "number"), Field("width_cm", ("product_width_cm",), "number")),
     _products, "Olist products (weights, dimensions, Portuguese category)")  # fmt: skip
_reg("olist_customers", "orders", 15,
     (Field("customer_id", ("customer_id",), required=True),
      Field("customer_unique_id", ("customer_unique_id",), required=True),
      Field("state", ("customer_state",), optional=True)), _customers, "Olist customers")  # fmt: skip
_reg("olist_orders", "orders", 20,
     (Field("order_id", ("order_id",), required=True), Field("customer_id", ("customer_id",), required=True),
      Field("status", ("order_status",), required=True),
      Field("ordered_at", ("order_purchase_timestamp",), "timestamp", required=True)), _orders,
     "Olist orders (order_id, customer_id, order_status, order_purchase_timestamp)")  # fmt: skip
_reg("olist_order_items", "orders", 30,
     (Field("order_id", ("order_id",), required=True), Field("item_no", ("order_item_id",), required=True),
      Field("product_id", ("product_id",), required=True), Field("price", ("price",), "number", required=True)),
     _items, "Olist order items (order_id, order_item_id, product_id, price)")  # fmt: skip
_reg("olist_order_reviews", "reviews", 60,
     (Field("review_id", ("review_id",), required=True), Field("order_id", ("order_id",), required=True),
      Field("rating", ("review_score",), "number", required=True), Field("title", ("review_comment_title",)),
      Field("text", ("review_comment_message",)), Field("reviewed_at", ("review_creation_date",), "timestamp")),
     _reviews, "Olist order reviews")  # fmt: skip
