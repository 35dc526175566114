"""Equal-weight combinations of forecast models (``Mean(A+B)`` and the fixed ``Ensemble``): their names,
members, and their rows added to backtest points and forecasts (the mean of the members' point forecasts)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from xborder.domains.demand.models import ENSEMBLE, ENSEMBLE_MEMBERS, INTERMITTENT, NO_NATIVE_INTERVALS

__all__ = [
    "combo_name",
    "combo_members",
    "has_native_intervals",
    "is_croston_type",
    "MEAN_MODELS",
    "median_share",
    "add_combos_long",
    "add_combos_wide",
]

_PREFIX = "Mean("
MEAN_MODELS = (*INTERMITTENT, "AutoETS", "DynamicOptimizedTheta", "AutoARIMA")
"""Models whose point forecast is a mean level (fitted to the history), not a median or a past value."""


def combo_name(members: Sequence[str]) -> str:
    """Name of the equal-weight mean of ``members`` (order kept), e.g. ``Mean(AutoETS+Naive)``."""
    return f"{_PREFIX}{'+'.join(members)})"


def combo_members(name: str) -> tuple[str, ...]:
    """Members of a combination name (the fixed Ensemble included); () for a single model."""
    if name == ENSEMBLE:
        return ENSEMBLE_MEMBERS
    if name.startswith(_PREFIX) and name.endswith(")"):
        return tuple(name[len(_PREFIX) : -1].split("+"))
    return ()


def has_native_intervals(name: str) -> bool:
    """Whether statsforecast gives the model prediction intervals (else they are conformal)."""
    return name not in NO_NATIVE_INTERVALS and not combo_members(name)


def is_croston_type(name: str) -> bool:
    """Whether a pick is an intermittent-demand mean (a Croston-type model, or a combination with one)."""
    return name in INTERMITTENT or any(m in INTERMITTENT for m in combo_members(name))


def median_share(name: str, window_median_is_mean: bool = False) -> float:
    """Share of a pick's members whose forecast is median-like (WindowMedian in its median mode, Naive,
    SeasonalNaive), not a mean (:data:`MEAN_MODELS`, and WindowMedian where its window is mostly zeros)."""
    members = combo_members(name) or (name,)
    mean = [m in MEAN_MODELS or (m == "WindowMedian" and window_median_is_mean) for m in members]
    return 1.0 - sum(mean) / len(members)


def add_combos_long(
    points: pd.DataFrame, names: Sequence[str], levels: Sequence[int], wide: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Append long backtest rows of the combinations in ``names`` (mean of member yhat; no intervals).

    ``wide``: the same points already pivoted (``Selection.wide``), to skip pivoting again.
    """
    present = set(points["model"].unique())
    combos = [n for n in set(names) if combo_members(n) and n not in present]
    if not combos:
        return points
    keys = ["unique_id", "cutoff", "ds"]
    if wide is None:
        wide = points.set_index([*keys, "model"])["yhat"].unstack("model")
    y = points.drop_duplicates(keys).set_index(keys)["y"].reindex(wide.index)
    parts = [points]
    for c in sorted(combos):
        members = list(combo_members(c))
        if not all(m in wide.columns for m in members):
            continue
        part = wide.index.to_frame(index=False)
        part["y"] = y.to_numpy()
        part["model"] = c
        part["yhat"] = wide[members].to_numpy(float).mean(axis=1)
        for lv in levels:
            part[f"lo_{lv}"] = np.nan
            part[f"hi_{lv}"] = np.nan
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def add_combos_wide(wide: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Add columns for the combinations in ``names`` to a wide statsforecast frame (mean of members)."""
    for c in set(names):
        members = list(combo_members(c))
        if members and c not in wide.columns and all(m in wide.columns for m in members):
            wide[c] = wide[members].mean(axis=1, skipna=False)
    return wide
