"""Advertising performance (kind ``ads``): every Amazon Sponsored Products report — campaign, search term,
targeting, advertised product, placement, purchased product and performance over time; daily ("Date") or
summary ("Start Date"/"End Date"), CSV or XLSX, 7- or 14-day attribution, all column spellings Amazon used
("7 Day Total Sales ", "14 Day Total Sales (₹)", "Total Advertising Cost of Sales (ACoS) ", "Sales", ...).

Rows go to ``ad_performance`` with their ``report_type``. Currency: the Currency column, else the money
sign of the amounts ('$', 'Rs.', '₹', '£', 'AED'), else the sign in a header ("(₹)"); the marketplace follows
from a currency used by one Amazon marketplace only (USD → amazon.US, INR → amazon.IN). A report that
states neither (Performance Over Time) is stored without currency and marketplace. Derived ratios (CTR,
CPC, ACoS, RoAS, conversion) are not stored: they follow from the stored counts and amounts.
"""

from __future__ import annotations

import re

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.layouts.common import (
    currency_in_header,
    date_sql,
    day_first,
    insert_new,
    key_sql,
    market_of_currency_sql,
    market_scope,
    symbol_currency_sql,
    text_sql,
    typed_table,
)
from xborder.schema.seller import AD_PERFORMANCE

__all__ = ["REPORT_TYPES", "attribution_days"]

_DAYS = ("1", "7", "14", "30")


def _windowed(*names: str) -> tuple[str, ...]:
    """Header spellings with every attribution window first ("7 Day Total Sales"), then the bare ones."""
    return tuple(f"{d} Day {n}" for n in names for d in _DAYS) + names


def _t(name: str, *aliases: str, required: bool = False, filled: bool = False) -> Field:
    """A text field; ``required``: the column must be in the file; ``filled``: and every row must have a value."""
    return Field(name, aliases, "text", required=filled, optional=not (required or filled))


_COMMON = (
    _t("date", "Date"),
    _t("start_date", "Start Date"),
    _t("end_date", "End Date"),
    _t("portfolio", "Portfolio name", "Portfolio"),
    _t("currency", "Currency"),
    _t("impressions", "Impressions"),
    _t("clicks", "Clicks"),
    _t("spend", "Spend", "Cost", "Total cost"),
    _t("sales", *_windowed("Total Sales"), "Sales"),
    _t("orders", *_windowed("Total Orders (#)", "Total Orders"), "Orders", "Purchases"),
    _t("units", *_windowed("Total Units (#)", "Total Units"), "Units", "Units sold"),
    _t("advertised_units", *_windowed("Advertised SKU Units (#)", "Advertised ASIN Units (#)")),
    _t("other_units", *_windowed("Other SKU Units (#)", "Brand Halo ASIN Units (#)")),
    _t("advertised_sales", *_windowed("Advertised SKU Sales", "Advertised ASIN Sales")),
    _t("other_sales", *_windowed("Other SKU Sales", "Brand Halo ASIN Sales")),
    _t("cpc", "Cost Per Click (CPC)", "CPC"),
)
_TEXT_DIMS = (
    "portfolio", "campaign", "campaign_type", "campaign_status", "targeting_type", "bidding_strategy", "ad_group",
    "targeting", "match_type", "search_term", "placement", "advertised_sku", "advertised_asin", "purchased_asin",
)  # fmt: skip
_COUNTS = ("impressions", "clicks", "orders", "units", "advertised_units", "other_units", "other_orders")
_MONEY = ("spend", "sales", "advertised_sales", "other_sales", "campaign_budget")
# The grain of a row; campaign attributes at export time (portfolio, status, type, budget, bidding strategy)
# are not part of it: a later export of the same day and campaign is the same row.
_KEY_DIMS = (
    "source", "report_type", "marketplace_id", "period_start", "period_end", "campaign", "ad_group", "targeting",
    "match_type", "search_term", "placement", "advertised_sku", "advertised_asin", "purchased_asin",
)  # fmt: skip


def attribution_days(headers: list[str]) -> int | None:
    """7 or 14 (or 1/30) from the "N Day ..." headers of the orders/sales columns, else None."""
    for h in headers:
        if m := re.match(r"\s*(\d+)\s+Day\s", h):
            return int(m.group(1))
    return None


def _writer(report_type: str):  # noqa: ANN202
    def write(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
        return _write(con, ctx, report_type)

    return write


def _write(con, ctx: LoadContext, report_type: str) -> WriteCounts:  # noqa: ANN001
    cols: dict[str, str] = {}
    checks: dict[str, tuple[str, str, str]] = {}
    for name in _TEXT_DIMS:
        # Amazon's CSVs write a quote inside a quoted name as \"" : keep the quote, drop the backslash.
        cols[name] = (
            f"replace({text_sql(f'g.{name}')}, '\\\"', '\"')" if ctx.has(name) else "CAST(NULL AS VARCHAR)"
        )
    amounts = {}
    for name in (*_COUNTS, *_MONEY):
        if ctx.has(name):
            amounts[name] = f"g.{name}"
            checks[name] = (ctx.mapping[name], f"g.{name}", "bad_number")
        else:
            cols[name] = "CAST(NULL AS DOUBLE)"
    # The money sign of any amount of the row (Spend, Sales, Budget, CPC) names its currency.
    signs = [
        symbol_currency_sql(f"g.{n}") for n in ("spend", "sales", "cpc", "campaign_budget") if ctx.has(n)
    ]
    header_cur = next(
        (
            c
            for n in ("sales", "advertised_sales", "other_sales")
            if (c := currency_in_header(ctx.mapping.get(n)))
        ),
        None,
    )
    given = f"upper({text_sql('g.currency')})" if ctx.has("currency") else "NULL"
    cols["currency"] = (
        f"coalesce({given}, {', '.join(signs) + ', ' if signs else ''}{repr(header_cur) if header_cur else 'NULL'})"
    )
    if ctx.has("date"):
        first = day_first(ctx, "g.date")
        cols["period_start"] = cols["period_end"] = date_sql("g.date", dayfirst=first)
        checks["period_start"] = (ctx.mapping["date"], "g.date", "bad_date")
    else:
        end = "g.end_date" if ctx.has("end_date") else "g.start_date"
        first = day_first(ctx, "g.start_date") or day_first(ctx, end)
        cols["period_start"] = date_sql("g.start_date", dayfirst=first)
        cols["period_end"] = date_sql(end, dayfirst=first)
        checks["period_start"] = (ctx.mapping["start_date"], "g.start_date", "bad_date")
        if ctx.has("end_date"):
            checks["period_end"] = (ctx.mapping["end_date"], "g.end_date", "bad_date")
    typed_table(ctx, "_x_ad", cols, checks, money=amounts)
    ctx.quarantine_where(
        "_x_ad", "period_start IS NULL OR period_end IS NULL", ctx.mapping.get("date", ctx.mapping.get("start_date", "Date")),
        "NULL", "missing_required", "the row has no date (Date, or Start Date and End Date)",
    )  # fmt: skip
    days = attribution_days(list(ctx.mapping.values()))
    if not con.execute("SELECT count(currency) FROM _x_ad").fetchone()[0]:  # type: ignore[index]
        _reconcile_currency(con)
    market = market_of_currency_sql("a.currency")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_ad2 AS
            SELECT a.* EXCLUDE (period_start, period_end, currency), a.period_start, a.period_end, a.currency,
                   'amazon_ads' AS source, '{report_type}' AS report_type,
                   CASE WHEN {market} IS NOT NULL THEN 'amazon.' || {market} END AS marketplace_id, {market} AS market_code,
                   CASE WHEN a.period_start = a.period_end THEN 'day' ELSE 'range' END AS period,
                   CASE WHEN {market} IS NOT NULL AND a.advertised_asin IS NOT NULL
                        THEN 'amazon.' || {market} || ':' || a.advertised_asin END AS listing_id,
                   CAST({days if days else 'NULL'} AS INTEGER) AS attribution_days
            FROM _x_ad a"""
    )  # fmt: skip
    keep = [c for c in AD_PERFORMANCE.column_names if c not in {"row_key", "ingest_id"}]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_ad3 AS
            SELECT _row, {", ".join(keep)}, {key_sql([market_scope(ctx) if d == "marketplace_id" else d for d in _KEY_DIMS])} AS row_key
            FROM _x_ad2"""
    )
    stored, revised = insert_new(ctx, AD_PERFORMANCE, "_x_ad3", measures=(*_COUNTS, *_MONEY))
    return WriteCounts(
        stored=stored,
        duplicate=ctx.count("_x_ad3") - stored,
        extra={"report_type": report_type, "revised": revised},
    )


def _reconcile_currency(con) -> None:  # noqa: ANN001
    """A report without any currency (Performance Over Time) takes the currency of the stored daily reports
    whose spend per day equals its own: on at least 3 shared days, within half a cent on 90% of them, one
    currency and marketplace only. Otherwise its rows stay without currency and marketplace."""
    rows = con.execute(
        """WITH f AS (SELECT period_start AS d, sum(spend) AS sp FROM _x_ad WHERE period_start = period_end GROUP BY 1),
                s AS (SELECT currency, marketplace_id, report_type, period_start AS d, sum(spend) AS sp FROM ad_performance
                      WHERE period = 'day' AND currency IS NOT NULL AND spend IS NOT NULL GROUP BY ALL)
           SELECT currency, marketplace_id, count(*) AS n, avg(CASE WHEN abs(f.sp - s.sp) < 0.005 THEN 1.0 ELSE 0 END) AS ok
           FROM f JOIN s USING (d) GROUP BY currency, marketplace_id, report_type HAVING count(*) >= 3 AND ok >= 0.9"""
    ).fetchall()
    found = {(cur, mp) for cur, mp, _, _ in rows}
    if len(found) == 1:
        ((cur, _),) = found
        con.execute("UPDATE _x_ad SET currency = ?", [cur])


_CAMPAIGN = _t("campaign", "Campaign Name", "Campaign", filled=True)
_AD_GROUP = _t("ad_group", "Ad Group Name", "Ad Group", required=True)
_TARGETING = _t("targeting", "Targeting", "Keyword", required=True)
_MATCH = _t("match_type", "Match Type", required=True)

REPORT_TYPES: dict[str, tuple[tuple[Field, ...], str]] = {
    "campaign": (
        (_CAMPAIGN, _t("campaign_type", "Campaign Type", required=True), _t("campaign_status", "Status", "Campaign Status"),
         _t("campaign_budget", "Budget", "Campaign Budget", "Daily Budget"), _t("targeting_type", "Targeting Type"),
         _t("bidding_strategy", "Bidding strategy")),
        "Sponsored Products campaign report",
    ),
    "search_term": (
        (_CAMPAIGN, _AD_GROUP, _TARGETING, _MATCH, _t("search_term", "Customer Search Term", required=True)),
        "Sponsored Products search term report",
    ),
    "targeting": ((_CAMPAIGN, _AD_GROUP, _TARGETING, _MATCH), "Sponsored Products targeting (keyword) report"),
    "advertised_product": (
        (_CAMPAIGN, _AD_GROUP, _t("advertised_asin", "Advertised ASIN", required=True),
         _t("advertised_sku", "Advertised SKU")),
        "Sponsored Products advertised product report",
    ),
    "placement": (
        (_CAMPAIGN, _t("placement", "Placement", required=True), _t("bidding_strategy", "Bidding strategy")),
        "Sponsored Products placement report",
    ),
    "purchased_product": (
        (_CAMPAIGN, _AD_GROUP, _t("purchased_asin", "Purchased ASIN", required=True),
         _t("advertised_sku", "Advertised SKU"), _t("advertised_asin", "Advertised ASIN"),
         _t("targeting", "Targeting", "Keyword"), _t("match_type", "Match Type"),
         _t("other_orders", *_windowed("Other SKU Orders (#)", "Other SKU Orders"))),
        "Sponsored Products purchased product report",
    ),
}  # fmt: skip

for _name, (_fields, _desc) in REPORT_TYPES.items():
    _specific = {f.name for f in _fields}
    register(
        Layout(
            f"amazon_sp_{_name}", "ads", (*_fields, *(f for f in _COMMON if f.name not in _specific)),
            _writer(_name), _desc, order=46, source="amazon_ads",
            matcher=lambda h: any(x.strip().lower() in {"date", "start date"} for x in h),
        )
    )  # fmt: skip

register(
    Layout(
        "amazon_sp_performance_over_time", "ads",
        (_t("date", "Date", filled=True), _t("clicks", "Clicks", required=True),
         _t("cpc", "Cost Per Click (CPC)", required=True), _t("spend", "Spend", required=True),
         _t("impressions", "Impressions")),
        _writer("performance_over_time"), "Sponsored Products performance over time report (account per day)",
        order=47, source="amazon_ads",
    )
)  # fmt: skip
