"""Sales layouts: UCI Sales Transactions Weekly (wide W0..W51), M5 wide daily (d_1..d_N), Walmart weekly."""

from __future__ import annotations

import re

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.validate import number_sql

__all__ = ["write_wide_sales", "insert_sales", "SALES_KEY", "M5_DAY1", "UCI_WEEK0"]

M5_DAY1 = "2011-01-29"  # d_1 in the M5 calendar (Makridakis et al., M5 competition guide)
UCI_WEEK0 = "2018-01-01"  # the UCI weekly set has no dates: week 0 is placed on this nominal Monday
_W = re.compile(r"^W(\d+)$")
_D = re.compile(r"^d_(\d+)$")

# Every dimension of a sales cell: two rows differing in any of them are two cells, never duplicates
# (the same product and month sold in IT and in DE are two sales).
SALES_KEY = "concat_ws('|', coalesce(product_id, ''), coalesce(listing_id, ''), coalesce(marketplace_id, ''), coalesce(country, ''), period, CAST(period_start AS VARCHAR))"


def insert_sales(con, ctx: LoadContext, rows_sql: str) -> WriteCounts:  # noqa: ANN001
    """Insert new cells of ``rows_sql`` (+ _row); an input row is 'stored' if any cell was new, else duplicate.

    A cell is a duplicate when a stored row has the same source and the same value in every dimension
    (:data:`SALES_KEY`: product, listing, marketplace, market, period and start), or an earlier row of the
    same file had it. The anti-join and the window run only when they can find something.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE _x_cells AS {rows_sql}")
    key = SALES_KEY
    src = con.execute("SELECT any_value(source) FROM _x_cells").fetchone()[0]  # type: ignore[index]
    if con.execute("SELECT count(*) FROM sales WHERE source = ?", [src]).fetchone()[0]:  # type: ignore[index]
        con.execute(f"DELETE FROM _x_cells WHERE {key} IN (SELECT {key} FROM sales WHERE source = '{src}')")
    n, distinct = con.execute(f"SELECT count(*), count(DISTINCT {key}) FROM _x_cells").fetchone()  # type: ignore[misc]
    if n != distinct:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _x_cells AS SELECT * FROM _x_cells QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _row) = 1"
        )
    con.execute(
        f"""INSERT INTO sales SELECT listing_id, product_id, marketplace_id, country, period, period_start, units,
               revenue, currency, source, '{ctx.ingest_id}' FROM _x_cells"""
    )
    rows = ctx.count()
    stored, cells = con.execute("SELECT count(DISTINCT _row), count(*) FROM _x_cells").fetchone()  # type: ignore[misc]
    return WriteCounts(stored=int(stored), duplicate=rows - int(stored), extra={"cells_stored": int(cells)})


def write_wide_sales(
    con,
    ctx: LoadContext,
    *,
    pattern: re.Pattern,
    start: str,
    step: str,
    period: str,
    product: str,
    listing: str,
    country: str | None,
    marketplace: str | None,
) -> WriteCounts:  # noqa: ANN001
    """Unpivot value columns named like ``pattern`` (index n → start + n*step); bad cells quarantine their row."""
    cols = [(c, int(m.group(1))) for c in ctx.unmapped_columns() if (m := pattern.match(c))]
    offset = min(n for _, n in cols) if cols else 0
    pairs = ", ".join(f"('{c}', {n - offset})" for c, n in cols)
    unpivot_cols = ", ".join(f'"{c}"' for c, _ in cols)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_long AS
            SELECT u._row, u.col, u.val, {number_sql("u.val")} AS units
            FROM (UNPIVOT (SELECT _row, {unpivot_cols} FROM {ctx.stage}) ON {unpivot_cols} INTO NAME col VALUE val) u
            WHERE u._row IN (SELECT _row FROM {ctx.good})"""
    )
    ctx.quarantine_where(
        ctx.good, "_row IN (SELECT _row FROM _x_long WHERE units IS NULL AND trim(val) NOT IN ('', 'nan', 'NA'))",
        "W*/d_*", "(SELECT min(val) FROM _x_long l WHERE l._row = t._row AND l.units IS NULL)", "bad_number",
        "a sales cell is not a number",
    )  # fmt: skip
    c = "NULL" if country is None else f"'{country}'"
    mp = "NULL" if marketplace is None else f"'{marketplace}'"
    return insert_sales(
        con, ctx,
        f"""SELECT l._row, {listing} AS listing_id, {product} AS product_id, {mp} AS marketplace_id, {c} AS country,
                   '{period}' AS period, CAST(DATE '{start}' + (i.n * INTERVAL {step}) AS DATE) AS period_start,
                   l.units, CAST(NULL AS DOUBLE) AS revenue, CAST(NULL AS VARCHAR) AS currency, 'actual' AS source
            FROM _x_long l JOIN (VALUES {pairs}) i(col, n) USING (col) JOIN {ctx.good} g USING (_row)
            WHERE l.units IS NOT NULL""",
    )  # fmt: skip


def _uci_weekly(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    return write_wide_sales(
        con, ctx, pattern=_W, start=ctx.const("week0", UCI_WEEK0), step="'7 days'", period="week",
        product="'uci_weekly:' || g.product", listing="NULL", country=ctx.const("market"), marketplace=None,
    )  # fmt: skip


def _m5(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    return write_wide_sales(
        con, ctx, pattern=_D, start=M5_DAY1, step="'1 day'", period="day", product="'m5:' || g.item_id",
        listing="'walmart.US:' || g.series_id", country="US", marketplace="walmart.US",
    )  # fmt: skip


def _walmart(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    return insert_sales(
        con, ctx,
        f"""SELECT _row, 'walmart.US:store' || store || '_dept' || dept AS listing_id, 'walmart:dept' || dept AS product_id,
                   'walmart.US' AS marketplace_id, 'US' AS country, 'week' AS period, CAST(ds AS DATE) AS period_start,
                   CAST(NULL AS DOUBLE) AS units, revenue, 'USD' AS currency, 'actual' AS source FROM {ctx.good}""",
    )  # fmt: skip


register(
    Layout(
        "uci_sales_weekly", "sales", (Field("product", ("Product_Code",), required=True),), _uci_weekly,
        "UCI Sales Transactions Weekly (Product_Code, W0..W51)", order=40,
        matcher=lambda h: sum(1 for c in h if _W.match(c)) >= 2, source="uci_weekly",
    )
)  # fmt: skip
register(
    Layout(
        "m5_sales_wide", "sales",
        (Field("series_id", ("id",), required=True), Field("item_id", ("item_id",), required=True),
         Field("store_id", ("store_id",), optional=True)),
        _m5, "M5 sales_train (id, item_id, ..., d_1..d_N)", order=40,
        matcher=lambda h: sum(1 for c in h if _D.match(c)) >= 2, source="m5",
    )
)  # fmt: skip
register(
    Layout(
        "walmart_weekly", "sales",
        (Field("store", ("Store",), required=True), Field("dept", ("Dept",), required=True),
         Field("ds", ("Date",), "date", required=True), Field("revenue", ("Weekly_Sales",), "number", required=True)),
        _walmart, "Walmart store-department weekly sales (Store, Dept, Date, Weekly_Sales)", order=40, source="walmart",
        fast=True,
    )
)  # fmt: skip
