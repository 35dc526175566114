"""Landed cost: what one unit costs delivered, taxed and sold in a market via a shipping mode, rule by rule."""

from xborder.domains.landed_cost.engine import OUTPUT_COLUMNS, landed_cost_frame
from xborder.domains.landed_cost.inputs import ProductInput, parse_dims
from xborder.domains.landed_cost.result import LandedCostResult, compare, landed_cost

__all__ = [
    "OUTPUT_COLUMNS",
    "LandedCostResult",
    "ProductInput",
    "compare",
    "landed_cost",
    "landed_cost_frame",
    "parse_dims",
]
