"""Finance: price ladders per market, money formulas (NPV, IRR, CCC, ACoS), FX exposure and warning indicators."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xborder.domains.finance.cash import acos, break_even_acos, cash_conversion_cycle, irr, npv
    from xborder.domains.finance.fx import forward_rate, margin_at_fx_move, natural_hedge_ratio
    from xborder.domains.finance.prices import local_price, price_for_margin, price_ladder

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "acos": "xborder.domains.finance.cash",
    "break_even_acos": "xborder.domains.finance.cash",
    "cash_conversion_cycle": "xborder.domains.finance.cash",
    "irr": "xborder.domains.finance.cash",
    "npv": "xborder.domains.finance.cash",
    "forward_rate": "xborder.domains.finance.fx",
    "margin_at_fx_move": "xborder.domains.finance.fx",
    "natural_hedge_ratio": "xborder.domains.finance.fx",
    "local_price": "xborder.domains.finance.prices",
    "price_for_margin": "xborder.domains.finance.prices",
    "price_ladder": "xborder.domains.finance.prices",
}

__all__ = [
    "acos",
    "break_even_acos",
    "cash_conversion_cycle",
    "forward_rate",
    "irr",
    "local_price",
    "margin_at_fx_move",
    "natural_hedge_ratio",
    "npv",
    "price_for_margin",
    "price_ladder",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
