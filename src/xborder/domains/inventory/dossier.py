"""Inventory's part of an opportunity dossier: the pair's stock plan next to the days-of-cover rule, and its health."""

from __future__ import annotations

import json
import math
from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section

__all__ = ["SECTION", "build"]

_FIGURES = ("kind", "plan_method", "distribution", "reorder_point", "order_quantity", "safety_stock", "service_measure", "service_target",
            "expected_cycle_service", "measured_cycle_service", "expected_fill_rate", "lead_time_days", "on_hand", "days_of_cover",
            "stockout_date", "order_by", "suggested_order", "cash_tied_up", "currency", "launch_quantity",
            "stock_action", "cover_months")  # fmt: skip


def _missing(v: Any) -> bool:
    """None, NaN or NaT (a missing value read through a frame)."""
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ == "NaTType"


def _known(v: Any) -> Any:
    """The value, or None for a missing one (NaN from a frame)."""
    return None if _missing(v) else v


def _notes(raw: Any) -> list[dict[str, Any]]:
    if isinstance(raw, str):
        return list(json.loads(raw))
    return list(raw or [])


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """The plan's known figures, the plan vs the ERP days-of-cover rule, the slow-mover status and the notes
    (message codes; keys and code values have labels ``inventory.field.<key>``); a note code when the pair has no plan."""
    rows = reader.rows("inventory_plans", product_id=pair.product_id, market=pair.market)
    if not rows:
        return {"note": {"code": "inventory.dossier_no_plan", "args": {}}}
    r = rows[0]
    out: dict[str, Any] = {k: r.get(k) for k in _FIGURES if not _missing(r.get(k))}
    health = reader.rows("inventory_health", product_id=pair.product_id, market=pair.market)
    if health:
        h = health[0]
        known = {"status": h.get("status"), "days_without_sales": h.get("days_without_sales"),
                 "aged_fee_total": h.get("aged_fee_total"), "clearance_event": h.get("clearance_event_id")}  # fmt: skip
        out.update({k: v for k, v in known.items() if not _missing(v)})
    comparison = [
        {"policy": "plan", "reorder_point": r.get("reorder_point"), "order_quantity": r.get("order_quantity"),
         "average_stock": r.get("average_stock"), "cash_tied_up": r.get("cash_tied_up"),
         "cycle_service": r.get("expected_cycle_service") if _missing(r.get("measured_cycle_service"))
         else r.get("measured_cycle_service"),  # a launch plan: the service measured on real launches
         "cycle_service_basis": "service_by_model" if _missing(r.get("measured_cycle_service")) else "service_on_launches",
         "fill_rate": r.get("expected_fill_rate"), "annual_cost": r.get("annual_cost")},
        {"policy": "days_of_cover_rule", "reorder_point": r.get("baseline_reorder_point"),
         "order_quantity": r.get("baseline_order_quantity"), "average_stock": r.get("baseline_average_stock"),
         "cash_tied_up": r.get("baseline_cash_tied_up"), "cycle_service": r.get("baseline_cycle_service"),
         "fill_rate": r.get("baseline_fill_rate"), "annual_cost": r.get("baseline_annual_cost")},
    ]  # fmt: skip
    if r.get("stock_action") in (
        "cap",
        "make_to_order",
    ):  # what the plan would hold without the months-of-stock cap
        comparison.insert(1, {"policy": "uncapped", "reorder_point": r.get("uncapped_reorder_point"),
                              "order_quantity": r.get("order_quantity"), "average_stock": r.get("uncapped_average_stock"),
                              "cycle_service": r.get("uncapped_cycle_service")})  # fmt: skip
    out["comparison"] = [{k: _known(v) for k, v in c.items()} for c in comparison]
    out["messages"] = {
        "plan": _notes(r.get("notes")),
        "health": _notes(health[0].get("message")) if health else [],
    }
    return out


SECTION = Section("inventory", build, tables=("inventory_plans", "inventory_health"))
