"""Finance: price ladders per market, money formulas (NPV, IRR, CCC, ACoS), FX exposure and warning indicators."""

from xborder.domains.finance.cash import acos, break_even_acos, cash_conversion_cycle, irr, npv
from xborder.domains.finance.fx import forward_rate, margin_at_fx_move, natural_hedge_ratio
from xborder.domains.finance.prices import local_price, price_for_margin, price_ladder

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
