"""Inventory: stock plans from the demand forecasts (safety stock, reorder point, order quantity with lost sales),
stock-out periods, slow movers and aged stock, against the seller-ERP days-of-cover rule."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "DemandPaths": "xborder.domains.inventory.forecasts",
    "demand_from_forecasts": "xborder.domains.inventory.forecasts",
    "demand_from_rates": "xborder.domains.inventory.forecasts",
    "window_demand": "xborder.domains.inventory.forecasts",
    "aged_fees_ahead": "xborder.domains.inventory.health",
    "clearance": "xborder.domains.inventory.health",
    "slow_status": "xborder.domains.inventory.health",
    "stock_health": "xborder.domains.inventory.health",
    "PlanSettings": "xborder.domains.inventory.plan",
    "plan_from_rows": "xborder.domains.inventory.plan",
    "plan_pairs": "xborder.domains.inventory.plan",
    "eoq": "xborder.domains.inventory.policy",
    "eoq_cost": "xborder.domains.inventory.policy",
    "newsvendor_normal": "xborder.domains.inventory.policy",
    "reorder_point": "xborder.domains.inventory.policy",
    "round_order": "xborder.domains.inventory.policy",
    "rq_cost": "xborder.domains.inventory.policy",
    "rq_optimal": "xborder.domains.inventory.policy",
    "stockout_days": "xborder.domains.inventory.stockouts",
    "stockout_periods": "xborder.domains.inventory.stockouts",
}

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


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
