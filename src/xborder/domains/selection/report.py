"""The selection's report panel (the report finds ``report_panels`` here; the warehouse reading is in the stage)."""

from __future__ import annotations

from xborder.domains.selection.stage.panel import quote_outlook, report_panels

__all__ = ["report_panels", "quote_outlook"]
