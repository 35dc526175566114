"""Customer lifetime value per source: fit BG/NBD and Gamma-Gamma, score every customer (the holdout check is in backtest.py).

Each source (one shop's data) gets its own models — customers of different shops do not share a purchase
rate or a spend level. A customer's expected value over the horizon is expected purchases (BG/NBD) times
expected spend per purchase (Gamma-Gamma), undiscounted, in the customer's currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.customers.bgnbd import (
    BgNbd,
    expected_purchases,
    fit_bgnbd,
    probability_alive,
    probability_buys,
)
from xborder.domains.customers.gamma_gamma import (
    GammaGamma,
    expected_spend,
    fit_gamma_gamma,
    frequency_spend_correlation,
)
from xborder.domains.customers.transactions import DAYS_PER_WEEK

__all__ = ["SourceModels", "fit_source", "customer_values", "FEW_REPEAT_SHARE"]

FEW_REPEAT_SHARE = 0.05
"""Below this share of repeat customers the models are fitted but their forecasts are mostly the prior: a note
says so (BG/NBD gives every one-time buyer P(alive) = 1 by construction)."""


@dataclass
class SourceModels:
    """The models of one source, or why there are none (a message code and its numbers)."""

    source: str
    customers: int
    repeat_customers: int
    frequency: BgNbd | None = None
    spend: GammaGamma | None = None
    frequency_spend_correlation: float = float("nan")
    notes: list[dict[str, Any]] = field(default_factory=list)


def fit_source(
    source: str,
    customers: pd.DataFrame,
    *,
    min_customers: int,
    min_repeat_customers: int,
    min_repeat_share: float = 0.01,
) -> SourceModels:
    """Fit both models on one source's customers (:func:`customer_summary` rows), when there are enough.

    BG/NBD needs ``min_customers`` customers with a first purchase before the last day, ``min_repeat_customers``
    of them and at least ``min_repeat_share`` of all with a repeat purchase (below that its estimates rest on a
    handful of people and turn odd: on the Olist 10,000-order sample, 0.3 % repeat, the few who came back got
    P(alive) 0.004 while every one-time buyer has 1). Gamma-Gamma needs ``min_repeat_customers`` repeat
    customers with a positive mean repeat value. A fit whose spend scale is unusable (q ≤ 1: the population
    mean spend is infinite) is dropped with a note.
    """
    c = customers[customers["age"] > 0]
    repeat = int((c["frequency"] > 0).sum())
    share = repeat / len(customers) if len(customers) else 0.0
    out = SourceModels(source, int(len(c)), repeat)
    if len(c) < min_customers or repeat < min_repeat_customers:
        out.notes.append({"code": "customers.too_few_for_clv",
                          "args": {"source": source, "customers": len(c), "repeat": repeat,
                                   "min_customers": min_customers, "min_repeat": min_repeat_customers}})  # fmt: skip
        return out
    if share < min_repeat_share:
        out.notes.append({"code": "customers.too_few_repeaters",
                          "args": {"source": source, "share": share, "min_share": min_repeat_share}})  # fmt: skip
        return out
    frequency = fit_bgnbd(c["frequency"], c["recency"], c["age"])
    check = expected_purchases(frequency, 52.0, c["frequency"], c["recency"], c["age"])
    if not frequency.converged or not np.all(np.isfinite(check)):
        out.notes.append({"code": "customers.fit_failed", "args": {"source": source}})
        return out
    out.frequency = frequency
    if share < FEW_REPEAT_SHARE:
        out.notes.append({"code": "customers.few_repeaters", "args": {"source": source, "share": share}})
    m = c["mean_repeat_value"]
    spenders = int(((c["frequency"] > 0) & (m > 0)).sum())
    out.frequency_spend_correlation = frequency_spend_correlation(c["frequency"], m)
    if spenders < min_repeat_customers:
        out.notes.append({"code": "customers.too_few_for_spend",
                          "args": {"source": source, "repeat": spenders, "min_repeat": min_repeat_customers}})  # fmt: skip
        return out
    spend = fit_gamma_gamma(c["frequency"], m)
    if spend.q <= 1:
        out.notes.append({"code": "customers.spend_unstable", "args": {"source": source, "q": spend.q}})
        return out
    out.spend = spend
    corr = out.frequency_spend_correlation
    if np.isfinite(corr) and abs(corr) >= 0.3:
        out.notes.append({"code": "customers.spend_depends_on_frequency",
                          "args": {"source": source, "correlation": round(corr, 3)}})  # fmt: skip
    return out


def customer_values(customers: pd.DataFrame, models: SourceModels, horizon_days: float) -> pd.DataFrame:
    """One source's customers with p_alive, p_buy (P(a purchase within the horizon)), expected_purchases,
    expected_spend and expected_value added
    (NaN where the models are missing)."""
    out = customers.copy()
    n = len(out)
    nan = np.full(n, np.nan)
    bg, gg = models.frequency, models.spend
    if bg is None or n == 0:
        return out.assign(
            p_alive=nan, p_buy=nan, expected_purchases=nan, expected_spend=nan, expected_value=nan
        )
    x, tx, age = out["frequency"], out["recency"], out["age"]
    out["p_alive"] = probability_alive(bg, x, tx, age)
    out["p_buy"] = probability_buys(bg, horizon_days / DAYS_PER_WEEK, x, tx, age)
    out["expected_purchases"] = expected_purchases(bg, horizon_days / DAYS_PER_WEEK, x, tx, age)
    out["expected_spend"] = nan if gg is None else expected_spend(gg, x, out["mean_repeat_value"])
    out["expected_value"] = out["expected_purchases"] * out["expected_spend"]
    return out
