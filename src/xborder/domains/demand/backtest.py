"""Rolling-origin cross-validation of every model, per-series choice, and conformal interval widths."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.demand.models import ENSEMBLE, ENSEMBLE_MEMBERS

__all__ = [
    "cv_tiers",
    "run_cv",
    "long_points",
    "add_ensemble",
    "choose",
    "conformal_widths",
    "apply_conformal",
]


def cv_tiers(n_obs: pd.Series, *, horizon: int, n_windows: int, min_train: int) -> pd.DataFrame:
    """Backtest horizon and number of origins per series (cv_horizon 0 = no backtest).

    The backtest horizon is the longest of the forecast horizon, 1/2 and 1/4 of it (and 1) that
    leaves room for 2+ origins after a training stretch of at least ``max(min_train, backtest
    horizon)`` periods; the origins are then as many as fit, up to ``n_windows``. So a monthly
    6-month forecast on 18 months is backtested on 2 x 6 months (each window spans a half year,
    seasonal peak included) and a weekly 26-week one on 65 weeks on 3 x 13 weeks (26 weeks of
    training before the first origin rather than 13 with 2 x 26).
    """
    options = sorted({horizon, math.ceil(horizon / 2), math.ceil(horizon / 4), 1}, reverse=True)
    n = n_obs.to_numpy(dtype=int)
    h_out = np.zeros(len(n), dtype=int)
    w_out = np.zeros(len(n), dtype=int)
    for h in options:
        w = np.minimum(n_windows, (n - max(min_train, h)) // h)
        take = (h_out == 0) & (w >= 2)
        h_out[take], w_out[take] = h, w[take]
    return pd.DataFrame({"cv_horizon": h_out, "cv_windows": w_out}, index=n_obs.index)


def _sf(models: list[Any], freq: str, n_jobs: int) -> Any:
    from statsforecast import StatsForecast
    from statsforecast.models import Naive

    return StatsForecast(models=models, freq=freq, n_jobs=n_jobs, fallback_model=Naive())


def run_cv(
    df: pd.DataFrame,
    native: list[Any],
    intermittent: list[Any],
    *,
    freq: str,
    h: int,
    n_windows: int,
    levels: list[int],
    session: Any,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """statsforecast cross_validation (step = h) for both model groups, merged wide."""
    frame = session.to_engine(df)
    out = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for models, lv in ((native, levels), (intermittent, None)):
            if not models:
                continue
            cv = _sf(models, freq, n_jobs).cross_validation(
                h=h, df=frame, n_windows=n_windows, step_size=h, level=lv
            )
            cv = session.to_pandas(cv)
            out = cv if out is None else out.merge(cv.drop(columns="y"), on=["unique_id", "ds", "cutoff"])
    assert out is not None
    return out


def _model_rows(
    wide: pd.DataFrame, m: str, keys: list[str], levels: list[int], rows: Any = slice(None)
) -> pd.DataFrame:
    """Long rows of model ``m`` (yhat, lo/hi per level, NaN where it has no native interval)."""
    part = wide.loc[rows, keys].copy()
    part["model"] = m
    part["yhat"] = wide.loc[rows, m].to_numpy()
    for lv in levels:
        for side in ("lo", "hi"):
            col = f"{m}-{side}-{lv}"
            part[f"{side}_{lv}"] = wide.loc[rows, col].to_numpy() if col in wide.columns else np.nan
    return part


def long_points(wide: pd.DataFrame, names: list[str], levels: list[int]) -> pd.DataFrame:
    """Wide statsforecast output -> long rows (unique_id, ds, [cutoff, y], model, yhat, lo_*, hi_*)."""
    keys = [c for c in ("unique_id", "ds", "cutoff", "y") if c in wide.columns]
    return pd.concat(
        [_model_rows(wide, m, keys, levels) for m in names if m in wide.columns], ignore_index=True
    )


def chosen_points(wide: pd.DataFrame, chosen: pd.Series, names: list[str], levels: list[int]) -> pd.DataFrame:
    """Like :func:`long_points` for each series' chosen model only (``chosen``: unique_id -> model)."""
    pick = wide["unique_id"].map(chosen)
    parts = [
        _model_rows(wide, m, ["unique_id", "ds"], levels, (pick == m).to_numpy())
        for m in pick.dropna().unique()
        if m in names and m in wide.columns
    ]
    if not parts:
        cols = ["unique_id", "ds", "model", "yhat", *[f"{s}_{lv}" for lv in levels for s in ("lo", "hi")]]
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)


def add_ensemble(wide: pd.DataFrame) -> pd.DataFrame:
    """Add the equal-weight Ensemble column (mean of its members that are present)."""
    members = [m for m in ENSEMBLE_MEMBERS if m in wide.columns]
    if members:
        wide[ENSEMBLE] = wide[members].mean(axis=1, skipna=False)
    return wide


def choose(
    points: pd.DataFrame, candidates: list[str], *, exclude_last: bool = False, margin: float = 0.5
) -> pd.Series:
    """Per series: the Ensemble, unless a single model's backtest MAE beats it by more than ``margin``.

    Without an Ensemble among the candidates (or with ``margin=0``) it is the plain lowest
    backtest MAE (ties to the earlier candidate). Defaulting to the combination and demanding
    strong evidence before switching is what kept per-series choice from chasing noise in the
    UCI backtests (docs/demand.md). With ``exclude_last`` the last cutoff is held out, so the
    choice can be scored honestly on it.
    """
    p = points[points["model"].isin(candidates)]
    if exclude_last:
        last = p.groupby("unique_id")["cutoff"].transform("max")
        p = p[p["cutoff"] < last]
    mae = p.assign(ae=(p["y"] - p["yhat"]).abs()).groupby(["unique_id", "model"])["ae"].mean().unstack()
    mae = mae.reindex(columns=[c for c in candidates if c in mae.columns]).fillna(np.inf)
    best = mae.idxmin(axis=1)
    if ENSEMBLE not in mae.columns or margin <= 0:
        return best.rename("model")
    ens = mae[ENSEMBLE]
    best_mae = mae.min(axis=1)
    keep_single = (best_mae < (1 - margin) * ens) | ~np.isfinite(ens)
    return best.where(keep_single, ENSEMBLE).rename("model")


def conformal_widths(points: pd.DataFrame, levels: list[int], *, exclude_last: bool = False) -> pd.DataFrame:
    """Split-conformal half-widths per (unique_id, model): the ceil((n+1)L)-th smallest |backtest error|.

    Used for models without native intervals (intermittent models, the Ensemble); Vovk et al. /
    the conformal recipe statsforecast's ConformalIntervals also follows.
    """
    p = points
    if exclude_last:
        last = p.groupby("unique_id")["cutoff"].transform("max")
        p = p[p["cutoff"] < last]
    ae_all = (p["y"] - p["yhat"]).abs().to_numpy(float)
    ok = np.isfinite(ae_all)
    keys = ["unique_id", "model"]
    if not ok.any():
        return pd.DataFrame(columns=[*keys, *[f"w_{lv}" for lv in levels]])
    # vectorised on integer codes: sort errors within each (series, model), take the k-th smallest per level
    uid_codes, uids = pd.factorize(p["unique_id"].to_numpy()[ok])
    mod_codes, mods = pd.factorize(p["model"].to_numpy()[ok])
    ae = ae_all[ok]
    group = uid_codes.astype(np.int64) * len(mods) + mod_codes
    order = np.lexsort((ae, group))
    group, ae = group[order], ae[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    n = np.diff(np.r_[starts, len(group)])
    out = pd.DataFrame(
        {
            "unique_id": uids[group[starts] // len(mods)],
            "model": mods[group[starts] % len(mods)],
        }
    )
    for lv in levels:
        k = np.minimum(n - 1, np.ceil((n + 1) * lv / 100).astype(int) - 1)
        out[f"w_{lv}"] = ae[starts + k]
    return out


def apply_conformal(
    rows: pd.DataFrame, points: pd.DataFrame, levels: list[int], *, exclude_last: bool = False
) -> pd.DataFrame:
    """Fill lo/hi of ``rows`` whose model has no native interval with yhat -/+ its conformal width.

    The widths come from the backtest ``points`` (:func:`conformal_widths`), computed only for
    the models in ``rows`` that need them.
    """
    from xborder.domains.demand.combos import has_native_intervals

    conformal = [m for m in rows["model"].unique() if not has_native_intervals(str(m))]
    if not conformal or not len(points):
        return rows
    widths = conformal_widths(points[points["model"].isin(conformal)], levels, exclude_last=exclude_last)
    no_native = rows["model"].isin(conformal).to_numpy()
    if widths.empty:
        return rows
    m = rows.merge(widths, on=["unique_id", "model"], how="left")
    for lv in levels:
        w = m[f"w_{lv}"].to_numpy()
        m.loc[no_native, f"lo_{lv}"] = (m["yhat"] - w)[no_native]
        m.loc[no_native, f"hi_{lv}"] = (m["yhat"] + w)[no_native]
    return m.drop(columns=[f"w_{lv}" for lv in levels])
