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
from xborder.domains.demand.distribution import (
    INTERVALS,
    TOTALS,
    apply_distribution,
    fit_distribution,
    horizon_totals,
    median_point,
)

__all__ = ["CHOSEN", "score_last_window", "miscoverage", "weighted_quantile_loss"]

CHOSEN = "Chosen"
"""Model label of the per-series choice in accuracy tables."""
_METRIC_COLUMNS = list(
    dict.fromkeys(
        ["unique_id", "model", "y", "yhat", "mean", *(c for _, c in PINBALL_BOUNDS)]
        + [f"{s}_{lv}" for lv in (80, 95) for s in ("lo", "hi")]
    )
)
"""The columns :func:`series_metrics` reads."""


def score_last_window(
    points: pd.DataFrame, df: pd.DataFrame, honest: Any, levels: list[int], ctx: tuple
) -> tuple[pd.DataFrame, pd.DataFrame, str, str]:
    """Accuracy on each series' last backtest window: every model, and the choice made without it.

    The ``Chosen`` rows repeat the choice, the re-seasoning decision and the interval calibration
    on the earlier windows only, and are scored on the last. With ``intervals="auto"`` the interval
    source (pooled or the models' own) better calibrated there is returned, and the source of the horizon
    totals' quantiles (:data:`TOTALS`) whose ranges held the held-out windows' totals closest to nominal.
    """
    classes, freq, season, groups, profiles, intervals, reseason = ctx
    source = "pooled" if intervals == "auto" else intervals
    totals_source = TOTALS[0]
    if not len(points):
        return pd.DataFrame(), pd.DataFrame(), source, totals_source
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
        totals_source = _totals_source(dist, df, scored[source], classes)
        parts.insert(0, median_point(scored[source], classes).assign(model=CHOSEN))
    # only the columns series_metrics reads: the same metrics without copying every column of every row
    used = list(dict.fromkeys([*_METRIC_COLUMNS, *(f"{s}_{lv}" for lv in levels for s in ("lo", "hi"))]))
    rows = pd.concat([p[[c for c in used if c in p.columns]] for p in parts], ignore_index=True)
    for lv in levels:
        rows[f"lo_{lv}"] = rows[f"lo_{lv}"].clip(lower=0.0)
    cut = held.groupby("unique_id")["cutoff"].first()
    train = df.merge(cut.rename("cut"), left_on="unique_id", right_index=True)
    scale = naive_scale(train[train["ds"] <= train["cut"]])
    rows["yhat"] = rows["yhat"].clip(lower=0.0)  # rows is this function's own frame: no copy to assign
    per = series_metrics(rows, scale)
    return per, overall_metrics(per), source, totals_source


def _totals_source(dist: Any, df: pd.DataFrame, held: pd.DataFrame, classes: pd.Series) -> str:
    """The horizon totals' source (:data:`TOTALS`) whose 80/90% ranges held the held-out windows' totals
    closest to nominal (the first on a tie), compared as the sources give them (before the tails are widened to
    the per-period sums)."""
    actual = held.groupby("unique_id")["y"].sum()
    best, err = TOTALS[0], np.inf
    for src in TOTALS:
        t = horizon_totals(dist, df, held.sort_values(["unique_id", "ds"]), classes, source=src, widen=False)
        t = t.set_index("unique_id").join(actual.rename("actual"), how="inner").dropna(subset=["q10"])
        if t.empty:
            continue
        miss = sum(
            abs(float(((t["actual"] >= t[lo]) & (t["actual"] <= t[hi])).mean()) - nominal)
            for lo, hi, nominal in (("q10", "q90", 0.8), ("q05", "q95", 0.9))
        )
        if round(miss, 2) < round(err, 2):
            best, err = src, miss
    return best


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
