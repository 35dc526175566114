"""Money formulas: net present value, internal rate of return, cash conversion cycle and advertising cost of sales.

NPV and IRR follow numpy-financial's conventions (the first flow is at time 0 and is not discounted; IRR is the
real root of the NPV polynomial closest to zero) and reproduce its worked examples (tests/domains/finance); they
are a few lines of numpy, so numpy-financial (last release 2019) is not a dependency.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "npv",
    "irr",
    "cash_conversion_cycle",
    "days_inventory_outstanding",
    "days_sales_outstanding",
    "days_payables_outstanding",
    "acos",
    "break_even_acos",
]


def npv(rate: float, cash_flows: Sequence[float]) -> float:
    """Net present value of ``cash_flows`` (one per period, the first at time 0) at ``rate`` per period."""
    flows = np.asarray(cash_flows, float)
    return float(np.sum(flows / (1.0 + rate) ** np.arange(len(flows))))


def irr(cash_flows: Sequence[float]) -> float:
    """Internal rate of return per period: the rate where :func:`npv` is zero (NaN when there is none).

    Solves the NPV polynomial in ``x = 1 / (1 + rate)`` and, as numpy-financial does, returns the real
    solution closest to zero when there are several.
    """
    flows = np.asarray(cash_flows, float)
    if len(flows) < 2 or not (np.any(flows > 0) and np.any(flows < 0)):
        return float("nan")
    roots = np.roots(flows[::-1])  # sum c_t x^t = 0, highest power first
    real = roots[(np.abs(roots.imag) < 1e-9) & (roots.real > 0)].real
    if real.size == 0:
        return float("nan")
    rates = 1.0 / real - 1.0
    return float(rates[np.argmin(np.abs(rates))])


def days_inventory_outstanding(
    inventory_value: float, cost_of_goods_sold: float, days: float = 365.0
) -> float:
    """DIO = average inventory at cost / cost of goods sold over ``days`` x ``days``."""
    return float(inventory_value / cost_of_goods_sold * days) if cost_of_goods_sold else float("nan")


def days_sales_outstanding(receivables: float, revenue: float, days: float = 365.0) -> float:
    """DSO = receivables (sales not yet paid out by the marketplace) / revenue over ``days`` x ``days``."""
    return float(receivables / revenue * days) if revenue else float("nan")


def days_payables_outstanding(payables: float, cost_of_goods_sold: float, days: float = 365.0) -> float:
    """DPO = payables to suppliers / cost of goods sold over ``days`` x ``days``."""
    return float(payables / cost_of_goods_sold * days) if cost_of_goods_sold else float("nan")


def cash_conversion_cycle(dio: float, dso: float, dpo: float) -> float:
    """CCC = DIO + DSO - DPO: days between paying the supplier and receiving the sale's cash."""
    return float(dio + dso - dpo)


def acos(ad_spend: float, ad_sales: float) -> float:
    """Advertising cost of sales = ad spend / sales attributed to ads (NaN without ad sales)."""
    return float(ad_spend / ad_sales) if ad_sales else float("nan")


def break_even_acos(unit_margin_before_ads: float, price: float) -> float:
    """The ACoS at which an ad-driven sale earns nothing: margin before advertising / price."""
    return float(unit_margin_before_ads / price) if price else float("nan")
