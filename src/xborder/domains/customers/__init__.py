"""Customers: RFM segments, cohort retention, lifetime value (BG/NBD + Gamma-Gamma) and product repurchase, on pseudonymous customer keys."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xborder.domains.customers.aggregate import product_repurchase, segment_summary
    from xborder.domains.customers.backtest import clv_backtest, forecast_accuracy
    from xborder.domains.customers.bgnbd import (
        BgNbd,
        bgnbd_log_likelihood,
        expected_purchases,
        fit_bgnbd,
        probability_alive,
    )
    from xborder.domains.customers.clv import SourceModels, customer_values, fit_source
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

# What the package exports, imported on first use: opening the warehouse reads every domain's tables.py,
# which must not pull in each engine's scientific stack (scipy alone costs ~0.7 s of CPU per command).
_EXPORTS = {
    "product_repurchase": "xborder.domains.customers.aggregate",
    "segment_summary": "xborder.domains.customers.aggregate",
    "BgNbd": "xborder.domains.customers.bgnbd",
    "bgnbd_log_likelihood": "xborder.domains.customers.bgnbd",
    "expected_purchases": "xborder.domains.customers.bgnbd",
    "fit_bgnbd": "xborder.domains.customers.bgnbd",
    "probability_alive": "xborder.domains.customers.bgnbd",
    "SourceModels": "xborder.domains.customers.clv",
    "customer_values": "xborder.domains.customers.clv",
    "fit_source": "xborder.domains.customers.clv",
    "clv_backtest": "xborder.domains.customers.backtest",
    "forecast_accuracy": "xborder.domains.customers.backtest",
    "cohort_retention": "xborder.domains.customers.cohorts",
    "GammaGamma": "xborder.domains.customers.gamma_gamma",
    "expected_spend": "xborder.domains.customers.gamma_gamma",
    "fit_gamma_gamma": "xborder.domains.customers.gamma_gamma",
    "frequency_spend_correlation": "xborder.domains.customers.gamma_gamma",
    "gamma_gamma_log_likelihood": "xborder.domains.customers.gamma_gamma",
    "SEGMENTS": "xborder.domains.customers.rfm",
    "rfm_score": "xborder.domains.customers.rfm",
    "rfm_scores": "xborder.domains.customers.rfm",
    "rfm_segment": "xborder.domains.customers.rfm",
    "customer_summary": "xborder.domains.customers.transactions",
    "purchases": "xborder.domains.customers.transactions",
}

__all__ = [
    "SEGMENTS",
    "BgNbd",
    "GammaGamma",
    "SourceModels",
    "bgnbd_log_likelihood",
    "clv_backtest",
    "cohort_retention",
    "customer_summary",
    "customer_values",
    "expected_purchases",
    "expected_spend",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_source",
    "forecast_accuracy",
    "frequency_spend_correlation",
    "gamma_gamma_log_likelihood",
    "probability_alive",
    "product_repurchase",
    "purchases",
    "rfm_score",
    "rfm_scores",
    "rfm_segment",
    "segment_summary",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
