"""Honest accuracy of a forecast run on each series' last backtest window, and how intervals are judged."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import xborder.domains.demand.backtest as bt
from xborder.domains.demand.accuracy import (
    PINBALL_BOUNDS,
    naive_scale,
    overall_metrics,
    pinball_sums,
    series_metrics,
)
from xborder.domains.demand.distribution import INTERVALS, apply_distribution, fit_distribution

__all__ = ["CHOSEN", "score_last_window", "miscoverage", "weighted_quantile_loss"]

CHOSEN = "Chosen"
"""Model label of the per-series choice in accuracy tables."""


def score_last_window(
    points: pd.DataFrame, df: pd.DataFrame, honest: Any, levels: list[int], ctx: tuple
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Accuracy on each series' last backtest window: every model, and the choice made without it.

    The ``Chosen`` rows repeat the choice, the re-seasoning decision and the interval calibration
    on the earlier windows only, and are scored on the last. With ``intervals="auto"`` the interval
    source (pooled or the models' own) with the lower weighted quantile loss there is returned.
    """
    classes, freq, season, groups, profiles, intervals, reseason = ctx
    source = "pooled" if intervals == "auto" else intervals
    if not len(points):
        return pd.DataFrame(), pd.DataFrame(), source
    last = points.groupby("unique_id")["cutoff"].transform("max")
    held = points[points["cutoff"] == last]
    held = bt.apply_conformal(held, points, levels, exclude_last=True)
    held = held[held["yhat"].notna()]  # a model with no forecast there is not scored (shown as "–")
    parts = [held]
    if honest is not None:
        chosen = held.merge(honest.picks.rename("pick"), left_on="unique_id", right_index=True)
        chosen = chosen[chosen["model"] == chosen["pick"]].drop(columns="pick")
        dist = fit_distribution(
            df, points, honest.picks, classes, freq=freq, season=season, groups=groups,
            exclude_last=True, profiles=profiles, reseason=reseason,
        )  # fmt: skip
        scored = {
            src: apply_distribution(dist, df, chosen, classes, levels=levels, intervals=src)
            for src in (INTERVALS if intervals == "auto" else (intervals,))
        }
        if intervals == "auto":  # the better calibrated on the held-out window; pinball loss breaks ties
            source = min(
                scored,
                key=lambda src: (miscoverage(scored[src], levels), weighted_quantile_loss(scored[src])),
            )
        parts.insert(0, scored[source].assign(model=CHOSEN))
    rows = pd.concat(parts, ignore_index=True)
    for lv in levels:
        rows[f"lo_{lv}"] = rows[f"lo_{lv}"].clip(lower=0.0)
    cut = held.groupby("unique_id")["cutoff"].first()
    train = df.merge(cut.rename("cut"), left_on="unique_id", right_index=True)
    scale = naive_scale(train[train["ds"] <= train["cut"]])
    per = series_metrics(rows.assign(yhat=rows["yhat"].clip(lower=0.0)), scale)
    return per, overall_metrics(per), source


def miscoverage(rows: pd.DataFrame, levels: list[int]) -> float:
    """Sum over levels of |share of actuals inside the interval - nominal|, rounded to 0.01."""
    y = rows["y"].to_numpy(float)
    err = 0.0
    for lv in levels:
        inside = (y >= rows[f"lo_{lv}"].clip(lower=0).to_numpy(float)) & (
            y <= rows[f"hi_{lv}"].to_numpy(float)
        )
        err += abs(float(np.mean(inside)) - lv / 100) if len(y) else 0.0
    return round(err, 2)


def weighted_quantile_loss(rows: pd.DataFrame) -> float:
    """Weighted quantile loss of rows (y, yhat, lo/hi 80/95), NaN-free points only; inf when none."""
    qs = {p: rows[c].clip(lower=0).to_numpy(float) for p, c in PINBALL_BOUNDS if c in rows.columns}
    y = rows["y"].to_numpy(float)
    pin = pinball_sums(y, qs)
    ok = np.isfinite(pin)
    sy = np.abs(y[ok]).sum()
    return float(pin[ok].sum() / sy) if ok.any() and sy > 0 else np.inf
