"""Traffic and sales per listing and period (kind ``traffic``): Seller Central Business Reports (Detail Page
Sales and Traffic by child ASIN; Sales and Traffic by date, daily/weekly/monthly) and the Sales Dashboard.

Rows go to ``listing_traffic``; the child ASINs of a by-ASIN report also become own ``listings`` and
``products`` (``amazon:<ASIN>``). The marketplace comes from the money sign of the sales ('$' → USD →
amazon.US, '£' → amazon.GB, '₹' → amazon.IN; '€' names no single marketplace). A by-ASIN report does not
say which period it covers: its rows are stored with period ``unstated`` and the date in the file name.
"""

from __future__ import annotations

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.layouts.common import (
    date_sql,
    day_first,
    file_date,
    insert_new,
    key_sql,
    market_of_currency_sql,
    market_scope,
    symbol_currency_sql,
    typed_table,
)
from xborder.ingest.products import upsert_products
from xborder.schema.seller import LISTING_TRAFFIC

__all__ = ["BY_ASIN", "BY_DATE", "SALES_DASHBOARD", "period_of_dates"]

_DIMS = ("source", "marketplace_id", "parent_asin", "asin", "sku", "period", "period_start", "period_end")


def _f(name: str, *aliases: str, kind: str = "number", required: bool = False) -> Field:
    return Field(name, aliases, kind, required=required, optional=not required)


_MEASURES = (
    _f("sessions", "Sessions", "Sessions - Total"),
    _f("session_share", "Session Percentage", "Session Percentage - Total", kind="text"),
    _f("page_views", "Page Views", "Page Views - Total"),
    _f("page_view_share", "Page Views Percentage", "Page Views Percentage - Total", kind="text"),
    _f("buy_box_share", "Buy Box Percentage", "Featured Offer (Buy Box) Percentage", kind="text"),
    _f("conversion", "Unit Session Percentage", "Unit Session Percentage - Total", kind="text"),
    _f("order_items", "Total Order Items"),
    _f("average_offer_count", "Average Offer Count"),
    _f("average_parent_items", "Average Parent Items"),
    _f("units_shipped", "Units Shipped"),
    _f("shipped_sales", "Shipped Product Sales", kind="text"),
    _f("orders_shipped", "Orders Shipped"),
)


def period_of_dates(con, table: str, column: str, file_name: str) -> str:  # noqa: ANN001
    """day | week | month from the smallest gap between the distinct dates of ``column`` (a file of one date:
    'weekly'/'monthly' in its name, else day); unstated when the gaps fit none."""
    gap = con.execute(
        f"""SELECT min(d - p) FROM (SELECT d, lag(d) OVER (ORDER BY d) AS p
            FROM (SELECT DISTINCT {column} AS d FROM {table} WHERE {column} IS NOT NULL))"""
    ).fetchone()[0]  # type: ignore[index]
    if gap is None:
        low = file_name.lower()
        return "week" if "week" in low else "month" if "month" in low else "day"
    return {1: "day", 7: "week"}.get(int(gap), "month" if 28 <= int(gap) <= 31 else "unstated")


def _end(period: str) -> str:
    return {
        "day": "period_start",
        "week": "CAST(period_start + INTERVAL 6 DAY AS DATE)",
        "month": "last_day(period_start)",
    }.get(period, "CAST(NULL AS DATE)")


def _typed(ctx: LoadContext, *, date_col: str | None, sales: str) -> None:
    """_x_tr: typed measures, currency from the sales' money sign; bad amounts/dates quarantined."""
    cols: dict[str, str] = {}
    checks: dict[str, tuple[str, str, str]] = {}
    money: dict[str, str] = {}
    pct: dict[str, str] = {}
    for f in _MEASURES + (_f("units_ordered", "Units Ordered"),):
        if not ctx.has(f.name):
            cols[f.name] = "CAST(NULL AS DOUBLE)"
            continue
        if f.name in {"session_share", "page_view_share", "buy_box_share", "conversion"}:
            pct[f.name] = f"g.{f.name}"
        elif f.name == "shipped_sales":
            money[f.name] = f"g.{f.name}"
        else:
            cols[f.name] = f"g.{f.name}"
            continue
        checks[f.name] = (ctx.mapping[f.name], f"g.{f.name}", "bad_number")
    money["ordered_sales"] = f"g.{sales}"
    checks["ordered_sales"] = (ctx.mapping[sales], f"g.{sales}", "bad_number")
    cols["sign_currency"] = symbol_currency_sql(f"g.{sales}")
    if date_col is not None:
        cols["period_start"] = date_sql(f"g.{date_col}", dayfirst=day_first(ctx, f"g.{date_col}"))
        checks["period_start"] = (ctx.mapping[date_col], f"g.{date_col}", "bad_date")
    for name in ("parent_asin", "asin", "sku", "title"):
        cols[name] = f"g.{name}" if ctx.has(name) else "CAST(NULL AS VARCHAR)"
    typed_table(ctx, "_x_tr", cols, checks, money=money, pct=pct)


def _write(con, ctx: LoadContext, source: str, *, by_date: bool, sales: str = "sales") -> WriteCounts:  # noqa: ANN001
    _typed(ctx, date_col="date" if by_date else None, sales=sales)
    # One currency per report: the sign most rows show (a row of $0.00 shows it too).
    cur = con.execute("SELECT mode(sign_currency) FROM _x_tr WHERE sign_currency IS NOT NULL").fetchone()[0]  # type: ignore[index]
    market = con.execute(f"SELECT {market_of_currency_sql('?')}", [cur]).fetchone()[0] if cur else None  # type: ignore[index]
    mp = f"'amazon.{market}'" if market else "CAST(NULL AS VARCHAR)"
    if by_date:
        period = period_of_dates(con, "_x_tr", "period_start", ctx.file_name)
        start, end, report = (
            "t.period_start",
            _end(period).replace("period_start", "t.period_start"),
            "CAST(NULL AS DATE)",
        )
    else:
        day = file_date(ctx.file_name)
        period, start, end = "unstated", "CAST(NULL AS DATE)", "CAST(NULL AS DATE)"
        report = f"DATE '{day}'" if day else "CAST(NULL AS DATE)"
    listing = f"{mp} || ':' || t.asin" if market else "CAST(NULL AS VARCHAR)"
    measures = ", ".join(f"t.{f.name}" for f in _MEASURES if f.name != "shipped_sales")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_tr2 AS
            SELECT t._row, '{source}' AS source, {mp} AS marketplace_id, {repr(market) if market else 'NULL'} AS market_code,
                   {listing} AS listing_id, CASE WHEN t.asin IS NOT NULL THEN 'amazon:' || t.asin END AS product_id,
                   t.parent_asin, t.asin, t.sku, t.title, '{period}' AS period, {start} AS period_start,
                   {end} AS period_end, {report} AS report_date,
                   {measures}, t.units_ordered, t.ordered_sales, t.shipped_sales, {repr(cur) if cur else 'NULL'} AS currency
            FROM _x_tr t"""
    )  # fmt: skip
    # Without a stated period the measures are part of the key: two by-ASIN reports of different (unknown)
    # periods are both kept, the same report ingested again is a duplicate.
    extra = (
        ()
        if by_date
        else ("report_date", "sessions", "page_views", "units_ordered", "ordered_sales", "order_items")
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _x_tr3 AS SELECT *, {key_sql([market_scope(ctx) if d == 'marketplace_id' else d for d in (*_DIMS, *extra)])} AS row_key FROM _x_tr2"
    )
    stored, revised = insert_new(
        ctx, LISTING_TRAFFIC, "_x_tr3", measures=("sessions", "page_views", "units_ordered", "ordered_sales")
    )
    if not by_date and market:
        con.execute(
            f"""INSERT OR IGNORE INTO listings (listing_id, product_id, marketplace_id, external_id, own, title, price,
                       currency, first_seen, ingest_id)
                SELECT listing_id, product_id, marketplace_id, asin, TRUE, any_value(title), NULL, currency,
                       {report}, '{ctx.ingest_id}'
                FROM _x_tr3 WHERE listing_id IS NOT NULL GROUP BY ALL"""
        )
    if not by_date:
        upsert_products(
            con, ctx,
            "SELECT 'amazon:' || asin AS product_id, 'amazon' AS source, asin AS source_key, any_value(title) AS title, "
            "TRUE AS is_product FROM _x_tr3 WHERE asin IS NOT NULL GROUP BY asin",
        )  # fmt: skip
    return WriteCounts(
        stored=stored, duplicate=ctx.count("_x_tr3") - stored, extra={"period": period, "revised": revised}
    )


def _by_asin(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    return _write(con, ctx, "amazon_business_report_by_asin", by_date=False)


def _by_date(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    return _write(con, ctx, "amazon_business_report_by_date", by_date=True)


def _dashboard(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    return _write(con, ctx, "amazon_sales_dashboard", by_date=True)


BY_ASIN = register(
    Layout(
        "amazon_business_report_by_asin", "traffic",
        (_f("parent_asin", "(Parent) ASIN", "Parent ASIN", kind="text", required=True),
         _f("asin", "(Child) ASIN", "Child ASIN", kind="text", required=True),
         _f("title", "Title", kind="text"), _f("sku", "SKU", kind="text"),
         _f("units_ordered", "Units Ordered", required=True),
         _f("sales", "Ordered Product Sales", kind="text", required=True), *_MEASURES),
        _by_asin, "Seller Central Business Report, Detail Page Sales and Traffic by child ASIN", order=44,
        source="amazon",
    )
)  # fmt: skip
BY_DATE = register(
    Layout(
        "amazon_business_report_by_date", "traffic",
        (_f("date", "Date", kind="text", required=True), _f("units_ordered", "Units Ordered", required=True),
         _f("sales", "Ordered Product Sales", kind="text", required=True), *_MEASURES),
        _by_date, "Seller Central Business Report, Sales and Traffic by date (daily, weekly or monthly)", order=44,
        source="amazon",
    )
)  # fmt: skip
SALES_DASHBOARD = register(
    Layout(
        "amazon_sales_dashboard", "traffic",
        (_f("date", "Time", kind="text", required=True),
         _f("sales", "Selected date range (OPS)", kind="text", required=True),
         _f("units_ordered", "Selected date range (Units)", required=True)),
        _dashboard, "Seller Central Sales Dashboard export (Compare sales, graph view)", order=44, source="amazon",
    )
)  # fmt: skip
