"""Suppliers and their offers (quotes): what a product costs to buy (canonical tables ingest fills)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["SUPPLIERS", "SUPPLIER_OFFERS"]

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
        Column(
            "payment_terms",
            "VARCHAR",
            "Payment terms as quoted (e.g. '30% T/T deposit, balance before shipment').",
        ),
        Column(
            "deposit_share",
            "DOUBLE",
            "Share of the goods paid at order, 0-1, read from the terms (NULL: not stated).",
            unit="fraction",
        ),
        Column(
            "payment_days",
            "DOUBLE",
            "Days from the order to the balance payment, read from the terms and the lead "
            "time (NULL: not stated).",
            unit="days",
        ),
    ),
)
