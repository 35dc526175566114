"""Finance's part of an opportunity dossier: the pair's price ladder, warning indicators and cash to launch it."""

from __future__ import annotations

from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section

__all__ = ["SECTION", "build"]


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """The pair's price-ladder rungs (per mode and target margin), its plan indicators and the seller's, and
    ``cash``: launched with the picks ranked above it (``cash_capacity`` row k of this pick), the opening
    balance the top k need, whether the cash carries them and the first week below the floor (None: the pair is
    not among the run's picks in the cash flow)."""
    ladder = reader.rows("price_ladders", product_id=pair.product_id, market=pair.market)
    plan = reader.rows("warning_indicators", product_id=pair.product_id, market=pair.market)
    seller = [r for r in reader.rows("warning_indicators", scope="seller") if r.get("status") != "no_data"]
    warnings = [r["indicator"] for r in plan + seller if r.get("status") == "warn"]
    cap = reader.rows("cash_capacity", product_id=pair.product_id, market=pair.market)
    cash = None
    if cap:
        c = cap[0]
        cash = {"picks": c.get("picks"), "currency": c.get("currency"), "opening_needed": c.get("opening_needed"),
                "opening_balance": c.get("opening_balance"), "carried": c.get("carried"),
                "breach_week": c.get("breach_week")}  # fmt: skip
    return {"ladder": ladder, "indicators": plan + seller, "warnings": warnings, "cash": cash}


SECTION = Section("finance", build, tables=("price_ladders", "warning_indicators", "cash_capacity"))
