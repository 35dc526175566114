"""Ranking: TOPSIS over the twelve indicators (pymcdm, vector normalisation) and tiers strategic / core /
cooperative by rank; suppliers behind the ESG/audit gate are not ranked."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from xborder.domains.suppliers.indicators import INDICATORS

__all__ = ["TIERS", "topsis_scores", "assign_tiers", "rank_suppliers"]

TIERS = ("strategic", "core", "cooperative")


def topsis_scores(matrix: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """TOPSIS closeness (0..1, 1 = the ideal supplier) of each row of ``matrix`` (suppliers × indicators).

    A value a supplier lacks is the indicator's median over the others (neutral); an indicator nobody has, or
    that is equal for all, separates no one and is left out (TOPSIS distances do not change). Fewer than two
    suppliers, or nothing that separates them: NaN.
    """
    cols = [c for c in matrix.columns if weights.get(c, 0) > 0 and matrix[c].notna().any()]
    m = matrix[cols].astype(float)
    m = m.fillna(m.median())
    cols = [c for c in cols if m[c].nunique() > 1]
    if len(m) < 2 or not cols:
        return pd.Series(np.nan, index=matrix.index)
    from pymcdm import normalizations
    from pymcdm.methods import TOPSIS

    w = np.array([weights[c] for c in cols], dtype=float)
    types = np.array([INDICATORS[c][0] for c in cols])
    body = m[cols].to_numpy()
    closeness = TOPSIS(normalizations.vector_normalization)(body, w / w.sum(), types)
    return pd.Series(closeness, index=matrix.index)


def assign_tiers(
    scores: pd.Series, *, strategic_share: float = 0.15, core_share: float = 0.35
) -> pd.DataFrame:
    """``rank`` (1 = best; ties by id) and ``tier``: the first ``max(1, ⌊strategic_share·n + ½⌋)`` strategic,
    the next up to ``⌊(strategic_share + core_share)·n + ½⌋`` core, the rest cooperative."""
    order = scores.fillna(-1.0).sort_index().sort_values(ascending=False, kind="mergesort")
    n = len(order)
    k1 = max(1, math.floor(strategic_share * n + 0.5)) if n else 0
    k2 = max(k1, math.floor((strategic_share + core_share) * n + 0.5))
    rank = pd.Series(np.arange(1, n + 1), index=order.index)
    tier = pd.Series(
        np.where(rank <= k1, "strategic", np.where(rank <= k2, "core", "cooperative")), index=order.index
    )
    return pd.DataFrame({"rank": rank, "tier": tier})


def rank_suppliers(
    indicators: pd.DataFrame,
    weights: Mapping[str, float],
    gated: pd.Series,
    *,
    strategic_share: float = 0.15,
    core_share: float = 0.35,
) -> pd.DataFrame:
    """``score``, ``rank`` and ``tier`` per supplier; gated suppliers get no score and the tier ``excluded``."""
    names = list(INDICATORS)
    open_ = indicators.index[~gated.reindex(indicators.index).fillna(False).astype(bool)]
    scores = topsis_scores(indicators.loc[open_, names], weights)
    if len(open_) == 1:
        scores[:] = 1.0  # the only supplier that passes the gate is the best there is
    tiers = assign_tiers(scores, strategic_share=strategic_share, core_share=core_share)
    out = pd.DataFrame(index=indicators.index)
    out["score"] = scores.reindex(out.index)
    out["rank"] = tiers["rank"].reindex(out.index)
    out["tier"] = tiers["tier"].reindex(out.index).fillna("excluded")
    return out
