"""Marketing: Sponsored Products metrics and rules, multi-touch attribution and A/B-test statistics."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "GRAINS": "xborder.domains.marketing.ads",
    "ad_metrics": "xborder.domains.marketing.ads",
    "break_even_acos": "xborder.domains.marketing.ads",
    "daily_totals": "xborder.domains.marketing.ads",
    "tacos": "xborder.domains.marketing.ads",
    "with_ratios": "xborder.domains.marketing.ads",
    "MODELS": "xborder.domains.marketing.attribution",
    "attribute": "xborder.domains.marketing.attribution",
    "journeys": "xborder.domains.marketing.attribution",
    "markov": "xborder.domains.marketing.attribution",
    "removal_effects": "xborder.domains.marketing.attribution",
    "shapley": "xborder.domains.marketing.attribution",
    "ArmResult": "xborder.domains.marketing.experiments",
    "compare_arms": "xborder.domains.marketing.experiments",
    "obrien_fleming_bounds": "xborder.domains.marketing.experiments",
    "peeking_false_positive_rate": "xborder.domains.marketing.experiments",
    "sample_size": "xborder.domains.marketing.experiments",
    "simulate_peeking": "xborder.domains.marketing.experiments",
    "RuleSettings": "xborder.domains.marketing.rules",
    "ad_group_targets": "xborder.domains.marketing.rules",
    "replay": "xborder.domains.marketing.rules",
    "suggestions": "xborder.domains.marketing.rules",
}

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


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
