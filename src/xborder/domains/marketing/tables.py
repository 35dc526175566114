"""The tables the marketing stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["AD_METRICS", "AD_TACOS", "AD_SUGGESTIONS", "AD_RULE_REPLAY", "LISTING_FUNNEL", "TABLES"]

_RUN = Column("run_id", "VARCHAR", "runs.run_id of the marketing run.", nullable=False)
_MP = Column("marketplace_id", "VARCHAR", "ad_performance.marketplace_id (the ads account's marketplace).")
_MARKET = Column("market_code", "VARCHAR", "ISO 3166-1 alpha-2 market of the marketplace.")
_CUR = Column("currency", "VARCHAR", "ISO 4217 currency of the money columns of the row.")


def _n(name: str, doc: str, unit: str | None = None) -> Column:
    return Column(name, "DOUBLE", doc, unit=unit)


_MEASURES = (
    _n("impressions", "Impressions.", "impressions"),
    _n("clicks", "Clicks.", "clicks"),
    _n("spend", "Spend.", "currency"),
    _n("orders", "Orders attributed to the ads (the report's window, 7 or 14 days).", "orders"),
    _n("sales", "Sales attributed to the ads.", "currency"),
)
_RATIOS = (
    _n("ctr", "Click-through rate: clicks / impressions.", "fraction"),
    _n("cpc", "Cost per click: spend / clicks.", "currency"),
    _n("cvr", "Conversion rate: orders / clicks.", "fraction"),
    _n("acos", "Advertising cost of sales: spend / sales.", "fraction"),
    _n("roas", "Return on ad spend: sales / spend.", "ratio"),
)
_KEYS = (
    Column("campaign", "VARCHAR", "Campaign name."),
    Column("ad_group", "VARCHAR", "Ad group name."),
    Column("targeting", "VARCHAR", "Keyword or product target."),
    Column("match_type", "VARCHAR", "EXACT | PHRASE | BROAD | TARGETING_EXPRESSION ..."),
    Column("search_term", "VARCHAR", "Customer search term."),
)

AD_METRICS = Table(
    "ad_metrics",
    "Sponsored Products metrics per grain (campaign, ad group, keyword, search term, placement, day, advertised "
    "product, product × day) and account, summed within one report type (docs/marketing.md).",
    owner="marketing",
    columns=(
        _RUN,
        Column(
            "grain",
            "VARCHAR",
            "campaign | ad_group | keyword | search_term | placement | day | product | product_day.",
            nullable=False,
        ),
        _MP,
        _MARKET,
        _CUR,
        Column("report_type", "VARCHAR", "ad_performance.report_type the row was summed from."),
        *_KEYS,
        Column("placement", "VARCHAR", "Placement."),
        Column("listing_id", "VARCHAR", "Advertised listing (product grains)."),
        Column("product_id", "VARCHAR", "products.product_id of the advertised listing (product grains)."),
        Column("period_start", "DATE", "The day (day grains), or the first day covered."),
        Column("period_end", "DATE", "Last day covered."),
        Column("days", "INTEGER", "Distinct days (or summary periods) with data.", unit="days"),
        *_MEASURES,
        *_RATIOS,
        _n(
            "break_even_acos",
            "Product grain: unit margin before advertising / price from the latest landed-cost run (NULL: "
            "unknown).",
            "fraction",
        ),
    ),
)

AD_TACOS = Table(
    "ad_tacos",
    "Total advertising cost of sales per account and business-report period: ad spend / total ordered sales.",
    owner="marketing",
    columns=(
        _RUN,
        _MP,
        _CUR,
        Column("period", "VARCHAR", "day | week | month (the business report's period).", nullable=False),
        Column("period_start", "DATE", "First day of the period.", nullable=False),
        Column("period_end", "DATE", "Last day of the period, included.", nullable=False),
        _n("ad_spend", "Ad spend over the period.", "currency"),
        _n("ad_sales", "Sales attributed to ads over the period.", "currency"),
        _n(
            "total_sales",
            "Ordered product sales of the account (business report or sales dashboard).",
            "currency",
        ),
        _n("tacos", "ad_spend / total_sales.", "fraction"),
        _n("ad_share", "ad_sales / total_sales.", "fraction"),
    ),
)

AD_SUGGESTIONS = Table(
    "ad_suggestions",
    "Bid and keyword suggestions with their numbers and the money at stake; never applied by xborder.",
    owner="marketing",
    columns=(
        _RUN,
        Column(
            "action",
            "VARCHAR",
            "pause_keyword | lower_bid | raise_bid | harvest_exact | add_negative | weekday_bid.",
            nullable=False,
        ),
        Column("grain", "VARCHAR", "keyword | search_term | campaign_weekday.", nullable=False),
        _MP,
        _MARKET,
        _CUR,
        *_KEYS,
        Column("period_start", "DATE", "First day of the evidence."),
        Column("period_end", "DATE", "Last day of the evidence."),
        _n("clicks", "Clicks in the evidence.", "clicks"),
        _n("spend", "Spend in the evidence.", "currency"),
        _n("orders", "Orders in the evidence.", "orders"),
        _n("sales", "Sales in the evidence.", "currency"),
        _n("acos", "ACoS in the evidence.", "fraction"),
        _n("cpc", "Average cost per click in the evidence.", "currency"),
        _n("target_acos", "ACoS target used.", "fraction"),
        Column("target_source", "VARCHAR", "break_even (the advertised product's) | default (setting)."),
        _n("suggested_bid", "Suggested bid (lower/raise bid, harvest).", "currency"),
        _n("money_at_stake", "Money the suggestion is about (kind in money_kind).", "currency"),
        Column(
            "money_kind",
            "VARCHAR",
            "spend (spent without an order) | excess_spend (above target) | headroom (spend still allowed at "
            "target) | sales (of a term to harvest).",
        ),
        Column("message", "VARCHAR", "JSON {code, args} of the explanation."),
        Column("text_en", "VARCHAR", "The explanation in English."),
        Column("text_zh", "VARCHAR", "The explanation in Chinese."),
        Column("weekday", "VARCHAR", "weekday_bid: the weekday (Monday ... Sunday)."),
        _n(
            "bid_modifier",
            "weekday_bid: suggested bid change on that weekday (-0.2 = 20% lower).",
            "fraction",
        ),
    ),
)

AD_RULE_REPLAY = Table(
    "ad_rule_replay",
    "The stopping rules replayed day by day on daily ads rows: spend they would have saved, sales at risk.",
    owner="marketing",
    columns=(
        _RUN,
        _MP,
        _CUR,
        Column("grain", "VARCHAR", "campaign | keyword: what the rule stops.", nullable=False),
        Column("rule", "VARCHAR", "no_orders | above_target.", nullable=False),
        Column("min_clicks", "INTEGER", "Clicks needed before the rule acts.", unit="clicks"),
        _n("target_acos", "ACoS target of above_target.", "fraction"),
        Column("period_start", "DATE", "First day replayed."),
        Column("period_end", "DATE", "Last day replayed."),
        Column("keys", "INTEGER", "Campaigns or keywords replayed."),
        Column("keys_stopped", "INTEGER", "Of them, stopped by the rule."),
        _n("spend", "All spend of the days replayed.", "currency"),
        _n("sales", "All ad sales of the days replayed.", "currency"),
        _n("spend_saved", "Spend after the stop.", "currency"),
        _n("sales_at_risk", "Ad sales after the stop.", "currency"),
        _n("orders_at_risk", "Ad orders after the stop.", "orders"),
        _n(
            "stopped_acos",
            "spend_saved / sales_at_risk: stopping raised profit where the margin before ads is below it.",
            "fraction",
        ),
    ),
)

LISTING_FUNNEL = Table(
    "listing_funnel",
    "Conversion funnel per listing row of the business reports: sessions → page views → order items → units.",
    owner="marketing",
    columns=(
        _RUN,
        _MP,
        _CUR,
        Column("listing_id", "VARCHAR", "listings.listing_id.", nullable=False),
        Column("parent_asin", "VARCHAR", "(Parent) ASIN as given (a child under two parents is two rows)."),
        Column("asin", "VARCHAR", "(Child) ASIN."),
        Column("title", "VARCHAR", "Listing title."),
        Column("period", "VARCHAR", "listing_traffic.period (unstated for by-ASIN reports)."),
        Column("period_start", "DATE", "First day of the period, when stated."),
        Column("period_end", "DATE", "Last day of the period, when stated."),
        Column("report_date", "DATE", "Date in the report's file name."),
        _n("sessions", "Sessions.", "sessions"),
        _n("page_views", "Page views.", "views"),
        _n("order_items", "Order items.", "items"),
        _n("units_ordered", "Units ordered.", "units"),
        _n("ordered_sales", "Ordered product sales.", "currency"),
        _n("buy_box_share", "Buy Box share of page views.", "fraction"),
        _n("views_per_session", "page_views / sessions.", "ratio"),
        _n("order_rate", "order_items / sessions.", "fraction"),
        _n("unit_session", "units_ordered / sessions (Amazon's unit session percentage).", "fraction"),
        _n("sales_per_session", "ordered_sales / sessions.", "currency"),
    ),
)

TABLES = (AD_METRICS, AD_TACOS, AD_SUGGESTIONS, AD_RULE_REPLAY, LISTING_FUNNEL)
