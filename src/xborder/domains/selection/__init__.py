"""Selection: which product × market to pursue, and why — factors, MCDA scores, explanations, backtest."""

from xborder.domains.selection.factors import FACTORS, GROUPS, FactorSpec, factor_spec
from xborder.domains.selection.mcda import normalise, score_matrix, topsis, weighted_sum
from xborder.domains.selection.profiles import PRESETS, Profile, load_profile
from xborder.domains.selection.score import ScoreResult, score_candidates

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
