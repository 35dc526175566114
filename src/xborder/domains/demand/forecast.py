"""Forecast demand series: every model backtested by rolling origin, the choice made on the backtest.

Flow: classify each series (Syntetos-Boylan, length) -> all-zero series get a zero forecast,
too-short ones a Naive forecast -> the rest are cross-validated with statsforecast (3 origins by
default, step = backtest horizon, shorter backtests for shorter histories) -> per series the
level's best candidate (single model or equal-weight combination, combined MASE+WAPE criterion)
unless the series' own best is much better (xborder.domains.demand.select) -> final forecasts with
80/95% intervals (native where the model has them, split-conformal from the backtest errors
otherwise), lower bounds clipped at 0. The choice is scored honestly by repeating it on the
earlier origins and scoring it on the last one.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

import xborder.domains.demand.backtest as bt
from xborder.core.errors import BadInputError
from xborder.domains.demand.background import Background
from xborder.domains.demand.calibrate import QUANTILES, quantile_name, reuse_scales, sample_paths
from xborder.domains.demand.classify import classify_series
from xborder.domains.demand.combos import add_combos_long, add_combos_wide, combo_members
from xborder.domains.demand.distribution import (
    INTERVALS,
    Distribution,
    apply_distribution,
    error_scale,
    fit_distribution,
    horizon_totals,
    median_point,
)
from xborder.domains.demand.engines import EngineSession
from xborder.domains.demand.events import with_events
from xborder.domains.demand.models import ENSEMBLE, default_model_names, make_models
from xborder.domains.demand.profiles import Profiles, fit_profiles
from xborder.domains.demand.scoring import CHOSEN, score_last_window
from xborder.domains.demand.select import STRATEGIES, Selection, select_pair, series_scale
from xborder.domains.demand.series import freq_alias, season_length

__all__ = ["ForecastResult", "forecast", "CHOSEN"]

COMPARE = ("Naive", "SeasonalNaive", "AutoETS")
BACKGROUND_MIN_SERIES = 200  # fewer series: the final fit runs inline (a fork costs more than it saves)


@dataclass
class ForecastResult:
    """Output of :func:`forecast` (all frames long; every series appears in ``choice``)."""

    forecasts: pd.DataFrame
    """unique_id, ds, model, point, lo_80, hi_80, lo_95, hi_95, kind ('forecast'), cutoff (the origin),
    mean (expected units: sum it for totals), q025 ... q975 (calibrated quantiles; point = the forecast
    the model choice was scored on, or for intermittent and lumpy series the calibrated median q50)."""
    choice: pd.DataFrame
    """unique_id, model, reason, demand_class, length_class, n_obs, adi, cv2, cv_horizon, cv_windows."""
    accuracy: pd.DataFrame
    """Per series x model backtest metrics on the last origin (model 'Chosen' = the honest choice)."""
    overall: pd.DataFrame
    """One row per model: mean MASE, pooled WAPE and bias, interval coverage."""
    backtest: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Backtest points (unique_id, cutoff, ds, y, model, yhat, lo/hi) of every model."""
    params: dict[str, Any] = field(default_factory=dict)
    all_models: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Point forecasts of every model (wide, statsforecast names; native lo/hi too) for comparisons."""
    totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per series the horizon total: periods, first_period, last_period, mean, q05 ... q95 (from sample paths)."""
    distribution: Distribution | None = None
    """What the forecasts' quantiles come from; :meth:`sample_paths` draws from it."""

    def sample_paths(self, n_paths: int = 200, seed: int = 0) -> tuple[pd.Index, np.ndarray]:
        """Sample paths of every series' future demand: (unique_ids, array series x paths x periods).

        Each path is the chosen forecast plus one resampled backtest error window per block of
        periods (scale-free, times the series' scale), clipped at 0: what a simulation of stock
        or cash draws from. Series without a calibration (nothing backtested) repeat the mean.
        """
        fc = self.forecasts.sort_values(["unique_id", "ds"], kind="stable")
        ids = pd.Index(pd.unique(fc["unique_id"]))
        dist = self.distribution
        if dist is None or dist.calibration is None:
            m = fc.pivot(index="unique_id", columns="ds", values="mean").reindex(ids).to_numpy(float)
            return ids, np.repeat(m[:, None, :], n_paths, axis=1)
        rows = fc.rename(columns={"point": "yhat"})
        scale = error_scale(dist.profiles, self._history, rows, dist.window)
        classes = self.choice.set_index("unique_id")["demand_class"]
        paths = sample_paths(dist.calibration, rows, scale, classes, n_paths=n_paths, seed=seed)
        paths[ids.isin(fc.loc[fc["model"] == "Zero", "unique_id"])] = 0.0
        return ids, paths

    _history: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)  # per series: events on? (choose_events)


def _validate(series: pd.DataFrame) -> pd.DataFrame:
    missing = {"unique_id", "ds", "y"} - set(series.columns)
    if missing:
        raise BadInputError(
            f"Series frame lacks column(s) {sorted(missing)}.",
            hint="Build it with xborder.domains.demand.build_series.",
        )
    df = series[["unique_id", "ds", "y"]].copy()
    df["unique_id"] = df["unique_id"].astype(str)
    df["ds"] = pd.to_datetime(df["ds"])
    df["y"] = pd.to_numeric(df["y"], errors="coerce").astype(float)
    bad = df[~np.isfinite(df["y"])]
    if len(bad):
        r = bad.iloc[0]
        raise BadInputError(
            f"Series {r['unique_id']} has a missing or non-numeric y at {r['ds']:%Y-%m-%d}.",
            hint="Fill gaps with 0 (build_series does) or drop the series.",
        )
    if df.duplicated(["unique_id", "ds"]).any():
        raise BadInputError(
            "Series frame has duplicate (unique_id, ds) rows.", hint="Aggregate before forecasting."
        )
    return df.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)


def forecast(
    series: pd.DataFrame,
    *,
    horizon: int = 26,
    freq: str = "W",
    models: list[str] | None = None,
    with_arima: bool = False,
    levels: tuple[int, ...] = (80, 95),
    n_windows: int = 3,
    min_obs: int = 4,
    engine: str = "local",
    n_jobs: int = 1,
    session: EngineSession | None = None,
    margin: float = 0.5,
    selection: str = "series",
    groups: pd.Series | None = None,
    intervals: str = "pooled",
    reseason: bool | str = True,
    events: pd.DataFrame | None = None,
    markets: pd.Series | None = None,
) -> ForecastResult:
    """Forecast ``horizon`` periods for every series in a long ``unique_id, ds, y`` frame.

    Args:
        series: long frame, one row per series and period, zero-filled (see build_series).
        horizon: periods ahead (26 weeks / 6 months by default in the CLI).
        freq: W, M or D (sets the seasonal period 52 / 12 / 7).
        models: statsforecast model names; default :func:`default_model_names`.
        with_arima: add AutoARIMA (slower) to the default set.
        levels: prediction-interval levels in percent.
        n_windows: most backtest origins per series (>= 2 so the choice can be scored on a
            held-out origin); shorter histories get fewer (2 at least), see backtest.cv_tiers.
        min_obs: series with fewer periods are ``too_short`` and get a Naive forecast.
        engine: local, dask, spark or ray (ignored when ``session`` is given).
        n_jobs: local worker processes for statsforecast.
        session: an open :class:`EngineSession` to reuse across calls.
        margin: with the ``series`` strategy a series leaves the level's best candidate only when
            its own best has a backtest MAE lower by more than this fraction (0 = plain lowest MAE).
        selection: ``series`` (default), ``level``, ``class`` or ``auto`` (the strategy itself
            chosen on the backtest); see :mod:`xborder.domains.demand.select`.
        groups: unique_id -> group whose summed demand gives the series' seasonal profile before
            its market's (e.g. ``cat:<category>|<market>`` for product series); see
            :mod:`xborder.domains.demand.profiles`.
        intervals: ``pooled`` (default: 80/95% bounds from pooled scale-free backtest errors),
            ``model`` (each model's native or split-conformal bounds) or ``auto`` (the better
            calibrated on the last backtest window, the calibration made without it: smaller
            sum of |coverage - nominal| over the levels, then lower weighted quantile loss; it
            chose the models' bounds on UCI monthly category and product series, which then
            covered 0.87-0.88 at 80%, docs/demand.md); the quantile columns and ``mean`` are
            pooled either way.
        reseason: whether forecasts may be re-seasoned with the pooled profile (decided per demand
            class on the backtest); the stage turns it off for product series, where it lost on
            the UCI benchmark (docs/demand.md); ``"errors"``: not re-seasoned, errors scaled by the season.
        events: event calendar (events.calendar_frame) as regressors, kept per series where the backtest
            gains; needs ``markets`` (unique_id -> market). None (default): no events.
    """
    if horizon < 1:
        raise BadInputError(f"horizon must be >= 1; got {horizon}.")
    if selection not in (*STRATEGIES, "auto"):
        raise BadInputError(
            f"Unknown selection {selection!r}.", hint=f"Choose from {', '.join(STRATEGIES)}, auto."
        )
    if intervals not in (*INTERVALS, "auto"):
        raise BadInputError(
            f"Unknown intervals {intervals!r}.", hint=f"Choose from {', '.join(INTERVALS)}, auto."
        )
    if n_windows < 2:
        raise BadInputError(
            f"n_windows must be >= 2 (choose on earlier origins, score on the last); got {n_windows}."
        )
    alias, season = freq_alias(freq), season_length(freq)
    levels_l = sorted(int(v) for v in levels)
    names = list(models) if models else default_model_names(with_arima=with_arima)
    if "Naive" not in names:
        names.append("Naive")
    df = _validate(series)
    info = classify_series(df, season=season, min_obs=min_obs).set_index("unique_id")
    tiers = bt.cv_tiers(info["n_obs"], horizon=horizon, n_windows=n_windows, min_train=max(min_obs, 6))
    info["cv_horizon"], info["cv_windows"] = tiers["cv_horizon"], tiers["cv_windows"]
    info.loc[info["demand_class"] == "all_zero", ["cv_horizon", "cv_windows"]] = 0
    own, final = session is None, None
    sess = session or EngineSession(engine, workers=max(2, n_jobs))
    if own:
        sess.__enter__()
    try:
        native, intermittent = make_models(names, season)
        wides = _backtests(df, info, native, intermittent, alias, n_windows, levels_l, sess, n_jobs)
        # the final fit runs in a child beside the backtest's post-processing, which does not need it
        job = partial(_final, df, info, native, intermittent, alias, horizon, levels_l, sess, n_jobs)
        final = Background(job, inline=sess.name != "local" or len(info) < BACKGROUND_MIN_SERIES)
        points = _long(wides, levels_l)
        del wides
        strategies = STRATEGIES if selection == "auto" else (selection,)
        final_sel, honest_sel = _select(df, info, points, margin, strategies)
        choice = _choices(info, final_sel, margin)
        used = set(choice["model"]) | (set(honest_sel.picks) if honest_sel is not None else set())
        points = add_combos_long(points, sorted(used), levels_l, final_sel.wide if final_sel else None)
        origin = df.groupby("unique_id")["ds"].max()
        # the season scales the errors where it scales the forecasts (it widened UCI product intervals)
        profiles = _profiles(df, points, origin, freq, groups) if reseason else None
        classes = info["demand_class"]
        dist = None
        with reuse_scales():  # the history's error scales once, not per calibration / scoring / totals step
            if final_sel is not None:
                dist = fit_distribution(
                    df, points, final_sel.picks, classes, freq=freq, season=season, groups=groups,
                    profiles=profiles, reseason=reseason,
                )  # fmt: skip
            ctx = (classes, freq, season, groups, profiles, intervals, reseason)
            scored = score_last_window(points, df, honest_sel, levels_l, ctx)
            accuracy, overall, source, totals_source = scored
            fc_wide = add_combos_wide(final.result(), sorted(used))
            combos = sorted(m for m in used if combo_members(m) and m in fc_wide.columns)
            fc = _assemble(fc_wide, choice, points, [*names, ENSEMBLE, *combos], levels_l, df, horizon, alias)
            fc, totals = _distribute(fc, dist, df, origin, classes, levels_l, source, totals_source)
    finally:
        if final is not None:
            final.cancel()  # only still running when the post-processing failed
        if own:
            sess.__exit__(None, None, None)
    ev = None
    if events is not None and markets is not None and final_sel is not None:  # event regressors
        seasonal, picks = (dist.seasonal if dist is not None else None), final_sel.picks
        fc, totals, ev = with_events(fc, totals, df, points, picks, classes, events, markets, freq, seasonal)
        choice.loc[choice.index.isin(ev.on), "reason"] += " [+ market events]"
    params = {
        "horizon": horizon,
        "freq": freq,
        "models": names,
        "levels": levels_l,
        "n_windows": n_windows,
        "engine": sess.name,
        "series": int(len(info)),
        "margin": margin,
        "selection": final_sel.strategy if final_sel else None,
        "selection_scores": final_sel.strategy_scores if final_sel else {},
        "intervals": source,
        "intervals_asked": intervals,
        "totals": totals_source,
        "reseasoned": int(dist.seasonal.sum()) if dist is not None else 0,
        "events": ev.summary() if ev is not None else None,
    }
    keep = [c for c in fc_wide.columns if c in [*names, ENSEMBLE] or c.rsplit("-", 2)[0] in names]
    wide = fc_wide[["unique_id", "ds", *keep]]
    res = ForecastResult(fc, choice.reset_index(), accuracy, overall, points, params, wide, totals, dist)
    res._history = df
    res.events = ev.table if ev is not None else pd.DataFrame()
    return res


def _profiles(df, points, origin, freq, groups) -> Profiles | None:
    """Pooled seasonal profiles at every backtest origin and at the forecast origins (W and M only)."""
    if freq.upper()[:1] not in ("W", "M") or not len(points):
        return None
    cutoffs = sorted(set(pd.to_datetime(points["cutoff"].unique())) | set(origin.unique()))
    return fit_profiles(df, cutoffs, freq=freq, groups=groups)


def _distribute(
    fc, dist, df, origin, classes, levels, intervals, totals_source
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Re-season and calibrate the final forecasts; the horizon totals' mean and quantiles."""
    rows = fc.rename(columns={"point": "yhat"}).assign(cutoff=fc["unique_id"].map(origin))
    if dist is None:
        rows["mean"] = rows["yhat"]
        for p in QUANTILES:
            rows[quantile_name(p)] = np.nan
        empty = Distribution(None, pd.Series(dtype=bool), None, 1, 1)
        totals = horizon_totals(empty, df, rows, classes)
    else:
        rows = apply_distribution(dist, df, rows, classes, levels=levels, intervals=intervals)
        zero = (rows["model"] == "Zero").to_numpy()
        qcols = [quantile_name(p) for p in QUANTILES]
        rows.loc[zero, ["yhat", "mean", *qcols]] = 0.0
        totals = horizon_totals(dist, df, rows, classes, source=totals_source)
        zero_ids = rows.loc[zero, "unique_id"].unique()
        tq = [c for c in totals.columns if c == "mean" or c.startswith("q")]
        totals.loc[totals["unique_id"].isin(zero_ids), tq] = 0.0
        rows = median_point(rows, classes)
    num = ["yhat", "mean"] + [c for c in rows.columns if c.startswith(("lo_", "hi_"))]
    rows[num] = rows[num].clip(lower=0.0)
    out = rows.rename(columns={"yhat": "point"})
    return out.sort_values(["unique_id", "ds"]).reset_index(drop=True), totals


def _backtests(df, info, native, intermittent, alias, n_windows, levels, sess, n_jobs) -> list[pd.DataFrame]:
    """statsforecast's cross-validation per (backtest horizon, origins) tier: wide frames, Ensemble added."""
    wides = []
    cv = partial(bt.run_cv, freq=alias, levels=levels, session=sess, n_jobs=n_jobs)
    groups = info.loc[info["cv_horizon"] > 0, ["cv_horizon", "cv_windows"]].drop_duplicates()
    for h, w in sorted(groups.itertuples(index=False, name=None), reverse=True):
        ids = info.index[(info["cv_horizon"] == h) & (info["cv_windows"] == w)]
        wide = cv(df[df["unique_id"].isin(ids)], native, intermittent, h=int(h), n_windows=int(w))
        wides.append(bt.add_ensemble(wide))
    return wides


def _long(wides: list[pd.DataFrame], levels: list[int]) -> pd.DataFrame:
    """The backtest's wide frames as long points (one row per series, origin, period and model)."""
    parts = []
    for wide in wides:
        skip = ("unique_id", "ds", "cutoff", "y")
        names = [c for c in wide.columns if c not in skip and "-lo-" not in c and "-hi-" not in c]
        parts.append(bt.long_points(wide, names, levels))
    if not parts:
        return pd.DataFrame(columns=["unique_id", "ds", "cutoff", "y", "model", "yhat"])
    return pd.concat(parts, ignore_index=True)


def _final(df, info, native, intermittent, alias, horizon, levels, sess, n_jobs) -> pd.DataFrame:
    live = info.index[info["demand_class"] != "all_zero"]
    data = df[df["unique_id"].isin(live)]
    if data.empty:
        return pd.DataFrame(columns=["unique_id", "ds"])
    frame, out = sess.to_engine(data), None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for models, lv in ((native, levels), (intermittent, None)):
            if not models:
                continue
            fc = sess.to_pandas(bt._sf(models, alias, n_jobs).forecast(h=horizon, df=frame, level=lv))
            out = fc if out is None else out.merge(fc, on=["unique_id", "ds"])
    assert out is not None
    return bt.add_ensemble(out)


def _select(df, info, points, margin, strategies) -> tuple[Selection | None, Selection | None]:
    if not len(points):
        return None, None
    # MASE weights from the whole history given (the outer benchmark scales the same way); the
    # scale only weights series in the criterion, no forecast is made from it
    scale = series_scale(df[df["unique_id"].isin(points["unique_id"].unique())])
    return select_pair(points, scale, info["demand_class"], margin=margin, strategies=strategies)


def _choices(info: pd.DataFrame, sel: Selection | None, margin: float) -> pd.DataFrame:
    choice = info.assign(model="Naive", reason="too short to backtest: Naive")
    if sel is not None:
        choice.loc[sel.picks.index, "model"] = sel.picks
        choice.loc[sel.picks.index, "reason"] = sel.reasons + f" [selection: {sel.strategy}]"
    zero = choice["demand_class"] == "all_zero"
    choice.loc[zero, "model"] = "Zero"
    choice.loc[zero, "reason"] = "no demand in the history: zero forecast"
    return choice


def _assemble(fc_wide, choice, points, names, levels, df, horizon, alias) -> pd.DataFrame:
    parts = []
    if len(fc_wide):
        long = bt.chosen_points(fc_wide, choice["model"], names, levels)
        parts.append(bt.apply_conformal(long, points, levels))
    zero_ids = choice.index[choice["model"] == "Zero"]
    if len(zero_ids):
        last = df[df["unique_id"].isin(zero_ids)].groupby("unique_id")["ds"].max()
        off = pd.tseries.frequencies.to_offset(alias)
        rows = [
            {"unique_id": u, "ds": d, "model": "Zero", "yhat": 0.0}
            for u, t in last.items()
            for d in pd.date_range(t + off, periods=horizon, freq=alias)
        ]
        z = pd.DataFrame(rows)
        for lv in levels:
            z[f"lo_{lv}"] = 0.0
            z[f"hi_{lv}"] = 0.0
        parts.append(z)
    out = pd.concat(parts, ignore_index=True).rename(columns={"yhat": "point"})
    num = ["point"] + [f"{s}_{lv}" for lv in levels for s in ("lo", "hi")]
    out[num] = out[num].clip(lower=0.0)
    out["kind"] = "forecast"
    return (
        out[["unique_id", "ds", "model", *num, "kind"]]
        .sort_values(["unique_id", "ds"])
        .reset_index(drop=True)
    )
