"""compliance_checks and compliance_summary are declared once: the engine's columns derive from them."""

from __future__ import annotations

from xborder.domains.compliance.engine import REQUIREMENT_COLUMNS, RULE_ONLY_COLUMNS, SUMMARY_COLUMNS
from xborder.domains.compliance.tables import COMPLIANCE_CHECKS, COMPLIANCE_SUMMARY

PER_RUN = {"run_id", "product_id", "as_of"}


def test_engine_columns_are_the_declarations_less_the_per_run_ones() -> None:
    stored = [c for c in REQUIREMENT_COLUMNS if c not in RULE_ONLY_COLUMNS]
    assert stored == [c for c in COMPLIANCE_CHECKS.column_names if c not in PER_RUN]
    assert not set(RULE_ONLY_COLUMNS) & set(COMPLIANCE_CHECKS.column_names)
    assert SUMMARY_COLUMNS == [
        c for c in COMPLIANCE_SUMMARY.column_names if c not in PER_RUN | {"inferred_attributes"}
    ]


def test_costs_and_lead_times_have_units() -> None:
    for t in (COMPLIANCE_CHECKS, COMPLIANCE_SUMMARY):
        for c in t.columns:
            if c.name.startswith("cost_"):
                assert c.unit == "currency", (t.name, c.name)
            if "days" in c.name:
                assert c.unit == "days", (t.name, c.name)
