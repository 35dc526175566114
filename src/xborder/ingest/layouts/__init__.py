"""The known source layouts, one module per kind; importing this package registers them all."""

from xborder.ingest.layouts import categories, generic, olist, orders, ranks, reviews, sales, trends  # noqa: F401
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
