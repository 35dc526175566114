"""Suppliers: twelve indicators from dated events, offers, certificates and verification; AHP weights (consistency
checked), TOPSIS rank, tiers, concentration alerts and alternatives per product."""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xborder.domains.suppliers.ahp import (
        DEFAULT_JUDGEMENTS,
        GROUPS,
        AhpResult,
        IndicatorWeights,
        ahp,
        indicator_weights,
        pairwise_matrix,
    )
    from xborder.domains.suppliers.checks import (
        CHECKS,
        esg_gate,
        requirement_fit,
        standing,
        verification_status,
    )
    from xborder.domains.suppliers.concentration import (
        alternatives,
        concentration,
        critical_products,
        main_sources,
    )
    from xborder.domains.suppliers.evaluate import EvaluationSettings, SupplierInputs, evaluate, weights_frame
    from xborder.domains.suppliers.indicators import INDICATORS, latest_offers, offer_ratios, performance
    from xborder.domains.suppliers.ranking import TIERS, assign_tiers, rank_suppliers, topsis_scores

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "DEFAULT_JUDGEMENTS": "xborder.domains.suppliers.ahp",
    "GROUPS": "xborder.domains.suppliers.ahp",
    "AhpResult": "xborder.domains.suppliers.ahp",
    "IndicatorWeights": "xborder.domains.suppliers.ahp",
    "ahp": "xborder.domains.suppliers.ahp",
    "indicator_weights": "xborder.domains.suppliers.ahp",
    "pairwise_matrix": "xborder.domains.suppliers.ahp",
    "CHECKS": "xborder.domains.suppliers.checks",
    "esg_gate": "xborder.domains.suppliers.checks",
    "requirement_fit": "xborder.domains.suppliers.checks",
    "standing": "xborder.domains.suppliers.checks",
    "verification_status": "xborder.domains.suppliers.checks",
    "alternatives": "xborder.domains.suppliers.concentration",
    "concentration": "xborder.domains.suppliers.concentration",
    "critical_products": "xborder.domains.suppliers.concentration",
    "main_sources": "xborder.domains.suppliers.concentration",
    "EvaluationSettings": "xborder.domains.suppliers.evaluate",
    "SupplierInputs": "xborder.domains.suppliers.evaluate",
    "evaluate": "xborder.domains.suppliers.evaluate",
    "weights_frame": "xborder.domains.suppliers.evaluate",
    "INDICATORS": "xborder.domains.suppliers.indicators",
    "latest_offers": "xborder.domains.suppliers.indicators",
    "offer_ratios": "xborder.domains.suppliers.indicators",
    "performance": "xborder.domains.suppliers.indicators",
    "TIERS": "xborder.domains.suppliers.ranking",
    "assign_tiers": "xborder.domains.suppliers.ranking",
    "rank_suppliers": "xborder.domains.suppliers.ranking",
    "topsis_scores": "xborder.domains.suppliers.ranking",
}

__all__ = [
    "CHECKS",
    "DEFAULT_JUDGEMENTS",
    "GROUPS",
    "INDICATORS",
    "TIERS",
    "AhpResult",
    "EvaluationSettings",
    "IndicatorWeights",
    "SupplierInputs",
    "ahp",
    "alternatives",
    "assign_tiers",
    "concentration",
    "critical_products",
    "esg_gate",
    "evaluate",
    "indicator_weights",
    "latest_offers",
    "main_sources",
    "offer_ratios",
    "pairwise_matrix",
    "performance",
    "rank_suppliers",
    "requirement_fit",
    "standing",
    "topsis_scores",
    "verification_status",
    "weights_frame",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


class _Package(types.ModuleType):
    """Keeps an export named like its own module (``forecast`` of ``forecast.py``) the export: importing the
    module later must not replace it on the package, as an eager ``from .forecast import forecast`` ensured."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
