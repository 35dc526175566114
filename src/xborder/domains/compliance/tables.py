"""The tables the compliance stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["COMPLIANCE_CHECKS", "COMPLIANCE_SUMMARY", "TABLES"]

COMPLIANCE_CHECKS = Table(
    "compliance_checks",
    "One row per product x market x conformity requirement that applies on as_of (rule base reference/data/compliance/requirements.csv).",
    owner="compliance",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the run that wrote the row.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 target market.", nullable=False),
        Column(
            "rule_id",
            "VARCHAR",
            "Rule id in compliance/requirements.csv (e.g. eu_red, us_cpc).",
            nullable=False,
        ),
        Column(
            "requirement",
            "VARCHAR",
            "The mark, registration, document, test or label required, with its legal basis.",
        ),
        Column(
            "kind",
            "VARCHAR",
            "test | certificate | declaration | registration | mark | label | representative | document.",
        ),
        Column(
            "mandatory",
            "BOOLEAN",
            "TRUE when the law requires it; FALSE for marketplace policies or duties of large firms only.",
        ),
        Column(
            "holder",
            "VARCHAR",
            "Who must hold or do it (manufacturer, importer, EU responsible person, local representative...).",
        ),
        Column(
            "lead_time_days_min",
            "DOUBLE",
            "Typical lead time, lower end, days; NULL when no source gives one.",
            unit="days",
        ),
        Column(
            "lead_time_days_max",
            "DOUBLE",
            "Typical lead time, upper end, days; NULL when no source gives one.",
            unit="days",
        ),
        Column(
            "cost_min",
            "DOUBLE",
            "Typical cost, lower end, in currency; NULL when no source gives one.",
            unit="currency",
        ),
        Column(
            "cost_max",
            "DOUBLE",
            "Typical cost, upper end, in currency; NULL when no source gives one.",
            unit="currency",
        ),
        Column("currency", "VARCHAR", "ISO 4217 currency of cost_min/cost_max (USD in the bundled rules)."),
        Column(
            "depends_on",
            "VARCHAR",
            "Rule ids (;-separated) that must be done first (e.g. tests before the declaration).",
        ),
        Column(
            "on_critical_path",
            "BOOLEAN",
            "TRUE when the requirement lies on the longest chain that sets the time to market.",
        ),
        Column(
            "basis",
            "VARCHAR",
            "stated (the product's given attributes trigger it) | inferred (only an attribute inferred from category/title does).",
        ),
        Column("scope", "VARCHAR", "Market or region of the rule row (EU rows cover DE FR IT ES NL PL SE)."),
        Column("source", "VARCHAR", "Address of the original legal source of the rule."),
        Column("valid_from", "DATE", "Date the rule applies from (NULL = long-standing, no start given)."),
        Column("valid_to", "DATE", "Last date the rule applies (NULL = open-ended)."),
        Column("last_checked", "DATE", "Date the rule row was last checked against its source."),
        Column("confidence", "VARCHAR", "high | low (low: only secondary sources, or sources disagree)."),
        Column("as_of", "DATE", "The day the requirements were evaluated for.", nullable=False),
    ),
)

COMPLIANCE_SUMMARY = Table(
    "compliance_summary",
    "Per product x market: mandatory items, critical-path time to market and total certification cost range.",
    owner="compliance",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the run that wrote the row.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 target market.", nullable=False),
        Column("as_of", "DATE", "The day the requirements were evaluated for.", nullable=False),
        Column("n_requirements", "INTEGER", "Requirements that apply (mandatory or not)."),
        Column("n_mandatory", "INTEGER", "Mandatory requirements that apply."),
        Column(
            "time_to_market_days_min",
            "DOUBLE",
            "Critical path through the mandatory requirements using the low lead times, days (unknown lead times count 0).",
            unit="days",
        ),
        Column(
            "time_to_market_days_max",
            "DOUBLE",
            "Critical path using the high lead times, days (unknown lead times count 0).",
            unit="days",
        ),
        Column("critical_path", "VARCHAR", "Rule ids on the longest chain, in order (a > b > c)."),
        Column(
            "cost_min",
            "DOUBLE",
            "Sum of the low cost of the mandatory requirements with a sourced cost.",
            unit="currency",
        ),
        Column(
            "cost_max",
            "DOUBLE",
            "Sum of the high cost of the mandatory requirements with a sourced cost (a lower bound when n_cost_unknown > 0).",
            unit="currency",
        ),
        Column("currency", "VARCHAR", "ISO 4217 currency of the cost range (USD)."),
        Column("n_lead_time_unknown", "INTEGER", "Mandatory requirements whose lead time no source gives."),
        Column("n_cost_unknown", "INTEGER", "Mandatory requirements whose (upper) cost no source gives."),
        Column(
            "n_inferred",
            "INTEGER",
            "Requirements that apply only because of an attribute inferred from category or title.",
        ),
        Column(
            "confidence",
            "VARCHAR",
            "low when any mandatory requirement rests on a low-confidence rule, else high.",
        ),
        Column(
            "inferred_attributes",
            "VARCHAR",
            "Attributes inferred from category/title for this product (;-separated).",
        ),
    ),
)

TABLES: tuple[Table, ...] = (
    COMPLIANCE_CHECKS,
    COMPLIANCE_SUMMARY,
)
