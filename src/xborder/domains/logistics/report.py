"""Logistics's run-level report panels, where the report looks for them: the stage reads the run's rows,
:mod:`xborder.domains.logistics.panels` draws them."""

from xborder.domains.logistics.stage import report_panels

__all__ = ["report_panels"]
