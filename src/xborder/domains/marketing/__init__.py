"""Marketing: Sponsored Products metrics and rules, multi-touch attribution and A/B-test statistics."""

from xborder.domains.marketing.ads import (
    GRAINS,
    ad_metrics,
    break_even_acos,
    daily_totals,
    tacos,
    with_ratios,
)
from xborder.domains.marketing.attribution import (
    MODELS,
    attribute,
    journeys,
    markov,
    removal_effects,
    shapley,
)
from xborder.domains.marketing.experiments import (
    ArmResult,
    compare_arms,
    obrien_fleming_bounds,
    peeking_false_positive_rate,
    sample_size,
    simulate_peeking,
)
from xborder.domains.marketing.rules import RuleSettings, ad_group_targets, replay, suggestions

__all__ = [
    "GRAINS",
    "MODELS",
    "ArmResult",
    "RuleSettings",
    "ad_group_targets",
    "ad_metrics",
    "attribute",
    "break_even_acos",
    "compare_arms",
    "daily_totals",
    "journeys",
    "markov",
    "obrien_fleming_bounds",
    "peeking_false_positive_rate",
    "removal_effects",
    "replay",
    "sample_size",
    "shapley",
    "simulate_peeking",
    "suggestions",
    "tacos",
    "with_ratios",
]
