"""RFM scores and the four segments (high value, potential, at risk, lost) of each customer.

Scores run from 1 to :data:`BINS` within each source (one shop's customers are compared with each other):
``score = 1 + floor(BINS × share of the source's customers with a strictly worse value)``, capped at BINS.
Worse means a longer time since the last purchase (R), fewer purchases (F), less money spent (M). Tied
customers get the same score, so the 60 % who bought once share one F score instead of being split at random.

Segments cross recency with value: a customer is *recent* when R ≥ ``recent_min_score`` and *valuable* when
the mean of F and M ≥ ``valuable_min_score`` (both in settings: ``rfm_recent_min_score``,
``rfm_valuable_min_score``). Recent and valuable → high value; recent only → potential; valuable only → at
risk; neither → lost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["BINS", "SEGMENTS", "rfm_score", "rfm_scores", "rfm_segment"]

BINS = 5
SEGMENTS = ("high_value", "potential", "at_risk", "lost")


def rfm_score(values: pd.Series, *, higher_is_better: bool = True, bins: int = BINS) -> pd.Series:
    """1..bins: one plus ``bins`` times the share of values strictly worse than each one (ties share a score).

    Missing values count as the worst.
    """
    if values.empty:
        return pd.Series([], index=values.index, dtype="int64")
    v = pd.to_numeric(values, errors="coerce").astype(float)
    v = v if higher_is_better else -v
    v = v.fillna(-np.inf)
    worse = v.rank(method="min") - 1.0  # how many are strictly below
    score = 1 + (bins * worse) // len(v)
    return score.clip(upper=bins).astype("int64")


def rfm_scores(customers: pd.DataFrame, *, bins: int = BINS) -> pd.DataFrame:
    """``customers`` with r_score, f_score and m_score added, scored within each source.

    Reads recency_days (R, fewer is better), purchases (F) and total_value (M).
    """
    out = customers.copy()
    if out.empty:
        return out.assign(r_score=pd.Series(dtype="int64"), f_score=pd.Series(dtype="int64"),
                          m_score=pd.Series(dtype="int64"))  # fmt: skip
    g = out.groupby("source", sort=False)
    out["r_score"] = g["recency_days"].transform(lambda s: rfm_score(s, higher_is_better=False, bins=bins))
    out["f_score"] = g["purchases"].transform(lambda s: rfm_score(s, bins=bins))
    out["m_score"] = g["total_value"].transform(lambda s: rfm_score(s, bins=bins))
    return out


def rfm_segment(
    r_score: pd.Series,
    f_score: pd.Series,
    m_score: pd.Series,
    *,
    recent_min_score: float,
    valuable_min_score: float,
) -> pd.Series:
    """The segment of each customer from their scores (see the module's rule)."""
    recent = r_score >= recent_min_score
    valuable = (f_score + m_score) / 2.0 >= valuable_min_score
    seg = np.select(
        [recent & valuable, recent & ~valuable, ~recent & valuable], list(SEGMENTS[:3]), default=SEGMENTS[3]
    )
    return pd.Series(seg, index=r_score.index, dtype=object)
