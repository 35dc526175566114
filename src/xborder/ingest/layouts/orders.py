"""Order layouts: UCI Online Retail / Online Retail II (both spellings) and Olist orders + order items."""

from __future__ import annotations

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.products import upsert_products

__all__ = ["UCI_NON_PRODUCT_CODES", "uci_online_retail"]

# Stock codes of lines that are not goods: postage, carriage, manual entries, discounts, samples, bank and
# marketplace fees, charity commission, cushion pads given free, bad-debt adjustments, test items, vouchers.
UCI_NON_PRODUCT_CODES = (
    "POST", "DOT", "M", "C2", "C3", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "B",
    "ADJUST", "ADJUST2", "TEST001", "TEST002", "GIFT",
)  # fmt: skip


def _write_uci(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    g = ctx.good
    ctx.pseudonyms("regexp_replace(customer, '\\.0+$', '')", "uci", "_x_cust")
    codes = ", ".join(f"'{c}'" for c in UCI_NON_PRODUCT_CODES)
    currency = ctx.const("currency", "GBP")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_lines AS
        SELECT g._row, g.invoice AS order_id, g.stock_code, g.description, g.ordered_at,
               abs(g.quantity) AS quantity, g.unit_price,
               c.pkey AS customer_key, k.iso2 AS country,
               CASE WHEN upper(g.invoice) LIKE 'C%' THEN 'cancelled' WHEN g.quantity < 0 THEN 'returned' ELSE 'sold' END AS status,
               NOT (upper(g.stock_code) IN ({codes}) OR lower(g.stock_code) LIKE 'gift\\_%' ESCAPE '\\'
                    OR upper(g.invoice) LIKE 'A%'
                    OR (coalesce(g.unit_price, 0) = 0 AND g.customer_raw IS NULL)) AS is_product,
               md5(concat_ws('|', 'uci', g.invoice, g.stock_code, coalesce(upper(g.description), ''), CAST(g.quantity AS VARCHAR),
                   CAST(g.ordered_at AS VARCHAR), CAST(g.unit_price AS VARCHAR),
                   coalesce(c.pkey, ''))) AS line_key
        FROM (SELECT *, regexp_replace(customer, '\\.0+$', '') AS customer_raw FROM {g}) g
        LEFT JOIN _x_cust c ON c.raw = g.customer_raw
        LEFT JOIN _x_countries k ON k.name_key = lower(trim(g.country))"""
    )
    total = ctx.count("_x_lines")
    stored = con.execute(
        f"""INSERT OR IGNORE INTO order_lines
        SELECT line_key, 'uci', order_id,
               CAST(row_number() OVER (PARTITION BY order_id ORDER BY _row) AS INTEGER), ordered_at, customer_key,
               'uci:' || upper(stock_code), CASE WHEN country IS NOT NULL THEN 'shop.' || country END, country,
               quantity, unit_price, '{currency}', status, is_product, '{ctx.ingest_id}'
        FROM _x_lines"""
    ).fetchone()[0]  # type: ignore[index]
    upsert_products(
        con,
        ctx,
        """SELECT 'uci:' || upper(stock_code) AS product_id, 'uci' AS source, upper(stock_code) AS source_key,
               mode(description) AS title, bool_or(is_product) AS is_product
            FROM _x_lines GROUP BY 1, 2, 3""",
    )
    return WriteCounts(stored=int(stored), duplicate=total - int(stored))


uci_online_retail = register(
    Layout(
        name="uci_online_retail",
        kind="orders",
        description="UCI Online Retail / Online Retail II invoice lines",
        source="uci",
        order=30,
        fields=(
            Field("invoice", ("InvoiceNo", "Invoice"), required=True),
            Field("stock_code", ("StockCode",), required=True),
            Field("description", ("Description",), optional=True),
            Field("quantity", ("Quantity",), "number", required=True),
            Field("ordered_at", ("InvoiceDate",), "timestamp", required=True),
            Field("unit_price", ("UnitPrice", "Price"), "number", required=True),
            Field("customer", ("CustomerID", "Customer ID"), optional=True),
            Field("country", ("Country",), optional=True),
        ),
        writer=_write_uci,
    )
)
