"""The launch domain's report panels (built in its stage package, the part that reads the warehouse)."""

from __future__ import annotations

from xborder.domains.launch.stage.panels import report_panels

__all__ = ["report_panels"]
