"""From chosen point forecasts to plannable distributions: pooled seasonal profiles, then calibrated quantiles.

Both steps learn from the backtest of the forecasts chosen per series
(:mod:`xborder.domains.demand.select`): whether re-seasoning with the pooled profile
(:mod:`xborder.domains.demand.profiles`) lowers the error is decided per demand class, and the
re-seasoned backtest errors, made scale-free and pooled, give every forecast its quantiles and
mean (:mod:`xborder.domains.demand.calibrate`). With ``exclude_last`` both are learnt without each
series' last backtest window, which then scores them honestly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from xborder.domains.demand import window_totals
from xborder.domains.demand.calibrate import (
    QUANTILES,
    Calibration,
    apply_calibration,
    fit_calibration,
    level_scale,
    quantile_name,
    run_memo,
    sample_paths,
)
from xborder.domains.demand.combos import combo_members, is_croston_type, median_share
from xborder.domains.demand.median import MIN_NONZERO_SHARE
from xborder.domains.demand.models import median_window
from xborder.domains.demand.own_blend import blend_own
from xborder.domains.demand.profiles import Profiles, decide, fit_profiles
from xborder.domains.demand.window_totals import total_quantiles, widen_by_periods

__all__ = [
    "INTERVALS",
    "TOTALS",
    "Distribution",
    "fit_distribution",
    "apply_distribution",
    "horizon_totals",
    "error_scale",
    "SEASONAL_SCALE",
    "scale_window",
    "MEDIAN_POINT",
    "OWN_BLEND",
    "median_point",
    "MEAN_SHIFT",
]

TOTALS = ("conformal", "paths")
"""Sources of a horizon total's quantiles: the backtest windows' total errors, or sums of sample paths."""
INTERVALS = ("pooled", "model")
"""Interval sources: pooled scale-free backtest errors (default) or each model's own (native or conformal)."""
_SEASONAL = ("SeasonalNaive",)
"""Models whose forecasts already carry a season (never re-seasoned)."""
_CHUNK = 2000
"""Series whose sample paths are drawn at once for the horizon totals."""
_FLAT = "WindowMedian"
"""The flat forecast whose backtest decides re-seasoning for series whose pick is seasonal."""
MEAN_SHIFT = "share"
"""Which picks take their class's skew shift (median to mean) as their mean: ``all`` (every pick, before
2026-12-07, seventh session); ``croston`` (not Croston-type picks, :func:`~xborder.domains.demand.combos.is_croston_type`);
``share`` (the shift times the share of the pick's median-like members,
:func:`~xborder.domains.demand.combos.median_share`: a Croston rate, an ETS level or WindowMedian's mean on a
mostly-zero window is already a mean). ``share`` brought M5 item x store weekly from +50.7% to +4.1% and UCI country
totals weekly from +10.7% to +6.6%, every aggregate row within 10% (docs/benchmarks.md, issue 15 seventh session)."""
SEASONAL_SCALE = True
"""Scale errors by the pooled seasonal index of their month (see :func:`error_scale`), where the forecasts
are re-seasoned (on UCI product x country, not re-seasoned, it widened the intervals and the horizon totals:
the totals' 10-90% ranges held 0.94 of the actual totals)."""

OWN_BLEND = True
"""Average smooth series' pooled quantiles with their model's own bounds (:mod:`xborder.domains.demand.own_blend`);
the quantile columns move with the intervals. Off: pooled quantiles for every class (M5 monthly 80% intervals
covered 0.68-0.74)."""

MEDIAN_POINT = frozenset({"intermittent", "lumpy"})
"""Demand classes whose point forecast is the calibrated median (q50) rather than the chosen model's forecast:
with zeros in a quarter or more of their periods the chosen forecast is a mean-like level (WindowMedian takes
the mean there, Croston-type models forecast a rate), above the median the point is scored as."""


def median_point(rows: pd.DataFrame, classes: pd.Series) -> pd.DataFrame:
    """``rows`` (unique_id, yhat, q50) with ``yhat`` replaced by ``q50`` for series of :data:`MEDIAN_POINT`.

    Call it after the horizon totals, whose quantiles are calibrated around the chosen model's forecast.
    """
    if "q50" not in rows.columns or rows.empty:
        return rows
    on = rows["unique_id"].map(classes).isin(MEDIAN_POINT).to_numpy(bool) & rows["q50"].notna().to_numpy(bool)
    if not on.any():
        return rows
    rows = rows.copy()
    rows.loc[on, "yhat"] = rows.loc[on, "q50"].to_numpy(float)
    return rows


def _is_seasonal(model: str) -> bool:
    return any(x in _SEASONAL for x in (combo_members(str(model)) or (str(model),)))


def scale_window(season: int) -> int:
    """Periods averaged into a series' scale: half a season (6 months, 26 weeks), a week of days."""
    return {12: 6, 52: 26, 7: 7}.get(season, max(1, season // 2))


@dataclass
class Distribution:
    """What was learnt from one backtest: profiles, which series are re-seasoned, the error calibration."""

    profiles: Profiles | None
    seasonal: pd.Series
    """unique_id -> whether its forecasts are re-seasoned with the pooled profile (every series of the level)."""
    calibration: Calibration | None
    window: int
    """Periods of the scale (see :func:`scale_window`)."""
    base: int
    """Periods up to the origin a non-seasonal forecast's level reflects (re-seasoning reference)."""


def _chosen(points: pd.DataFrame, picks: pd.Series, *, windows: str) -> pd.DataFrame:
    """Backtest rows of each series' pick: ``windows`` all | earlier (all but the last) | last."""
    # integer codes of the ids and models (once per run) instead of a text map and comparison over every row
    uid, ids, model, models = _codes(points)
    want = models.get_indexer(pd.Index(picks.reindex(ids)))
    on = (uid >= 0) & (model >= 0) & (model == want[uid])
    p = points[on]
    if windows != "all":
        last = p["cutoff"].groupby(uid[on]).transform("max")
        p = p[(p["cutoff"] < last) if windows == "earlier" else (p["cutoff"] == last)]
    return p.reset_index(drop=True)


def _codes(points: pd.DataFrame) -> tuple[np.ndarray, pd.Index, np.ndarray, pd.Index]:
    """Integer codes and names of ``points``' unique_id and model (computed once per frame in a run's memo)."""
    memo = run_memo()
    key = ("codes", id(points))
    if memo is not None and key in memo and memo[key][0] is points:
        return memo[key][1]
    uid, ids = pd.factorize(points["unique_id"])
    model, models = pd.factorize(points["model"])
    out = (uid, pd.Index(ids), model, pd.Index(models))
    if memo is not None:
        memo[key] = (points, out)
    return out


def _base(model: str, base: int, season: int) -> int:
    """Periods up to the origin whose level a model's forecast reflects: 1 (Naive), the median
    window (WindowMedian), a season for the smoothing models (ETS, Theta, ADIDA, Croston ...)."""
    if model == "Naive":
        return 1
    if model == "WindowMedian":
        return base
    return season


def _factors(profiles: Profiles | None, rows: pd.DataFrame, base: int) -> np.ndarray:
    """Re-seasoning factor per row; a combination's is the mean of its members' (1 for seasonal models)."""
    out = np.ones(len(rows))
    if profiles is None or rows.empty:
        return out
    models = rows["model"].to_numpy()
    for m in pd.unique(models):
        at = np.flatnonzero(models == m)
        members = combo_members(str(m)) or (str(m),)
        if m == "Zero" or _is_seasonal(str(m)):
            continue
        sub = rows.iloc[at]
        f = [
            profiles.factors(
                sub, np.full(len(at), _base(x, base, profiles.season)), median=x == "WindowMedian"
            )
            for x in members
        ]
        out[at] = np.mean(f, axis=0)
    return out


def fit_distribution(
    df: pd.DataFrame,
    points: pd.DataFrame,
    picks: pd.Series,
    classes: pd.Series,
    *,
    freq: str,
    season: int,
    groups: pd.Series | None = None,
    exclude_last: bool = False,
    profiles: Profiles | None = None,
    reseason: bool | str = True,
) -> Distribution:
    """Learn re-seasoning and the error calibration from the backtest rows of ``picks``.

    Args:
        df: the series' history (unique_id, ds, y).
        points: backtest points of every candidate (unique_id, cutoff, ds, y, model, yhat).
        picks: chosen candidate per unique_id.
        classes: demand class per unique_id.
        groups: unique_id -> pooling group of the seasonal profile (e.g. category x market).
        exclude_last: learn without each series' last window (to score on it).
        profiles: already fitted profiles (at every backtest origin and the forecast origin).
        reseason: False leaves every forecast as its model made it (only the calibration is learnt); ``"errors"``
            too, but the season scales the errors (:func:`error_scale`; weekly products, profiles.season_use).
    """
    base = median_window(season)
    rows = _chosen(points, picks, windows="earlier" if exclude_last else "all")
    if not reseason:  # the season scales the errors only where it scales the forecasts
        profiles = None
    elif profiles is None and freq.upper()[:1] in ("W", "M") and len(rows):
        profiles = fit_profiles(df, sorted(rows["cutoff"].unique()), freq=freq, groups=groups)
    seasonal = pd.Series(False, index=classes.index)
    if profiles is not None and profiles.index and len(rows) and reseason is True:
        # the question is whether the profile improves a flat forecast of the class: series whose
        # pick already carries a season answer it with their flat stand-in's backtest
        flat = picks.where(~picks.map(_is_seasonal), _FLAT)
        drows = _chosen(points, flat, windows="earlier" if exclude_last else "all")
        f = _factors(profiles, drows, base)
        yh = drows["yhat"].clip(lower=0).to_numpy(float)
        y = drows["y"].to_numpy(float)
        sums = (
            pd.DataFrame(
                {
                    "ae_raw": np.abs(y - yh),
                    "ae_seasonal": np.abs(y - yh * f),
                    "y": np.abs(y),
                    "n": 1,
                    "moved": f != 1.0,
                },
                index=rows["unique_id"],
            )
            .groupby(level=0)
            .sum()
        )
        sums = sums[sums["moved"] > 0]
        if len(sums):
            from xborder.domains.demand.select import series_scale

            sums["scale"] = series_scale(df).reindex(sums.index)
            # every series of the level follows its class's decision, those without a backtest too
            seasonal = decide(sums, classes)
    window = scale_window(season)
    calibration = None
    if len(rows):
        rows = rows.assign(yhat=_adjusted(profiles, seasonal, rows, base))
        scale = error_scale(profiles, df, rows, window)
        calibration = fit_calibration(rows, scale, classes)
    return Distribution(profiles, seasonal, calibration, window, base)


def error_scale(profiles: Profiles | None, df: pd.DataFrame, rows: pd.DataFrame, window: int) -> np.ndarray:
    """Error scale of each forecast row: the series' recent mean absolute change (:func:`level_scale`)
    times, with :data:`SEASONAL_SCALE`, the pooled seasonal index of the row's month relative to the
    months of the scale window (errors are larger in the peak: a backtest window that held November
    is no measure of a calm spring, nor a spring window of November)."""
    scale = level_scale(df, rows[["unique_id", "cutoff"]], window)
    if not SEASONAL_SCALE or profiles is None or not profiles.index or rows.empty:
        return scale
    return scale * profiles.factors(rows, np.full(len(rows), window))


def _adjusted(profiles: Profiles | None, seasonal: pd.Series, rows: pd.DataFrame, base: int) -> np.ndarray:
    yh = rows["yhat"].clip(lower=0).to_numpy(float)
    on = rows["unique_id"].map(seasonal).eq(True).to_numpy(bool)
    if not on.any():
        return yh
    f = np.ones(len(rows))
    f[on] = _factors(profiles, rows[on], base)
    return yh * f


def apply_distribution(
    dist: Distribution,
    df: pd.DataFrame,
    rows: pd.DataFrame,
    classes: pd.Series,
    *,
    levels: list[int],
    intervals: str = "pooled",
) -> pd.DataFrame:
    """Re-season and calibrate forecast ``rows`` (unique_id, ds, cutoff, model, yhat, lo_*/hi_*).

    Returns:
        ``rows`` with ``yhat`` re-seasoned where decided, ``mean``, the :data:`QUANTILES` columns and,
        with ``intervals="pooled"``, lo/hi replaced by the pooled quantiles (the model's own bounds
        are scaled by the same re-seasoning factor otherwise).
    """
    rows = rows.reset_index(drop=True)
    if dist.profiles is not None and dist.seasonal.any():
        on = rows["unique_id"].map(dist.seasonal).eq(True).to_numpy(bool)
        if on.any():
            f = np.ones(len(rows))
            f[on] = _factors(dist.profiles, rows[on], dist.base)
            rows["yhat"] = rows["yhat"].to_numpy(float) * f
            for c in [c for c in rows.columns if c.startswith(("lo_", "hi_"))]:
                rows[c] = rows[c].to_numpy(float) * f
    qcols = [quantile_name(p) for p in QUANTILES]
    if dist.calibration is None:
        rows["mean"] = rows["yhat"].clip(lower=0)
        for c in qcols:
            rows[c] = np.nan
        return rows
    scale = error_scale(dist.profiles, df, rows, dist.window)
    cal = apply_calibration(dist.calibration, rows, scale, classes, levels)
    if MEAN_SHIFT != "all" and "model" in cal.columns:  # a forecast that is already a mean is not shifted
        yhat = cal["yhat"].clip(lower=0)
        cal["mean"] = yhat + (cal["mean"] - yhat) * _median_shares(cal, df, dist.base)
    if intervals == "pooled" and OWN_BLEND:  # smooth series: halfway to the model's own bounds
        cal = blend_own(cal, classes, levels)
    pooled = [f"pooled_{s}_{lv}" for lv in levels for s in ("lo", "hi")]
    if intervals == "pooled":
        for lv in levels:
            ok = cal[f"pooled_lo_{lv}"].notna()
            cal.loc[ok, f"lo_{lv}"] = cal.loc[ok, f"pooled_lo_{lv}"]
            cal.loc[ok, f"hi_{lv}"] = cal.loc[ok, f"pooled_hi_{lv}"]
    cal = cal.drop(columns=pooled)
    no_cal = cal["mean"].isna()
    cal.loc[no_cal, "mean"] = cal.loc[no_cal, "yhat"].clip(lower=0)
    return cal


def _median_shares(rows: pd.DataFrame, df: pd.DataFrame, window: int) -> np.ndarray:
    """Per row, the share of its pick's skew shift it takes (:data:`MEAN_SHIFT`): 0 or 1 by the pick's kind,
    or the share of median-like members, WindowMedian counted a mean where its window was mostly zeros."""
    models = rows["model"].astype(str)
    if MEAN_SHIFT == "croston":
        return (~models.map(is_croston_type)).to_numpy(float)
    cut = rows.groupby("unique_id")["cutoff"].first()
    h = df.merge(cut.rename("_cut"), left_on="unique_id", right_index=True)
    h = h[h["ds"] <= h["_cut"]].sort_values(["unique_id", "ds"]).groupby("unique_id").tail(window)
    nonzero = (h["y"] != 0).groupby(h["unique_id"]).mean()
    is_mean = rows["unique_id"].map(nonzero < MIN_NONZERO_SHARE).fillna(False).to_numpy(bool)
    pairs = pd.MultiIndex.from_arrays([models, is_mean])
    shares = pd.Series([median_share(m, bool(w)) for m, w in pairs.unique()], index=pairs.unique())
    return shares.reindex(pairs).to_numpy(float)


def horizon_totals(
    dist: Distribution,
    df: pd.DataFrame,
    rows: pd.DataFrame,
    classes: pd.Series,
    *,
    n_paths: int = 200,
    source: str = "conformal",
    widen: bool = True,
) -> pd.DataFrame:
    """Per series the total over the forecast horizon: its mean and quantiles.

    Args:
        rows: the re-seasoned forecasts (unique_id, ds, cutoff, yhat, mean), sorted by unique_id, ds.
        source: ``conformal`` (quantiles of the backtest windows' total errors,
            :func:`~xborder.domains.demand.window_totals.total_quantiles`) or ``paths`` (sums of sample paths).
        widen: each tail no narrower than the per-period quantiles summed
            (:func:`~xborder.domains.demand.window_totals.widen_by_periods`, with ``window_totals.PERIOD_SUM``);
            False when the sources themselves are compared.

    Returns:
        unique_id, periods, first_period, last_period, mean (sum of the period means), q05 ... q95 of the total.
    """
    r = rows.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    g = r.groupby("unique_id", sort=False)
    out = pd.DataFrame(
        {
            "periods": g.size(),
            "first_period": g["ds"].min(),
            "last_period": g["ds"].max(),
            "mean": g["mean"].sum(),
        }
    )
    qs = [p for p in QUANTILES if 0.05 <= p <= 0.95]
    if dist.calibration is None:
        for p in qs:
            out[quantile_name(p)] = np.nan
        return out.rename_axis("unique_id").reset_index()
    scale = error_scale(dist.profiles, df, r, dist.window)
    if source == "conformal" and dist.calibration.totals is not None:
        tq = total_quantiles(dist.calibration, r, scale, classes).set_index("unique_id")
        for p in qs:
            out[quantile_name(p)] = tq[quantile_name(p)].reindex(out.index).to_numpy(float)
    else:
        ids = pd.unique(r["unique_id"])
        totals = np.empty((len(ids), n_paths))
        for start in range(0, len(ids), _CHUNK):  # paths of a few thousand series at a time (memory)
            part = r["unique_id"].isin(ids[start : start + _CHUNK]).to_numpy()
            paths = sample_paths(dist.calibration, r[part], scale[part], classes, n_paths=n_paths, seed=start)
            totals[start : start + _CHUNK] = np.nansum(paths, axis=2)
        for p in qs:
            out[quantile_name(p)] = np.quantile(totals, p, axis=1)
    out = out.rename_axis("unique_id").reset_index()
    if widen and window_totals.PERIOD_SUM:  # no narrower than the per-period quantiles summed
        out = widen_by_periods(out, r, dist.calibration.step_rho)
    return out
