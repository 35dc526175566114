"""Logistics: a lane network (freight rules, rate sheets, container bookings), route choice per shipment
(cheapest within a deadline, fastest within a budget, the cost/time Pareto front), consolidation, minimum-cost
flows, chokepoint and lane disruptions, freight-index alerts."""

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

__all__ = [
    "Arc",
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
