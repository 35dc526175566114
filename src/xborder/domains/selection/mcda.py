"""Multi-criteria scoring: factor normalisation, TOPSIS (pymcdm) and the weighted sum, with per-factor contributions."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

__all__ = [
    "NORMALISATIONS",
    "normalise",
    "topsis",
    "weighted_sum",
    "MCDAResult",
    "score_matrix",
    "rank_desc",
]

NORMALISATIONS = ("rank", "minmax", "vector")


def _minmax(col: np.ndarray, benefit: bool) -> np.ndarray:
    """(x - min) / (max - min) by pymcdm; a cost factor is 1 minus that (pymcdm's own cost form,
    (max - x) / (max - min), differs in the last bit); a constant column is the neutral 0.5."""
    lo, hi = np.nanmin(col), np.nanmax(col)
    if not np.isfinite(hi - lo) or hi == lo:
        return np.full_like(col, 0.5)
    from pymcdm.normalizations import minmax_normalization  # pymcdm imports matplotlib: only when needed

    out = minmax_normalization(col)
    return out if benefit else 1.0 - out


def _vector(col: np.ndarray, benefit: bool) -> np.ndarray:
    """x / ||x||₂ by pymcdm (cost: 1 - that); an all-zero column is the neutral 0.5."""
    norm = np.sqrt(np.nansum(col * col))
    if norm == 0 or not np.isfinite(norm):
        return np.full_like(col, 0.5)
    from pymcdm.normalizations import vector_normalization

    return np.asarray(vector_normalization(col, cost=not benefit))


def _snap(col: np.ndarray) -> np.ndarray:
    """``col`` rounded to 12 significant digits, so values equal but for float summation noise tie."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where(col != 0, np.floor(np.log10(np.abs(col))), 0.0)
    scale = np.power(10.0, 11 - mag)
    return np.round(col * scale) / scale


def _rank(col: np.ndarray, benefit: bool) -> np.ndarray:
    """Mid-rank percentile in (0, 1] (``scipy.stats.rankdata``, ties share their mean rank), so the result
    depends neither on row order nor on float noise (values are compared at 12 significant digits)."""
    n = col.size
    if n == 0:
        return col.astype(float)
    out = rankdata(_snap(col), method="average") / n
    return out if benefit else 1.0 - out + 1.0 / n


def normalise(
    matrix: np.ndarray, types: np.ndarray, method: str = "rank", *, missing_quantile: float | None = None
) -> np.ndarray:
    """Normalise each column of ``matrix`` to [0, 1] so that larger is better.

    Args:
        matrix: candidates × factors raw values; NaN marks a value that is missing for one candidate.
        types: +1 for a benefit factor (more is better), -1 for a cost factor.
        method: ``rank`` (mid-rank percentile, robust to outliers), ``minmax`` ((x - min)/(max - min);
            cost: 1 - that) or ``vector`` (x / ||x||₂, the textbook TOPSIS normalisation of Hwang & Yoon 1981;
            cost: 1 - that).
        missing_quantile: a missing value gets this quantile of the column's normalised known values (0.25:
            worse than three quarters of the candidates that have the value); None gives it 0.5 (only for
            callers that want a neutral fill; the selection score always passes a quantile).
    """
    if method not in NORMALISATIONS:
        raise ValueError(f"normalisation must be one of {NORMALISATIONS}; got {method!r}")
    fn = {"rank": _rank, "minmax": _minmax, "vector": _vector}[method]
    m = np.asarray(matrix, dtype=float)
    out = np.empty_like(m)

    def one(j: int) -> None:
        col = m[:, j]
        ok = np.isfinite(col)
        if ok.all():
            out[:, j] = fn(col, types[j] > 0)
            return
        res = np.full(col.shape, 0.5)
        if ok.any():
            res[ok] = fn(col[ok], types[j] > 0)
            if missing_quantile is not None:
                res[~ok] = float(np.quantile(res[ok], missing_quantile))
        out[:, j] = res

    if m.shape[0] >= 100_000 and m.shape[1] > 1:
        # NumPy sorts release the GIL: columns in parallel use both cores on large candidate sets.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            list(pool.map(one, range(m.shape[1])))
    else:
        for j in range(m.shape[1]):
            one(j)
    return out


def topsis(
    matrix: np.ndarray, weights: np.ndarray, types: np.ndarray, *, normalisation: str = "vector"
) -> np.ndarray:
    """TOPSIS closeness coefficient (Hwang & Yoon 1981), computed by pymcdm.

    ``normalisation="vector"`` is the textbook form (Tzeng & Huang 2011, *Multiple Attribute Decision
    Making*, worked example reproduced in tests/domains/selection/test_mcda.py); ``"minmax"`` is pymcdm's default.
    Cost factors (type -1) are handled by the normalisation, as in pymcdm.
    """
    from pymcdm import normalizations
    from pymcdm.methods import TOPSIS

    fn = {"vector": normalizations.vector_normalization, "minmax": normalizations.minmax_normalization}
    if normalisation not in fn:
        raise ValueError(f"TOPSIS normalisation must be 'vector' or 'minmax'; got {normalisation!r}")
    m = np.asarray(matrix, dtype=float)
    if m.shape[0] < 2:
        return np.ones(m.shape[0])
    # A constant column carries no information; pymcdm's min-max would divide by zero.
    const = np.ptp(m, axis=0) == 0
    if const.any():
        m = m[:, ~const]
        weights, types = np.asarray(weights)[~const], np.asarray(types)[~const]
        if m.shape[1] == 0:
            return np.full(matrix.shape[0], 0.5)
    w = np.asarray(weights, dtype=float)
    t = np.asarray(types)
    if m.shape[1] != w.size or w.size != t.size or not np.isin(t, (-1, 1)).all() or (w < 0).any():
        raise ValueError("TOPSIS needs one weight >= 0 and one type (+1 benefit, -1 cost) per column")
    # Inputs checked above; pymcdm's own validation scans every row for dominance (slow on 10⁶ rows
    # and a warning we do not want: a dominant candidate is simply the best one).
    return np.asarray(TOPSIS(normalization_function=fn[normalisation])(m, w / w.sum(), t, validation=False))


def weighted_sum(normalised: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted sum model: score_i = Σ_j w_j · r_ij over normalised factors r (Fishburn 1967).

    Returns (scores, contributions) where contributions[i, j] = w_j · r_ij, so each row sums to the score.
    (pymcdm's WSM normalises its input itself and returns the scores only; the factors here are already
    normalised and the contributions are stored, so the two lines stay here.)
    """
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    contrib = normalised * w
    return contrib.sum(axis=1), contrib


def rank_desc(scores: np.ndarray) -> np.ndarray:
    """1-based ranks, best (highest score) first; ties keep the input order.

    ``scipy.stats.rankdata(-scores, method="ordinal")`` gives the same ranks for finite scores, but as
    floats and all-NaN as soon as one score is NaN; the stable argsort it uses inside is kept here, so a
    missing score ranks last.
    """
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(scores.size, dtype=np.int64)
    ranks[order] = np.arange(1, scores.size + 1)
    return ranks


@dataclass
class MCDAResult:
    """Scores in [0, 1], 1-based ranks, normalised factor values and each factor's contribution."""

    scores: np.ndarray
    ranks: np.ndarray
    normalised: np.ndarray
    contributions: np.ndarray


def score_matrix(
    matrix: np.ndarray,
    weights: np.ndarray,
    types: np.ndarray,
    *,
    method: str = "weighted_sum",
    normalisation: str = "rank",
    missing_quantile: float | None = None,
) -> MCDAResult:
    """Score candidates on several factors.

    ``weighted_sum`` uses ``normalise(..., normalisation, missing_quantile=...)`` and returns exact additive
    contributions. ``topsis`` ranks by the TOPSIS closeness (missing values → the column's pessimistic
    quantile: ``missing_quantile`` for a benefit factor, 1 − it for a cost factor; the median when None; with 100 or more
    candidates each column is first winsorised at its 1st/99th percentile); contributions are then the
    weighted normalised values rescaled so that each row sums to its closeness (an attribution, since
    TOPSIS is not additive).
    """
    m = np.asarray(matrix, dtype=float)
    types = np.asarray(types)
    w = np.asarray(weights, dtype=float)
    if method == "weighted_sum":
        norm = normalise(m, types, normalisation, missing_quantile=missing_quantile)
        scores, contrib = weighted_sum(norm, w)
    elif method == "topsis":
        tnorm = normalisation if normalisation in {"vector", "minmax"} else "vector"
        known = np.where(np.isfinite(m), m, np.nan)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column: filled with 0 below
            if missing_quantile is None:
                fill = np.nanmedian(known, axis=0)
            else:
                q = np.where(types > 0, missing_quantile, 1.0 - missing_quantile)
                fill = np.array([np.nanquantile(known[:, j], q[j]) for j in range(m.shape[1])])
        filled = np.where(np.isfinite(m), m, fill)
        filled = np.nan_to_num(filled, nan=0.0)
        if filled.shape[0] >= 100:
            # Heavy tails (a +100,000% trend from a zero base) would squash every other candidate towards
            # one value under vector/min-max normalisation: winsorise at the 1st/99th percentiles first.
            lo, hi = np.percentile(filled, [1, 99], axis=0)
            filled = np.clip(filled, lo, hi)
        scores = topsis(filled, w, types, normalisation=tnorm)
        norm = normalise(filled, types, "minmax")
        raw = norm * (w / w.sum())
        tot = raw.sum(axis=1, keepdims=True)
        contrib = np.divide(raw * scores[:, None], tot, out=np.zeros_like(raw), where=tot > 0)
    else:
        raise ValueError(f"method must be 'weighted_sum' or 'topsis'; got {method!r}")
    return MCDAResult(scores=scores, ranks=rank_desc(scores), normalised=norm, contributions=contrib)
