"""Selection: which product × market to pursue, and why — factors, MCDA scores, explanations, backtest."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xborder.domains.selection.factors import FACTORS, GROUPS, FactorSpec, factor_spec
    from xborder.domains.selection.mcda import normalise, score_matrix, topsis, weighted_sum
    from xborder.domains.selection.profiles import PRESETS, Profile, load_profile
    from xborder.domains.selection.score import ScoreResult, score_candidates

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "FACTORS": "xborder.domains.selection.factors",
    "GROUPS": "xborder.domains.selection.factors",
    "FactorSpec": "xborder.domains.selection.factors",
    "factor_spec": "xborder.domains.selection.factors",
    "normalise": "xborder.domains.selection.mcda",
    "score_matrix": "xborder.domains.selection.mcda",
    "topsis": "xborder.domains.selection.mcda",
    "weighted_sum": "xborder.domains.selection.mcda",
    "PRESETS": "xborder.domains.selection.profiles",
    "Profile": "xborder.domains.selection.profiles",
    "load_profile": "xborder.domains.selection.profiles",
    "ScoreResult": "xborder.domains.selection.score",
    "score_candidates": "xborder.domains.selection.score",
}

__all__ = [
    "FACTORS",
    "GROUPS",
    "FactorSpec",
    "factor_spec",
    "normalise",
    "score_matrix",
    "topsis",
    "weighted_sum",
    "PRESETS",
    "Profile",
    "load_profile",
    "ScoreResult",
    "score_candidates",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
