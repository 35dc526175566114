"""Findings per group (product or category × market): ranked aspects, trends, pain/delight phrases, opportunities.

All functions are pure: aggregated counts in, ranked frames out. Group keys are the columns
``scope, product_id, market`` (``category`` is carried along where present).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.reviews.aspects import aspect_tagger
from xborder.domains.reviews.lexicons import ASPECT_NAMES_ZH
from xborder.domains.reviews.logodds import log_odds_dirichlet

__all__ = [
    "GROUP",
    "wilson_lower",
    "rank_aspects",
    "aspect_trends",
    "contrast_phrases",
    "improvement_opportunities",
]

GROUP = ["scope", "product_id", "market"]


def wilson_lower(successes: np.ndarray | float, trials: np.ndarray | float, z: float = 1.96) -> np.ndarray:
    """Wilson (1927) score-interval lower bound of a proportion; 0 where there are no trials."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = p + z * z / (2 * n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        low = (centre - half) / (1 + z * z / n)
    return np.where(n > 0, np.clip(low, 0.0, 1.0), 0.0)


def rank_aspects(counts: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Rank aspects within each group by the share of negative reviews mentioning them.

    Args:
        counts: ``GROUP + [aspect, n_mentions, n_negative_mentions, n_positive_mentions]``.
        totals: ``GROUP + [n_negative, n_positive]`` (plus optional ``category``).

    Returns:
        ``counts`` with ``negative_share, positive_share, lift, evidence_low, rank, aspect_zh``.
    """
    if counts.empty:
        return counts.assign(
            negative_share=[], positive_share=[], lift=[], evidence_low=[], rank=[], aspect_zh=[]
        )
    df = counts.merge(totals[[*GROUP, "n_negative", "n_positive"]], on=GROUP, how="left")
    neg = df["n_negative"].fillna(0).to_numpy(float)
    pos = df["n_positive"].fillna(0).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        df["negative_share"] = np.where(neg > 0, df["n_negative_mentions"] / np.maximum(neg, 1), np.nan)
        df["positive_share"] = np.where(pos > 0, df["n_positive_mentions"] / np.maximum(pos, 1), np.nan)
    df["lift"] = (df["negative_share"].fillna(0) + 0.01) / (df["positive_share"].fillna(0) + 0.01)
    df["evidence_low"] = wilson_lower(df["n_negative_mentions"].to_numpy(float), neg)
    df = df.sort_values(
        [*GROUP, "negative_share", "n_negative_mentions", "aspect"],
        ascending=[True, True, True, False, False, True],
        na_position="last",
    )
    df["rank"] = df.groupby(GROUP, sort=False).cumcount() + 1
    df["aspect_zh"] = df["aspect"].map(ASPECT_NAMES_ZH)
    return df.drop(columns=["n_negative", "n_positive"]).reset_index(drop=True)


def aspect_trends(periods: pd.DataFrame, *, min_periods: int = 3, flat_pp: float = 1.0) -> pd.DataFrame:
    """Trend of each aspect's negative share over months.

    Args:
        periods: ``GROUP + [aspect, period, n_negative_mentions, n_negative]`` (one row per month with
            negative reviews; ``n_negative`` = negative reviews of the group that month).
        min_periods: Fewest months for a trend.
        flat_pp: |slope| below this (percentage points per month) is ``flat``.

    Returns:
        ``GROUP + [aspect, trend_slope_pp, trend_direction, trend_periods]``; the slope is a
        least-squares fit of the monthly share weighted by the month's negative reviews.
    """
    rows = []
    for key, g in periods.groupby([*GROUP, "aspect"], sort=True):
        g = g.sort_values("period")
        n_p = len(g)
        slope = direction = None
        if n_p >= min_periods:
            t = (pd.to_datetime(g["period"]).dt.year * 12 + pd.to_datetime(g["period"]).dt.month).to_numpy(
                float
            )
            w = g["n_negative"].to_numpy(float)
            y = (g["n_negative_mentions"] / g["n_negative"]).to_numpy(float) * 100
            tm = np.average(t, weights=w)
            denom = np.sum(w * (t - tm) ** 2)
            if denom > 0:
                slope = float(np.sum(w * (t - tm) * (y - np.average(y, weights=w))) / denom)
                direction = "flat" if abs(slope) < flat_pp else ("rising" if slope > 0 else "falling")
        rows.append((*key, slope, direction, n_p))
    return pd.DataFrame(
        rows, columns=[*GROUP, "aspect", "trend_slope_pp", "trend_direction", "trend_periods"]
    )


def contrast_phrases(
    negative: Mapping[str, int],
    positive: Mapping[str, int],
    *,
    top: int = 10,
    min_count: int = 3,
    z_min: float = 1.96,
    language_hint: str | None = None,
    prior_scale: float = 0.1,
) -> pd.DataFrame:
    """Pain points and delights of one group: phrases typical of negative vs positive reviews.

    Uses :func:`~xborder.domains.reviews.logodds.log_odds_dirichlet` with the pooled document frequencies
    as the informative prior, scaled so a_0 = ``prior_scale`` × the pooled total (a full-strength
    prior built from the same small sample would halve every z-score). A phrase must occur in at least ``min_count`` reviews of its side
    and reach |z| ≥ ``z_min``; a shorter phrase contained in a kept longer one of the same kind is
    dropped so the list reads as distinct findings.

    Returns:
        ``kind, phrase, aspect, n_negative, n_positive, log_odds, z, rank``.
    """
    cols = ["kind", "phrase", "aspect", "n_negative", "n_positive", "log_odds", "z", "rank"]
    if not negative or not positive:
        return pd.DataFrame(columns=cols)
    pooled = float(sum(negative.values()) + sum(positive.values()))
    lo = log_odds_dirichlet(negative, positive, prior_total=prior_scale * pooled)
    lo = lo.rename(
        columns={"term": "phrase", "count_i": "n_negative", "count_j": "n_positive", "log_odds": "log_odds"}
    )
    tagger = aspect_tagger()
    out = []
    for kind, mask, order in (
        ("pain", (lo["z"] >= z_min) & (lo["n_negative"] >= min_count), False),
        ("delight", (lo["z"] <= -z_min) & (lo["n_positive"] >= min_count), True),
    ):
        cand = lo[mask].sort_values("z", ascending=order)
        r: Any
        kept: list[str] = []
        for r in cand.itertuples(index=False):
            ph = str(r.phrase)
            if any(ph in k for k in kept):
                continue
            kept.append(ph)
            asp = tagger.tag(ph, language_hint)
            out.append(
                (
                    kind,
                    ph,
                    asp[0] if asp else None,
                    int(r.n_negative),
                    int(r.n_positive),
                    float(r.log_odds),
                    float(r.z),
                    len(kept),
                )
            )
            if len(kept) >= top:
                break
    return pd.DataFrame(out, columns=cols)


def improvement_opportunities(
    aspects: pd.DataFrame,
    totals: pd.DataFrame,
    phrases: pd.DataFrame,
    *,
    min_mentions: int = 3,
    min_lift: float = 1.0,
) -> pd.DataFrame:
    """Aspects worth improving: mentioned by ≥ ``min_mentions`` negative reviews and more typical of
    negative than positive reviews (``lift`` > ``min_lift``), ranked by the Wilson lower bound.

    Args:
        aspects: Output of :func:`rank_aspects` merged with :func:`aspect_trends` and ``examples``.
        totals: ``GROUP + [category, n_reviews, n_negative]``.
        phrases: ``GROUP + [kind, phrase, aspect, rank]`` from :func:`contrast_phrases`.
    """
    a = aspects[(aspects["n_negative_mentions"] >= min_mentions) & (aspects["lift"] > min_lift)].copy()
    if a.empty:
        return pd.DataFrame()
    tot = totals[[*GROUP, "n_reviews", "n_negative"]].rename(columns={"n_reviews": "n_total"})
    a = a.merge(tot, on=GROUP, how="left")
    pains = phrases[phrases["kind"] == "pain"] if len(phrases) else phrases
    top: dict[tuple, list[str]] = {}
    if len(pains):
        r: Any
        for r in pains.sort_values("rank").itertuples(index=False):
            if r.aspect is not None and r.aspect == r.aspect:
                top.setdefault((r.scope, r.product_id, r.market, r.aspect), []).append(str(r.phrase))
    a["top_phrases"] = [
        json.dumps(top.get((s, p, m, asp), [])[:5], ensure_ascii=False)
        for s, p, m, asp in zip(a["scope"], a["product_id"], a["market"], a["aspect"], strict=True)
    ]
    a["example_ids"] = [
        json.dumps([e["review_id"] for e in json.loads(x)] if isinstance(x, str) else [])
        for x in a.get("examples", pd.Series([None] * len(a)))
    ]
    a["evidence_share"] = a["negative_share"]
    a["opportunity_score"] = a["evidence_low"]
    a["n_reviews"] = a["n_negative_mentions"]
    a = a.sort_values([*GROUP, "evidence_low", "aspect"], ascending=[True, True, True, False, True])
    a["rank"] = a.groupby(GROUP, sort=False).cumcount() + 1
    return a.reset_index(drop=True)
