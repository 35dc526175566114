"""Which series the demand stage forecasts (most recent demand) and which its backtest table scores."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from xborder.domains.demand.accuracy import overall_metrics
from xborder.domains.demand.forecast import ForecastResult

__all__ = ["top_series", "scored_pick", "narrowed"]


def top_series(
    series: pd.DataFrame, max_series: int | None, *, foreign_share: float = 0.0
) -> tuple[pd.DataFrame, int]:
    """The ``max_series`` series with the most demand in their last 52 periods (all when fewer).

    With ``foreign_share`` > 0 (product × market), that share of the places goes to the busiest series
    outside the home market (the market with the most demand): those are the pairs selection ranks, and the
    home market's series would otherwise take every place.
    """
    ids = series["unique_id"].unique()
    if not max_series or len(ids) <= max_series:
        return series, 0
    recent = series.groupby("unique_id")["y"].apply(lambda y: y.tail(52).sum()).sort_values(ascending=False)
    chosen = _pick(recent, max_series, foreign_share)
    return series[series["unique_id"].isin(chosen)], len(ids) - len(chosen)


def _pick(recent: pd.Series, max_series: int, foreign_share: float) -> pd.Index:
    """The ``max_series`` ids of ``recent`` (demand per series, largest first), ``foreign_share`` outside home."""
    chosen = recent.index[:max_series]
    if foreign_share > 0:
        market = pd.Series(recent.index.astype(str), index=recent.index).str.rsplit("|", n=1).str[-1]
        home = recent.groupby(market.to_numpy()).sum().idxmax()
        n_foreign = int(round(max_series * foreign_share))
        foreign = recent.index[(market != home).to_numpy()][:n_foreign]
        rest = recent.index[~recent.index.isin(foreign)][: max_series - len(foreign)]
        chosen = recent.index[recent.index.isin(foreign.union(rest))]
    return chosen


def scored_pick(
    series: pd.DataFrame, max_series: int | None, horizon: int, foreign_share: float
) -> pd.Index | None:
    """The series the backtest table scores: the pick a seller would have made at the last backtest origin.

    :func:`top_series` ranks by the last 52 periods, which hold the scored window: series that grew in it are
    over-represented and the table's coverage reads low (issue 15, tenth session). This pick ranks by the 52
    periods before each series' last ``horizon``; None when every series is forecast (all are scored).
    """
    if not max_series or series["unique_id"].nunique() <= max_series:
        return None
    series = series.sort_values(["unique_id", "ds"])
    back = series.groupby("unique_id", sort=False).cumcount(ascending=False)  # 0 = the series' last period
    y = series["y"].where((back >= horizon) & (back < horizon + 52), 0.0)
    before = y.groupby(series["unique_id"]).sum().sort_values(ascending=False, kind="stable")
    return _pick(before, max_series, foreign_share)


def narrowed(res: ForecastResult, forecast: pd.Index, scored: pd.Index) -> ForecastResult:
    """``res`` of the union of both picks, cut to the series :func:`top_series` picked (forecasts, choices, totals,
    per-series accuracy), with the overall backtest table over those of :func:`scored_pick`. The pooled
    calibration of the forecasts written was fitted on the union's backtest rows."""
    out = replace(
        res,
        forecasts=res.forecasts[res.forecasts["unique_id"].isin(forecast)],
        choice=res.choice[res.choice["unique_id"].isin(forecast)],
        accuracy=res.accuracy[res.accuracy["unique_id"].isin(forecast)]
        if len(res.accuracy)
        else res.accuracy,
        overall=overall_metrics(res.accuracy[res.accuracy["unique_id"].isin(scored)])
        if len(res.accuracy)
        else res.overall,
        totals=res.totals[res.totals["unique_id"].isin(forecast)] if len(res.totals) else res.totals,
        all_models=res.all_models[res.all_models["unique_id"].isin(forecast)]
        if len(res.all_models)
        else res.all_models,
    )
    out._history = res._history
    return out
