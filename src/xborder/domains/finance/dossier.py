"""Finance's part of an opportunity dossier: the price ladder of the pair and its warning indicators."""

from __future__ import annotations

from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section

__all__ = ["SECTION", "build"]


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """The pair's price-ladder rungs (per mode and target margin), its plan indicators and the seller's."""
    ladder = reader.rows("price_ladders", product_id=pair.product_id, market=pair.market)
    plan = reader.rows("warning_indicators", product_id=pair.product_id, market=pair.market)
    seller = [r for r in reader.rows("warning_indicators", scope="seller") if r.get("status") != "no_data"]
    warnings = [r["indicator"] for r in plan + seller if r.get("status") == "warn"]
    return {"ladder": ladder, "indicators": plan + seller, "warnings": warnings}


SECTION = Section("finance", build, tables=("price_ladders", "warning_indicators"))
