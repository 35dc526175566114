"""Landed cost: what one unit costs delivered, taxed and sold in a market via a shipping mode, rule by rule."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xborder.domains.landed_cost.engine import OUTPUT_COLUMNS, landed_cost_frame
    from xborder.domains.landed_cost.inputs import ProductInput, parse_dims
    from xborder.domains.landed_cost.result import LandedCostResult, compare, landed_cost

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "OUTPUT_COLUMNS": "xborder.domains.landed_cost.engine",
    "landed_cost_frame": "xborder.domains.landed_cost.engine",
    "ProductInput": "xborder.domains.landed_cost.inputs",
    "parse_dims": "xborder.domains.landed_cost.inputs",
    "LandedCostResult": "xborder.domains.landed_cost.result",
    "compare": "xborder.domains.landed_cost.result",
    "landed_cost": "xborder.domains.landed_cost.result",
}

__all__ = [
    "OUTPUT_COLUMNS",
    "LandedCostResult",
    "ProductInput",
    "compare",
    "landed_cost",
    "landed_cost_frame",
    "parse_dims",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
