"""Demand: series per product/category/market, Syntetos-Boylan classes, trend signals and backtested forecasts.

Pure API (frames in, frames out; see docs/demand.md):

>>> from xborder.domains.demand import build_series, trend_signals, forecast
>>> # series = build_series(order_lines, level="product_market", freq="W")
>>> # signals = trend_signals(series, freq="W"); result = forecast(series, horizon=26, freq="W")
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xborder.domains.demand.analogue import analogue_forecasts
    from xborder.domains.demand.classify import classify_series, sb_class
    from xborder.domains.demand.forecast import CHOSEN, ForecastResult, forecast
    from xborder.domains.demand.series import (
        LEVELS,
        build_series,
        order_line_events,
        sales_events,
        season_length,
    )
    from xborder.domains.demand.trends import trend_signals

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "analogue_forecasts": "xborder.domains.demand.analogue",
    "classify_series": "xborder.domains.demand.classify",
    "sb_class": "xborder.domains.demand.classify",
    "CHOSEN": "xborder.domains.demand.forecast",
    "ForecastResult": "xborder.domains.demand.forecast",
    "forecast": "xborder.domains.demand.forecast",
    "LEVELS": "xborder.domains.demand.series",
    "build_series": "xborder.domains.demand.series",
    "order_line_events": "xborder.domains.demand.series",
    "sales_events": "xborder.domains.demand.series",
    "season_length": "xborder.domains.demand.series",
    "trend_signals": "xborder.domains.demand.trends",
}

__all__ = [
    "CHOSEN",
    "LEVELS",
    "ForecastResult",
    "analogue_forecasts",
    "build_series",
    "classify_series",
    "forecast",
    "order_line_events",
    "sales_events",
    "sb_class",
    "season_length",
    "trend_signals",
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
