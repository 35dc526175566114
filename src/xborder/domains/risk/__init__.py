"""Risk: Monte Carlo stress tests, a quantified risk register with response levels, and money-rule change alerts."""

from xborder.domains.risk.alerts import change_alerts, upcoming_changes
from xborder.domains.risk.montecarlo import Driver, draw, first_order_indices
from xborder.domains.risk.register import RiskSpec, risk_register
from xborder.domains.risk.rulebase import change_rates, rule_history
from xborder.domains.risk.stress import StressSpec, stress_test

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
