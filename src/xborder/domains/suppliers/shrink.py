"""Evidence-weighted delivery and quality indicators: a supplier's observed rate, lead time and spread pulled
towards the population's by a prior worth ``prior_deliveries`` deliveries (beta-binomial / Bayesian average),
so one or two perfect deliveries do not outrank hundreds; price and MOQ ratios pulled towards the product's median
offer by a prior worth ``prior_offers`` compared offers, so one cheap quote does not outrank a supplier cheaper on
many products."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SHRUNK", "Priors", "population_priors", "shrink"]

# indicator → the evidence count behind it
SHRUNK = {
    "on_time": "deliveries",
    "quality": "inspections",
    "lead_time": "deliveries",
    "lead_time_variability": "deliveries",
    "price": "priced_offers",
    "moq": "moq_offers",
}


class Priors:
    """The population's values the indicators are pulled towards (all suppliers' events pooled)."""

    def __init__(self, on_time: float, defect_rate: float, units_per_inspection: float, lead_time: float,
                 late_sd: float) -> None:  # fmt: skip
        self.on_time = on_time
        self.defect_rate = defect_rate
        self.units_per_inspection = units_per_inspection
        self.lead_time = lead_time
        self.late_sd = late_sd

    def as_dict(self) -> dict[str, float]:
        """The priors by name (for the run's summary)."""
        return dict(vars(self))


def population_priors(perf: pd.DataFrame) -> Priors:
    """Pooled over every supplier of ``perf`` (:func:`indicators.performance` with its count columns):

    * on time: all on-time deliveries / all deliveries;
    * defect rate: all defective units / all inspected units, and the median units per inspection;
    * lead time: the deliveries-weighted mean of the suppliers' observed median lead times;
    * spread of days late: the pooled within-supplier standard deviation √(Σ(nᵢ−1)sᵢ² / Σ(nᵢ−1)).
    """
    n = perf["deliveries"].astype(float)
    on = perf["on_time"]
    known = on.notna() & (n > 0)
    on_time = float((on[known] * n[known]).sum() / n[known].sum()) if known.any() else np.nan
    insp = perf.get("inspected_units", pd.Series(dtype=float)).fillna(0)
    defects = perf.get("defective_units", pd.Series(dtype=float)).fillna(0)
    defect_rate = float(defects.sum() / insp.sum()) if insp.sum() > 0 else np.nan
    k = perf["inspections"].astype(float)
    per = (insp / k.where(k > 0)).dropna()
    units = float(per.median()) if len(per) else np.nan
    lead = perf["lead_time"].where(perf["lead_time_source"] == "observed")
    lk = lead.notna() & (n > 0)
    lead_time = float((lead[lk] * n[lk]).sum() / n[lk].sum()) if lk.any() else np.nan
    sd = perf["lead_time_variability"]
    df = (n - 1).where(sd.notna() & (n > 1))
    late_sd = float(np.sqrt((df * sd**2).sum() / df.sum())) if df.sum() > 0 else np.nan
    return Priors(on_time, defect_rate, units, lead_time, late_sd)


def shrink(
    perf: pd.DataFrame, prior_deliveries: float, prior_offers: float = 0.0
) -> tuple[pd.DataFrame, Priors]:
    """``perf`` with each indicator of :data:`SHRUNK` pulled towards the population and the observed value
    kept as ``<indicator>_observed``. With m = ``prior_deliveries`` (0: no shrinking) and n the supplier's
    deliveries (inspections for quality):

    * on time (beta-binomial posterior mean, prior Beta(m·p₀, m·(1−p₀))): (n·p + m·p₀) / (n + m);
    * quality: (defective + m·u·q₀) / (inspected + m·u), u the median units per inspection;
    * lead time (observed only; a quoted one is left): (n·L + m·L₀) / (n + m);
    * spread of days late: √(((n−1)·s² + m·s₀²) / (n − 1 + m)) — a supplier with one delivery gets s₀;
    * price and MOQ (ratios to the product's median offer, whose population value is 1 by construction), with
      k the supplier's offers compared with another supplier's and m' = ``prior_offers``: exp(k·ln(ratio) /
      (k + m')) — a geometric pull towards 1 (a quote at half the median on one product, m' = 3: 0.84).

    A supplier without any evidence keeps NaN (the ranking treats it as neutral).
    """
    priors = population_priors(perf)
    out = perf.copy()
    for name in SHRUNK:
        out[f"{name}_observed"] = perf[name]
    if prior_offers > 0:
        for name in ("price", "moq"):
            k = perf[SHRUNK[name]].astype(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[name] = np.exp(k * np.log(perf[name].astype(float)) / (k + prior_offers))
    if prior_deliveries <= 0:
        return out, priors
    m = float(prior_deliveries)
    n = perf["deliveries"].astype(float)
    has = n > 0
    if not np.isnan(priors.on_time):
        out["on_time"] = ((n * perf["on_time"] + m * priors.on_time) / (n + m)).where(
            has & perf["on_time"].notna()
        )
    if not np.isnan(priors.defect_rate) and "inspected_units" in perf:
        pu = m * priors.units_per_inspection
        shr = (perf["defective_units"] + pu * priors.defect_rate) / (perf["inspected_units"] + pu)
        out["quality"] = shr.where(perf["quality"].notna())
    if not np.isnan(priors.lead_time):
        observed = perf["lead_time_source"] == "observed"
        shr = (n * perf["lead_time"] + m * priors.lead_time) / (n + m)
        out["lead_time"] = perf["lead_time"].where(~observed, shr)
    if not np.isnan(priors.late_sd):
        df = (n - 1).clip(lower=0)
        var = (df * perf["lead_time_variability"].fillna(0.0) ** 2 + m * priors.late_sd**2) / (df + m)
        out["lead_time_variability"] = np.sqrt(var).where(has)
    return out, priors
