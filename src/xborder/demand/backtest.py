"""Rolling-origin cross-validation of every model, per-series choice, and conformal interval widths."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from xborder.demand.models import ENSEMBLE, ENSEMBLE_MEMBERS, INTERMITTENT

__all__ = [
    "cv_tiers",
    "run_cv",
    "long_points",
    "add_ensemble",
    "choose",
    "conformal_widths",
    "apply_conformal",
]


def cv_tiers(n_obs: pd.Series, *, horizon: int, n_windows: int, min_train: int) -> pd.Series:
    """Backtest horizon per series: the full horizon when history allows, else 1/2 or 1/4 of it; 0 = none."""
    options = sorted({horizon, math.ceil(horizon / 2), math.ceil(horizon / 4), 1}, reverse=True)
    tier = pd.Series(0, index=n_obs.index, dtype=int)
    for h in reversed(options):
        tier[n_obs >= n_windows * h + min_train] = h
    return tier


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


def long_points(wide: pd.DataFrame, names: list[str], levels: list[int]) -> pd.DataFrame:
    """Wide statsforecast output -> long rows (unique_id, ds, [cutoff, y], model, yhat, lo_*, hi_*)."""
    keys = [c for c in ("unique_id", "ds", "cutoff", "y") if c in wide.columns]
    parts = []
    for m in names:
        if m not in wide.columns:
            continue
        part = wide[keys].copy()
        part["model"] = m
        part["yhat"] = wide[m].to_numpy()
        for lv in levels:
            for side in ("lo", "hi"):
                col = f"{m}-{side}-{lv}"
                part[f"{side}_{lv}"] = wide[col].to_numpy() if col in wide.columns else np.nan
        parts.append(part)
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
    p = p.assign(ae=(p["y"] - p["yhat"]).abs()).dropna(subset=["ae"])

    def _q(ae: pd.Series) -> pd.Series:
        v = np.sort(ae.to_numpy())
        n = len(v)
        return pd.Series({f"w_{lv}": v[min(n - 1, math.ceil((n + 1) * lv / 100) - 1)] for lv in levels})

    return p.groupby(["unique_id", "model"])["ae"].apply(_q).unstack().reset_index()


def apply_conformal(points: pd.DataFrame, widths: pd.DataFrame, levels: list[int]) -> pd.DataFrame:
    """Fill lo/hi of rows whose model has no native interval with point -/+ the conformal width."""
    from xborder.demand.select import has_native_intervals

    conformal = [m for m in points["model"].unique() if not has_native_intervals(str(m))]
    no_native = points["model"].isin(conformal)
    if not no_native.any() or widths.empty:
        return points
    m = points.merge(widths, on=["unique_id", "model"], how="left")
    for lv in levels:
        w = m[f"w_{lv}"].to_numpy()
        m.loc[no_native.to_numpy(), f"lo_{lv}"] = (m["yhat"] - w)[no_native.to_numpy()]
        m.loc[no_native.to_numpy(), f"hi_{lv}"] = (m["yhat"] + w)[no_native.to_numpy()]
    return m.drop(columns=[f"w_{lv}" for lv in levels])
