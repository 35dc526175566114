"""Compliance: which marks, registrations, documents and labels a product needs per market, from a dated, sourced rule base."""

from xborder.compliance.attributes import ProductAttributes
from xborder.compliance.changes import affected_products, changed_rules
from xborder.compliance.engine import (
    ComplianceAnswer,
    check_product,
    critical_path,
    requirements_for,
    summarise,
)
from xborder.compliance.hs import HsSuggestion, suggest_hs
from xborder.compliance.rules import MARKETS, load_requirements, normalise_markets

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
