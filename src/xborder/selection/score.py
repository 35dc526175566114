"""Score and rank candidates: factor frame + profile → score, rank and every factor's contribution."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xborder.selection.factors import FACTORS, factor_spec
from xborder.selection.mcda import score_matrix
from xborder.selection.profiles import Profile, factor_weights

__all__ = ["ScoreResult", "available_factors", "score_candidates", "viability"]

KEYS = ["product_id", "market"]


@dataclass
class ScoreResult:
    """Ranked candidates, their factors in long form, and which factors had no data at all."""

    ranked: pd.DataFrame
    factors: pd.DataFrame
    weights: dict[str, float]
    unavailable: list[str] = field(default_factory=list)
    method: str = "weighted_sum"
    normalisation: str = "rank"
    used: list[str] = field(default_factory=list)
    normalised: np.ndarray | None = None
    """Normalised factor matrix in the row order of the *input* frame (columns = ``used``)."""
    raw: np.ndarray | None = None


def available_factors(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(available, unavailable) registry factors: a factor is available when its column has any value."""
    avail, missing = [], []
    for f in FACTORS:
        if f.name in frame.columns and frame[f.name].notna().any():
            avail.append(f.name)
        else:
            missing.append(f.name)
    return avail, missing


def viability(frame: pd.DataFrame, profile: Profile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which candidates pass the profile's gates, and why the others do not (English, Chinese).

    Gates: margin after duty and fees >= ``min_margin_pct`` and expected 6-month demand >=
    ``min_demand_6m``. A candidate without the value (no margin estimate, no forecast) passes that gate.
    """
    n = len(frame)
    ok = np.ones(n, dtype=bool)
    why_en = np.full(n, None, dtype=object)
    why_zh = np.full(n, None, dtype=object)
    gates = (
        ("margin_pct", profile.min_margin_pct, "margin {v:.0f}% < {t:g}%", "利润率{v:.0f}% < {t:g}%"),
        (
            "demand_6m",
            profile.min_demand_6m,
            "{v:,.0f} units/6 months < {t:,.0f}",
            "6个月{v:,.0f}件 < {t:,.0f}件",
        ),
    )
    for col, threshold, en, zh in gates:
        if threshold is None or col not in frame.columns:
            continue
        v = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        fail = v < threshold  # NaN compares False: an unknown value is not gated
        for i in np.flatnonzero(fail):
            e, z = en.format(v=v[i], t=threshold), zh.format(v=v[i], t=threshold)
            why_en[i] = e if why_en[i] is None else f"{why_en[i]}, {e}"
            why_zh[i] = z if why_zh[i] is None else f"{why_zh[i]}，{z}"
        ok &= ~fail
    return ok, why_en, why_zh


def score_candidates(frame: pd.DataFrame, profile: Profile, *, long_factors: bool = True) -> ScoreResult:
    """Score every row of ``frame`` (one candidate per row: product_id, market, factor columns).

    Factors whose column is absent or entirely empty are *unavailable*: they get no weight and their
    group's weight goes to the other groups (weights are rescaled to sum to 1). Inside an available factor,
    a candidate without a value gets the neutral normalised value 0.5.
    """
    avail, missing = available_factors(frame)
    weights = factor_weights(profile, avail)
    used = [f for f in avail if weights.get(f, 0.0) > 0]
    if not used:
        ranked = frame[KEYS].copy()
        ranked["score"] = np.nan
        ranked["rank"] = pd.array([pd.NA] * len(ranked), dtype="Int64")
        ranked["viable"], ranked["gate_reason_en"], ranked["gate_reason_zh"] = viability(frame, profile)
        return ScoreResult(ranked, pd.DataFrame(), weights, missing, profile.method, profile.normalisation)
    matrix = frame[used].to_numpy(dtype=float)
    types = np.array([1 if factor_spec(f).benefit else -1 for f in used])
    w = np.array([weights[f] for f in used])
    res = score_matrix(matrix, w, types, method=profile.method, normalisation=profile.normalisation)
    viable, why_en, why_zh = viability(frame, profile)
    if viable.all():
        order = np.empty(len(res.ranks), dtype=np.int64)  # rank order, inverted from the ranks in O(n)
        order[res.ranks - 1] = np.arange(len(res.ranks))
    else:  # candidates failing the gate go after every viable one, each part in score-rank order
        order = np.lexsort((res.ranks, ~viable))
    cols: dict[str, np.ndarray] = {c: frame[c].to_numpy()[order] for c in frame.columns}
    cols["_row"] = order
    cols["score"] = res.scores[order]
    cols["viable"] = viable[order]
    cols["gate_reason_en"] = why_en[order]
    cols["gate_reason_zh"] = why_zh[order]
    cols["rank"] = np.arange(1, len(order) + 1)
    for j, f in enumerate(used):
        cols[f"contrib_{f}"] = res.contributions[order, j]
    ranked = pd.DataFrame(cols, copy=False)
    long = pd.DataFrame()
    if long_factors:
        n = len(frame)
        long = pd.DataFrame(
            {
                "product_id": np.repeat(frame["product_id"].to_numpy(), len(used)),
                "market": np.repeat(frame["market"].to_numpy(), len(used)),
                "factor": np.tile(np.array(used, dtype=object), n),
                "raw_value": matrix.reshape(-1),
                "unit": np.tile(np.array([factor_spec(f).unit for f in used], dtype=object), n),
                "normalised": res.normalised.reshape(-1),
                "weight": np.tile(w, n),
                "contribution": res.contributions.reshape(-1),
                "source_table": np.tile(
                    np.array([factor_spec(f).source_table for f in used], dtype=object), n
                ),
            }
        )
    return ScoreResult(
        ranked, long, weights, missing, profile.method, profile.normalisation, used, res.normalised, matrix
    )
