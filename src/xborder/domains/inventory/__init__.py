"""Inventory: stock plans from the demand forecasts (safety stock, reorder point, order quantity with lost sales),
stock-out periods, slow movers and aged stock, against the seller-ERP days-of-cover rule."""

from xborder.domains.inventory.forecasts import (
    DemandPaths,
    demand_from_forecasts,
    demand_from_rates,
    window_demand,
)
from xborder.domains.inventory.health import aged_fees_ahead, clearance, slow_status, stock_health
from xborder.domains.inventory.plan import PlanSettings, plan_from_rows, plan_pairs
from xborder.domains.inventory.policy import (
    eoq,
    eoq_cost,
    newsvendor_normal,
    reorder_point,
    round_order,
    rq_cost,
    rq_optimal,
)
from xborder.domains.inventory.stockouts import stockout_days, stockout_periods

__all__ = [
    "DemandPaths",
    "PlanSettings",
    "aged_fees_ahead",
    "clearance",
    "demand_from_forecasts",
    "demand_from_rates",
    "eoq",
    "eoq_cost",
    "newsvendor_normal",
    "plan_from_rows",
    "plan_pairs",
    "reorder_point",
    "round_order",
    "rq_cost",
    "rq_optimal",
    "slow_status",
    "stock_health",
    "stockout_days",
    "stockout_periods",
    "window_demand",
]
