"""Suppliers: twelve indicators from dated events, offers, certificates and verification; AHP weights (consistency
checked), TOPSIS rank, tiers, concentration alerts and alternatives per product."""

from xborder.domains.suppliers.ahp import (
    DEFAULT_JUDGEMENTS,
    GROUPS,
    AhpResult,
    IndicatorWeights,
    ahp,
    indicator_weights,
    pairwise_matrix,
)
from xborder.domains.suppliers.checks import CHECKS, esg_gate, requirement_fit, standing, verification_status
from xborder.domains.suppliers.concentration import (
    alternatives,
    concentration,
    critical_products,
    main_sources,
)
from xborder.domains.suppliers.evaluate import EvaluationSettings, SupplierInputs, evaluate, weights_frame
from xborder.domains.suppliers.indicators import INDICATORS, latest_offers, offer_ratios, performance
from xborder.domains.suppliers.ranking import TIERS, assign_tiers, rank_suppliers, topsis_scores

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
