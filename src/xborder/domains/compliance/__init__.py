"""Compliance: which marks, registrations, documents and labels a product needs per market, from a dated, sourced rule base."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "ProductAttributes": "xborder.domains.compliance.attributes",
    "affected_products": "xborder.domains.compliance.changes",
    "changed_rules": "xborder.domains.compliance.changes",
    "ComplianceAnswer": "xborder.domains.compliance.engine",
    "check_product": "xborder.domains.compliance.engine",
    "critical_path": "xborder.domains.compliance.engine",
    "requirements_for": "xborder.domains.compliance.engine",
    "summarise": "xborder.domains.compliance.engine",
    "HsSuggestion": "xborder.domains.compliance.hs",
    "suggest_hs": "xborder.domains.compliance.hs",
    "MARKETS": "xborder.domains.compliance.rules",
    "load_requirements": "xborder.domains.compliance.rules",
    "normalise_markets": "xborder.domains.compliance.rules",
}

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


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
