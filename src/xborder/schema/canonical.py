"""Canonical tables that ingest fills from real exports (the inputs of every domain), and reference tables."""

from __future__ import annotations

from xborder.schema.seller import AD_PERFORMANCE, INVENTORY_SNAPSHOTS, LISTING_TRAFFIC, MONEY_MOVEMENTS
from xborder.schema.table import Column, Table

__all__ = [
    "MARKETS",
    "MARKETPLACES",
    "PRODUCTS",
    "LISTINGS",
    "ORDER_HEADERS",
    "ORDER_LINES",
    "CUSTOMER_LINKS",
    "SALES",
    "RANK_SNAPSHOTS",
    "SEARCH_TRENDS",
    "REVIEWS",
    "SUPPLIERS",
    "SUPPLIER_OFFERS",
    "FX_RATES",
    "SOURCE_CATEGORY_NAMES",
    "PRODUCT_CATEGORY_OVERRIDES",
    "LISTING_TRAFFIC",
    "AD_PERFORMANCE",
    "MONEY_MOVEMENTS",
    "INVENTORY_SNAPSHOTS",
    "TABLES",
]

MARKETS = Table(
    "markets",
    "Countries a product can be sold in (ISO 3166-1 alpha-2), seeded from the rule base.",
    owner="ingest",
    role="reference",
    primary_key=("market_code",),
    columns=(
        Column("market_code", "VARCHAR", "ISO 3166-1 alpha-2 code, e.g. DE."),
        Column("name", "VARCHAR", "English name of the market.", nullable=False),
        Column("currency", "VARCHAR", "ISO 4217 currency of prices in this market."),
        Column("language", "VARCHAR", "Main ISO 639-1 language of buyers."),
        Column("region", "VARCHAR", "Customs/trade region (EU, GCC, ASEAN, ...) where it matters."),
    ),
)

MARKETPLACES = Table(
    "marketplaces",
    "A platform in a market, named platform.market (amazon.DE, shopee.SG, shop.GB for an own web shop).",
    owner="ingest",
    role="reference",
    primary_key=("marketplace_id",),
    columns=(
        Column("marketplace_id", "VARCHAR", "platform.MARKET, e.g. amazon.DE."),
        Column(
            "platform",
            "VARCHAR",
            "amazon, temu, tiktok, shopee, mercadolibre, shop (own shop), ...",
            nullable=False,
        ),
        Column("market_code", "VARCHAR", "ISO 3166-1 alpha-2 market the marketplace sells to."),
        Column("currency", "VARCHAR", "ISO 4217 currency the marketplace prices in."),
    ),
)

PRODUCTS = Table(
    "products",
    "Every product seen in any source, own or competitor, with the attributes that drive cost and compliance.",
    owner="ingest",
    role="input",
    primary_key=("product_id",),
    columns=(
        Column("product_id", "VARCHAR", "Stable id: <source>:<source_key>, e.g. uci:85123A."),
        Column("source", "VARCHAR", "Source system or dataset the product came from.", nullable=False),
        Column(
            "source_key", "VARCHAR", "The product's id in its source (StockCode, ASIN, Olist product_id)."
        ),
        Column("title", "VARCHAR", "Product title or description as given by the source."),
        Column("category", "VARCHAR", "Category id in the xborder taxonomy (see docs/taxonomy.md)."),
        Column(
            "category_confidence",
            "DOUBLE",
            "Confidence of the category in [0, 1]; 1 for source-given or user-overridden categories.",
        ),
        Column("category_source", "VARCHAR", "source | rules | override: where the category came from."),
        Column("brand", "VARCHAR", "Brand name when known."),
        Column("weight_kg", "DOUBLE", "Shipping weight, kg.", unit="kg"),
        Column("length_cm", "DOUBLE", "Package length, cm.", unit="cm"),
        Column("width_cm", "DOUBLE", "Package width, cm.", unit="cm"),
        Column("height_cm", "DOUBLE", "Package height, cm.", unit="cm"),
        Column(
            "dims_estimated",
            "BOOLEAN",
            "TRUE when weight/dimensions are a documented estimate rather than source data.",
            default="FALSE",
        ),
        Column("hs_code", "VARCHAR", "Harmonized System code (6+ digits) when known."),
        Column("origin_country", "VARCHAR", "ISO 3166-1 alpha-2 country of origin (manufacture)."),
        Column(
            "is_product",
            "BOOLEAN",
            "FALSE for non-product lines (postage, fees, manual adjustments).",
            default="TRUE",
        ),
        Column("battery", "BOOLEAN", "Contains or ships with a battery."),
        Column("radio", "BOOLEAN", "Has a radio/wireless function (Wi-Fi, Bluetooth, ...)."),
        Column("electrical", "BOOLEAN", "Mains-powered or electrical/electronic equipment."),
        Column("for_children", "BOOLEAN", "Designed or intended for children (toys, childcare)."),
        Column("food_contact", "BOOLEAN", "Comes into contact with food."),
        Column("attributes", "JSON", "Other attributes as JSON (battery_wh, age_min, fibre content, ...)."),
        Column("ingest_id", "VARCHAR", "Ingest batch that last wrote the row (ingest_log.ingest_id)."),
    ),
)

LISTINGS = Table(
    "listings",
    "A product offered on a marketplace, own or a competitor's.",
    owner="ingest",
    role="input",
    primary_key=("listing_id",),
    dated_by="first_seen",
    columns=(
        Column("listing_id", "VARCHAR", "Stable id: <marketplace_id>:<external_id>."),
        Column("product_id", "VARCHAR", "products.product_id when the listing maps to a known product."),
        Column("marketplace_id", "VARCHAR", "marketplaces.marketplace_id."),
        Column("external_id", "VARCHAR", "ASIN, item id, SKU on the marketplace."),
        Column(
            "own", "BOOLEAN", "TRUE for the user's own listing, FALSE for a competitor's.", default="TRUE"
        ),
        Column("seller", "VARCHAR", "Seller or brand name shown on the listing."),
        Column("title", "VARCHAR", "Listing title."),
        Column("category", "VARCHAR", "Marketplace category path or xborder category."),
        Column("price", "DOUBLE", "Last known price in currency."),
        Column("currency", "VARCHAR", "ISO 4217 currency of price."),
        Column("first_seen", "DATE", "First date the listing was observed (for new-entrant share)."),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
    ),
)

ORDER_HEADERS = Table(
    "order_headers",
    "Order-level facts of exports that split orders and lines into two tables (Olist); order_lines joins to it.",
    owner="ingest",
    role="input",
    primary_key=("source", "order_id"),
    columns=(
        Column("source", "VARCHAR", "Source dataset or system."),
        Column("order_id", "VARCHAR", "Order id as in the source."),
        Column("ordered_at", "TIMESTAMP", "Purchase time (local time of the source).", nullable=False),
        Column(
            "customer_key",
            "VARCHAR",
            "Keyed hash (HMAC-SHA256) of the customer id; raw ids are never stored.",
            personal=True,
        ),
        Column(
            "status", "VARCHAR", "sold | cancelled | returned (mapped from source_status).", nullable=False
        ),
        Column("source_status", "VARCHAR", "Status as given by the source (delivered, canceled, ...)."),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2 country of the buyer."),
        Column("region", "VARCHAR", "State/region code of the buyer when given (e.g. SP)."),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
    ),
)

ORDER_LINES = Table(
    "order_lines",
    "One row per order line from shop/ERP/marketplace order exports.",
    owner="ingest",
    role="input",
    dated_by="ordered_at",
    columns=(
        Column(
            "line_key",
            "VARCHAR",
            "Deterministic key of the line (source + order + line content); duplicates are recognised by it.",
            nullable=False,
        ),
        Column("source", "VARCHAR", "Source dataset or system.", nullable=False),
        Column("order_id", "VARCHAR", "Order/invoice number as in the source.", nullable=False),
        Column("line_no", "INTEGER", "Position of the line in its order (1-based) when known."),
        Column("ordered_at", "TIMESTAMP", "Order time (local time of the source).", nullable=False),
        Column(
            "customer_key",
            "VARCHAR",
            "Keyed hash (HMAC-SHA256) of the customer id; raw ids are never stored.",
            personal=True,
        ),
        Column("product_id", "VARCHAR", "products.product_id."),
        Column(
            "marketplace_id", "VARCHAR", "marketplaces.marketplace_id (shop.<country> for own web shops)."
        ),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2 country of the buyer (the market)."),
        Column(
            "quantity",
            "DOUBLE",
            "Units, always positive; the status says whether sold, cancelled or returned.",
            nullable=False,
        ),
        Column("unit_price", "DOUBLE", "Price per unit in currency."),
        Column("currency", "VARCHAR", "ISO 4217 currency of unit_price."),
        Column("status", "VARCHAR", "sold | cancelled | returned.", nullable=False),
        Column(
            "is_product",
            "BOOLEAN",
            "FALSE for non-product lines (postage, bank charges, manual, fees).",
            default="TRUE",
        ),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
    ),
)

CUSTOMER_LINKS = Table(
    "customer_links",
    "Links a per-order customer id to the person-level customer id (Olist customer_id → customer_unique_id), both pseudonymised.",
    owner="ingest",
    role="input",
    primary_key=("source", "source_customer_key"),
    columns=(
        Column("source", "VARCHAR", "Source dataset or system."),
        Column("source_customer_key", "VARCHAR", "HMAC-SHA256 of the per-order customer id.", personal=True),
        Column(
            "customer_key",
            "VARCHAR",
            "HMAC-SHA256 of the person-level customer id (used in order_lines).",
            personal=True,
            nullable=False,
        ),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2 country of the customer."),
        Column("region", "VARCHAR", "State/region code when given."),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
    ),
)

SALES = Table(
    "sales",
    "Aggregated sales per product/listing and period, actual (from the seller) or estimated (e.g. from rank).",
    owner="ingest",
    role="input",
    dated_by="period_start",
    columns=(
        Column("listing_id", "VARCHAR", "listings.listing_id when known."),
        Column("product_id", "VARCHAR", "products.product_id."),
        Column("marketplace_id", "VARCHAR", "marketplaces.marketplace_id."),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2 market."),
        Column("period", "VARCHAR", "day | week | month.", nullable=False),
        Column("period_start", "DATE", "First day of the period.", nullable=False),
        Column("units", "DOUBLE", "Units sold in the period."),
        Column("revenue", "DOUBLE", "Revenue in currency."),
        Column("currency", "VARCHAR", "ISO 4217 currency of revenue."),
        Column("source", "VARCHAR", "actual | estimated.", nullable=False),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
    ),
)

RANK_SNAPSHOTS = Table(
    "rank_snapshots",
    "Marketplace best-seller rank and price observations (Keepa, inventory reports).",
    owner="ingest",
    role="input",
    dated_by="observed_at",
    columns=(
        Column("listing_id", "VARCHAR", "listings.listing_id.", nullable=False),
        Column("observed_at", "TIMESTAMP", "When the rank was observed.", nullable=False),
        Column("rank", "BIGINT", "Best-seller rank in rank_category (1 = best)."),
        Column("rank_category", "VARCHAR", "Category the rank is in."),
        Column("price", "DOUBLE", "Price at observation, in currency."),
        Column("currency", "VARCHAR", "ISO 4217 currency."),
        Column("offers", "INTEGER", "Number of offers/sellers."),
        Column(
            "monthly_sold",
            "DOUBLE",
            'Marketplace "bought in past month" figure or known units/month, when shown (calibrates rank to sales).',
        ),
        Column("rating", "DOUBLE", "Average star rating at observation."),
        Column("rating_count", "BIGINT", "Number of ratings at observation."),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
    ),
)

SEARCH_TRENDS = Table(
    "search_trends",
    "Search interest over time per keyword and market (Google Trends 0-100 index).",
    owner="ingest",
    role="input",
    dated_by="ds",
    columns=(
        Column("keyword", "VARCHAR", "Search term.", nullable=False),
        Column("market_code", "VARCHAR", "ISO 3166-1 alpha-2 market, or WW for worldwide.", nullable=False),
        Column("ds", "DATE", "Start of the period.", nullable=False),
        Column("value", "DOUBLE", 'Relative interest 0-100 ("<1" stored as 0.5).'),
        Column("freq", "VARCHAR", "week | month | day."),
        Column("source", "VARCHAR", "google_trends or another provider.", nullable=False),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
    ),
)

REVIEWS = Table(
    "reviews",
    "Customer reviews and labelled review sentences.",
    owner="ingest",
    role="input",
    primary_key=("review_id",),
    dated_by="reviewed_at",
    columns=(
        Column("review_id", "VARCHAR", "Stable id: <source>:<source id or content hash>."),
        Column("product_id", "VARCHAR", "products.product_id (or a category-level pseudo product)."),
        Column("listing_id", "VARCHAR", "listings.listing_id when known."),
        Column("marketplace_id", "VARCHAR", "marketplaces.marketplace_id when known."),
        Column("market_code", "VARCHAR", "ISO 3166-1 alpha-2 market of the reviewer/marketplace."),
        Column("reviewed_at", "TIMESTAMP", "Review time."),
        Column("rating", "DOUBLE", "Star rating 1-5 when given."),
        Column("title", "VARCHAR", "Review title.", personal=True),
        Column("text", "VARCHAR", "Review text.", personal=True),
        Column("language", "VARCHAR", "ISO 639-1 language (detected when not given)."),
        Column(
            "label",
            "INTEGER",
            "Sentiment label given by the source: 1 positive, 0 negative (recommended flag, labelled sets).",
        ),
        Column(
            "reviewer_key",
            "VARCHAR",
            "Keyed hash of the reviewer id/name; raw names are never stored.",
            personal=True,
        ),
        Column("source", "VARCHAR", "Source dataset or system.", nullable=False),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
    ),
)

SUPPLIERS = Table(
    "suppliers",
    "Suppliers and manufacturers.",
    owner="ingest",
    role="input",
    primary_key=("supplier_id",),
    columns=(
        Column("supplier_id", "VARCHAR", "Stable id: <source>:<source key>."),
        Column("name", "VARCHAR", "Supplier name."),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2 country."),
        Column("city", "VARCHAR", "City."),
        Column("source", "VARCHAR", "Source dataset or system."),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
    ),
)

SUPPLIER_OFFERS = Table(
    "supplier_offers",
    "Quotes: what a supplier charges for a product.",
    owner="ingest",
    role="input",
    dated_by="valid_from",
    columns=(
        Column("supplier_id", "VARCHAR", "suppliers.supplier_id.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id."),
        Column("unit_cost", "DOUBLE", "Price per unit (ex works/FOB as quoted) in currency."),
        Column("currency", "VARCHAR", "ISO 4217 currency."),
        Column("moq", "DOUBLE", "Minimum order quantity, units."),
        Column("lead_time_days", "DOUBLE", "Production lead time, days.", unit="days"),
        Column("valid_from", "DATE", "Date of the quote."),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
        Column(
            "incoterm", "VARCHAR", "Incoterm of the price (EXW, FOB, CIF, DDP, ...), upper case, when quoted."
        ),
        Column("origin_country", "VARCHAR", "ISO 3166-1 alpha-2 country the goods ship from / are made in."),
        Column(
            "offer_key",
            "VARCHAR",
            "md5 of supplier, product, cost, currency, MOQ, lead time, incoterm, date (+ occurrence); "
            "duplicates are recognised by it.",
        ),
        Column("source", "VARCHAR", "Layout or mapping the quote came from (supplier_quotes, ...)."),
    ),
)

FX_RATES = Table(
    "fx_rates",
    "ECB euro reference rates loaded with `xborder fx update`; they extend/override the bundled FX table.",
    owner="ingest",
    role="reference",
    columns=(
        Column("rate_date", "DATE", "ECB business day.", nullable=False),
        Column("currency", "VARCHAR", "ISO 4217 currency.", nullable=False),
        Column("per_eur", "DOUBLE", "Units of currency per 1 EUR.", nullable=False),
        Column("source", "VARCHAR", "Address of the source (ECB)."),
    ),
)

SOURCE_CATEGORY_NAMES = Table(
    "source_category_names",
    "Category names of a source and their English translation (Olist product_category_name_translation).",
    owner="ingest",
    role="reference",
    primary_key=("source", "name"),
    columns=(
        Column("source", "VARCHAR", "Source dataset or system."),
        Column("name", "VARCHAR", "Category name as used in the source (Portuguese for Olist)."),
        Column(
            "name_en",
            "VARCHAR",
            "English name; mapped to the xborder taxonomy by catalog/data/source_categories.csv.",
        ),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row."),
    ),
)

PRODUCT_CATEGORY_OVERRIDES = Table(
    "product_category_overrides",
    "User-given categories (ingested with --as categories); they win over rule-assigned ones.",
    owner="ingest",
    role="input",
    primary_key=("product_id",),
    columns=(
        Column("product_id", "VARCHAR", "products.product_id the override applies to."),
        Column(
            "category",
            "VARCHAR",
            "Category id in the xborder taxonomy (catalog/data/categories.csv).",
            nullable=False,
        ),
        Column("note", "VARCHAR", "Free text from the mapping file (why)."),
        Column("ingest_id", "VARCHAR", "Ingest batch that wrote the override."),
    ),
)

TABLES: tuple[Table, ...] = (
    MARKETS,
    MARKETPLACES,
    PRODUCTS,
    LISTINGS,
    ORDER_HEADERS,
    ORDER_LINES,
    CUSTOMER_LINKS,
    SALES,
    RANK_SNAPSHOTS,
    SEARCH_TRENDS,
    REVIEWS,
    SUPPLIERS,
    SUPPLIER_OFFERS,
    FX_RATES,
    SOURCE_CATEGORY_NAMES,
    PRODUCT_CATEGORY_OVERRIDES,
    LISTING_TRAFFIC,
    AD_PERFORMANCE,
    MONEY_MOVEMENTS,
    INVENTORY_SNAPSHOTS,
)
