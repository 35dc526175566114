"""Keepa exports (kind ``ranks``): best-seller rank, price, offers, rating and "Bought in past month" per ASIN.

Rows go to ``rank_snapshots`` (monthly_sold = "Bought in past month", which calibrates rank → sales), the
ASIN to ``listings`` (a competitor listing, own = FALSE) and ``products`` (``amazon:<ASIN>``).
The observation time is, in order: the mapping constant ``observed_at``; the footer "Exported on
YYYY-MM-DD HH:MM (UTC)" Keepa writes; a date in the sheet or file name; the latest "Last Price Change".
"""

from __future__ import annotations

import re
from dataclasses import replace

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.layouts.inventory import STOCK_FIELDS, write_snapshots
from xborder.ingest.products import upsert_products

__all__ = ["LOCALES", "observed_at", "HEALTH_STOCK", "INVENTORY_HEALTH"]

# Keepa locale / Amazon domain → (market, currency).
LOCALES = {
    "com": ("US", "USD"), "us": ("US", "USD"), "co.uk": ("GB", "GBP"), "uk": ("GB", "GBP"), "de": ("DE", "EUR"),
    "fr": ("FR", "EUR"), "it": ("IT", "EUR"), "es": ("ES", "EUR"), "co.jp": ("JP", "JPY"), "jp": ("JP", "JPY"),
    "ca": ("CA", "CAD"), "com.mx": ("MX", "MXN"), "in": ("IN", "INR"), "com.br": ("BR", "BRL"), "com.au": ("AU", "AUD"),
    "nl": ("NL", "EUR"), "se": ("SE", "SEK"), "pl": ("PL", "PLN"), "ae": ("AE", "AED"), "sa": ("SA", "SAR"),
}  # fmt: skip
_EXPORTED = re.compile(r"Exported on (\d{4}-\d{2}-\d{2} \d{2}:\d{2})")
_DATE = re.compile(r"(20\d{2})[-_](\d{1,2})[-_](\d{1,2})")


def observed_at(con, ctx: LoadContext) -> str:  # noqa: ANN001
    """The export time as 'YYYY-MM-DD HH:MM:SS' (see module docstring for the order of evidence)."""
    if ctx.const("observed_at"):
        return str(ctx.const("observed_at"))
    tail = con.execute(
        f"SELECT CAST(to_json(s) AS VARCHAR) FROM {ctx.stage} s WHERE _row > (SELECT max(_row) - 3 FROM {ctx.stage})"
    ).fetchall()  # Keepa writes its footer in the last row
    for (v,) in tail:
        if m := _EXPORTED.search(v or ""):
            return m.group(1) + ":00"
    for name in (ctx.const("_sheet") or "", ctx.file_name):
        if m := _DATE.search(name):
            return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d} 00:00:00"
    if ctx.has("last_change"):
        v = con.execute(f"SELECT max(last_change) FROM {ctx.good}").fetchone()[0]  # type: ignore[index]
        if v is not None:
            return str(v)
    return "1970-01-01 00:00:00"


def _write(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    g = ctx.good
    when = observed_at(con, ctx)
    cases = " ".join(f"WHEN '{k}' THEN '{v[0]}'" for k, v in LOCALES.items())
    cur = " ".join(f"WHEN '{v[0]}' THEN '{v[1]}'" for v in dict.fromkeys(LOCALES.values()))
    locale = "lower(g.locale)" if ctx.has("locale") else "NULL"
    url = "lower(regexp_extract(g.url, 'amazon\\.([a-z.]+)/', 1))" if ctx.has("url") else "NULL"
    default = ctx.const("market")
    market = f"coalesce(CASE {locale} {cases} END, CASE {url} {cases} END{', ' + repr(default) if default else ''})"

    def f(name: str) -> str:
        return f"g.{name}" if ctx.has(name) else "NULL"

    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_ranks AS
            SELECT g._row, g.asin, {market} AS market, {f("title")} AS title, {f("category")} AS category,
                   CAST({f("rank")} AS BIGINT) AS rank, {f("price")} AS price, CAST({f("offers")} AS INTEGER) AS offers,
                   {f("bought")} AS monthly_sold, {f("rating")} AS rating, CAST({f("rating_count")} AS BIGINT) AS rating_count
            FROM {g} g"""
    )
    ctx.quarantine_where(
        "_x_ranks", "market IS NULL", "Locale", "asin", "unknown_market",
        "cannot tell the Amazon marketplace: add a Locale/URL column or constants.market in a mapping file",
    )  # fmt: skip
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_new_ranks AS
            SELECT r.*, 'amazon.' || r.market || ':' || r.asin AS listing_id, CASE r.market {cur} END AS currency
            FROM _x_ranks r WHERE NOT EXISTS (SELECT 1 FROM rank_snapshots s
              WHERE s.listing_id = 'amazon.' || r.market || ':' || r.asin AND s.observed_at = TIMESTAMP '{when}')
            QUALIFY row_number() OVER (PARTITION BY r.market, r.asin ORDER BY r._row) = 1"""
    )
    con.execute(
        f"""INSERT INTO rank_snapshots SELECT listing_id, TIMESTAMP '{when}', rank, category, price, currency, offers,
                   monthly_sold, rating, rating_count, '{ctx.ingest_id}' FROM _x_new_ranks"""
    )
    con.execute(
        f"""INSERT OR IGNORE INTO listings (listing_id, product_id, marketplace_id, external_id, own, title, category,
                   price, currency, first_seen, ingest_id)
            SELECT listing_id, 'amazon:' || asin, 'amazon.' || market, asin, FALSE, title, category, price, currency,
                   CAST(TIMESTAMP '{when}' AS DATE), '{ctx.ingest_id}' FROM _x_new_ranks"""
    )
    upsert_products(
        con, ctx,
        "SELECT 'amazon:' || asin AS product_id, 'amazon' AS source, asin AS source_key, any_value(title) AS title, "
        "TRUE AS is_product FROM _x_new_ranks GROUP BY asin",
    )  # fmt: skip
    stored = ctx.count("_x_new_ranks")
    return WriteCounts(stored=stored, duplicate=ctx.count("_x_ranks") - stored, extra={"observed_at": when})


register(
    Layout(
        "keepa_export", "ranks",
        (Field("asin", ("ASIN",), required=True), Field("title", ("Title",), optional=True),
         Field("rank", ("Sales Rank: Current",), "number"), Field("bought", ("Bought in past month",), "number", optional=True),
         Field("rating", ("Reviews: Rating",), "number", optional=True),
         Field("rating_count", ("Reviews: Rating Count", "Reviews: Review Count"), "number", optional=True),
         Field("price", ("Buy Box 🚚: Current", "Buy Box: Current"), "number", optional=True),
         Field("offers", ("New Offer Count: Current",), "number", optional=True),
         Field("locale", ("Locale",), optional=True), Field("url", ("URL: Amazon",), optional=True),
         Field("category", ("Categories: Root",), optional=True),
         Field("last_change", ("Last Price Change",), "timestamp", optional=True, date_formats=("%Y/%m/%d %H:%M",))),
        _write, "Keepa export (ASIN, Sales Rank: Current, ...)", order=50, source="keepa",
    )
)  # fmt: skip


_CURRENCY_MARKET = {"USD": "US", "GBP": "GB", "CAD": "CA", "JPY": "JP", "INR": "IN", "MXN": "MX", "AUD": "AU",
                    "AED": "AE", "BRL": "BR", "SEK": "SE", "PLN": "PL"}  # fmt: skip


def _write_inventory_health(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    """Seller Central "Inventory Health": the seller's own rank and units shipped in the last 30 days per ASIN
    (summed over the ASIN's SKUs) — real rank ↔ sales pairs."""
    g = ctx.good
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _CURRENCY_MARKET.items())
    default = ctx.const("market")
    market = f"coalesce({repr(default) if default else 'NULL'}, CASE upper(g.currency) {cases} END)"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _x_ih AS SELECT g.*, {market} AS market FROM {g} g""")
    ctx.quarantine_where(
        "_x_ih", "market IS NULL", "currency", "currency", "unknown_market",
        "cannot tell the marketplace from the currency: set constants.market in a mapping file",
    )  # fmt: skip
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _x_ih_groups AS
           SELECT 'amazon.' || market || ':' || asin AS listing_id, CAST(snapshot AS TIMESTAMP) AS observed_at,
                  min(nullif(rank, 0)) AS rank, any_value(product_group) AS rank_category, max(price) AS price,
                  any_value(upper(currency)) AS currency, max(offers) AS offers, sum(units_30d) AS monthly_sold,
                  any_value(title) AS title, any_value(asin) AS asin, any_value(market) AS market, count(*) AS n_rows
           FROM _x_ih GROUP BY 1, 2"""
    )
    con.execute(
        """DELETE FROM _x_ih_groups x WHERE EXISTS (SELECT 1 FROM rank_snapshots s
             WHERE s.listing_id = x.listing_id AND s.observed_at = x.observed_at)"""
    )
    con.execute(
        f"""INSERT INTO rank_snapshots SELECT listing_id, observed_at, CAST(rank AS BIGINT), rank_category, price, currency,
               CAST(offers AS INTEGER), monthly_sold, NULL, NULL, '{ctx.ingest_id}' FROM _x_ih_groups"""
    )
    con.execute(
        f"""INSERT OR IGNORE INTO listings (listing_id, product_id, marketplace_id, external_id, own, title, category,
                   price, currency, first_seen, ingest_id)
            SELECT listing_id, 'amazon:' || asin, 'amazon.' || market, asin, TRUE, title, rank_category, price, currency,
                   CAST(observed_at AS DATE), '{ctx.ingest_id}' FROM _x_ih_groups"""
    )
    upsert_products(
        con, ctx,
        "SELECT 'amazon:' || asin AS product_id, 'amazon' AS source, asin AS source_key, any_value(title) AS title, "
        "TRUE AS is_product FROM _x_ih_groups GROUP BY asin",
    )  # fmt: skip
    ranked = {int(r[0]) for r in con.execute(
        "SELECT i._row FROM _x_ih i JOIN _x_ih_groups x ON x.listing_id = 'amazon.' || i.market || ':' || i.asin"
    ).fetchall()}  # fmt: skip
    # The stock columns of each SKU row also go to inventory_snapshots (one row per SKU and snapshot).
    stock = write_snapshots(ctx, "amazon_inventory_health", HEALTH_STOCK, market="g.market", rows="_x_ih")
    stored = len(ranked | stock)
    return WriteCounts(
        stored=stored, duplicate=ctx.count("_x_ih") - stored,
        extra={"rank_rows": len(ranked), "inventory_rows": len(stock)},
    )  # fmt: skip


# inventory_snapshots column → SQL over a health report row (see layouts/inventory.py).
HEALTH_STOCK = {
    "sku": "g.sku", "fnsku": "g.fnsku", "asin": "g.asin", "title": "g.title", "condition": "g.condition",
    "on_hand": "g.total_qty", "fulfillable": "g.sellable", "unfulfillable": "g.unsellable",
    **{f.name: f"g.{f.name}" for f in STOCK_FIELDS}, "units_shipped_30d": "g.units_30d", "price": "g.price",
    "currency": "upper(g.currency)", "inbound": "g.inbound", "recommended_restock_qty": "g.inbound_recommend",
    "days_of_supply": "TRY_CAST(g.weeks_cover_30 AS DOUBLE) * 7",
}  # fmt: skip


INVENTORY_HEALTH = register(
    Layout(
        "amazon_inventory_health", "ranks",
        (Field("snapshot", ("snapshot-date",), "timestamp", required=True), Field("asin", ("asin",), required=True),
         Field("title", ("product-name",), optional=True), Field("rank", ("sales-rank",), "number"),
         Field("product_group", ("product-group",), optional=True),
         Field("units_30d", ("units-shipped-last-30-days",), "number", required=True),
         Field("price", ("your-price",), "number", optional=True), Field("currency", ("currency",)),
         Field("offers", ("num-afn-new-sellers",), "number", optional=True),
         Field("sku", ("sku",), optional=True), Field("fnsku", ("fnsku",), optional=True),
         Field("condition", ("condition",), optional=True),
         Field("total_qty", ("total-quantity",), "number", optional=True),
         Field("sellable", ("sellable-quantity",), "number", optional=True),
         Field("unsellable", ("unsellable-quantity",), "number", optional=True), *STOCK_FIELDS,
         Field("inbound", ("in-bound-quantity",), "number", optional=True),
         Field("inbound_recommend", ("inbound-recommend-quantity",), "number", optional=True),
         Field("weeks_cover_30", ("weeks-of-cover-t30",), optional=True)),
        _write_inventory_health, "Amazon Seller Central Inventory Health report", order=50, source="amazon",
    )
)  # fmt: skip

# `--as inventory` accepts the Inventory Health report too (same reading; recognised as ranks without --as).
register(replace(INVENTORY_HEALTH, kind="inventory", order=51))
