"""Canonical tables that ingest fills from real exports (the inputs of every domain), and reference tables.

Declared by subject in catalogue.py, orders.py, market_data.py, sourcing.py, seller.py and supply.py; listed
here in the order they are created.
"""

from __future__ import annotations

from xborder.schema.catalogue import (
    FX_RATES,
    LISTINGS,
    MARKETPLACES,
    MARKETS,
    PRODUCT_CATEGORY_OVERRIDES,
    PRODUCTS,
    SOURCE_CATEGORY_NAMES,
)
from xborder.schema.market_data import RANK_SNAPSHOTS, REVIEWS, SEARCH_TRENDS
from xborder.schema.orders import CUSTOMER_LINKS, ORDER_HEADERS, ORDER_LINES, SALES
from xborder.schema.seller import AD_PERFORMANCE, INVENTORY_SNAPSHOTS, LISTING_TRAFFIC, MONEY_MOVEMENTS
from xborder.schema.sourcing import SUPPLIER_OFFERS, SUPPLIERS
from xborder.schema.supply import (
    FREIGHT_BOOKINGS,
    FREIGHT_INDEX,
    FREIGHT_LANES,
    SUPPLIER_CERTIFICATES,
    SUPPLIER_EVENTS,
    SUPPLIER_VERIFICATIONS,
)
from xborder.schema.table import Table

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
    "SUPPLIER_EVENTS",
    "SUPPLIER_CERTIFICATES",
    "SUPPLIER_VERIFICATIONS",
    "FREIGHT_LANES",
    "FREIGHT_BOOKINGS",
    "FREIGHT_INDEX",
    "TABLES",
]

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
    SUPPLIER_EVENTS,
    SUPPLIER_CERTIFICATES,
    SUPPLIER_VERIFICATIONS,
    FREIGHT_LANES,
    FREIGHT_BOOKINGS,
    FREIGHT_INDEX,
)
