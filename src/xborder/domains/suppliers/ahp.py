"""Indicator weights: AHP pairwise judgements (pymcdm) grouped on two levels, with the consistency ratio checked,
or direct weights.

A user judges the four groups against each other (6 judgements) and the indicators inside each group (6 + 1 + 3
+ 3), 19 judgements instead of the 66 a flat 12 x 12 matrix needs. Each matrix's weights are its principal
eigenvector (Saaty); its consistency ratio CR = (λmax − n) / (n − 1) / RI(n) must not exceed ``max_cr``
(0.10, Saaty's rule) — otherwise the judgement furthest from the weights it implies is named.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from xborder.core.errors import BadInputError

__all__ = [
    "GROUPS",
    "SAATY_SCALE",
    "DEFAULT_JUDGEMENTS",
    "AhpResult",
    "ahp",
    "pairwise_matrix",
    "indicator_weights",
    "IndicatorWeights",
]

GROUPS: dict[str, tuple[str, ...]] = {
    "delivery": ("quality", "on_time", "lead_time", "lead_time_variability"),
    "cost": ("price", "moq"),
    "capability": ("capacity_headroom", "communication", "customisation"),
    "compliance": ("certifications", "documents", "standing"),
}
SAATY_SCALE = tuple(sorted({float(v) for v in range(1, 10)} | {1.0 / v for v in range(2, 10)}))

DEFAULT_JUDGEMENTS: dict[str, float] = {
    # groups: delivery, cost and compliance equally important, each 3x capability
    "delivery/cost": 1, "delivery/capability": 3, "delivery/compliance": 1,
    "cost/capability": 3, "cost/compliance": 1, "capability/compliance": 1 / 3,
    # delivery: defects and punctuality 3x the lead time and its spread
    "quality/on_time": 1, "quality/lead_time": 3, "quality/lead_time_variability": 3,
    "on_time/lead_time": 3, "on_time/lead_time_variability": 3, "lead_time/lead_time_variability": 1,
    "price/moq": 3,
    "capacity_headroom/communication": 1, "capacity_headroom/customisation": 2, "communication/customisation": 2,
    "certifications/documents": 1, "certifications/standing": 1, "documents/standing": 1,
}  # fmt: skip


@dataclass(frozen=True)
class AhpResult:
    """Weights of one pairwise matrix with its consistency."""

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float


def ahp(matrix: np.ndarray) -> AhpResult:
    """Principal-eigenvector weights, λmax, CI and CR of a reciprocal pairwise matrix (pymcdm's AHP; RI of
    Tummala & Ling 1998 as pymcdm tabulates it). A 1 x 1 or 2 x 2 matrix is always consistent (CR 0)."""
    from pymcdm.weights.subjective import AHP  # pymcdm imports matplotlib: only when needed

    m = np.asarray(matrix, dtype=float)
    n = m.shape[0]
    if n == 1:
        return AhpResult(np.ones(1), 1.0, 0.0, 0.0)
    model = AHP(matrix=m)
    w = np.asarray(model(), dtype=float)
    lam = float(np.max(np.linalg.eigvals(m).real))
    # λmax ≥ n for a positive reciprocal matrix: a consistent one's rounding noise (−1e-16) is not kept
    ci = max((lam - n) / (n - 1), 0.0)
    return AhpResult(w / w.sum(), lam, ci, max(float(model.get_cr()), 0.0) if n > 2 else 0.0)


def _saaty(value: float, pair: str) -> float:
    close = min(SAATY_SCALE, key=lambda s: abs(s - value))
    if not math.isclose(close, value, rel_tol=1e-6):
        raise BadInputError(
            f"Judgement {pair} = {value:g} is not on Saaty's scale.",
            hint="Use 1..9 (how many times more important the first is) or 1/2..1/9 (the second is).",
        )
    return close


def pairwise_matrix(items: tuple[str, ...], judgements: Mapping[str, float]) -> np.ndarray:
    """The reciprocal matrix of ``items`` from judgements ``{"a/b": x}`` (a is x times as important as b);
    a pair not judged is 1 (equal)."""
    index = {k: i for i, k in enumerate(items)}
    m = np.ones((len(items), len(items)))
    for pair, value in judgements.items():
        a, _, b = pair.partition("/")
        if a in index and b in index:
            x = _saaty(float(value), pair)
            m[index[a], index[b]], m[index[b], index[a]] = x, 1.0 / x
    return m


def _worst(items: tuple[str, ...], m: np.ndarray, w: np.ndarray) -> tuple[str, float, float]:
    """(pair, given, implied) of the judgement furthest (in log ratio) from the weights' w_i / w_j."""
    best = ("", 1.0, 1.0, -1.0)
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            gap = abs(math.log(m[i, j] * w[j] / w[i]))
            if gap > best[3]:
                best = (f"{items[i]}/{items[j]}", float(m[i, j]), float(w[i] / w[j]), gap)
    return best[0], best[1], best[2]


@dataclass(frozen=True)
class IndicatorWeights:
    """Global weight per indicator and, for AHP, each group's local weights and consistency."""

    weights: dict[str, float]
    method: str  # ahp | direct
    group_weights: dict[str, float]
    local: dict[str, float]
    consistency: dict[str, AhpResult]


def indicator_weights(
    judgements: Mapping[str, float] | None = None,
    direct: Mapping[str, float] | None = None,
    *,
    max_cr: float = 0.10,
) -> IndicatorWeights:
    """Weights of the twelve indicators: ``direct`` weights (normalised to sum 1; indicators left out weigh 0),
    else AHP over the default judgements updated with ``judgements``.

    Raises:
        BadInputError: both given; an unknown name; a judgement off Saaty's scale; a matrix with CR above
            ``max_cr`` (naming the group, its CR and the judgement furthest from the weights it implies).
    """
    names = [i for g in GROUPS.values() for i in g]
    if judgements and direct:
        raise BadInputError("Give either AHP judgements or direct weights, not both.")
    if direct:
        unknown = sorted(set(direct) - set(names))
        bad = [k for k, v in direct.items() if not (v >= 0 and math.isfinite(v))]
        if unknown or bad or sum(direct.values()) <= 0:
            raise BadInputError(
                f"Direct weights: unknown indicator(s) {unknown} or negative/zero weights {bad}.",
                hint=f"Indicators: {', '.join(names)}; weights >= 0 with a positive sum.",
            )
        total = float(sum(direct.values()))
        w = {n: float(direct.get(n, 0.0)) / total for n in names}
        return IndicatorWeights(w, "direct", {}, {}, {})
    given = dict(judgements or {})
    known = set(names) | set(GROUPS)
    for pair in given:
        a, sep, b = pair.partition("/")
        same_level = (a in GROUPS and b in GROUPS) or any(a in g and b in g for g in GROUPS.values())
        if not sep or a not in known or b not in known or not same_level:
            raise BadInputError(
                f"Judgement '{pair}' does not compare two groups or two indicators of one group.",
                hint="Groups: " + "; ".join(f"{g}: {', '.join(i)}" for g, i in GROUPS.items()) + ".",
            )
    merged = {**DEFAULT_JUDGEMENTS, **given}
    levels = {"groups": tuple(GROUPS), **GROUPS}
    results: dict[str, AhpResult] = {}
    for level, items in levels.items():
        m = pairwise_matrix(items, merged)
        res = ahp(m)
        if res.cr > max_cr:
            pair, was, implied = _worst(items, m, res.weights)
            raise BadInputError(
                f"The judgements of {level} are inconsistent: CR = {res.cr:.3f} > {max_cr:.2f}.",
                hint=f"The furthest off is {pair} = {was:g}; the other judgements imply about {implied:.2g}.",
            )
        results[level] = res
    group_w = dict(zip(GROUPS, results["groups"].weights, strict=True))
    local = {
        i: float(w) for g, items in GROUPS.items() for i, w in zip(items, results[g].weights, strict=True)
    }
    weights = {i: float(group_w[g] * local[i]) for g, items in GROUPS.items() for i in items}
    return IndicatorWeights(weights, "ahp", {g: float(v) for g, v in group_w.items()}, local, results)
