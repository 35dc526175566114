"""Per level and frequency, the smaller margins the series choice may take (``select.MARGINS``), set by the stage."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["LEVEL_MARGINS", "level_margins", "margins", "current_margins"]

LEVEL_MARGINS: dict[tuple[str, str], tuple[float, ...]] = {("market_total", "W"): (0.25,)}
"""Where the margin is chosen on the backtest (each window held out in turn, select._choose_margin): weekly
country totals only (since 2026-12-07, tenth session). There the fixed 50% margin lost to Naive (benchmark MASE
0.819 vs 0.759) and the choice takes 25% (0.733). Elsewhere it is off: at weekly category x country and product
x country it chose worse points (MASE 1.380 -> 1.411, 0.681 -> 0.692), and at monthly country totals it cost
interval cover (0.823 / 0.952 -> 0.796 / 0.931): the smaller margin moves more series to the model that was best
on the very windows the intervals are calibrated on, whose errors there understate its errors ahead (in-sample
WAPE of the picks 0.431 -> 0.336, pooled 80% error spread 3.26 -> 3.10; docs/demand.md)."""

_MARGINS: ContextVar[tuple[float, ...] | None] = ContextVar("_MARGINS", default=None)


def level_margins(level: str, freq: str) -> tuple[float, ...]:
    """The margins a level's series choice may take besides the fixed one (:data:`LEVEL_MARGINS`, else none)."""
    return LEVEL_MARGINS.get((level, freq.upper()[:1]), ())


@contextmanager
def margins(values: tuple[float, ...]) -> Iterator[None]:
    """Within the block the series choice may take ``values`` (the stage and the benchmark set
    :func:`level_margins` around ``forecast()``)."""
    token = _MARGINS.set(tuple(values))
    try:
        yield
    finally:
        _MARGINS.reset(token)


def current_margins(default: tuple[float, ...]) -> tuple[float, ...]:
    """The margins in force (:func:`margins`), else ``default`` (``select.MARGINS``)."""
    m = _MARGINS.get()
    return default if m is None else m
