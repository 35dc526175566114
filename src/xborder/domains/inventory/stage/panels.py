"""The inventory panels of a run for the report: the run's plan rows read here, drawn by :mod:`..panels`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.core.panels import Panel
from xborder.domains.inventory.panels import inventory_panels
from xborder.warehouse.tables import read_rows, table_exists

__all__ = ["report_panels"]


def report_panels(con: Any, run_id: str, lang: str) -> list[Panel]:
    """The inventory panels of ``run_id`` in ``lang`` (plans against the rule, the stock projection)."""
    plans = (
        read_rows(con, "inventory_plans", run_id) if table_exists(con, "inventory_plans") else pd.DataFrame()
    )
    return inventory_panels(plans, lang)
