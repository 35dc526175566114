"""Customers: RFM segments, cohort retention, lifetime value (BG/NBD + Gamma-Gamma) and product repurchase, on pseudonymous customer keys."""

from xborder.domains.customers.aggregate import product_repurchase, segment_summary
from xborder.domains.customers.bgnbd import (
    BgNbd,
    bgnbd_log_likelihood,
    expected_purchases,
    fit_bgnbd,
    probability_alive,
)
from xborder.domains.customers.clv import SourceModels, customer_values, fit_source, holdout_check
from xborder.domains.customers.cohorts import cohort_retention
from xborder.domains.customers.gamma_gamma import (
    GammaGamma,
    expected_spend,
    fit_gamma_gamma,
    frequency_spend_correlation,
    gamma_gamma_log_likelihood,
)
from xborder.domains.customers.rfm import SEGMENTS, rfm_score, rfm_scores, rfm_segment
from xborder.domains.customers.transactions import customer_summary, purchases

__all__ = [
    "SEGMENTS",
    "BgNbd",
    "GammaGamma",
    "SourceModels",
    "bgnbd_log_likelihood",
    "cohort_retention",
    "customer_summary",
    "customer_values",
    "expected_purchases",
    "expected_spend",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_source",
    "frequency_spend_correlation",
    "gamma_gamma_log_likelihood",
    "holdout_check",
    "probability_alive",
    "product_repurchase",
    "purchases",
    "rfm_score",
    "rfm_scores",
    "rfm_segment",
    "segment_summary",
]
