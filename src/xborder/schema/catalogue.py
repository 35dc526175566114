"""Markets, marketplaces, products and listings: what is sold where (canonical tables ingest and the rule base fill)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = [
    "MARKETS",
    "MARKETPLACES",
    "PRODUCTS",
    "LISTINGS",
    "SOURCE_CATEGORY_NAMES",
    "PRODUCT_CATEGORY_OVERRIDES",
    "FX_RATES",
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
