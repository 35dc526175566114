"""Demand ahead as the plans see it: expected units and their variance per future period, per product × market.

:func:`demand_from_forecasts` is the ONE place where inventory reads the demand domain's forecast rows. It takes
whatever the rows carry — ``point``, ``lo_80``/``hi_80``, ``lo_95``/``hi_95`` today, and, when present, ``mean`` and
quantile columns ``q<digits>`` (``q05`` = 5 %, ``q95`` = 95 %, ``q975`` = 97.5 %) — so calibrated means and
quantiles are used as soon as the demand stage writes them. Everything else works on :class:`DemandPaths`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

__all__ = ["DemandPaths", "demand_from_forecasts", "demand_from_rates", "window_demand", "days_until",
           "pooled_growth"]  # fmt: skip

_Q = re.compile(r"^q(\d+)$")
_Z80 = float(norm.ppf(0.9))
_Z95 = float(norm.ppf(0.975))


@dataclass(frozen=True)
class DemandPaths:
    """Expected demand per future period for P pairs over H periods (shorter paths padded with zero-day periods).

    Attributes:
        keys: One row per pair: product_id, market, kind (forecast | analogue | recent_sales), model, freq,
            start (first day of the first period), sd_basis (what the spread came from).
        days: P × H period lengths in days.
        mean: P × H expected units per period.
        var: P × H variance of units per period (as if independent).
        growth: per pair the exponent a of the spread of a sum of n periods, σ(n) ∝ n^a: 0.5 when periods are
            independent (the default), up to 1 when their errors move together (read from the horizon total).
    """

    keys: pd.DataFrame
    days: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    growth: np.ndarray | None = None

    @property
    def daily_mean(self) -> np.ndarray:
        """Average expected units per day over each pair's horizon."""
        total = self.days.sum(axis=1)
        return np.divide(self.mean.sum(axis=1), total, out=np.zeros(len(total)), where=total > 0)

    @property
    def daily_sd(self) -> np.ndarray:
        """Standard deviation of one day's demand (variance spread evenly over the horizon's days)."""
        total = self.days.sum(axis=1)
        return np.sqrt(np.divide(self.var.sum(axis=1), total, out=np.zeros(len(total)), where=total > 0))


def _period_days(ds: pd.Series, freq: pd.Series) -> np.ndarray:
    d = pd.to_datetime(ds)
    out = np.where(freq.eq("W"), 7.0, np.where(freq.eq("D"), 1.0, d.dt.days_in_month.to_numpy(dtype=float)))
    return np.asarray(out, dtype=float)


def _quantile_for(columns: pd.Index, level: float) -> tuple[str, float] | None:
    """The calibrated upper quantile to read the spread at: the lowest ``q<digits>`` at or above the service
    level (the highest when none is), e.g. q95 for 0.95; None without calibrated quantiles."""
    qs = sorted((float("0." + m.group(1)), str(c)) for c in columns if (m := _Q.match(str(c))))
    upper = [(p, c) for p, c in qs if 0.5 < p < 1]
    if not upper or "q50" not in columns:
        return None
    at = [(p, c) for p, c in upper if p >= level - 1e-9]
    p, c = at[0] if at else upper[-1]
    return c, p


def _spread(rows: pd.DataFrame, centre: pd.Series, level: float = 0.95) -> tuple[pd.Series, pd.Series]:
    """(sd of one period's units, where it came from): read at the service level — ``q<p> − q50`` of the
    calibrated quantiles over z(p), p the lowest quantile at or above the level (q95 for 0.95) —, else the
    80 % band's upper half ``hi_80 − point`` over z(0.9), else ``hi_95 − point`` over z(0.975); else Poisson
    (sd = √mean).

    Why at the service level: on the demo's UCI data cut at 2011-06-06 (400 product × country weekly series,
    12 windows of 28–91 days, docs/inventory.md "Demand spread"), μ + 1.645σ with σ from q95 and the horizon
    total's dependence (:func:`_total_growth`) held 95.0 % of the actual window demands; from q975 92.0 %, from
    q90 93.9 %, from q90 with independent periods 85.4 %.
    """
    sd = pd.Series(np.nan, index=rows.index)
    basis = pd.Series("poisson", index=rows.index, dtype=object)
    candidates = []
    q = _quantile_for(rows.columns, level)
    if q is not None:
        candidates.append((rows[q[0]] - rows["q50"], float(norm.ppf(q[1])), q[0]))
    candidates += [
        (rows[c] - rows["point"], z, c) for c, z in (("hi_80", _Z80), ("hi_95", _Z95)) if c in rows
    ]
    for width, z, name in candidates:
        est = pd.to_numeric(width, errors="coerce") / z
        take = sd.isna() & est.notna() & (est >= 0)
        sd[take], basis[take] = est[take], name
    fallback = sd.isna()
    sd[fallback] = np.sqrt(centre[fallback].clip(lower=0))
    return sd.clip(lower=0), basis


def _total_growth(df: pd.DataFrame, sd: pd.Series, keys: pd.DataFrame) -> np.ndarray:
    """Per pair the exponent a of the spread's growth with the periods summed, σ(n) ∝ n^a (demand's own model of
    a total, docs/demand.md "Totals"), read from the horizon total when the rows carry it (``total_q50``,
    ``total_q90``, ``total_periods`` from forecast_totals): a = ½ + ln(σ_H / σ_ind(H)) / ln H, with σ_H the
    total's upper half of the 80 % band over z(0.9) and σ_ind(H) the periods' spreads summed as if independent;
    kept within [0.5, 1] as demand fits it. ½ (independent periods) without a total."""
    a = np.full(len(keys), 0.5)
    need = {"total_q50", "total_q90", "total_periods"}
    if not need <= set(df.columns):
        return a
    g = df.assign(_v=sd * sd).groupby(["product_id", "market"], sort=False)
    t = g.agg(v=("_v", "sum"), q50=("total_q50", "first"), q90=("total_q90", "first"),
              h=("total_periods", "first"))  # fmt: skip
    t = t.reindex(pd.MultiIndex.from_frame(keys[["product_id", "market"]]))
    sigma_h = (pd.to_numeric(t["q90"], errors="coerce") - pd.to_numeric(t["q50"], errors="coerce")) / _Z80
    h = pd.to_numeric(t["h"], errors="coerce").to_numpy(float)
    ind = np.sqrt(t["v"].to_numpy(float))
    ok = np.isfinite(sigma_h.to_numpy(float)) & (h > 1) & (ind > 0) & (sigma_h.to_numpy(float) > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = 0.5 + np.log(sigma_h.to_numpy(float) / ind) / np.log(h)
    return np.where(ok, np.clip(est, 0.5, 1.0), a)


def _borrowed_growth(df: pd.DataFrame, keys: pd.DataFrame, own: np.ndarray) -> np.ndarray:
    """Where a pair has no horizon total of its own, the ``growth_prior`` its rows carry (the run's pooled a,
    :func:`pooled_growth`), within [0.5, 1]; else ``own``."""
    if "growth_prior" not in df.columns:
        return own
    g = pd.to_numeric(df["growth_prior"], errors="coerce").groupby(
        [df["product_id"], df["market"]], sort=False
    )
    prior = g.first().reindex(pd.MultiIndex.from_frame(keys[["product_id", "market"]])).to_numpy(float)
    has_total = "total_q90" in df.columns and bool(
        pd.to_numeric(df["total_q90"], errors="coerce").notna().any()
    )
    if has_total:
        t = (
            pd.to_numeric(df["total_q90"], errors="coerce")
            .notna()
            .groupby([df["product_id"], df["market"]], sort=False)
            .any()
        )
        with_total = (
            t.reindex(pd.MultiIndex.from_frame(keys[["product_id", "market"]])).fillna(False).to_numpy(bool)
        )
    else:
        with_total = np.zeros(len(keys), dtype=bool)
    take = ~with_total & np.isfinite(prior)
    return np.where(take, np.clip(prior, 0.5, 1.0), own)


def pooled_growth(rows: pd.DataFrame, service_level: float = 0.95) -> float | None:
    """The median spread growth a (σ(n) ∝ n^a) over the pairs whose horizon total sets it (:func:`_total_growth`)
    — the run's own measure of how demand errors add up over periods, lent to plans without a total of their own
    (analogues, history, recent sales). None when no pair has a total.

    Why: history plans with independent weeks (a = ½) held 88.0 % of a 95 % promise on the demo's sales; with the
    demo run's pooled a = 0.85, 94.0 % (benchmarks/inventory_history_spread.py, docs/inventory.md).
    """
    need = {"total_q50", "total_q90", "total_periods"}
    if rows.empty or not need <= set(rows.columns):
        return None
    with_total = rows[pd.to_numeric(rows["total_q90"], errors="coerce").notna()]
    if with_total.empty:
        return None
    p = demand_from_forecasts(with_total.drop(columns="growth_prior", errors="ignore"), service_level)
    return None if p.growth is None or len(p.growth) == 0 else float(np.median(p.growth))


def demand_from_forecasts(rows: pd.DataFrame, service_level: float = 0.95) -> DemandPaths:
    """Demand paths from forecast rows of level product_market (one row per pair and period).

    Args:
        rows: forecasts rows with product_id, market, freq, ds, model, kind, point and any of lo_80, hi_80,
            lo_95, hi_95, mean, q<digits>; optionally the pair's horizon total (``total_q50``, ``total_q90``,
            ``total_periods``: forecast_totals' q50, q90 and periods), which sets how the spread grows with the
            periods summed (:func:`_total_growth`); where a pair has no total, ``growth_prior`` (the run's
            :func:`pooled_growth`) sets it (``sd_basis`` ends ``+pooled``).
        service_level: The plan's target: the calibrated quantile the spread is read at (:func:`_spread`).

    Returns:
        Paths in period order; the expected units are ``mean`` when present, else ``point`` (the spread, see
        :func:`_spread`).
    """
    cols = ["product_id", "market", "kind", "model", "freq", "start", "sd_basis"]
    if rows.empty:
        return DemandPaths(pd.DataFrame(columns=cols), np.zeros((0, 0)), np.zeros((0, 0)), np.zeros((0, 0)))
    df = rows.sort_values(["product_id", "market", "ds"]).reset_index(drop=True)
    centre = pd.to_numeric(df["mean"], errors="coerce") if "mean" in df else pd.Series(np.nan, index=df.index)
    centre = centre.fillna(pd.to_numeric(df["point"], errors="coerce")).fillna(0.0).clip(lower=0)
    sd, basis = _spread(df, centre, service_level)
    df = df.assign(_mean=centre, _var=sd * sd, _days=_period_days(df["ds"], df["freq"]), _basis=basis)
    df["_k"] = df.groupby(["product_id", "market"], sort=False).cumcount()
    keys = df.groupby(["product_id", "market"], sort=False).agg(
        kind=("kind", "first"), model=("model", "first"), freq=("freq", "first"), start=("ds", "min"),
        sd_basis=("_basis", "first"),
    ).reset_index()  # fmt: skip
    own = _total_growth(df, sd, keys)
    growth = _borrowed_growth(df, keys, own)
    keys["sd_basis"] = np.where(
        own > 0.5,
        keys["sd_basis"] + "+total",
        np.where(growth > 0.5, keys["sd_basis"] + "+pooled", keys["sd_basis"]),
    )
    pair = df.groupby(["product_id", "market"], sort=False).ngroup().to_numpy()
    shape = (len(keys), int(df["_k"].max()) + 1)
    out = [np.zeros(shape) for _ in range(3)]
    for arr, col in zip(out, ("_days", "_mean", "_var"), strict=True):
        arr[pair, df["_k"].to_numpy()] = df[col].to_numpy(dtype=float)
    keys["start"] = pd.to_datetime(keys["start"])
    return DemandPaths(keys[cols], out[0], out[1], out[2], growth=growth)


def demand_from_rates(
    keys: pd.DataFrame, daily_mean: np.ndarray, daily_sd: np.ndarray, days: float = 365.0
) -> DemandPaths:
    """Constant-rate paths (one period of ``days``) for pairs without a forecast, e.g. from recent sales."""
    n = len(keys)
    d = np.full((n, 1), float(days))
    m = np.asarray(daily_mean, dtype=float).reshape(n, 1) * days
    v = (np.asarray(daily_sd, dtype=float).reshape(n, 1) ** 2) * days
    return DemandPaths(keys.reset_index(drop=True), d, m, v)


def _cumulative(p: DemandPaths) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    z = np.zeros((len(p.days), 1))
    return (np.hstack([z, p.days.cumsum(axis=1)]), np.hstack([z, p.mean.cumsum(axis=1)]),
            np.hstack([z, p.var.cumsum(axis=1)]))  # fmt: skip


def _at(cd: np.ndarray, cv: np.ndarray, inc: np.ndarray, days: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Cumulative value at day x of each row (linear within a period; past the horizon at the last period's rate)."""
    n, h = days.shape
    k = np.minimum((cd[:, 1:] <= x[:, None]).sum(axis=1), h - 1)
    rows = np.arange(n)
    # past the horizon: the last period with days sets the rate
    last = np.maximum((days > 0).sum(axis=1) - 1, 0)
    beyond = x >= cd[rows, last + 1]
    k = np.where(beyond, last, k)
    d = days[rows, k]
    rate = np.divide(inc[rows, k], d, out=np.zeros(n), where=d > 0)
    return cv[rows, k] + (x - cd[rows, k]) * rate


def window_demand(
    paths: DemandPaths, offset_days: np.ndarray, length_days: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of demand from day ``offset`` to ``offset + length`` of each pair's path (days may be fractional).

    The sd is the periods' spreads summed as if independent, times n^(a − ½) for a window of n periods (n = length
    over the pair's mean period length, a = :attr:`DemandPaths.growth`): σ(n) ∝ n^a, as demand models a total.
    """
    if len(paths.days) == 0:
        return np.zeros(0), np.zeros(0)
    cd, cm, cv = _cumulative(paths)
    a = np.asarray(offset_days, dtype=float) * np.ones(len(cd))
    b = a + np.asarray(length_days, dtype=float)
    mean = _at(cd, cm, paths.mean, paths.days, b) - _at(cd, cm, paths.mean, paths.days, a)
    var = _at(cd, cv, paths.var, paths.days, b) - _at(cd, cv, paths.var, paths.days, a)
    sd = np.sqrt(np.clip(var, 0, None))
    if paths.growth is None:
        return mean, sd
    used = (paths.days > 0).sum(axis=1)
    period = np.divide(cd[:, -1], used, out=np.ones(len(cd)), where=used > 0)
    n = np.divide(b - a, period, out=np.zeros(len(cd)), where=period > 0)
    with np.errstate(divide="ignore"):
        factor = np.where(n > 0, n ** (np.asarray(paths.growth, dtype=float) - 0.5), 1.0)
    return mean, sd * factor


def days_until(paths: DemandPaths, units: np.ndarray, offset_days: np.ndarray | float = 0.0) -> np.ndarray:
    """Days from ``offset`` until expected demand has used up ``units`` (NaN: never at a zero rate)."""
    n = len(paths.days)
    if n == 0:
        return np.zeros(0)
    cd, cm, _ = _cumulative(paths)
    off = np.asarray(offset_days, dtype=float) * np.ones(n)
    target = _at(cd, cm, paths.mean, paths.days, off) + np.maximum(np.asarray(units, dtype=float), 0)
    h = paths.days.shape[1]
    k = np.minimum((cm[:, 1:] < target[:, None]).sum(axis=1), h)  # first period whose end reaches the target
    rows = np.arange(n)
    inside = k < h
    kk = np.minimum(k, h - 1)
    d = paths.days[rows, kk]
    rate_k = np.divide(paths.mean[rows, kk], d, out=np.zeros(n), where=d > 0)
    x_in = cd[rows, kk] + np.divide(target - cm[rows, kk], rate_k, out=np.full(n, np.nan), where=rate_k > 0)
    last = np.maximum((paths.days > 0).sum(axis=1) - 1, 0)
    dl = paths.days[rows, last]
    rate_last = np.divide(paths.mean[rows, last], dl, out=np.zeros(n), where=dl > 0)
    x_out = cd[rows, last + 1] + np.divide(
        target - cm[rows, last + 1], rate_last, out=np.full(n, np.nan), where=rate_last > 0
    )
    return np.where(inside, x_in, x_out) - off
