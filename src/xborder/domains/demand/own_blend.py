"""Partial pooling of intervals: smooth series' quantiles averaged with their chosen model's own bounds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.domains.demand.calibrate import QUANTILES, quantile_name

__all__ = ["BLEND_CLASSES", "blend_own"]

BLEND_CLASSES = frozenset({"smooth"})
"""Demand classes whose quantiles are the average of the pooled ones and the chosen model's own bounds
(native, or split-conformal from the series' own backtest errors). Chosen on M5 monthly (10 store totals
and 30 category x store series, all smooth): pooled 80/95% intervals covered 0.68-0.74 / 0.85-0.93, the
models' own 0.83-0.86 / 0.97-0.98, their average 0.76-0.78 / 0.92-0.97; confirmed on M5 weekly and the UCI
aggregates (docs/benchmarks.md)."""


def blend_own(cal: pd.DataFrame, classes: pd.Series, levels: list[int] | tuple[int, ...]) -> pd.DataFrame:
    """Average the quantile columns of ``cal``'s rows of :data:`BLEND_CLASSES` with their model's own bounds.

    At the interval levels' tails (e.g. 0.1/0.9 and 0.025/0.975) the quantile moves halfway to the model's
    ``lo_<L>`` / ``hi_<L>``; the median stays; quantiles in between move by the linearly interpolated
    amount (beyond the outermost tails by the tail's), kept non-decreasing and >= 0. Where the pooled
    interval is ``[0, Q(L)]`` (its lower tail at 0) or the model has no bounds, the row is left as it was.

    Args:
        cal: calibrated rows (unique_id, the :data:`QUANTILES` columns, ``pooled_lo_<L>`` / ``pooled_hi_<L>``
            and the model's ``lo_<L>`` / ``hi_<L>`` per level).
        classes: demand class per unique_id.
        levels: interval levels in percent.

    Returns:
        ``cal`` with the blended quantiles and ``pooled_lo_<L>`` / ``pooled_hi_<L>`` set to the blended bounds.
    """
    lv = [v for v in levels if f"lo_{v}" in cal.columns and f"pooled_lo_{v}" in cal.columns]
    on = cal["unique_id"].map(classes).isin(BLEND_CLASSES).to_numpy(bool)
    if not lv or not on.any():
        return cal
    probs = np.asarray(QUANTILES, float)
    cols = [quantile_name(p) for p in QUANTILES]
    q = cal[cols].to_numpy(float)
    anchors, shifts = [0.5], [np.zeros(len(cal))]
    for v in lv:
        tail = (1 - v / 100) / 2
        for p, own in ((tail, "lo"), (1 - tail, "hi")):
            j = int(np.argmin(np.abs(probs - p)))
            anchors.append(p)
            shifts.append((cal[f"{own}_{v}"].to_numpy(float) - q[:, j]) / 2)
        on &= cal[f"pooled_lo_{v}"].to_numpy(float) > 0  # a [0, Q(L)] interval is not a central one
    d = np.column_stack(shifts)
    on &= np.isfinite(d).all(axis=1) & np.isfinite(q).all(axis=1)
    if not on.any():
        return cal
    order = np.argsort(anchors)
    xa, da = np.asarray(anchors)[order], d[on][:, order]
    add = _interp_rows(probs, xa, da)
    new = np.clip(np.maximum.accumulate(q[on] + add, axis=1), 0, None)
    out = cal.copy()
    out.loc[on, cols] = new
    for v in lv:
        tail = (1 - v / 100) / 2
        lo_j, hi_j = (int(np.argmin(np.abs(probs - p))) for p in (tail, 1 - tail))
        out.loc[on, f"pooled_lo_{v}"] = new[:, lo_j]
        out.loc[on, f"pooled_hi_{v}"] = new[:, hi_j]
    return out


def _interp_rows(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """``np.interp(x, xp, row)`` for every row of ``fp`` at once, the same arithmetic as numpy's (bit for bit)."""
    if len(xp) < 2 or np.any(np.diff(xp) <= 0):  # ties or one anchor: numpy's own, row by row
        return np.vstack([np.interp(x, xp, row) for row in fp])
    out = np.empty((len(fp), len(x)))
    j = np.searchsorted(xp, x, side="right") - 1  # xp[j] <= x < xp[j + 1]
    for i, (k, v) in enumerate(zip(j, x, strict=True)):
        if k < 0:
            out[:, i] = fp[:, 0]
        elif k >= len(xp) - 1 or xp[k] == v:
            out[:, i] = fp[:, min(k, len(xp) - 1)]
        else:
            slope = (fp[:, k + 1] - fp[:, k]) / (xp[k + 1] - xp[k])
            res = slope * (v - xp[k]) + fp[:, k]
            bad = np.isnan(res)  # numpy retries from the other end
            if bad.any():
                res[bad] = slope[bad] * (v - xp[k + 1]) + fp[bad, k + 1]
                still = np.isnan(res) & (fp[:, k] == fp[:, k + 1])
                res[still] = fp[still, k]
            out[:, i] = res
    return out
