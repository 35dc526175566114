"""Logistics' part of an opportunity dossier: the best route of each mode with its cost, time and landed cost per
unit, the planned route and what the disruption scenarios do to it."""

from __future__ import annotations

from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section

__all__ = ["SECTION", "build"]

_FIELDS = (
    "modes",
    "route",
    "cost_per_unit",
    "currency",
    "days_median",
    "days_p90",
    "landed_cost_per_unit",
    "via",
)


_STOCK = (
    "cycle_service_base",
    "cycle_service_new",
    "stockout_days_base",
    "stockout_days_new",
    "reorder_point_base",
    "reorder_point_new",
    "extra_safety_stock",
    "extra_cash",
    "plan_currency",
)
"""The stock plan's view of a scenario (logistics_impacts), shown when the pair has a plan."""


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """Best route per mode (cheapest first), the plan and the scenario impacts for the pair; a note code when
    the pair was not routed."""
    rows = [r for r in reader.rows("logistics_routes", product_id=pair.product_id, market=pair.market)
            if r.get("scenario") == "base"]  # fmt: skip
    routed = [r for r in rows if r.get("route")]
    if not routed:
        code = "logistics.dossier_no_route" if rows else "logistics.dossier_not_routed"
        return {"routes": 0, "note": {"code": code, "args": {}}}
    best = sorted(
        (r for r in routed if r.get("best_in_mode")), key=lambda r: r.get("cost_per_unit_usd") or 0.0
    )
    plan = next((r for r in routed if r.get("plan")), best[0] if best else routed[0])
    impacts = [
        {
            "scenario": r.get("scenario"),
            "route": r.get("route_new"),
            "cost_change_pct": r.get("cost_change_pct"),
            "delay_days": r.get("delay_days"),
            "unroutable": r.get("unroutable"),
            **{k: r.get(k) for k in _STOCK if r.get(k) is not None},
        }
        for r in reader.rows("logistics_impacts", product_id=pair.product_id, market=pair.market)
    ]
    return {
        "shipment_units": plan.get("units"),
        "origin": plan.get("origin"),
        "plan_route": plan.get("route"),
        "plan_modes": plan.get("modes"),
        "plan_cost_per_unit": plan.get("cost_per_unit"),
        "plan_days_p90": plan.get("days_p90"),
        "currency": plan.get("currency"),
        "best_per_mode": [{k: r.get(k) for k in _FIELDS} for r in best],
        "pareto_front": [{k: r.get(k) for k in _FIELDS} for r in sorted(
            (r for r in routed if r.get("pareto")), key=lambda r: r.get("cost_per_unit_usd") or 0.0)],
        "scenarios": impacts,
    }  # fmt: skip


SECTION = Section("logistics", build, tables=("logistics_routes", "logistics_impacts"))
