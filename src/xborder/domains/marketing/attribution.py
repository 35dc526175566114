"""Multi-touch attribution over touchpoint paths: rule-based models, Markov removal effects and Shapley values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations
from math import factorial
from typing import Any

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError

__all__ = [
    "MODELS",
    "CONVENTIONS",
    "journeys",
    "rule_based",
    "removal_effects",
    "markov",
    "shapley",
    "attribute",
]

MODELS = (
    "last_click",
    "first_click",
    "linear",
    "time_decay",
    "position",
    "markov",
    "markov_journey",
    "shapley",
)

CONVENTIONS = {
    "last_click": "all of a conversion to the journey's last touch",
    "first_click": "all of a conversion to the journey's first touch",
    "linear": "a conversion split equally over the journey's touches",
    "time_decay": "each touch weighted 2^(-steps before the conversion / half-life), normalised per journey",
    "position": "40% first touch, 40% last, 20% shared by the middle touches (one touch: 100%; two: 50/50)",
    "markov": "first-order Markov chain start → touches → conversion/null; removal effect = share of conversions "
    "lost when a channel is removed (its transitions go to null); all conversions split in proportion to the "
    "removal effects (global normalisation)",
    "markov_journey": "the same removal effects, each converting journey's conversions split over its own "
    "channels in proportion to their removal effects (per-journey normalisation)",
    "shapley": "exact Shapley values of v(S) = conversions of journeys whose channels all lie in S",
}

_START, _CONV, _NULL = "(start)", "(conversion)", "(null)"
_MAX_SHAPLEY_CHANNELS = 15


def journeys(frame: pd.DataFrame, *, separator: str = ">") -> pd.DataFrame:
    """Journeys as ``path`` (tuple of channels), ``conversions`` and ``nulls`` (journeys that did not convert).

    Args:
        frame: Columns ``path`` ("A > B" or a sequence), ``conversions`` and optionally ``nulls``; one row
            per journey pattern or per single journey (identical paths are summed).
        separator: Separator of touches in a text path.

    Raises:
        BadInputError: a missing column, an empty path or a negative count, named with its row.
    """
    missing = {"path", "conversions"} - set(frame.columns)
    if missing:
        raise BadInputError(
            f"Attribution paths need the column(s) {', '.join(sorted(missing))}.",
            hint="Columns: path ('A > B > C'), conversions, nulls (journeys without a conversion).",
        )
    rows = []
    for i, r in enumerate(frame.itertuples(index=False), start=1):
        raw: Any = r.path
        path = (
            tuple(t.strip() for t in str(raw).split(separator) if t.strip())
            if isinstance(raw, str)
            else tuple(str(t) for t in raw)
        )
        conv = float(getattr(r, "conversions", 0) or 0)
        null = float(getattr(r, "nulls", 0) or 0) if "nulls" in frame.columns else 0.0
        if not path:
            raise BadInputError(
                f"Attribution paths: row {i} has an empty path.", hint="Give 'A > B' or drop it."
            )
        if conv < 0 or null < 0:
            raise BadInputError(f"Attribution paths: row {i} ({' > '.join(path)}) has a negative count.")
        rows.append((path, conv, null))
    out = pd.DataFrame(rows, columns=["path", "conversions", "nulls"])
    return out.groupby("path", sort=False, as_index=False)[["conversions", "nulls"]].sum()


def _weights(n: int, model: str, half_life: float) -> np.ndarray:
    if model == "last_click":
        w = np.zeros(n)
        w[-1] = 1
    elif model == "first_click":
        w = np.zeros(n)
        w[0] = 1
    elif model == "linear":
        w = np.ones(n)
    elif model == "time_decay":
        w = 2.0 ** (-(n - 1 - np.arange(n)) / half_life)
    elif model == "position":
        if n <= 2:
            w = np.ones(n)
        else:
            w = np.full(n, 0.2 / (n - 2))
            w[0] = w[-1] = 0.4
    else:  # pragma: no cover - guarded by attribute()
        raise ValueError(model)
    return w / w.sum()


def rule_based(paths: pd.DataFrame, model: str, *, half_life: float = 7.0) -> dict[str, float]:
    """Conversions per channel under a rule-based model (last/first click, linear, time decay, position).

    Args:
        paths: Output of :func:`journeys`.
        model: One of ``last_click``, ``first_click``, ``linear``, ``time_decay``, ``position``.
        half_life: Time decay: touches this many steps before the conversion count half.
    """
    credit: dict[str, float] = {}
    for path, conv in zip(paths["path"], paths["conversions"], strict=True):
        if conv <= 0:
            continue
        for ch, w in zip(path, _weights(len(path), model, half_life), strict=True):
            credit[ch] = credit.get(ch, 0.0) + w * conv
    return credit


def _conversion_probability(paths: pd.DataFrame, removed: str | None = None) -> float:
    """P(reach conversion from start) of the first-order chain of ``paths``, ``removed`` sent to null."""
    counts: dict[tuple[str, str], float] = {}
    for path, conv, null in zip(paths["path"], paths["conversions"], paths["nulls"], strict=True):
        n = conv + null
        if n <= 0:
            continue
        seq = (_START, *path)
        for a, b in zip(seq, seq[1:], strict=False):
            counts[(a, b)] = counts.get((a, b), 0.0) + n
        counts[(path[-1], _CONV)] = counts.get((path[-1], _CONV), 0.0) + conv
        counts[(path[-1], _NULL)] = counts.get((path[-1], _NULL), 0.0) + null
    states = sorted({a for a, _ in counts} - {_START})
    transient = [_START, *states]
    index = {s: i for i, s in enumerate(transient)}
    q = np.zeros((len(transient), len(transient)))
    r = np.zeros(len(transient))
    totals: dict[str, float] = {}
    for (a, _), c in counts.items():
        totals[a] = totals.get(a, 0.0) + c
    for (a, b), c in counts.items():
        if a == removed:
            continue  # a removed state leads nowhere (absorbed as null)
        p = c / totals[a]
        if b == _CONV:
            r[index[a]] += p
        elif b in index and b != removed:
            q[index[a], index[b]] += p
    absorbed = np.linalg.solve(np.eye(len(transient)) - q, r)
    return float(absorbed[index[_START]])


def removal_effects(paths: pd.DataFrame) -> dict[str, float]:
    """Removal effect per channel: 1 − P(conversion without the channel) / P(conversion)."""
    base = _conversion_probability(paths)
    channels = sorted({c for p in paths["path"] for c in p})
    if base <= 0:
        return dict.fromkeys(channels, 0.0)
    return {c: 1.0 - _conversion_probability(paths, c) / base for c in channels}


def markov(paths: pd.DataFrame, *, per_journey: bool = False) -> dict[str, float]:
    """Conversions per channel from Markov removal effects.

    Args:
        paths: Output of :func:`journeys`.
        per_journey: Split each converting journey over its own channels (else all conversions over all
            channels, in proportion to the removal effects).
    """
    effects = removal_effects(paths)
    total = float(paths["conversions"].sum())
    if not per_journey:
        s = sum(effects.values())
        return {c: total * e / s if s else 0.0 for c, e in effects.items()}
    credit = dict.fromkeys(effects, 0.0)
    for path, conv in zip(paths["path"], paths["conversions"], strict=True):
        chans = sorted(set(path))
        s = sum(effects[c] for c in chans)
        for c in chans:
            credit[c] += conv * (effects[c] / s if s else 1.0 / len(chans))
    return credit


def shapley(paths: pd.DataFrame) -> dict[str, float]:
    """Exact Shapley values of v(S) = conversions of journeys whose channel set lies within S.

    Raises:
        BadInputError: more than 15 channels (2^n coalitions).
    """
    channels = sorted({c for p in paths["path"] for c in p})
    n = len(channels)
    if n > _MAX_SHAPLEY_CHANNELS:
        raise BadInputError(
            f"Exact Shapley values need at most {_MAX_SHAPLEY_CHANNELS} channels; the paths have {n}.",
            hint="Group channels (e.g. by platform) or use the Markov model.",
        )
    bit = {c: 1 << i for i, c in enumerate(channels)}
    by_set: dict[int, float] = {}
    for path, conv in zip(paths["path"], paths["conversions"], strict=True):
        m = 0
        for c in path:
            m |= bit[c]
        by_set[m] = by_set.get(m, 0.0) + conv

    def value(mask: int) -> float:
        return sum(v for m, v in by_set.items() if m & ~mask == 0)

    values = {mask: value(mask) for mask in range(1 << n)}
    out = {}
    for i, c in enumerate(channels):
        others = [j for j in range(n) if j != i]
        phi = 0.0
        for k in range(n):
            weight = factorial(k) * factorial(n - k - 1) / factorial(n)
            for combo in combinations(others, k):
                mask = sum(1 << j for j in combo)
                phi += weight * (values[mask | (1 << i)] - values[mask])
        out[c] = phi
    return out


def attribute(paths: pd.DataFrame, models: Iterable[str] = MODELS, *, half_life: float = 7.0) -> pd.DataFrame:
    """Conversions per channel under each model: one row per channel, one column per model.

    Args:
        paths: Output of :func:`journeys`.
        models: Which of :data:`MODELS`.
        half_life: Time decay half-life in touches.

    Raises:
        BadInputError: an unknown model.
    """
    chosen: Sequence[str] = list(models)
    unknown = sorted(set(chosen) - set(MODELS))
    if unknown:
        raise BadInputError(
            f"Unknown attribution model(s) {', '.join(unknown)}.", hint=f"Models: {', '.join(MODELS)}."
        )
    channels = sorted({c for p in paths["path"] for c in p})
    table = pd.DataFrame({"channel": channels})
    for m in chosen:
        if m == "markov":
            credit = markov(paths)
        elif m == "markov_journey":
            credit = markov(paths, per_journey=True)
        elif m == "shapley":
            credit = shapley(paths)
        else:
            credit = rule_based(paths, m, half_life=half_life)
        table[m] = [credit.get(c, 0.0) for c in channels]
    if "markov" in chosen or "markov_journey" in chosen:
        effects = removal_effects(paths)
        table["removal_effect"] = [effects.get(c, 0.0) for c in channels]
    return table
