"""Demand's part of an opportunity dossier: sales history, the forecast with its intervals and accuracy, trends."""

from __future__ import annotations

from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section

__all__ = ["SECTION", "build", "series_id"]


def series_id(product_id: str, market: str) -> str:
    """The product × market series id of the demand tables (``unique_id``)."""
    return f"{product_id}|{market}"


def _display_freq(forecast: list[dict[str, Any]]) -> str:
    """The frequency shown (monthly preferred: that is what a seller plans in), else the first present."""
    freqs = list(dict.fromkeys(str(r["freq"]) for r in forecast if r.get("freq") is not None))
    return next((f for f in freqs if f.lower().startswith("m")), freqs[0] if freqs else "month")


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """History, forecast rows (every frequency; ``freq`` is the one to show), the series' backtest accuracy
    (chosen model first), why its model was chosen (``forecast_series``) and the trend signals of the pair's series, then of its category in the market."""
    sid = series_id(pair.product_id, pair.market)
    forecast = reader.rows("forecasts", product_id=pair.product_id, market=pair.market)
    freq = _display_freq(forecast)
    shown = [r for r in forecast if str(r.get("freq")) == freq] if forecast else []
    unit = "week" if freq.lower().startswith("w") else "month"
    source, history = reader.history(pair.product_id, pair.market, unit)
    accuracy = reader.rows("forecast_accuracy", unique_id=sid)
    if any(str(r.get("freq")) == freq for r in accuracy):
        accuracy = [r for r in accuracy if str(r.get("freq")) == freq]
    accuracy = sorted(accuracy, key=lambda r: r.get("model") != "Chosen")
    choice = [r for r in reader.rows("forecast_series", unique_id=sid) if str(r.get("freq")) == freq]
    level = [
        r
        for r in reader.rows("forecast_accuracy", unique_id="__overall__", level="product_market")
        if str(r.get("freq")) == freq
    ]
    trends = reader.rows("trend_signals", unique_id=sid)
    if pair.category:
        trends += reader.rows("trend_signals", unique_id=f"cat:{pair.category}|{pair.market}")
    return {
        "freq": freq,
        "history_source": source,
        "history": history,
        "forecast": forecast,
        "forecast_shown": shown,
        "kinds": sorted({str(r["kind"]) for r in shown if r.get("kind") is not None}),
        "bases": sorted({str(r["basis"]) for r in shown if r.get("basis") is not None}),
        "accuracy": accuracy,
        "choice": choice[0] if choice else None,
        "level_accuracy": level,
        "trends": trends,
    }


SECTION = Section(
    "demand", build, tables=("forecasts", "forecast_accuracy", "forecast_series", "trend_signals")
)
