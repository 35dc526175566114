"""The tables the suppliers stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["SUPPLIER_SCORES", "SUPPLIER_WEIGHTS", "SUPPLIER_CONCENTRATION", "SUPPLIER_ALTERNATIVES", "TABLES"]

_RUN = Column("run_id", "VARCHAR", "runs.run_id of the suppliers run.", nullable=False)
_SUPPLIER = Column("supplier_id", "VARCHAR", "suppliers.supplier_id.", nullable=False)
_FLAGS = (
    Column(
        "flags",
        "JSON",
        "Message codes with their numbers: unverified, missing or expired certificates, ESG gate, thin data.",
        message=True,
    ),
    Column("flags_en", "VARCHAR", "The flags in English."),
    Column("flags_zh", "VARCHAR", "The flags in Chinese."),
)


def _d(name: str, doc: str, unit: str | None = None) -> Column:
    return Column(name, "DOUBLE", doc, unit=unit)


_CHECK = "verified | expired | failed | pending | missing (latest evidence on as_of)."

SUPPLIER_SCORES = Table(
    "supplier_scores",
    "One row per supplier per suppliers run: the twelve indicators, the TOPSIS score, rank and tier, the "
    "four-part verification and the flags (formulas in docs/suppliers.md).",
    owner="suppliers",
    columns=(
        _RUN,
        _SUPPLIER,
        Column("name", "VARCHAR", "Supplier name."),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2 country of the supplier."),
        Column("as_of", "DATE", "Day certificates and verification were judged on (and the window's end)."),
        _d(
            "quality",
            "Defective / inspected units, pulled towards the population's rate by the prior "
            "(prior_deliveries inspections).",
            "fraction",
        ),  # fmt: skip
        _d(
            "on_time",
            "Share of deliveries no later than promised + grace days, beta-binomial: pulled towards "
            "the population's share by prior_deliveries deliveries.",
            "fraction",
        ),  # fmt: skip
        _d(
            "lead_time",
            "Median days from order to delivery pulled towards the population's (else the median "
            "quoted lead time, as quoted).",
            "days",
        ),  # fmt: skip
        _d(
            "lead_time_variability",
            "Standard deviation of days late (delivered - promised), pooled with the "
            "population's by prior_deliveries deliveries.",
            "days",
        ),  # fmt: skip
        _d("quality_observed", "Defective / inspected units as observed (no prior).", "fraction"),
        _d("on_time_observed", "On-time share as observed (no prior).", "fraction"),
        _d("lead_time_observed", "Median order-to-delivery days as observed (else quoted).", "days"),
        _d("lead_time_variability_observed", "Standard deviation of days late as observed (n - 1).", "days"),
        _d(
            "price",
            "Median over its products of its USD price / the product's median offer, pulled towards 1 by prior_offers compared offers (geometric).",
            "ratio",
        ),
        _d(
            "moq",
            "Median over its products of its MOQ / the product's median MOQ, pulled towards 1 like price.",
            "ratio",
        ),
        _d("capacity_headroom", "1 - committed / capacity, latest capacity event.", "fraction"),
        _d("communication", "Median response time.", "hours"),
        _d("customisation", "Customisation / R&D capability 0..1 (none 0 ... own R&D 1).", "score"),
        _d("certifications", "Share of required certificates held and valid.", "fraction"),
        _d("documents", "Share of required test reports, declarations and documents supplied.", "fraction"),
        _d("standing", "Registration verified (business, tax) and financial score, 0..1.", "score"),
        _d("score", "TOPSIS closeness 0..1 (1 = ideal); NULL behind the gate.", "score"),
        Column("rank", "INTEGER", "Rank among suppliers past the gate (1 = best)."),
        Column("tier", "VARCHAR", "strategic | core | cooperative | excluded (ESG/audit gate)."),
        Column(
            "gated", "BOOLEAN", "TRUE: a major/critical ESG incident in the gate window or a failed audit."
        ),
        Column("verified", "BOOLEAN", "TRUE when all four checks are verified and current."),
        Column("business_registration", "VARCHAR", _CHECK),
        Column("tax_registration", "VARCHAR", _CHECK),
        Column("bank_account", "VARCHAR", _CHECK),
        Column("legal_representative", "VARCHAR", _CHECK),
        Column("deliveries", "INTEGER", "Deliveries with promised and delivered dates.", unit="deliveries"),
        _d("in_full_rate", "Share of deliveries with the ordered quantity (within tolerance).", "fraction"),
        _d("mean_days_late", "Mean days late (negative: early).", "days"),
        _d("lead_time_mean_days", "Mean observed order-to-delivery days.", "days"),
        _d("lead_time_std_days", "Standard deviation of observed order-to-delivery days.", "days"),
        Column("lead_time_source", "VARCHAR", "observed | quoted."),
        Column("inspections", "INTEGER", "Inspections with defect counts.", unit="inspections"),
        Column("incidents", "INTEGER", "ESG incidents in the gate window.", unit="incidents"),
        Column("products", "INTEGER", "Products it offers.", unit="products"),
        Column("required_certificates", "INTEGER", "Certificates its products and markets require."),
        Column("missing_certificates", "INTEGER", "Of them, certificate codes not held (each one flagged)."),
        Column("required_documents", "INTEGER", "Documents its products and markets require."),
        Column("missing_documents", "INTEGER", "Of them, document codes not supplied (each one flagged)."),
        _d("spend_usd", "Delivered value in the window, USD at the ECB rate of the day.", "USD"),
        *_FLAGS,
        _d("price_observed", "Price ratio as observed (no prior).", "ratio"),
        _d("moq_observed", "MOQ ratio as observed (no prior).", "ratio"),
        Column(
            "priced_offers",
            "INTEGER",
            "Its offers compared with another supplier's (the evidence behind price).",
            unit="offers",
        ),
    ),
)

SUPPLIER_WEIGHTS = Table(
    "supplier_weights",
    "One row per indicator per suppliers run: its group, the AHP local and group weights (or a direct weight) "
    "and the consistency of the matrices they came from.",
    owner="suppliers",
    columns=(
        _RUN,
        Column("indicator", "VARCHAR", "Indicator name.", nullable=False),
        Column("group_name", "VARCHAR", "delivery | cost | capability | compliance."),
        Column("direction", "VARCHAR", "higher | lower: which way is better."),
        Column("unit", "VARCHAR", "Unit of the indicator."),
        _d("local_weight", "Weight inside its group (AHP).", "fraction"),
        _d("group_weight", "Weight of its group (AHP).", "fraction"),
        _d("weight", "Global weight used by TOPSIS (sums to 1).", "fraction"),
        Column("method", "VARCHAR", "ahp | direct."),
        _d("group_cr", "Consistency ratio of the group's pairwise matrix."),
        _d("group_lambda_max", "Principal eigenvalue of the group's pairwise matrix."),
        _d("top_cr", "Consistency ratio of the matrix of the four groups."),
    ),
)

SUPPLIER_CONCENTRATION = Table(
    "supplier_concentration",
    "Per suppliers run, per supplier and per country: spend and critical products, their shares, sole-source "
    "products and an alert above the threshold.",
    owner="suppliers",
    columns=(
        _RUN,
        Column("dimension", "VARCHAR", "supplier | country.", nullable=False),
        Column("key", "VARCHAR", "supplier_id, or ISO2 country (?? unknown).", nullable=False),
        Column("name", "VARCHAR", "Supplier name or country code."),
        _d("spend_usd", "Delivered value in the window (NULL: no delivery values).", "USD"),
        _d("spend_share", "Share of all spend.", "fraction"),
        Column("critical_products", "INTEGER", "Critical products it can supply (offers, deliveries)."),
        _d("critical_share", "Share of the critical products.", "fraction"),
        Column("sole_source_products", "INTEGER", "Critical products no other supplier/country supplies."),
        Column("alert", "BOOLEAN", "TRUE when spend_share or critical_share exceeds threshold."),
        _d("threshold", "The alert threshold used.", "fraction"),
    ),
)

SUPPLIER_ALTERNATIVES = Table(
    "supplier_alternatives",
    "Per suppliers run, per product: every supplier offering it with its latest offer, score, tier and "
    "flags, best source first.",
    owner="suppliers",
    columns=(
        _RUN,
        Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
        _SUPPLIER,
        Column("name", "VARCHAR", "Supplier name."),
        Column("product_rank", "INTEGER", "1 = the product's best source (gate, score, then price)."),
        _d("unit_cost", "Latest quoted price.", "currency"),
        Column("currency", "VARCHAR", "ISO 4217 currency of unit_cost."),
        _d("unit_cost_usd", "The price in USD at the ECB rate of the quote's day.", "USD"),
        _d("price_ratio", "unit_cost_usd / the product's median offer (NULL: one supplier).", "ratio"),
        _d("moq", "Minimum order quantity.", "units"),
        _d("lead_time_days", "Quoted lead time.", "days"),
        Column("incoterm", "VARCHAR", "Incoterm of the price."),
        Column("valid_from", "DATE", "Day of the quote."),
        _d("score", "The supplier's TOPSIS score.", "score"),
        Column("tier", "VARCHAR", "The supplier's tier."),
        Column("verified", "BOOLEAN", "All four verification checks current."),
        Column("gated", "BOOLEAN", "Behind the ESG/audit gate."),
        *_FLAGS,
    ),
)

TABLES = (SUPPLIER_SCORES, SUPPLIER_WEIGHTS, SUPPLIER_CONCENTRATION, SUPPLIER_ALTERNATIVES)
