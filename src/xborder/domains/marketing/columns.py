"""Column declarations shared by the marketing tables (account, measures, ratios, keys, match buckets)."""

from __future__ import annotations

from xborder.schema.table import Column

__all__ = ["RUN", "MP", "MARKET", "CUR", "number", "MEASURES", "RATIOS", "KEYS", "per_bucket"]

RUN = Column("run_id", "VARCHAR", "runs.run_id of the marketing run.", nullable=False)
MP = Column("marketplace_id", "VARCHAR", "ad_performance.marketplace_id (the ads account's marketplace).")
MARKET = Column("market_code", "VARCHAR", "ISO 3166-1 alpha-2 market of the marketplace.")
CUR = Column("currency", "VARCHAR", "ISO 4217 currency of the money columns of the row.")


def number(name: str, doc: str, unit: str | None = None) -> Column:
    """A DOUBLE column."""
    return Column(name, "DOUBLE", doc, unit=unit)


MEASURES = (
    number("impressions", "Impressions.", "impressions"),
    number("clicks", "Clicks.", "clicks"),
    number("spend", "Spend.", "currency"),
    number("orders", "Orders attributed to the ads (the report's window, 7 or 14 days).", "orders"),
    number("sales", "Sales attributed to the ads.", "currency"),
)
RATIOS = (
    number("ctr", "Click-through rate: clicks / impressions.", "fraction"),
    number("cpc", "Cost per click: spend / clicks.", "currency"),
    number("cvr", "Conversion rate: orders / clicks.", "fraction"),
    number("acos", "Advertising cost of sales: spend / sales.", "fraction"),
    number("roas", "Return on ad spend: sales / spend.", "ratio"),
)
KEYS = (
    Column("campaign", "VARCHAR", "Campaign name."),
    Column("ad_group", "VARCHAR", "Ad group name."),
    Column("targeting", "VARCHAR", "Keyword or product target."),
    Column("match_type", "VARCHAR", "EXACT | PHRASE | BROAD | TARGETING_EXPRESSION ..."),
    Column("search_term", "VARCHAR", "Customer search term."),
)


def per_bucket() -> tuple[Column, ...]:
    """Clicks and orders of a search term per match bucket (keyword matrix)."""
    out = []
    for b, what in (("exact", "exact keywords"), ("phrase", "phrase keywords"), ("broad", "broad keywords"),
                    ("auto", "automatic targeting"), ("product", "product/category targets")):  # fmt: skip
        out.append(number(f"{b}_clicks", f"Clicks of the term through {what}.", "clicks"))
        out.append(number(f"{b}_orders", f"Orders of the term through {what}.", "orders"))
    return tuple(out)
