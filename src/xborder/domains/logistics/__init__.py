"""Logistics: a lane network (freight rules, rate sheets, container bookings), route choice per shipment
(cheapest within a deadline, fastest within a budget, the cost/time Pareto front), consolidation, minimum-cost
flows, chokepoint and lane disruptions, freight-index alerts."""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xborder.domains.logistics.allocate import Allocation, allocate
    from xborder.domains.logistics.consolidate import Container, ContainerMix, consolidate, container_mix
    from xborder.domains.logistics.cost import Shipments, leg_costs
    from xborder.domains.logistics.flow import Arc, FlowPlan, min_cost_flow
    from xborder.domains.logistics.index_alert import index_moves, lane_index_moves, pick_index
    from xborder.domains.logistics.inputs import landed_cost_per_unit, product_origins, shipment_frame
    from xborder.domains.logistics.lanes import booking_lanes, default_lanes, node_country, sheet_lanes
    from xborder.domains.logistics.plan import plan_routes, usd_factors
    from xborder.domains.logistics.routes import Network, build_network, choose, route_set
    from xborder.domains.logistics.scenarios import (
        LaneChange,
        change_lanes,
        chokepoints,
        close_chokepoints,
        compare_plans,
        parse_change,
    )

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "Allocation": "xborder.domains.logistics.allocate",
    "allocate": "xborder.domains.logistics.allocate",
    "Container": "xborder.domains.logistics.consolidate",
    "ContainerMix": "xborder.domains.logistics.consolidate",
    "consolidate": "xborder.domains.logistics.consolidate",
    "container_mix": "xborder.domains.logistics.consolidate",
    "Shipments": "xborder.domains.logistics.cost",
    "leg_costs": "xborder.domains.logistics.cost",
    "Arc": "xborder.domains.logistics.flow",
    "FlowPlan": "xborder.domains.logistics.flow",
    "min_cost_flow": "xborder.domains.logistics.flow",
    "index_moves": "xborder.domains.logistics.index_alert",
    "lane_index_moves": "xborder.domains.logistics.index_alert",
    "pick_index": "xborder.domains.logistics.index_alert",
    "landed_cost_per_unit": "xborder.domains.logistics.inputs",
    "product_origins": "xborder.domains.logistics.inputs",
    "shipment_frame": "xborder.domains.logistics.inputs",
    "booking_lanes": "xborder.domains.logistics.lanes",
    "default_lanes": "xborder.domains.logistics.lanes",
    "node_country": "xborder.domains.logistics.lanes",
    "sheet_lanes": "xborder.domains.logistics.lanes",
    "plan_routes": "xborder.domains.logistics.plan",
    "usd_factors": "xborder.domains.logistics.plan",
    "Network": "xborder.domains.logistics.routes",
    "build_network": "xborder.domains.logistics.routes",
    "choose": "xborder.domains.logistics.routes",
    "route_set": "xborder.domains.logistics.routes",
    "LaneChange": "xborder.domains.logistics.scenarios",
    "change_lanes": "xborder.domains.logistics.scenarios",
    "chokepoints": "xborder.domains.logistics.scenarios",
    "close_chokepoints": "xborder.domains.logistics.scenarios",
    "compare_plans": "xborder.domains.logistics.scenarios",
    "parse_change": "xborder.domains.logistics.scenarios",
}

__all__ = [
    "Allocation",
    "Arc",
    "allocate",
    "Container",
    "ContainerMix",
    "FlowPlan",
    "LaneChange",
    "Network",
    "Shipments",
    "booking_lanes",
    "build_network",
    "change_lanes",
    "chokepoints",
    "choose",
    "close_chokepoints",
    "compare_plans",
    "consolidate",
    "container_mix",
    "default_lanes",
    "index_moves",
    "landed_cost_per_unit",
    "lane_index_moves",
    "leg_costs",
    "min_cost_flow",
    "node_country",
    "parse_change",
    "pick_index",
    "plan_routes",
    "product_origins",
    "route_set",
    "sheet_lanes",
    "shipment_frame",
    "usd_factors",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


class _Package(types.ModuleType):
    """Keeps an export named like its own module (``forecast`` of ``forecast.py``) the export: importing the
    module later must not replace it on the package, as an eager ``from .forecast import forecast`` ensured."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
