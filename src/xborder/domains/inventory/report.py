"""Inventory's run-level report panels, where the report looks for them: the stage reads the run's rows,
:mod:`xborder.domains.inventory.panels` draws them."""

from xborder.domains.inventory.stage import report_panels

__all__ = ["report_panels"]
