"""Risk's report panels (the report finds ``report_panels`` here; they are built in ``stage/report.py``)."""

from __future__ import annotations

from xborder.domains.risk.stage.report import report_panels

__all__ = ["report_panels"]
