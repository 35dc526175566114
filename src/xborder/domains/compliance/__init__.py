"""Compliance: which marks, registrations, documents and labels a product needs per market, from a dated, sourced rule base."""

from xborder.domains.compliance.attributes import ProductAttributes
from xborder.domains.compliance.changes import affected_products, changed_rules
from xborder.domains.compliance.engine import (
    ComplianceAnswer,
    check_product,
    critical_path,
    requirements_for,
    summarise,
)
from xborder.domains.compliance.hs import HsSuggestion, suggest_hs
from xborder.domains.compliance.rules import MARKETS, load_requirements, normalise_markets

__all__ = [
    "MARKETS",
    "ComplianceAnswer",
    "HsSuggestion",
    "ProductAttributes",
    "affected_products",
    "changed_rules",
    "check_product",
    "critical_path",
    "load_requirements",
    "normalise_markets",
    "requirements_for",
    "suggest_hs",
    "summarise",
]
