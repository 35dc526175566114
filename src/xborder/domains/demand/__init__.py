"""Demand: series per product/category/market, Syntetos-Boylan classes, trend signals and backtested forecasts.

Pure API (frames in, frames out; see docs/demand.md):

>>> from xborder.domains.demand import build_series, trend_signals, forecast
>>> # series = build_series(order_lines, level="product_market", freq="W")
>>> # signals = trend_signals(series, freq="W"); result = forecast(series, horizon=26, freq="W")
"""

from xborder.domains.demand.analogue import analogue_forecasts
from xborder.domains.demand.classify import classify_series, sb_class
from xborder.domains.demand.forecast import CHOSEN, ForecastResult, forecast
from xborder.domains.demand.series import LEVELS, build_series, order_line_events, sales_events, season_length
from xborder.domains.demand.trends import trend_signals

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
