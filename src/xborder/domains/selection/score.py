"""Score and rank candidates: factor frame + profile → score, rank and every factor's contribution."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xborder.domains.selection.factors import FACTORS, factor_spec
from xborder.domains.selection.mcda import score_matrix
from xborder.domains.selection.profiles import Profile, factor_weights

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


GATES = (
    ("margin_pct", "min_margin_pct", False),
    ("demand_6m", "min_demand_6m", False),
    ("gross_profit_6m", "min_gross_profit_6m", True),
)
"""(factor column, profile threshold, strict) of each viability gate: the value must be >= the threshold
(> when strict)."""

DEFAULT_MISSING_QUANTILE = 0.25
"""The quantile a missing factor value is scored at when the profile does not say (settings default)."""


def viability(frame: pd.DataFrame, profile: Profile) -> np.ndarray:
    """True where a candidate passes the profile's gates: margin after duty and fees >= ``min_margin_pct``,
    expected 6-month demand >= ``min_demand_6m`` and expected 6-month gross profit > ``min_gross_profit_6m``.
    An unknown value (no margin, no forecast, no profit) fails its gate, unless the profile lists the factor
    in ``pass_unknown``; a gate whose threshold is None is off, and so is one whose factor column the frame does
    not carry at all (the selection stage always carries all three)."""
    ok = np.ones(len(frame), dtype=bool)
    for col, attr, strict in GATES:
        threshold = getattr(profile, attr)
        if threshold is None:
            continue
        if col not in frame.columns:  # the frame does not carry the factor at all (the stage always does)
            continue
        v = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        known = np.isfinite(v)
        with np.errstate(invalid="ignore"):
            passes = (v > threshold) if strict else (v >= threshold)
        ok &= np.where(known, passes, col in profile.pass_unknown)
    return ok


def _gate_columns(profile: Profile, n: int) -> dict[str, np.ndarray]:
    """The thresholds as columns (``gate_<attr>``), so an explanation can say which gate failed."""
    return {
        f"gate_{attr}": np.full(n, np.nan if getattr(profile, attr) is None else getattr(profile, attr))
        for _, attr, _ in GATES
    }


def score_candidates(frame: pd.DataFrame, profile: Profile, *, long_factors: bool = True) -> ScoreResult:
    """Score every row of ``frame`` (one candidate per row: product_id, market, factor columns).

    Factors whose column is absent or entirely empty are *unavailable*: they get no weight and their
    group's weight goes to the other groups (weights are rescaled to sum to 1). Inside an available factor,
    a candidate without a value is scored at the profile's ``missing_quantile`` of the known normalised values
    (default 0.25: a pessimistic fill, never a neutral one); ``ranked["imputed"]`` lists those factors.
    """
    avail, missing = available_factors(frame)
    weights = factor_weights(profile, avail)
    used = [f for f in avail if weights.get(f, 0.0) > 0]
    if not used:
        ranked = frame[KEYS].copy()
        ranked["score"] = np.nan
        ranked["rank"] = pd.array([pd.NA] * len(ranked), dtype="Int64")
        ranked["viable"] = viability(frame, profile)
        for k, v in _gate_columns(profile, len(frame)).items():
            ranked[k] = v
        return ScoreResult(ranked, pd.DataFrame(), weights, missing, profile.method, profile.normalisation)
    matrix = frame[used].to_numpy(dtype=float)
    types = np.array([1 if factor_spec(f).benefit else -1 for f in used])
    w = np.array([weights[f] for f in used])
    q = DEFAULT_MISSING_QUANTILE if profile.missing_quantile is None else profile.missing_quantile
    res = score_matrix(
        matrix, w, types, method=profile.method, normalisation=profile.normalisation, missing_quantile=q
    )
    viable = viability(frame, profile)
    if viable.all():
        order = np.empty(len(res.ranks), dtype=np.int64)  # rank order, inverted from the ranks in O(n)
        order[res.ranks - 1] = np.arange(len(res.ranks))
    else:  # candidates failing the gate go after every viable one, each part in score-rank order
        order = np.lexsort((res.ranks, ~viable))
    cols: dict[str, np.ndarray] = {c: frame[c].to_numpy()[order] for c in frame.columns}
    cols["_row"] = order
    cols["score"] = res.scores[order]
    cols["viable"] = viable[order]
    cols.update(_gate_columns(profile, len(order)))
    cols["rank"] = np.arange(1, len(order) + 1)
    miss = ~np.isfinite(matrix)
    names = np.array(used, dtype=object)
    imputed = np.empty(len(order), dtype=object)
    imputed[:] = [list(names[row]) for row in miss[order]]
    cols["imputed"] = imputed
    for j, f in enumerate(used):
        cols[f"contrib_{f}"] = res.contributions[order, j]
    ranked = pd.DataFrame(cols)  # consolidated: the shortlist adds columns to it (a block per column warns)
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
