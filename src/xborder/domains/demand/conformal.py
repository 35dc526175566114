"""Split-conformal interval levels: per demand class, the quantile level whose intervals hold the nominal share.

The pooled quantiles of :mod:`xborder.domains.demand.calibrate` hold their share of the pooled
scale-free errors, but an interval is built per forecast from them and clipped at zero, and where
the lower bound is zero it becomes ``[0, Q(L)]`` (:func:`interval_bounds`). On demand with many
zeros the rows whose lower bound is clipped are those of small forecasts relative to their scale,
whose errors are skewed up: the intervals built this way held 71% of M5 item x store weekly
backtest outcomes at 80% (docs/benchmarks.md, issue 15 eighth session). So the interval rule itself
is calibrated on the backtest rows: the nonconformity score of an outcome is the smallest level of a
grid whose interval holds it, and a class's level for nominal ``L`` is the ``ceil((n + 1) L)``-th
smallest score of its ``n`` rows (split conformal's finite-sample correction: few rows widen the
interval rather than under-cover). Classes with fewer than ``min_group`` rows take the level's pool.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["CONFORMAL", "WEIGHT", "LEVELS", "CANDIDATES", "fit_levels", "interval_bounds", "row_bounds"]

CONFORMAL = True
"""Calibrate the interval rule per demand class on the backtest rows (off: every interval at its nominal level)."""
WEIGHT = 0.5
"""Share of the way from the nominal level to the conformal one an interval is built at (1: split conformal)."""
LEVELS = (0.8, 0.95)
"""Nominal levels calibrated (other levels are built at their nominal level)."""
CANDIDATES: np.ndarray = np.arange(50, 100) / 100
"""Levels an interval may be built at (the nominal ones among them)."""
_CHUNK = 100_000
"""Backtest rows whose quantiles are expanded at once."""


def _at(probs: np.ndarray, p: np.ndarray | float) -> np.ndarray:
    """Column of ``probs`` nearest each level ``p``."""
    return np.argmin(np.abs(np.asarray(probs)[None, :] - np.atleast_1d(p)[:, None]), axis=1)


def interval_bounds(values: np.ndarray, probs: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Interval holding ``level`` of each row's distribution (rows: forecasts, columns: quantiles at ``probs``).

    The central interval ``[Q((1-L)/2), Q((1+L)/2)]``, except where demand is 0 with probability
    ``(1-L)/2`` or more (the quantile at ``(1-L)/2`` is already 0: intermittent series): there the
    central interval would hold ``(1+L)/2`` of the outcomes (every zero and all up to the upper
    bound), so the interval is ``[0, Q(L)]``, which holds ``L``.
    """
    tail = (1 - level) / 2
    i_lo, i_hi, i_l = _at(probs, np.array([tail, 1 - tail, level]))
    lo, hi = values[:, i_lo], values[:, i_hi]
    return lo, np.where(lo <= 0, values[:, i_l], hi)


def row_bounds(values: np.ndarray, probs: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`interval_bounds` with one level per row."""
    lo, hi = np.full(len(values), np.nan), np.full(len(values), np.nan)
    for lv in np.unique(levels):
        on = levels == lv
        lo[on], hi[on] = interval_bounds(values[on], probs, float(lv))
    return lo, hi


def fit_levels(
    quantiles: Callable[[np.ndarray, np.ndarray], np.ndarray],
    probs: np.ndarray,
    rows: pd.DataFrame,
    min_group: int,
) -> pd.DataFrame:
    """Conformal level of each demand class (and ``_all``) for each of :data:`LEVELS`.

    Args:
        quantiles: (classes, steps) -> scale-free quantiles at ``probs`` (extra columns after them ignored).
        probs: the quantile levels of ``quantiles``' columns.
        rows: backtest rows: demand_class, step, yhat (clipped at 0), s (scale), y.
        min_group: fewest rows for a class of its own.

    Returns:
        index = demand class and ``_all``, columns = :data:`LEVELS`, values = levels of :data:`CANDIDATES`.
    """
    cand = CANDIDATES
    cols = _at(probs, np.r_[(1 - cand) / 2, (1 + cand) / 2, cand]).reshape(3, -1)
    cls = rows["demand_class"].astype(str).to_numpy()
    names, code = np.unique(cls, return_inverse=True)
    hits = np.zeros((len(names), len(cand)))
    steps, yhat = rows["step"].to_numpy(int), rows["yhat"].to_numpy(float)
    s, y = rows["s"].to_numpy(float), rows["y"].to_numpy(float)
    for a in range(0, len(rows), _CHUNK):
        b = slice(a, a + _CHUNK)
        q = quantiles(cls[b], steps[b])[:, : len(probs)]
        v = np.clip(yhat[b, None] + s[b, None] * q, 0, None)
        lo, hi, at_l = v[:, cols[0]], v[:, cols[1]], v[:, cols[2]]
        hi = np.where(lo <= 0, at_l, hi)
        inside = (y[b, None] >= lo) & (y[b, None] <= hi)
        for c in np.unique(code[b]):  # per class (np.add.at row by row was the slowest step)
            hits[c] += inside[code[b] == c].sum(axis=0)
    n = np.bincount(code, minlength=len(names)).astype(float)
    hits = np.vstack([hits, hits.sum(axis=0)])
    n = np.r_[n, n.sum()]
    out = pd.DataFrame(index=[*names, "_all"], columns=list(LEVELS), dtype=float)
    for i, name in enumerate(out.index):
        if n[i] < min_group and name != "_all":
            continue
        for lv in LEVELS:
            need = min(1.0, np.ceil((n[i] + 1) * lv) / n[i]) if n[i] else 1.0
            ok = np.flatnonzero(hits[i] / max(n[i], 1.0) >= need - 1e-12)
            full = cand[ok[0]] if len(ok) else cand[-1]
            out.loc[name, lv] = round(lv + WEIGHT * (full - lv), 2)
    return out.fillna(out.loc["_all"])
