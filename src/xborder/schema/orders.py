"""Orders and sales: what the seller sold, per line or per period (canonical tables ingest fills)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["ORDER_HEADERS", "ORDER_LINES", "CUSTOMER_LINKS", "SALES"]

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
