"""The known source layouts, one module per kind; importing this package registers them all."""

from xborder.ingest.layouts import (  # noqa: F401
    ads,
    categories,
    events,
    generic,
    inventory,
    money,
    olist,
    orders,
    quotes,
    ranks,
    reviews,
    sales,
    supply,
    traffic,
    trends,
)
from xborder.ingest.layouts.base import (
    KINDS,
    Field,
    Layout,
    WriteCounts,
    all_layouts,
    layouts_for,
    match_layout,
)

__all__ = ["KINDS", "Field", "Layout", "WriteCounts", "all_layouts", "layouts_for", "match_layout"]
