"""Forecast distributions from pooled, scale-free backtest errors: quantiles, the mean and sample paths.

A series has two or three backtest windows, too few errors to say where its own 95% quantile
lies (the split-conformal widths of one series' 12 errors put the 80% and 95% bounds on the same
error). So the errors of the chosen forecasts are made scale-free, ``r = (y - yhat) / s`` with
``s`` the series' recent mean absolute period-to-period change (MASE's scale over the last half
season), and pooled over the series of a level that share a demand class and a horizon step.
A forecast's quantile ``p`` is ``max(0, yhat + s * (Q_group(p) - Q_group(0.5)))``: the pooled
shape, centred on the chosen point forecast (the median the model choice was scored on).

The mean, the quantity a total is summed from, is ``yhat + s * shift`` with ``shift >= 0`` the
scale-weighted mean (sum of errors / sum of scales) of the errors less the median error of the
same class in the same period: the right skew of demand (mean above median), without the misses
every series shared in a backtest window (a season the backtest's forecasts did not see), which
would otherwise be carried into every forecast. The skew is a property of the demand class, so a
forecast's shift comes from its own class (its step, else all its steps), never from a pool of
other classes; and smooth series (:data:`NO_SHIFT`) have none: their mean is the point forecast.

Groups with fewer than :data:`MIN_GROUP` errors fall back to the step pooled over classes, then
to the class over all steps, then to the whole level. Sample paths resample whole backtest
windows (the errors of one series at one origin, every step), so the dependence between the
periods of a window, which decides how uncertain a 6-month total is, is the observed one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.demand import conformal
from xborder.domains.demand.conformal import interval_bounds, row_bounds
from xborder.domains.demand.memo import reuse_scales, run_memo
from xborder.domains.demand.window_totals import cross_step_rho, quantile_name, window_totals

__all__ = [
    "QUANTILES",
    "MIN_GROUP",
    "Calibration",
    "level_scale",
    "reuse_scales",
    "run_memo",
    "fit_calibration",
    "apply_calibration",
    "sample_paths",
    "interval_bounds",
    "quantile_name",
    "NO_SHIFT",
]

QUANTILES = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)
"""Quantile levels every calibrated forecast carries (0.1/0.9 and 0.025/0.975 are the 80/95% intervals)."""
MIN_GROUP = 50
"""Fewest pooled errors for a (demand class, step) group; fewer fall back to a wider pool."""
CENTRE = False
"""Centre the pooled errors on their median, so the forecast's median is the chosen point forecast. Off: the
point forecast of an intermittent series is no median (WindowMedian takes the mean when a quarter of its
window is zero), and centring lifted the lower bounds above the zeros that then came (UCI weekly category x
country, Jun-Nov 2011: 34% of lumpy weeks below the 80% interval); the errors' own quantiles are kept."""
NO_SHIFT = frozenset({"smooth"})
"""Demand classes whose mean is their point forecast (no skew shift). Smooth demand (few zeros, CV^2 below
0.49) is near-symmetric; a shift pooled from its backtest errors carried the under-forecasts of a few large
series (UCI country totals, Mar-Aug 2011: +12 points of bias of the mean from the smooth class alone)."""
SHIFT_CAP = False
"""Off (measured, not adopted; docs/benchmarks.md, issue 15 sixth session): cap the mean's shift at the group's
scale-weighted mean backtest error (and 0). The shift measures how far the mean sits above the median (errors
less their period's median error); for a forecast that is already a mean (Croston-type) it counts the skew
twice: M5 item x store weekly means summed to +50.7% of the sales, +4.6% with the cap. But on UCI products,
whose picks are mostly WindowMedian, the cap moved the mean's bias -1.9% -> -6.2% (monthly) and -8.2% -> -15.4%
(weekly; 300 series, Jun-Nov 2011)."""
_GRID = (np.arange(100) + 0.5) / 100
"""Midpoint quantile levels (kept in the tables for finer quantiles than QUANTILES)."""


def level_scale(df: pd.DataFrame, at: pd.DataFrame, window: int, kind: str = "mad") -> np.ndarray:
    """Scale of each (unique_id, cutoff) of ``at`` from the periods up to the cutoff.

    ``kind="mad"``: mean absolute change between consecutive periods over the last ``window``
    periods (the in-sample naive MAE, MASE's scale, over a recent stretch); ``"level"``: mean demand
    over the last ``window`` periods. Floored at the same figure over the whole history up to the
    cutoff divided by ``window`` (a series that paused keeps a scale) and at a tenth of a unit;
    NaN when the series has no periods up to the cutoff.

    Args:
        df: long unique_id, ds, y history.
        at: unique_id, cutoff pairs.
        window: trailing periods.
    """
    memo = run_memo()
    key = (id(df), window, kind)
    if memo is not None and key in memo and memo[key][0] is df:
        lookup = memo[key][1]
    else:
        lookup = _scale_lookup(df, window, kind)
        if memo is not None:
            memo[key] = (df, lookup)
    c = at["cutoff"]
    cut = c.to_numpy() if c.dtype == "datetime64[ns]" else pd.to_datetime(c).to_numpy()
    key_at = pd.MultiIndex.from_arrays([at["unique_id"].to_numpy(), cut])
    return lookup.reindex(key_at).to_numpy(float)


def _scale_lookup(df: pd.DataFrame, window: int, kind: str) -> pd.Series:
    """:func:`level_scale` of every (unique_id, ds) of ``df`` (index) as if each period were a cutoff."""
    d = df[["unique_id", "ds", "y"]].sort_values(["unique_id", "ds"], kind="stable")
    y = d["y"].to_numpy(float)
    uid = d["unique_id"].to_numpy()
    if kind == "mad":
        first = np.r_[True, uid[1:] != uid[:-1]]
        v = np.abs(np.diff(y, prepend=np.nan))
        v[first] = y[first]  # the first period's change from nothing: its own level
    else:
        v = y
    g = pd.Series(v).groupby(uid, sort=False)
    roll = g.rolling(window, min_periods=1).mean().reset_index(level=0, drop=True).sort_index().to_numpy()
    expanding = g.expanding().mean().reset_index(level=0, drop=True).sort_index().to_numpy()
    s = np.maximum(np.maximum(roll, expanding / window), 0.1)
    return pd.Series(s, index=pd.MultiIndex.from_arrays([uid, d["ds"].to_numpy()]))


@dataclass
class Calibration:
    """Quantile functions of pooled scale-free errors per group, and the error windows for paths."""

    probs: np.ndarray
    """Quantile levels of the tables' columns (the mean grid and QUANTILES, sorted)."""
    tables: dict[str, pd.DataFrame]
    """Per tier (class_step, step, class, all): index = group key, columns = probs, plus n."""
    windows: pd.DataFrame
    """One row per backtest window: demand_class and the error at each step (columns 1..h)."""
    max_step: int
    step_growth: float = 0.5
    """Exponent b of the spread's growth with the horizon step, fitted on the backtest's steps: a step k
    beyond the longest backtest step K gets the quantiles of K times (k / K) ** b."""
    totals: pd.DataFrame | None = None
    """Per demand class (and ``_all``) quantiles of window totals' scale-free errors divided by n ** a."""
    total_growth: float = 1.0
    """Exponent a of a window total's spread in the number of periods n it sums (1: errors move
    together, 0.5: independent), fitted on the backtest windows' half and full sums."""
    step_rho: float = 1.0
    """Mean correlation between horizon steps of the backtest windows' errors (:func:`cross_step_rho`)."""
    levels: pd.DataFrame | None = None
    """Per demand class (and ``_all``) the level each nominal interval level is built at
    (:func:`~xborder.domains.demand.conformal.fit_levels`); None: nominal."""

    def level_of(self, classes: np.ndarray, level: float) -> np.ndarray:
        """Level the ``level`` interval of forecasts of ``classes`` is built at."""
        t = self.levels
        if t is None or not any(np.isclose(level, c) for c in t.columns):
            return np.full(len(classes), level)
        col = t[[c for c in t.columns if np.isclose(level, c)][0]]
        return col.reindex(classes).fillna(col["_all"]).to_numpy(float)

    def quantiles(self, classes: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """Quantiles (rows: forecasts, columns: ``probs``) of the error groups of ``classes`` x ``steps``."""
        # every forecast of one (class, step) pair has the same row: look the distinct pairs up, then gather
        cls_code, cls_names = pd.factorize(np.asarray(classes), use_na_sentinel=False)
        steps = np.asarray(steps)
        step_code, step_names = pd.factorize(steps, use_na_sentinel=False)
        k = len(step_names)
        pair, inv = np.unique(cls_code.astype(np.int64) * k + step_code, return_inverse=True)
        return self._pair_quantiles(cls_names[pair // k], step_names[pair % k])[inv]

    def _pair_quantiles(self, classes: np.ndarray, steps: np.ndarray) -> np.ndarray:
        beyond = np.maximum(np.asarray(steps, float) / self.max_step, 1.0) ** self.step_growth
        steps = np.minimum(steps, self.max_step)
        out = np.full((len(steps), len(self.probs) + 1), np.nan)  # + the weighted mean error
        todo = np.ones(len(steps), dtype=bool)
        keys = {
            "class_step": pd.MultiIndex.from_arrays([classes, steps]),
            "step": pd.Index(steps),
            "class": pd.Index(classes),
            "all": pd.Index(np.zeros(len(steps), dtype=int)),
        }
        for tier, key in keys.items():
            t = self.tables[tier]
            t = t[t["n"] >= MIN_GROUP] if tier != "all" else t
            if t.empty or not todo.any():
                continue
            pos = t.index.get_indexer(key)
            take = todo & (pos >= 0)
            out[take] = t.drop(columns="n").to_numpy(float)[pos[take]]
            todo &= ~take
        out[:, :-1] *= beyond[:, None]  # steps past the backtest's: the spread keeps growing
        out[:, -1] = self._shifts(classes, steps)
        return out

    def _shifts(self, classes: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """The mean's shift (scale-free) of each forecast: its class at its step, else its class over all
        steps, else the level's; 0 for the classes of :data:`NO_SHIFT`."""
        shift = np.zeros(len(steps))
        todo = ~np.isin(classes, list(NO_SHIFT))
        for tier, key in (
            ("class_step", pd.MultiIndex.from_arrays([classes, steps])),
            ("class", pd.Index(classes)),
            ("all", pd.Index(np.zeros(len(steps), dtype=int))),
        ):
            t = self.tables[tier]
            t = t[t["n"] >= MIN_GROUP] if tier != "all" else t
            if t.empty or not todo.any():
                continue
            pos = t.index.get_indexer(key)
            take = todo & (pos >= 0)
            shift[take] = t["wmean"].to_numpy(float)[pos[take]]
            todo &= ~take
        return shift


def _steps(points: pd.DataFrame) -> np.ndarray:
    """Horizon step (1 = first period after the origin) of each backtest point."""
    return points.groupby(["unique_id", "cutoff"], sort=False)["ds"].rank(method="first").to_numpy(int)


def fit_calibration(points: pd.DataFrame, scale: np.ndarray, classes: pd.Series) -> Calibration | None:
    """Pool the scale-free errors of backtest ``points`` (one chosen forecast per series and origin).

    Args:
        points: unique_id, cutoff, ds, y, yhat (clipped at 0 or not: they are clipped here).
        scale: :func:`level_scale` of each point's (unique_id, cutoff).
        classes: demand class per unique_id.

    Returns:
        None when no point has a finite error.
    """
    p = points[["unique_id", "cutoff", "ds", "y", "yhat"]].reset_index(drop=True)
    r = (p["y"].to_numpy(float) - np.clip(p["yhat"].to_numpy(float), 0, None)) / scale
    ok = np.isfinite(r)
    if not ok.any():
        return None
    p = p.assign(r=r, s=scale, step=_steps(p), demand_class=p["unique_id"].map(classes).fillna("unknown"))[ok]
    # the mean's shift: errors less the median error of the same class in the same period, so a
    # miss every series shared (a season the backtest's forecasts did not see) is not carried over
    p["rc"] = p["r"] - p.groupby(["demand_class", "cutoff", "ds"])["r"].transform("median")
    probs = np.unique(np.r_[_GRID, QUANTILES])
    tables = _tables(p, probs)
    raw = p.pivot_table(index=["unique_id", "cutoff"], columns="step", values="r", aggfunc="first")
    total_growth, totals = window_totals(raw, classes, MIN_GROUP)
    if CENTRE:  # paths share the quantiles' centring: errors less their class's median
        med = p.groupby("demand_class")["r"].transform("median")
        p = p.assign(r=p["r"] - med)
    win = p.pivot_table(index=["unique_id", "cutoff"], columns="step", values="r", aggfunc="first")
    win.insert(0, "demand_class", win.index.get_level_values("unique_id").map(classes).fillna("unknown"))
    cal = Calibration(
        probs, tables, win.reset_index(drop=True), int(p["step"].max()), _step_growth(tables["step"]),
        totals, total_growth, cross_step_rho(raw),
    )  # fmt: skip
    if conformal.CONFORMAL:  # the interval rule's own coverage on these rows, per class
        rows = p.assign(yhat=p["yhat"].clip(lower=0))
        cal.levels = conformal.fit_levels(
            cal.quantiles, probs, rows, MIN_GROUP, refit=lambda sub: _refit(sub, probs)
        )
    return cal


def _tables(p: pd.DataFrame, probs: np.ndarray) -> dict[str, pd.DataFrame]:
    """The quantile tables of every pooling tier (class x step, step, class, all) of the error rows ``p``."""
    tiers = {"class_step": ["demand_class", "step"], "step": ["step"], "class": ["demand_class"]}
    tables = {tier: _quantile_table(p, by, probs) for tier, by in tiers.items()}
    tables["all"] = _quantile_table(p.assign(_all=0), ["_all"], probs)
    return tables


def _refit(p: pd.DataFrame, probs: np.ndarray) -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
    """:meth:`Calibration.quantiles` of the pooled errors of the rows ``p`` alone (the nested check's folds)."""
    if p.empty:
        return None
    tables = _tables(p, probs)
    return Calibration(
        probs, tables, pd.DataFrame(), int(p["step"].max()), _step_growth(tables["step"])
    ).quantiles


def _spread(t: pd.DataFrame) -> pd.Series:
    probs = [c for c in t.columns if isinstance(c, float)]
    lo, hi = (probs[int(np.argmin(np.abs(np.asarray(probs) - p)))] for p in (0.1, 0.9))
    return (t[hi] - t[lo]).astype(float)


def _step_growth(steps: pd.DataFrame) -> float:
    """Least-squares slope of log(80% spread) on log(step) over the steps with enough errors, within [0, 1]
    (0.5, a random walk's, when fewer than 3 steps can say)."""
    t = steps[steps["n"] >= MIN_GROUP].drop(columns="n")
    sp = _spread(t)
    ok = (sp > 0).to_numpy()
    if ok.sum() < 3:
        return 0.5
    x, y = np.log(t.index.to_numpy(float)[ok]), np.log(sp.to_numpy(float)[ok])
    b = float(np.polyfit(x, y, 1)[0])
    return float(np.clip(b, 0.0, 1.0))


def _quantile_table(p: pd.DataFrame, by: list[str], probs: np.ndarray) -> pd.DataFrame:
    """Quantiles of r per group, the scale-weighted mean of r (sum of errors / sum of scales) and n."""
    rows: list[np.ndarray] = []
    keys: list[Any] = []
    for key, g in p.groupby(by, sort=True)[["r", "s", "rc"]]:
        r, s = g["r"].to_numpy(), g["s"].to_numpy()
        q = np.quantile(r, probs)
        centre = q[np.flatnonzero(np.isclose(probs, 0.5))[0]] if CENTRE else 0.0
        # the mean sits above the median of right-skewed demand; a negative estimate is noise
        shift = max(0.0, float((s * g["rc"].to_numpy()).sum() / s.sum()))
        if SHIFT_CAP:  # a forecast that is already a mean (Croston) is not shifted past the error it showed
            shift = max(0.0, min(shift, float((s * r).sum() / s.sum())))
        rows.append(np.r_[q - centre, shift, len(g)])
        keys.append(key if len(by) > 1 else (key[0] if isinstance(key, tuple) else key))
    index = pd.MultiIndex.from_tuples(keys) if len(by) > 1 else pd.Index(keys)
    return pd.DataFrame(rows, index=index, columns=[*probs, "wmean", "n"])


def apply_calibration(
    cal: Calibration,
    fc: pd.DataFrame,
    scale: np.ndarray,
    classes: pd.Series,
    levels: tuple[int, ...] | list[int] = (),
) -> pd.DataFrame:
    """Calibrated quantiles and mean of forecasts ``fc`` (unique_id, ds, yhat; one row per series and period).

    With ``levels``, also the pooled interval of each level as ``pooled_lo_<L>`` / ``pooled_hi_<L>``
    (:func:`interval_bounds`).

    Returns:
        ``fc`` with ``mean`` and one column per :data:`QUANTILES` level (:func:`quantile_name`),
        all >= 0; rows whose scale is unknown keep NaN.
    """
    fc = fc.reset_index(drop=True)
    steps = fc.groupby("unique_id", sort=False)["ds"].rank(method="first").to_numpy(int)
    cls = fc["unique_id"].map(classes).fillna("unknown").to_numpy()
    q = cal.quantiles(cls, steps)
    yhat = np.clip(fc["yhat"].to_numpy(float), 0, None)
    values = np.clip(yhat[:, None] + scale[:, None] * q[:, :-1], 0, None)
    out = fc.copy()
    out["mean"] = np.clip(yhat + scale * q[:, -1], 0, None)
    for p in QUANTILES:
        out[quantile_name(p)] = values[:, int(np.flatnonzero(np.isclose(cal.probs, p))[0])]
    for lv in levels:  # at the class's conformal level (conformal.py)
        lo, hi = row_bounds(values, cal.probs, cal.level_of(cls, lv / 100))
        out[f"pooled_lo_{lv}"], out[f"pooled_hi_{lv}"] = lo, hi
    return out


def sample_paths(
    cal: Calibration,
    fc: pd.DataFrame,
    scale: np.ndarray,
    classes: pd.Series,
    *,
    n_paths: int = 200,
    seed: int = 0,
) -> np.ndarray:
    """Sample paths of future demand: the point forecasts plus whole resampled backtest error windows.

    For each series, ``n_paths`` windows are drawn from the backtest windows of its demand class
    (all windows when the class has fewer than 10); a horizon longer than the windows is filled
    with further draws. Values are clipped at 0.

    Args:
        fc: unique_id, ds, yhat, one row per series and period, sorted by unique_id and ds.

    Returns:
        Array (series in order of first appearance, n_paths, horizon); shorter series are NaN-padded.
    """
    rng = np.random.default_rng(seed)
    fc = fc.reset_index(drop=True)
    ids = pd.unique(fc["unique_id"])
    steps = fc.groupby("unique_id", sort=False).cumcount().to_numpy()
    row = pd.Index(ids).get_indexer(pd.Index(fc["unique_id"]))
    horizon = int(steps.max()) + 1
    yhat = np.full((len(ids), horizon), np.nan)
    yhat[row, steps] = np.clip(fc["yhat"].to_numpy(float), 0, None)
    s = np.full((len(ids), horizon), np.nan)
    s[row, steps] = scale
    err = cal.windows.drop(columns="demand_class").to_numpy(float)
    width = err.shape[1]
    err = np.where(np.isnan(err), 0.0, err)
    cls = cal.windows["demand_class"].to_numpy()
    pools = {c: np.flatnonzero(cls == c) for c in np.unique(cls)}
    every = np.arange(len(err))
    out = np.empty((len(ids), n_paths, horizon))
    series_cls = pd.Series(ids).map(classes).fillna("unknown").to_numpy()
    blocks = -(-horizon // width)
    for c in np.unique(series_cls):
        who = np.flatnonzero(series_cls == c)
        pool = pools.get(c, every)
        pool = pool if len(pool) >= 10 else every
        draw = rng.choice(pool, size=(len(who), n_paths, blocks))
        e = err[draw].reshape(len(who), n_paths, blocks * width)[:, :, :horizon]
        out[who] = np.clip(yhat[who, None, :] + s[who, None, :] * e, 0, None)
    return out
