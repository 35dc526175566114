"""Order layouts: UCI Online Retail / Online Retail II (both spellings) and Olist orders + order items."""

from __future__ import annotations

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.products import upsert_products

__all__ = ["UCI_NON_PRODUCT_CODES", "uci_online_retail", "insert_order_lines"]

# Stock codes of lines that are not goods: postage, carriage, manual entries, discounts, samples, bank and
# marketplace fees, charity commission, cushion pads given free, bad-debt adjustments, test items, vouchers.
UCI_NON_PRODUCT_CODES = (
    "POST", "DOT", "M", "C2", "C3", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "B",
    "ADJUST", "ADJUST2", "TEST001", "TEST002", "GIFT",
)  # fmt: skip


def insert_order_lines(con, select_sql: str) -> int:  # noqa: ANN001
    """Insert rows of ``select_sql`` (the order_lines columns, then ``_row``) whose line_key is new; returns count.

    A key already stored, or repeated earlier in the same batch, is a duplicate (anti-join + first by _row);
    this replaces a PRIMARY KEY index that made bulk loads 3-4x slower (see migration 003).
    """
    cols = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'order_lines' "
                                      "AND schema_name = 'main' ORDER BY column_index").fetchall()]  # fmt: skip
    names = ", ".join(cols)
    # Two steps: materialising the new lines first, then a plain INSERT, is ~2x faster than one
    # INSERT ... SELECT ... QUALIFY (measured on UCI Online Retail: 3.6 s vs 6.7 s under load).
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_new_lines AS SELECT {names} FROM ({select_sql}) n
            WHERE NOT EXISTS (SELECT 1 FROM order_lines o WHERE o.line_key = n.line_key)
            QUALIFY row_number() OVER (PARTITION BY n.line_key ORDER BY n._row) = 1"""
    )
    n = con.execute(f"INSERT INTO order_lines ({names}) SELECT {names} FROM _x_new_lines").fetchone()[0]  # type: ignore[index]
    con.execute("DROP TABLE _x_new_lines")
    return int(n)


def _write_uci(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    g = ctx.good
    ctx.pseudonyms("regexp_replace(customer, '\\.0+$', '')", "uci", "_x_cust")
    codes = ", ".join(f"'{c}'" for c in UCI_NON_PRODUCT_CODES)
    currency = ctx.const("currency", "GBP")
    product_line = f"""NOT (upper(g.stock_code) IN ({codes}) OR lower(g.stock_code) LIKE 'gift\\_%' ESCAPE '\\'
                    OR upper(g.invoice) LIKE 'A%')"""
    stored = insert_order_lines(
        con,
        f"""SELECT md5(concat_ws('|', 'uci', g.invoice, g.stock_code, coalesce(upper(g.description), ''),
                   CAST(g.quantity AS VARCHAR), CAST(g.ordered_at AS VARCHAR), CAST(g.unit_price AS VARCHAR),
                   coalesce(c.pkey, ''))) AS line_key,
               'uci' AS source, g.invoice AS order_id,
               CAST(row_number() OVER (PARTITION BY g.invoice ORDER BY g._row) AS INTEGER) AS line_no,
               g.ordered_at, c.pkey AS customer_key, 'uci:' || upper(g.stock_code) AS product_id,
               CASE WHEN k.iso2 IS NOT NULL THEN 'shop.' || k.iso2 END AS marketplace_id, k.iso2 AS country,
               abs(g.quantity) AS quantity, g.unit_price, '{currency}' AS currency,
               CASE WHEN upper(g.invoice) LIKE 'C%' THEN 'cancelled' WHEN g.quantity < 0 THEN 'returned' ELSE 'sold' END
                 AS status,
               {product_line} AND NOT (coalesce(g.unit_price, 0) = 0 AND g.customer_raw IS NULL) AS is_product,
               '{ctx.ingest_id}' AS ingest_id, g._row
        FROM (SELECT *, regexp_replace(customer, '\\.0+$', '') AS customer_raw FROM {g}) g
        LEFT JOIN _x_cust c ON c.raw = g.customer_raw
        LEFT JOIN _x_countries k ON k.name_key = lower(trim(g.country))""",
    )
    upsert_products(
        con,
        ctx,
        f"""SELECT 'uci:' || upper(g.stock_code) AS product_id, 'uci' AS source, upper(g.stock_code) AS source_key,
               mode(g.description) AS title, bool_or({product_line}) AS is_product
            FROM {g} g GROUP BY 1, 2, 3""",
    )
    total = ctx.count()
    return WriteCounts(stored=stored, duplicate=total - stored)


uci_online_retail = register(
    Layout(
        name="uci_online_retail",
        kind="orders",
        description="UCI Online Retail / Online Retail II invoice lines",
        fast=True,
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
