"""Landed cost's part of an opportunity dossier: the cost lines per shipping mode, with the rules' research horizon."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xborder.reference.coverage import research_notes
from xborder.warehouse.dossier import Pair, Reader, Section

__all__ = ["SECTION", "build"]


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """The pair's landed-cost rows (one per mode) and research-horizon notes for the date they were answered."""
    rows = reader.rows("landed_costs", product_id=pair.product_id, market=pair.market)
    notes: dict[str, list[str]] = {"en": [], "zh": []}
    day = rows[0].get("as_of") if rows else None
    if day is not None:
        when = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
        notes = {
            "en": research_notes([pair.market], when),
            "zh": research_notes([pair.market], when, lang="zh"),
        }
    return {"rows": rows, "research_notes": notes}


SECTION = Section("landed_cost", build, tables=("landed_costs",))
