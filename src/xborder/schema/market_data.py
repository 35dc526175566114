"""Market data: best-seller ranks, search interest and reviews (canonical tables ingest fills)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["RANK_SNAPSHOTS", "SEARCH_TRENDS", "REVIEWS"]

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
