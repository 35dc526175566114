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
    "pivot_points",
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
    table = _width_table(points, conformal, levels, exclude_last)
    if table is None:  # no finite backtest error of those models
        return rows
    uids, mods, widths = table
    no_native = rows["model"].isin(conformal).to_numpy()
    # each row's widths by its (series, model) code: the values the left merge on (unique_id, model) gave,
    # without merging every column of every row; rows are renumbered as the merge did
    at = np.flatnonzero(no_native)
    ru = uids.get_indexer(pd.Index(rows["unique_id"].to_numpy()[at]))
    rm = mods.get_indexer(pd.Index(rows["model"].to_numpy()[at]))
    found = (ru >= 0) & (rm >= 0)
    cell = ru[found] * len(mods) + rm[found]
    m = rows.reset_index(drop=True)
    yhat = m["yhat"].to_numpy(float)[at]
    for lv in levels:
        w = np.full(len(at), np.nan)
        w[found] = widths[lv][cell]
        m.loc[no_native, f"lo_{lv}"] = yhat - w
        m.loc[no_native, f"hi_{lv}"] = yhat + w
    return m


def _width_table(
    points: pd.DataFrame, models: list[str], levels: list[int], exclude_last: bool
) -> tuple[pd.Index, pd.Index, dict[int, np.ndarray]] | None:
    """:func:`conformal_widths` of ``models`` as arrays over (series code x model code), NaN where a pair has
    no finite error; None where no pair has one. Read from the columns of ``points`` without copying the frame."""
    mods = pd.Index(models)
    mc = mods.get_indexer(pd.Index(points["model"].to_numpy()))
    sel = np.flatnonzero(mc >= 0)
    ucodes, uids = pd.factorize(points["unique_id"].to_numpy()[sel])
    mc = mc[sel]
    ae = np.abs(points["y"].to_numpy(float)[sel] - points["yhat"].to_numpy(float)[sel])
    ok = np.isfinite(ae)
    if exclude_last:  # all but each series' last origin (the last among these models' rows)
        cut = points["cutoff"].to_numpy()[sel]
        if cut.dtype != "datetime64[ns]" or np.isnat(cut).any():
            last = pd.Series(cut).groupby(ucodes).transform("max").to_numpy()
            ok &= (pd.Series(cut) < pd.Series(last)).to_numpy()
        else:
            ci = cut.view(np.int64)
            ok &= ci < pd.Series(ci).groupby(ucodes).max().to_numpy()[ucodes]
    if not ok.any():
        return None
    # the k-th smallest error of each (series, model) per level: rows grouped by a stable sort on the pair,
    # then the groups of each size sorted as the rows of one matrix (the same values a full lexsort picks)
    group = ucodes[ok].astype(np.int64) * len(mods) + mc[ok]
    order = np.argsort(group, kind="stable")
    group, ae = group[order], ae[ok][order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    n = np.diff(np.r_[starts, len(group)])
    out = {lv: np.full(len(uids) * len(mods), np.nan) for lv in levels}
    for size in np.unique(n):
        first = starts[n == size]
        block = np.sort(ae[first[:, None] + np.arange(size)], axis=1)
        for lv in levels:
            k = min(size - 1, int(np.ceil((size + 1) * lv / 100)) - 1)
            out[lv][group[first]] = block[:, k]
    return pd.Index(uids), mods, out


def pivot_points(p: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, pd.MultiIndex] | None:
    """The wide backtest table on integer codes: what ``set_index([unique_id, cutoff, ds, model]).unstack``
    gives (rows sorted by series, origin, period; a column per model, sorted), the first ``y`` of each row, and
    the (unique_id, window) key of each row, window = age of the origin in its series (0 = its last).

    None when a key is missing or repeated (the pandas path then raises or handles it as before).
    """
    codes, uniques = [], []
    for c in ("unique_id", "cutoff", "ds", "model"):
        k, u = pd.factorize(p[c].to_numpy(), sort=True)
        if len(k) and k.min() < 0:
            return None
        codes.append(k.astype(np.int64))
        uniques.append(u)
    (u_c, c_c, d_c, m_c), (uids, cuts, dss, mods) = codes, uniques
    nc, nd, nm = len(cuts), len(dss), len(mods)
    row, first, inv = np.unique((u_c * nc + c_c) * nd + d_c, return_index=True, return_inverse=True)
    seen = np.zeros(len(row) * nm, dtype=bool)
    seen[inv * nm + m_c] = True
    if int(seen.sum()) != len(p):  # a (row, model) given twice: unstack's error, not a silent pick
        return None
    vals = np.full((len(row), nm), np.nan)
    vals[inv, m_c] = p["yhat"].to_numpy(float)
    ru, rc, rd = row // (nc * nd), (row // nd) % nc, row % nd
    index = pd.MultiIndex(
        levels=[pd.Index(uids), pd.Index(cuts), pd.Index(dss)],
        codes=[ru, rc, rd],
        names=["unique_id", "cutoff", "ds"],
        verify_integrity=False,
    )
    wide = pd.DataFrame(vals, index=index, columns=pd.Index(mods, name="model"))
    # dense rank of the origin within its series, newest = 0 (rows are sorted by series, then origin)
    pair, pair_inv = np.unique(ru * nc + rc, return_inverse=True)
    series_of_pair = pair // nc
    starts = np.flatnonzero(np.r_[True, series_of_pair[1:] != series_of_pair[:-1]])
    count = np.diff(np.r_[starts, len(pair)])
    pos = np.arange(len(pair)) - np.repeat(starts, count)
    age_pair = np.repeat(count, count) - 1 - pos
    age = age_pair[pair_inv]
    ages = np.unique(age)
    key_levels: list[Any] = [pd.Index(uids, name="unique_id"), pd.Index(ages)]
    key_codes: list[Any] = [ru, np.searchsorted(ages, age)]
    key = pd.MultiIndex(
        levels=key_levels,
        codes=key_codes,
        names=["unique_id", "window"],
        verify_integrity=False,
    )
    y = p["y"].to_numpy(float)[first]
    return wide, y, key
