"""What the demand stage writes: forecasts, per-series choices, backtest accuracy and trend signals with their text."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.jsonable import dumps
from xborder.domains.demand import ForecastResult
from xborder.domains.demand.tables import (
    FORECAST_ACCURACY,
    FORECAST_SERIES,
    FORECAST_TOTALS,
    FORECASTS,
    TREND_SIGNALS,
)
from xborder.warehouse.tables import write_frame

__all__ = ["with_text", "write_signals", "write_forecasts", "write_result", "split_ids"]

_CHOICE_ONLY = ("cv_windows",)
"""forecast_series: backtest windows per series are part of the result, not of the table."""
_SCORE_ONLY = ("mae", "sum_ae", "sum_err", "sum_y", "sum_err_mean", "sum_pin", "series", "series_with_mase")
"""forecast_accuracy: the sums behind pooled WAPE/bias and the overall series counts are not stored."""


def with_text(signals: pd.DataFrame) -> pd.DataFrame:
    """``signals`` (with a ``message`` column of ``{"code", "args"}``) plus ``text_en`` and ``text_zh``.

    The sentences are the messages rendered through the catalogue (``domains/demand/messages``).
    """
    msgs = signals["message"].tolist() if "message" in signals.columns else []
    return signals.assign(
        text_en=[i18n.render(m["code"], "en", **m["args"]) for m in msgs],
        text_zh=[i18n.render(m["code"], "zh", **m["args"]) for m in msgs],
    )


def write_signals(con: Any, signals: pd.DataFrame, **fixed: Any) -> int:
    """Write trend signals (``run_id``, ``level``, ``freq`` given in ``fixed`` unless the frame has them)."""
    if signals.empty:
        return 0
    rows = with_text(signals).assign(**fixed)
    rows["message"] = [dumps(m).decode("utf-8") for m in rows["message"]]
    return write_frame(con, TREND_SIGNALS, rows)


def split_ids(fc: pd.DataFrame, level: str) -> pd.DataFrame:
    """Forecast rows with product_id, category and market taken from their series id."""
    parts = fc["unique_id"].str.rsplit("|", n=1)
    entity, market = parts.str[0], parts.str[-1]
    fc = fc.copy()
    fc["product_id"] = entity if level in ("product_market", "product_total") else None
    fc["category"] = entity.str.removeprefix("cat:") if level == "category_market" else None
    fc["market"] = market
    return fc


def write_forecasts(
    con: Any,
    fc: pd.DataFrame,
    *,
    run_id: str,
    level: str,
    freq: str,
    target: str = "units",
    currency: str | None = None,
) -> int:
    """Write forecast rows of one level (interval levels other than the declared 80/95 are not stored).

    ``target``: units, or revenue (in ``currency``) when the demand was read from revenue-only sales.
    """
    rows = split_ids(fc, level).assign(
        run_id=run_id, level=level, freq=freq, target=target, currency=currency
    )
    if "mean" not in rows.columns:  # analogues: no calibrated distribution, the point is the expectation
        rows["mean"] = rows["point"]
    other = [c for c in rows.columns if c.startswith(("lo_", "hi_")) and c not in FORECASTS.column_names]
    return write_frame(con, FORECASTS, rows, ignore=[*other, "cutoff", "event_factor"])


def write_result(
    con: Any,
    res: ForecastResult,
    *,
    run_id: str,
    level: str,
    freq: str,
    target: str = "units",
    currency: str | None = None,
) -> None:
    """Write one level's forecasts, per-series choices and backtest accuracy (per series and overall)."""
    write_forecasts(
        con, res.forecasts, run_id=run_id, level=level, freq=freq, target=target, currency=currency
    )
    fixed = {"run_id": run_id, "level": level, "freq": freq}
    if len(res.totals):
        write_frame(
            con,
            FORECAST_TOTALS,
            split_ids(res.totals, level).assign(**fixed, target=target, currency=currency),
        )
    write_frame(con, FORECAST_SERIES, res.choice.assign(**fixed), ignore=_CHOICE_ONLY)
    if res.overall.empty:  # every series too short to backtest: nothing was scored
        return
    overall = res.overall.assign(unique_id="__overall__", n=res.overall["series"])
    acc = pd.concat([res.accuracy, overall], ignore_index=True)
    write_frame(con, FORECAST_ACCURACY, acc.assign(**fixed), ignore=_SCORE_ONLY)
