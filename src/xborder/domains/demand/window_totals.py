"""Quantiles of a horizon total from the backtest windows' own totals (conformal on window totals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from xborder.domains.demand.calibrate import Calibration

__all__ = ["MIN_TOTALS", "TOTAL_QUANTILES", "window_totals", "total_quantiles", "quantile_name"]

MIN_TOTALS = 30
"""Fewest backtest windows for a demand class's own quantiles of totals (else every window's)."""
TOTAL_QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
"""Quantile levels of a horizon total (``forecast_totals`` q05 ... q95)."""


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
