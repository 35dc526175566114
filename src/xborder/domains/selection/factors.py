"""The factor registry (name, group, unit, direction, source table) and the factors computed from sales history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from xborder.core import i18n

__all__ = ["FactorSpec", "FACTORS", "GROUPS", "factor_spec", "group_label", "history_factors"]


@dataclass(frozen=True)
class FactorSpec:
    """One scoring factor: what it measures, in which unit, whether more is better, and where it comes from.

    Its name for people is in the message catalogue (``selection.factor.<name>``, en and zh).
    """

    name: str
    group: str
    unit: str
    benefit: bool
    source_table: str

    def label(self, lang: str = "en") -> str:
        """The factor's name in ``lang`` (``en``, ``zh``), from the message catalogue."""
        return i18n.render(f"selection.factor.{self.name}", lang)

    @property
    def label_en(self) -> str:
        """The factor's English name."""
        return self.label("en")

    @property
    def label_zh(self) -> str:
        """The factor's Simplified Chinese name."""
        return self.label("zh")


GROUPS = (
    "demand_size",
    "momentum",
    "seasonality",
    "competition",
    "unit_economics",
    "profit",
    "compliance",
    "logistics",
    "customer_opportunity",
    "volatility",
)


def group_label(group: str, lang: str = "en") -> str:
    """The name of factor group ``group`` in ``lang``, from the message catalogue (``selection.group.<group>``)."""
    return i18n.render(f"selection.group.{group}", lang)


_F = FactorSpec
FACTORS: tuple[FactorSpec, ...] = (
    _F("demand_6m", "demand_size", "units / 6 months", True, "forecasts | order_lines"),
    _F("orders_6m", "demand_size", "orders / 6 months", True, "order_lines"),
    _F("momentum_pct", "momentum", "% (last 3 months vs 3 before)", True, "trend_signals | order_lines"),
    _F("seasonal_outlook", "seasonality", "ratio (same season last year)", True, "order_lines"),
    _F(
        "seasonality_risk",
        "seasonality",
        "peak month share of 12-month units",
        False,
        "order_lines | forecasts",
    ),
    _F("competitors", "competition", "sellers", False, "listings"),
    _F("concentration_hhi", "competition", "HHI 0-1", False, "listings | rank_snapshots | reviews"),
    _F("top5_share", "competition", "share 0-1", False, "listings | rank_snapshots | reviews"),
    _F("new_entrant_share", "competition", "share 0-1", True, "listings"),
    _F("price_dispersion", "competition", "coefficient of variation", True, "listings"),
    _F("rating_gap", "competition", "stars below 5", True, "rank_snapshots | reviews"),
    _F("brand_risk", "competition", "share 0-1 held by famous marks", False, "products.title | listings"),
    _F("margin_pct", "unit_economics", "% of price after duty, tax, fees", True, "landed_costs"),
    _F(
        "gross_profit_6m",
        "profit",
        "profit currency / 6 months, after landed cost, fees, compliance and launch",
        True,
        "landed_costs × expected units − compliance_summary − settings.launch_cost",
    ),
    _F("compliance_items", "compliance", "mandatory items", False, "compliance_checks"),
    _F("compliance_cost", "compliance", "cost in market currency", False, "compliance_checks"),
    _F("compliance_lead_days", "compliance", "days", False, "compliance_checks"),
    _F("chargeable_weight_kg", "logistics", "kg (max of actual, volumetric)", False, "products"),
    _F("value_density", "logistics", "price per chargeable kg", True, "products | listings"),
    _F("improvement_score", "customer_opportunity", "opportunity score", True, "improvement_opportunities"),
    _F("demand_cv", "volatility", "coefficient of variation of monthly units", False, "order_lines"),
    _F("order_hhi", "volatility", "HHI of order quantities 0-1", False, "order_lines"),
)

_BY_NAME = {f.name: f for f in FACTORS}


def factor_spec(name: str) -> FactorSpec:
    """The spec of factor ``name`` (KeyError names the known factors)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"Unknown factor {name!r}; known: {', '.join(_BY_NAME)}") from None


def history_factors(monthly: pd.DataFrame, orders: pd.DataFrame | None, cutoff: pd.Period) -> pd.DataFrame:
    """Sales-history factors per product × market, using only months before ``cutoff``.

    Args:
        monthly: columns ``product_id, market, month`` (pandas Period 'M') and ``units``.
        orders: optional ``product_id, market, order_id, units`` of the 6 months before the cutoff
            (for ``orders_6m`` and ``order_hhi``).
        cutoff: first month NOT used.

    Returns:
        One row per product × market with ``demand_6m`` (units in the last 6 months), ``momentum_pct``
        (last 3 months vs the 3 before, %), ``seasonal_outlook`` (last year's units in the 3 months after
        the cutoff over the 3 months before it; NaN without 15 months of history), ``seasonality_risk``
        (largest month's share of the last 12 months), ``demand_cv`` (CV of the last 6 monthly totals),
        and, with ``orders``, ``orders_6m`` and ``order_hhi``.
    """
    c = cutoff.ordinal
    m = monthly[["product_id", "market", "month", "units"]].copy()
    m["mi"] = pd.PeriodIndex(m["month"], freq="M").asi8 if len(m) else np.zeros(0, dtype="int64")
    first_month = int(m["mi"].min()) if len(m) else c
    m = m[(m["mi"] >= c - 15) & (m["mi"] < c)]
    if m.empty:
        return pd.DataFrame(columns=["product_id", "market"])
    piv = m.pivot_table(
        index=["product_id", "market"], columns="mi", values="units", aggfunc="sum", fill_value=0.0
    )
    piv = piv.reindex(columns=range(c - 15, c), fill_value=0.0)
    a = piv.to_numpy(dtype=float)

    def window(lo: int, hi: int) -> np.ndarray:  # months [c+lo, c+hi)
        return a[:, lo + 15 : hi + 15]

    last6 = window(-6, 0)
    l3, f3 = window(-3, 0).sum(1), window(-6, -3).sum(1)
    out = pd.DataFrame(index=piv.index)
    out["demand_6m"] = last6.sum(1)
    out["momentum_pct"] = 100.0 * ((l3 + 1.0) / (f3 + 1.0) - 1.0)
    mean6 = last6.mean(1)
    out["demand_cv"] = np.divide(last6.std(1), mean6, out=np.full(mean6.shape, np.nan), where=mean6 > 0)
    last12 = window(-12, 0)
    tot12 = last12.sum(1)
    out["seasonality_risk"] = np.divide(
        last12.max(1), tot12, out=np.full(tot12.shape, np.nan), where=tot12 > 0
    )
    if c - 15 >= first_month:
        ly_next, ly_prev = window(-12, -9).sum(1), window(-15, -12).sum(1)
        out["seasonal_outlook"] = (ly_next + 1.0) / (ly_prev + 1.0)
    else:
        out["seasonal_outlook"] = np.nan
    out = out.reset_index()
    if orders is not None and len(orders):
        per_order = (
            orders.groupby(["product_id", "market", "order_id"], sort=False)["units"].sum().reset_index()
        )
        tot = per_order.groupby(["product_id", "market"])["units"].transform("sum")
        per_order["s2"] = (per_order["units"] / tot) ** 2
        agg = per_order.groupby(["product_id", "market"]).agg(
            orders_6m=("order_id", "nunique"), order_hhi=("s2", "sum")
        )
        out = out.merge(agg.reset_index(), on=["product_id", "market"], how="left")
    return out
