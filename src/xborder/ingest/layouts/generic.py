"""Canonical layouts: files whose columns already use xborder's field names — and the base of mapping files."""

from __future__ import annotations

from xborder.ingest.context import LoadContext
from xborder.ingest.countries import country_sql
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.layouts.orders import insert_order_lines
from xborder.ingest.layouts.reviews import ReviewSpec, write_reviews
from xborder.ingest.layouts.sales import insert_sales
from xborder.ingest.products import upsert_products

__all__ = ["GENERIC", "CANCELLED_WORDS", "RETURNED_WORDS"]

CANCELLED_WORDS = ("cancelled", "canceled", "cancel", "void", "storniert", "annulé", "取消", "已取消")
RETURNED_WORDS = ("returned", "refunded", "return", "refund", "retoure", "remboursé", "退货", "已退款")


def _src(ctx: LoadContext) -> str:
    return str(ctx.const("source", "custom")).replace("'", "")


def _orders(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    g, src = ctx.good, _src(ctx)
    if ctx.has("customer"):
        ctx.pseudonyms("customer", src, "_x_cust")
        join, ckey = "LEFT JOIN _x_cust c ON c.raw = g.customer", "c.pkey"
    else:
        join, ckey = "", "NULL"
    country = f"coalesce(k.iso2, {'g.country' if ctx.has('country') else 'NULL'}, {repr(ctx.const('country')) if ctx.const('country') else 'NULL'})"
    cw = ", ".join(f"'{w}'" for w in CANCELLED_WORDS)
    rw = ", ".join(f"'{w}'" for w in RETURNED_WORDS)
    status_in = "lower(trim(g.status))" if ctx.has("status") else "NULL"
    mp = ctx.const("marketplace")
    currency = (
        "coalesce(g.currency, '{}')".format(ctx.const("currency", ""))
        if ctx.has("currency")
        else repr(ctx.const("currency"))
        if ctx.const("currency")
        else "NULL"
    )
    mp_sql = repr(mp) if mp else f"CASE WHEN {country} IS NOT NULL THEN 'shop.' || {country} END"
    # Every dimension of the line is in its key: the same order line sold in two markets is two lines.
    content = f"concat_ws('|', '{src}', g.order_id, g.product, CAST(g.quantity AS VARCHAR), CAST(g.ordered_at AS VARCHAR), {('CAST(g.unit_price AS VARCHAR)' if ctx.has('unit_price') else chr(39) * 2)}, coalesce({ckey}, ''), coalesce({country}, ''))"
    stored = insert_order_lines(
        con,
        f"""SELECT md5({content} || '#' || row_number() OVER (PARTITION BY {content} ORDER BY g._row)) AS line_key,
                   '{src}' AS source, g.order_id AS order_id,
                   CAST(row_number() OVER (PARTITION BY g.order_id ORDER BY g._row) AS INTEGER) AS line_no,
                   g.ordered_at AS ordered_at, {ckey} AS customer_key, '{src}:' || g.product AS product_id,
                   {mp_sql} AS marketplace_id, {country} AS country, abs(g.quantity) AS quantity,
                   {'g.unit_price' if ctx.has('unit_price') else 'NULL'} AS unit_price, {currency} AS currency,
                   CASE WHEN {status_in} IN ({cw}) THEN 'cancelled' WHEN {status_in} IN ({rw}) OR g.quantity < 0 THEN 'returned'
                        ELSE 'sold' END AS status, TRUE AS is_product, '{ctx.ingest_id}' AS ingest_id, g._row
            FROM {g} g {join} LEFT JOIN _x_countries k ON k.name_key = lower(trim({'g.country' if ctx.has('country') else 'NULL'}))""",
    )  # fmt: skip
    upsert_products(
        con, ctx,
        f"""SELECT '{src}:' || product AS product_id, '{src}' AS source, product AS source_key,
                   {'mode(title)' if ctx.has('title') else 'NULL'} AS title, TRUE AS is_product FROM {g} GROUP BY product""",
    )  # fmt: skip
    return WriteCounts(stored=stored, duplicate=ctx.count() - stored)


def _products(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    from xborder.catalog import CATEGORY_IDS

    src = _src(ctx)
    ids = ", ".join(f"'{c}'" for c in CATEGORY_IDS)
    cat = (
        f"CASE WHEN lower(g.category) IN ({ids}) THEN lower(g.category) END"
        if ctx.has("category")
        else "NULL"
    )
    before = ctx.count("products")
    upsert_products(
        con, ctx,
        f"""SELECT '{src}:' || g.product AS product_id, '{src}' AS source, g.product AS source_key,
                   {'g.title' if ctx.has('title') else 'NULL'} AS title, TRUE AS is_product, {cat} AS category
            FROM {ctx.good} g QUALIFY row_number() OVER (PARTITION BY g.product ORDER BY g._row) = 1""",
    )  # fmt: skip
    sets = [
        f"{c} = g.{c}"
        for c in ("brand", "weight_kg", "length_cm", "width_cm", "height_cm", "hs_code", "origin_country")
        if ctx.has(c)
    ]
    if sets:
        con.execute(
            f"""UPDATE products SET {", ".join(sets)} FROM {ctx.good} g
                WHERE products.product_id = '{src}:' || g.product AND products.ingest_id = '{ctx.ingest_id}'"""
        )
    stored = ctx.count("products") - before
    return WriteCounts(stored=stored, duplicate=ctx.count() - stored)


def _sales(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    src = _src(ctx)
    c = ctx.const("country")
    return insert_sales(
        con, ctx,
        f"""SELECT _row, NULL AS listing_id, '{src}:' || product AS product_id, {repr(ctx.const('marketplace')) if ctx.const('marketplace') else 'NULL'} AS marketplace_id,
                   {country_sql('country') if ctx.has('country') else (repr(c) if c else 'NULL')} AS country, '{ctx.const('period', 'day')}' AS period,
                   CAST(period_start AS DATE) AS period_start, {'units' if ctx.has('units') else 'NULL'} AS units,
                   {'revenue' if ctx.has('revenue') else 'NULL'} AS revenue, {repr(ctx.const('currency')) if ctx.const('currency') else 'NULL'} AS currency,
                   'actual' AS source FROM {ctx.good}""",
    )  # fmt: skip


def _reviews(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    spec = ReviewSpec(_src(ctx), "g.product", "NULL", language=ctx.const("language", "en"),
                      market=ctx.const("market"), marketplace=ctx.const("marketplace"), reviewer="reviewer",
                      label="g.label" if ctx.has("label") else "NULL",
                      review_key="g.review_id" if ctx.has("review_id") else None)  # fmt: skip
    return write_reviews(con, ctx, spec)


GENERIC: dict[str, Layout] = {
    "orders": Layout("canonical_orders", "orders", (
        Field("order_id", ("order_id",), required=True), Field("ordered_at", ("ordered_at",), "timestamp", required=True),
        Field("product", ("product", "sku"), required=True), Field("quantity", ("quantity",), "number", required=True),
        Field("unit_price", ("unit_price",), "number", optional=True), Field("currency", ("currency",), optional=True),
        Field("customer", ("customer",), optional=True), Field("country", ("country",), optional=True),
        Field("status", ("status",), optional=True), Field("title", ("title",), optional=True),
    ), _orders, "canonical order lines (order_id, ordered_at, product, quantity, ...)", order=32),
    "products": Layout("canonical_products", "products", (
        Field("product", ("product", "sku"), required=True), Field("title", ("title",), optional=True),
        Field("category", ("category",), optional=True), Field("brand", ("brand",), optional=True),
        Field("weight_kg", ("weight_kg",), "number", optional=True), Field("length_cm", ("length_cm",), "number", optional=True),
        Field("width_cm", ("width_cm",), "number", optional=True), Field("height_cm", ("height_cm",), "number", optional=True),
        Field("hs_code", ("hs_code",), optional=True), Field("origin_country", ("origin_country",), optional=True),
    ), _products, "canonical products (product, title, category, weight_kg, ...)", order=12, auto_min=2),
    "sales": Layout("canonical_sales", "sales", (
        Field("product", ("product", "sku"), required=True), Field("period_start", ("period_start", "date"), "date", required=True),
        Field("units", ("units",), "number", optional=True), Field("revenue", ("revenue",), "number", optional=True),
        Field("country", ("country",), optional=True),
    ), _sales, "canonical sales (product, period_start, units, revenue)", order=42),
    "reviews": Layout("canonical_reviews", "reviews", (
        Field("product", ("product", "sku"), required=True), Field("text", ("text",), optional=True),
        Field("title", ("title",), optional=True), Field("rating", ("rating",), "number", optional=True),
        Field("reviewed_at", ("reviewed_at",), "timestamp", optional=True), Field("reviewer", ("reviewer",), optional=True),
        Field("label", ("label",), "integer", optional=True), Field("review_id", ("review_id",), optional=True),
    ), _reviews, "canonical reviews (product, text, rating, ...)", order=62, auto_min=2),
}  # fmt: skip
for _lay in GENERIC.values():
    register(_lay)
