"""Canonical tables of a seller's own marketplace exports: traffic, advertising, money movements, inventory.

Declared here (and appended to :data:`xborder.schema.canonical.TABLES`) so canonical.py stays readable.
Rows carry a ``row_key``: md5 over EVERY dimension of the row (source, marketplace, listing, period, ...)
plus its occurrence number among identical rows of the same file, so re-ingesting the same rows is
recognised as duplicates while rows differing in any dimension (another market, another day) never are.
"""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["LISTING_TRAFFIC", "AD_PERFORMANCE", "MONEY_MOVEMENTS", "INVENTORY_SNAPSHOTS", "SELLER_TABLES"]

_KEY = Column(
    "row_key",
    "VARCHAR",
    "md5 of every dimension of the row + its occurrence among identical rows of the file; duplicates are "
    "recognised by it.",
    nullable=False,
)
_INGEST = Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row (ingest_log.ingest_id).")
_MARKETPLACE = Column(
    "marketplace_id", "VARCHAR", "marketplaces.marketplace_id (amazon.US); NULL when the file does not say."
)
_MARKET = Column("market_code", "VARCHAR", "ISO 3166-1 alpha-2 market of the marketplace.")
_CURRENCY = Column("currency", "VARCHAR", "ISO 4217 currency of the money columns of the row.")


def _n(name: str, doc: str, unit: str | None = None) -> Column:
    return Column(name, "DOUBLE", doc, unit=unit)


LISTING_TRAFFIC = Table(
    "listing_traffic",
    "Traffic and sales per listing (child ASIN) or account and period, from Seller Central Business Reports "
    "and the Sales Dashboard.",
    owner="ingest",
    role="input",
    dated_by="period_start",
    columns=(
        _KEY,
        Column(
            "source",
            "VARCHAR",
            "Layout: amazon_business_report_by_asin | amazon_business_report_by_date | amazon_sales_dashboard.",
            nullable=False,
        ),
        _MARKETPLACE,
        _MARKET,
        Column(
            "listing_id",
            "VARCHAR",
            "listings.listing_id (<marketplace>:<child ASIN>); NULL for account totals.",
        ),
        Column(
            "product_id", "VARCHAR", "products.product_id (amazon:<child ASIN>); NULL for account totals."
        ),
        Column("parent_asin", "VARCHAR", "(Parent) ASIN as given."),
        Column("asin", "VARCHAR", "(Child) ASIN as given."),
        Column("sku", "VARCHAR", "Seller SKU when the report has one."),
        Column("title", "VARCHAR", "Listing title as given."),
        Column(
            "period",
            "VARCHAR",
            "day | week | month (spacing of the report's dates) | unstated (a by-ASIN report states no period).",
            nullable=False,
        ),
        Column("period_start", "DATE", "First day of the period (NULL when unstated)."),
        Column("period_end", "DATE", "Last day of the period, included (NULL when unstated)."),
        Column(
            "report_date", "DATE", "Date in the file name (BusinessReport-11-21-19 → 2019-11-21), when any."
        ),
        _n("sessions", "Sessions (visits to the detail page).", "sessions"),
        _n("session_share", "Sessions as a share of all the account's sessions.", "fraction"),
        _n("page_views", "Page views.", "views"),
        _n("page_view_share", "Page views as a share of all the account's page views.", "fraction"),
        _n(
            "buy_box_share",
            "Share of page views where the seller held the Buy Box (featured offer).",
            "fraction",
        ),
        _n("units_ordered", "Units ordered.", "units"),
        _n("conversion", "Unit session percentage: units ordered per session.", "fraction"),
        _n("ordered_sales", "Ordered product sales.", "currency"),
        _n("order_items", "Total order items.", "items"),
        _n("units_shipped", "Units shipped (monthly by-date report).", "units"),
        _n("shipped_sales", "Shipped product sales.", "currency"),
        _n("orders_shipped", "Orders shipped.", "orders"),
        _n("average_offer_count", "Average number of offers.", "offers"),
        _n("average_parent_items", "Average number of parent items.", "items"),
        _CURRENCY,
        _INGEST,
    ),
)

AD_PERFORMANCE = Table(
    "ad_performance",
    "Advertising performance rows of Amazon Sponsored Products reports (campaign, search term, targeting, "
    "advertised product, placement, purchased product, performance over time). Rows of different report_type "
    "describe the same spend at different grains: sum within one report_type only.",
    owner="ingest",
    role="input",
    dated_by="period_start",
    columns=(
        _KEY,
        Column("source", "VARCHAR", "amazon_ads.", nullable=False),
        Column(
            "report_type",
            "VARCHAR",
            "campaign | search_term | targeting | advertised_product | placement | purchased_product | "
            "performance_over_time.",
            nullable=False,
        ),
        _MARKETPLACE,
        _MARKET,
        Column(
            "period",
            "VARCHAR",
            "day (a daily row) | range (a summary row over period_start..period_end).",
            nullable=False,
        ),
        Column(
            "period_start", "DATE", "Day of the row, or first day of a summary row's period.", nullable=False
        ),
        Column(
            "period_end",
            "DATE",
            "Same as period_start for a daily row; last day of a summary row's period.",
            nullable=False,
        ),
        Column("portfolio", "VARCHAR", "Portfolio name."),
        Column("campaign", "VARCHAR", "Campaign name (Amazon's CSV escape \\\" undone)."),
        Column("campaign_type", "VARCHAR", "Campaign type (Sponsored Products)."),
        Column("campaign_status", "VARCHAR", "Campaign status at export (ENABLED, PAUSED, ARCHIVED)."),
        _n("campaign_budget", "Daily campaign budget.", "currency"),
        Column("targeting_type", "VARCHAR", "Automatic targeting | Manual targeting."),
        Column("bidding_strategy", "VARCHAR", "Bidding strategy."),
        Column("ad_group", "VARCHAR", "Ad group name."),
        Column("targeting", "VARCHAR", "Keyword or product target (Targeting)."),
        Column("match_type", "VARCHAR", "EXACT | PHRASE | BROAD | TARGETING_EXPRESSION ..."),
        Column(
            "search_term",
            "VARCHAR",
            "Customer search term (a query, not a person: Amazon reports it aggregated).",
        ),
        Column("placement", "VARCHAR", "Placement (Top of Search on-Amazon, Product pages on Amazon, ...)."),
        Column("advertised_sku", "VARCHAR", "Advertised SKU."),
        Column("advertised_asin", "VARCHAR", "Advertised ASIN."),
        Column("purchased_asin", "VARCHAR", "Purchased ASIN (purchased product report)."),
        Column("listing_id", "VARCHAR", "listings.listing_id of the advertised ASIN, when the row has one."),
        _n("impressions", "Impressions.", "impressions"),
        _n("clicks", "Clicks.", "clicks"),
        _n("spend", "Spend (cost of the clicks).", "currency"),
        _n("orders", "Orders attributed within attribution_days.", "orders"),
        _n("units", "Units attributed within attribution_days.", "units"),
        _n("sales", "Sales attributed within attribution_days.", "currency"),
        _n("advertised_units", "Units of the advertised SKU/ASIN.", "units"),
        _n("other_units", "Units of other SKUs (7-day) or brand-halo ASINs (14-day reports).", "units"),
        _n("advertised_sales", "Sales of the advertised SKU/ASIN.", "currency"),
        _n("other_sales", "Sales of other SKUs / brand-halo ASINs.", "currency"),
        _n("other_orders", "Orders of other SKUs (purchased product report).", "orders"),
        Column(
            "attribution_days",
            "INTEGER",
            "Attribution window of orders/units/sales: 7 or 14 (from the header).",
        ),
        _CURRENCY,
        _INGEST,
    ),
)

MONEY_MOVEMENTS = Table(
    "money_movements",
    "Money movements of a marketplace account from settlement and date-range (Custom Transaction) reports: "
    "orders, refunds, fees, FBA fees, storage, advertising, reimbursements, transfers (payouts), reserves. "
    "Signs as in the report: money to the seller positive, charges and transfers to the bank negative.",
    owner="ingest",
    role="input",
    dated_by="posted_at",
    columns=(
        _KEY,
        Column("source", "VARCHAR", "amazon_date_range_report | amazon_settlement_v2.", nullable=False),
        _MARKETPLACE,
        _MARKET,
        Column(
            "posted_at",
            "TIMESTAMP",
            "When the movement was posted (local time of the report).",
            nullable=False,
        ),
        Column(
            "time_zone", "VARCHAR", "Zone abbreviation the report printed (PST, PDT, UTC, ...), when any."
        ),
        Column("settlement_id", "VARCHAR", "Settlement (payout period) id."),
        Column(
            "category",
            "VARCHAR",
            "order | refund | selling_fee | fba_fee | storage | advertising | service_fee | promotion | "
            "reimbursement | adjustment | transfer | reserve | debt | tax | other.",
            nullable=False,
        ),
        Column("transaction_type", "VARCHAR", "Type as given (Order, Refund, Service Fee, Transfer, ...)."),
        Column("amount_type", "VARCHAR", "Settlement reports: amount-type (ItemPrice, ItemFees, ...)."),
        Column("description", "VARCHAR", "Description / amount-description as given."),
        Column("order_id", "VARCHAR", "Marketplace order id."),
        Column("sku", "VARCHAR", "Seller SKU."),
        _n("quantity", "Units of the order line.", "units"),
        Column("fulfillment", "VARCHAR", "Amazon (FBA) | Seller (FBM)."),
        Column(
            "tax_collection_model", "VARCHAR", "MarketplaceFacilitator when the marketplace collects the tax."
        ),
        _n("product_sales", "Product sales.", "currency"),
        _n("product_sales_tax", "Tax on product sales.", "currency"),
        _n("shipping_credits", "Shipping (postage) credits.", "currency"),
        _n("shipping_credits_tax", "Tax on shipping credits.", "currency"),
        _n("gift_wrap_credits", "Gift wrap credits.", "currency"),
        _n("gift_wrap_credits_tax", "Tax on gift wrap credits.", "currency"),
        _n("promotional_rebates", "Promotional rebates.", "currency"),
        _n("promotional_rebates_tax", "Tax on promotional rebates.", "currency"),
        _n("marketplace_withheld_tax", "Tax withheld by the marketplace.", "currency"),
        _n("selling_fees", "Selling (referral, closing) fees.", "currency"),
        _n("fba_fees", "FBA fulfilment fees.", "currency"),
        _n("other_transaction_fees", "Other transaction fees.", "currency"),
        _n("other", "Other amounts.", "currency"),
        _n("total", "Net amount of the movement.", "currency"),
        _CURRENCY,
        Column("settlement_start", "DATE", "Settlement period start (settlement reports)."),
        Column("settlement_end", "DATE", "Settlement period end (settlement reports)."),
        Column("deposit_date", "DATE", "Date the payout reached the bank (settlement reports)."),
        _INGEST,
    ),
)

INVENTORY_SNAPSHOTS = Table(
    "inventory_snapshots",
    "FBA inventory per SKU × snapshot date × location (and disposition), from the Manage FBA Inventory, "
    "Amazon-fulfilled inventory, inventory age, inventory health, restock, daily inventory and recommended "
    "removal reports. Different reports of one day are different rows (source): compare within one source.",
    owner="ingest",
    role="input",
    dated_by="snapshot_date",
    columns=(
        _KEY,
        Column(
            "source",
            "VARCHAR",
            "Layout name of the report (amazon_manage_fba_inventory, ...).",
            nullable=False,
        ),
        _MARKETPLACE,
        _MARKET,
        Column("snapshot_date", "DATE", "Day the stock was counted.", nullable=False),
        Column(
            "snapshot_date_source",
            "VARCHAR",
            "report (a column of the file) | given (--as-of or the mapping's snapshot_date) | file_name (a date in its "
            "name) | zip_member (the day its zip "
            "archive records for it) | ingest_day (the report has no date: the day it was ingested).",
            nullable=False,
        ),
        Column("sku", "VARCHAR", "Seller SKU."),
        Column("fnsku", "VARCHAR", "Fulfilment network SKU."),
        Column("asin", "VARCHAR", "ASIN."),
        Column(
            "listing_id",
            "VARCHAR",
            "listings.listing_id (<marketplace>:<ASIN>) when ASIN and marketplace are known.",
        ),
        Column("title", "VARCHAR", "Product name as given."),
        Column("condition", "VARCHAR", "Item condition (New, ...)."),
        Column("location", "VARCHAR", "Fulfilment centre id; NULL = all locations of the marketplace."),
        Column("disposition", "VARCHAR", "SELLABLE, CUSTOMER_DAMAGED, ... when the report splits by it."),
        _n(
            "on_hand",
            "Total units (fulfillable + unfulfillable + reserved [+ inbound where the report includes it]).",
            "units",
        ),
        _n("fulfillable", "Units available to sell.", "units"),
        _n("unfulfillable", "Units that cannot be sold (damaged, defective).", "units"),
        _n("reserved", "Units reserved (customer orders, FC transfers and processing).", "units"),
        _n("inbound", "Units on the way to the warehouse (working + shipped + receiving).", "units"),
        _n("inbound_working", "Inbound shipments being prepared.", "units"),
        _n("inbound_shipped", "Inbound shipments in transit.", "units"),
        _n("inbound_receiving", "Inbound units being received.", "units"),
        _n("researching", "Units under research (lost/misplaced).", "units"),
        _n("removal_in_progress", "Units with a removal order in progress.", "units"),
        _n("age_0_90", "Units aged 0-90 days.", "units"),
        _n("age_91_180", "Units aged 91-180 days.", "units"),
        _n("age_181_270", "Units aged 181-270 days.", "units"),
        _n("age_271_365", "Units aged 271-365 days.", "units"),
        _n("age_365_plus", "Units aged more than 365 days.", "units"),
        Column(
            "recommended_action",
            "VARCHAR",
            "Amazon's recommended action (Create Sale, Advertise listing, ...).",
        ),
        _n("recommended_removal_qty", "Units Amazon recommends removing.", "units"),
        _n("recommended_restock_qty", "Units Amazon recommends ordering.", "units"),
        Column("recommended_restock_date", "DATE", "Date by which Amazon recommends ordering."),
        _n("days_of_supply", "Days the stock lasts at the recent sales rate.", "days"),
        _n("units_shipped_7d", "Units shipped in the last 7 days.", "units"),
        _n("units_shipped_30d", "Units shipped (sold) in the last 30 days.", "units"),
        _n("units_shipped_90d", "Units shipped in the last 90 days.", "units"),
        _n("sales_30d", "Sales of the last 30 days.", "currency"),
        _n("price", "Your price.", "currency"),
        _CURRENCY,
        _INGEST,
    ),
)

SELLER_TABLES: tuple[Table, ...] = (LISTING_TRAFFIC, AD_PERFORMANCE, MONEY_MOVEMENTS, INVENTORY_SNAPSHOTS)
