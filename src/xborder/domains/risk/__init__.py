"""Risk: Monte Carlo stress tests, a quantified risk register with response levels, and money-rule change alerts."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xborder.domains.risk.alerts import change_alerts, upcoming_changes
    from xborder.domains.risk.montecarlo import Driver, draw, first_order_indices
    from xborder.domains.risk.register import RiskSpec, risk_register
    from xborder.domains.risk.rulebase import change_rates, rule_history
    from xborder.domains.risk.stress import StressSpec, stress_test

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "change_alerts": "xborder.domains.risk.alerts",
    "upcoming_changes": "xborder.domains.risk.alerts",
    "Driver": "xborder.domains.risk.montecarlo",
    "draw": "xborder.domains.risk.montecarlo",
    "first_order_indices": "xborder.domains.risk.montecarlo",
    "RiskSpec": "xborder.domains.risk.register",
    "risk_register": "xborder.domains.risk.register",
    "change_rates": "xborder.domains.risk.rulebase",
    "rule_history": "xborder.domains.risk.rulebase",
    "StressSpec": "xborder.domains.risk.stress",
    "stress_test": "xborder.domains.risk.stress",
}

__all__ = [
    "Driver",
    "RiskSpec",
    "StressSpec",
    "change_alerts",
    "change_rates",
    "draw",
    "first_order_indices",
    "risk_register",
    "rule_history",
    "stress_test",
    "upcoming_changes",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
