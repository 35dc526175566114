"""Quantiles of a horizon total from the backtest windows' own totals (conformal on window totals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from xborder.domains.demand.calibrate import Calibration

__all__ = [
    "MIN_TOTALS",
    "TOTAL_QUANTILES",
    "PERIOD_SUM",
    "window_totals",
    "total_quantiles",
    "quantile_name",
    "cross_step_rho",
    "period_sum_quantiles",
    "widen_by_periods",
]

MIN_TOTALS = 30
"""Fewest backtest windows for a demand class's own quantiles of totals (else every window's)."""
TOTAL_QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
"""Quantile levels of a horizon total (``forecast_totals`` q05 ... q95)."""
PERIOD_SUM = True
"""Widen each tail of a horizon total to the per-period quantiles summed with the measured cross-step
correlation (:func:`widen_by_periods`) where that is wider. Chosen on M5 monthly, where the totals' 10-90% /
5-95% ranges from the backtest windows' totals alone held 0.72 / 0.80 (category x store) and 0.70 / 0.75
(store totals) of the actual 6-month totals: three windows of 10-30 series that share every shock are too
few totals; the per-period quantiles (blended with the models' own bounds) carry more of the spread.
Checked on M5 weekly and the UCI aggregates (docs/benchmarks.md, issue 15 fifth session)."""


def quantile_name(p: float) -> str:
    """Column name of quantile ``p``: q05, q10, q50 for whole percents, q025 and q975 for 2.5% and 97.5%."""
    pct = round(p * 100, 6)
    return f"q{int(pct):02d}" if pct == int(pct) else f"q{int(round(p * 1000)):03d}"


def window_totals(
    raw: pd.DataFrame, classes: pd.Series, min_group: int = 50
) -> tuple[float, pd.DataFrame | None]:
    """Scale-free errors of whole-window totals: how their spread grows with the periods summed, and
    their quantiles per demand class after dividing by n ** a (uncentred: the sum of medians is below
    the median of a right-skewed sum)."""
    e = raw.to_numpy(float)
    n = np.sum(np.isfinite(e), axis=1)
    full = np.nansum(e, axis=1)
    half_n = np.maximum(n // 2, 1)
    cols = np.arange(e.shape[1])[None, :]
    half = np.nansum(np.where(cols < half_n[:, None], e, np.nan), axis=1)
    two = n >= 2
    growth = 1.0
    if two.sum() >= min_group:
        s_full = np.subtract(*np.quantile(full[two] / n[two], [0.9, 0.1]))
        s_half = np.subtract(*np.quantile(half[two] / half_n[two], [0.9, 0.1]))
        ratio = np.exp(np.mean(np.log(n[two] / half_n[two])))
        if s_full > 0 and s_half > 0:  # spread of the mean error per period shrinks as n ** (a - 1)
            growth = float(np.clip(1.0 + np.log(s_full / s_half) / np.log(ratio), 0.5, 1.0))
    ok = n > 0
    if not ok.any():
        return growth, None
    t = pd.DataFrame(
        {
            "r": full[ok] / n[ok] ** growth,
            "demand_class": raw.index.get_level_values("unique_id")[ok].map(classes).fillna("unknown"),
        }
    )
    probs = np.asarray(TOTAL_QUANTILES)
    rows = {"_all": np.r_[np.quantile(t["r"], probs), len(t)]}
    for c, g in t.groupby("demand_class"):
        if len(g) >= MIN_TOTALS:
            rows[str(c)] = np.r_[np.quantile(g["r"], probs), len(g)]
    return growth, pd.DataFrame.from_dict(rows, orient="index", columns=[*probs, "n"])


def total_quantiles(
    cal: Calibration, fc: pd.DataFrame, scale: np.ndarray, classes: pd.Series
) -> pd.DataFrame:
    """Quantiles of each series' horizon total, conformal on the backtest windows' totals.

    ``q_p = max(0, sum(yhat) + s * H ** a * Q_class(p))`` with H the periods summed, s the series'
    scale and Q the quantile of the window totals' scale-free errors divided by n ** a
    (:attr:`Calibration.total_growth`).

    Args:
        fc: unique_id, ds, yhat (one row per series and period).
        scale: :func:`level_scale` per row.

    Returns:
        unique_id and one column per :data:`TOTAL_QUANTILES` level (NaN without a calibration of totals).
    """
    g = fc.assign(_s=scale, yhat=np.clip(fc["yhat"].to_numpy(float), 0, None)).groupby(
        "unique_id", sort=False
    )
    base = pd.DataFrame({"sum": g["yhat"].sum(), "h": g.size(), "s": g["_s"].mean()})
    names = [quantile_name(p) for p in TOTAL_QUANTILES]
    if cal.totals is None:
        return (
            base.assign(**dict.fromkeys(names, np.nan))
            .rename_axis("unique_id")
            .reset_index()[["unique_id", *names]]
        )
    t = cal.totals
    cls = pd.Series(base.index, index=base.index).map(classes).fillna("unknown").astype(str)
    key = np.where(cls.isin(t.index), cls, "_all")
    q = t.drop(columns="n").reindex(key).to_numpy(float)
    width = (base["s"].to_numpy(float) * base["h"].to_numpy(float) ** cal.total_growth)[:, None]
    vals = np.clip(base["sum"].to_numpy(float)[:, None] + width * q, 0, None)
    out = pd.DataFrame(vals, columns=names, index=base.index)
    return out.rename_axis("unique_id").reset_index()


def cross_step_rho(windows: pd.DataFrame, min_windows: int = 10) -> float:
    """Mean correlation between the horizon steps of the backtest windows' scale-free errors, in [0, 1].

    Args:
        windows: one row per backtest window, a ``demand_class`` column and the error at each step.
        min_windows: fewest windows holding both steps of a pair for its correlation to count.

    Returns:
        1 (errors move together: the per-period bounds add up) when no pair of steps can say.
    """
    e = windows.drop(columns="demand_class", errors="ignore").astype(float)
    c = e.corr(min_periods=min_windows).to_numpy()
    off = c[~np.eye(len(c), dtype=bool)]
    off = off[np.isfinite(off)]
    return float(np.clip(off.mean(), 0.0, 1.0)) if len(off) else 1.0


def period_sum_quantiles(rows: pd.DataFrame, rho: float) -> pd.DataFrame:
    """Quantiles of each series' horizon total summed from its per-period quantiles.

    ``T_p = sum q50 +/- sqrt(sum d^2 + rho ((sum d)^2 - sum d^2))`` with ``d = |q_p - q50|`` per period: the
    spread of a sum of periods whose errors correlate by ``rho`` (1: the per-period bounds add up; 0:
    independent periods), floored at 0.

    Args:
        rows: unique_id and the per-period quantile columns (``q50`` and those of :data:`TOTAL_QUANTILES`).
        rho: cross-step correlation (:func:`cross_step_rho`).

    Returns:
        Indexed by unique_id, one column per :data:`TOTAL_QUANTILES` level present in ``rows``.
    """
    uid = rows["unique_id"].to_numpy()
    mid = rows["q50"].groupby(uid, sort=False).sum()
    out = pd.DataFrame(index=mid.index)
    for p in TOTAL_QUANTILES:
        name = quantile_name(p)
        if name not in rows.columns:
            continue
        d = (rows[name] - rows["q50"]).abs()
        s1, s2 = d.groupby(uid, sort=False).sum(), (d**2).groupby(uid, sort=False).sum()
        width = np.sqrt(np.maximum(s2 + rho * (s1**2 - s2), 0.0))
        out[name] = np.clip(mid + np.sign(p - 0.5) * width, 0, None)
    return out


def widen_by_periods(totals: pd.DataFrame, rows: pd.DataFrame, rho: float) -> pd.DataFrame:
    """``totals`` (unique_id, q05 ... q95) with each tail widened to :func:`period_sum_quantiles` where wider.

    Quantiles below the median take the lower of the two, above it the higher; the median stays (so the
    columns stay ordered). Rows without per-period quantiles are left as they were.
    """
    if "q50" not in rows.columns or totals.empty:
        return totals
    ps = period_sum_quantiles(rows, rho).reindex(totals["unique_id"])
    out = totals.copy()
    for p in TOTAL_QUANTILES:
        name = quantile_name(p)
        if p == 0.5 or name not in ps.columns or name not in out.columns:
            continue
        alt = ps[name].to_numpy(float)
        cur = out[name].to_numpy(float)
        pick = np.fmin if p < 0.5 else np.fmax  # NaN on one side: the other
        out[name] = np.where(np.isnan(cur), cur, pick(cur, alt))
    return out
