"""Niches: category × market candidates — what to *develop*, not only which existing product to move.

A niche ``niche:<category>`` in a market stands for "a new product of this category for this market". Its
numbers are those of a *typical* product there, so niches and products are scored on one scale:

* demand_6m = the category's expected units over 6 months in the market ÷ the products that sell it there:
  from the demand engine's category × market forecast (``demand_basis = forecast``), else the own sales of the
  last 6 months (``history``), else observed marketplace listings (monthly units × 6 ÷ listings,
  ``rank_estimate``). ``niche_units_6m`` and ``niche_products`` keep the totals;
* momentum, seasonality and volatility: the history factors of the category's summed monthly sales;
* margin, unit margin, price, compliance, transit time and logistics: the median of the category's costed products in that
  market (``margin_source = category``, ``compliance_source = category``);
* search interest (``trend_signals`` at level ``search``, the keyword's category from the title classifier)
  gives the momentum of a niche without own history, and a niche of its own where nothing else exists.

A niche needs at least :data:`MIN_PRODUCTS` own products selling the category in the market (or that many
listings), or search data; the category ``other`` is no niche. It is always a launch (``sold_before = False``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.domains.selection.factors import history_factors

__all__ = ["MIN_PRODUCTS", "NICHE_PREFIX", "niche_candidates", "niche_outcome"]

MIN_PRODUCTS = 2
"""Fewest products (own, or observed listings) behind a niche: one product is already its own candidate."""

NICHE_PREFIX = "niche:"

_TYPICAL = (
    "margin_pct",
    "unit_margin_profit",
    "market_price_profit",
    "unit_price",
    "compliance_items",
    "compliance_cost_profit",
    "compliance_lead_days",
    "chargeable_weight_kg",
    "value_density",
    "landed_cost",
    "transit_days",
    "compliance_lead_unknown",
)


def _category_monthly(monthly: pd.DataFrame, category: pd.Series) -> pd.DataFrame:
    m = monthly.assign(category=monthly["product_id"].map(category).fillna("other"))
    out = m.groupby(["category", "market", "month"], as_index=False)[["units", "revenue"]].sum()
    return out.assign(product_id=NICHE_PREFIX + out["category"].astype(str))


def niche_candidates(
    monthly: pd.DataFrame,
    cutoff: pd.Period,
    products: pd.DataFrame,
    *,
    category_forecast: pd.DataFrame | None = None,
    listings: pd.DataFrame | None = None,
    search: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Niche candidates (see the module docstring).

    Args:
        monthly: ``product_id, market, month, units, revenue`` of own sales (only months before ``cutoff`` count).
        cutoff: first month not used.
        products: the product candidates with ``product_id, market, category, sold_before`` and the columns in
            :data:`_TYPICAL` that exist (their median per category × market is the niche's).
        category_forecast: ``category, market, forecast_6m`` (expected units of the category).
        listings: ``market, category, monthly_sold | est_units`` of observed marketplace listings.
        search: ``category, market, search_momentum_pct`` from search-interest series.
        orders: order-level ``product_id, market, order_id, units`` of the 6 months before ``cutoff`` (for the
            category's ``orders_6m`` and ``order_hhi``).
    """
    cat = products.drop_duplicates("product_id").set_index("product_id")["category"]
    c = cutoff.ordinal
    mi = pd.PeriodIndex(monthly["month"], freq="M").asi8 if len(monthly) else np.zeros(0, dtype="int64")
    before = monthly[mi < c]
    cm = _category_monthly(before, cat)
    o = None
    if orders is not None and len(orders):
        o = orders.assign(product_id=NICHE_PREFIX + orders["product_id"].map(cat).fillna("other").astype(str))
    hist = history_factors(cm, o, cutoff) if len(cm) else pd.DataFrame(columns=["product_id", "market"])
    if len(hist):
        hist["category"] = hist["product_id"].str.slice(len(NICHE_PREFIX))
    recent = before[pd.PeriodIndex(before["month"], freq="M").asi8 >= c - 6] if len(before) else before
    active = (
        recent.assign(category=recent["product_id"].map(cat).fillna("other"))
        .groupby(["category", "market"])["product_id"]
        .nunique()
        .rename("niche_products")
        .reset_index()
        if len(recent)
        else pd.DataFrame(columns=["category", "market", "niche_products"])
    )
    frame = hist.merge(active, on=["category", "market"], how="outer") if len(hist) else active.copy()
    frame = frame.rename(columns={"demand_6m": "niche_units_6m"})
    if "niche_units_6m" not in frame:
        frame["niche_units_6m"] = np.nan
    frame["demand_basis"] = frame["niche_units_6m"].notna().map({True: "history", False: None})
    if category_forecast is not None and len(category_forecast):
        frame = frame.merge(
            category_forecast[["category", "market", "forecast_6m"]], on=["category", "market"], how="outer"
        )
        has = frame["forecast_6m"].notna()
        frame.loc[has, "niche_units_6m"] = frame.loc[has, "forecast_6m"]
        frame.loc[has, "demand_basis"] = "forecast"
        frame = frame.drop(columns="forecast_6m")
    if listings is not None and len(listings):
        lst = listings.copy()
        sold = lst["monthly_sold"] if "monthly_sold" in lst else pd.Series(np.nan, index=lst.index)
        est = lst["est_units"] if "est_units" in lst else pd.Series(np.nan, index=lst.index)
        lst["_u"] = 6.0 * sold.combine_first(est)
        agg = (
            lst.groupby(["category", "market"])
            .agg(listing_units_6m=("_u", "sum"), listing_count=("_u", "count"))
            .reset_index()
        )
        frame = frame.merge(agg, on=["category", "market"], how="outer")
        use = frame["demand_basis"].isna() & (frame["listing_count"] >= MIN_PRODUCTS)
        frame.loc[use, "niche_units_6m"] = frame.loc[use, "listing_units_6m"]
        frame.loc[use, "niche_products"] = frame.loc[use, "listing_count"]
        frame.loc[use, "demand_basis"] = "rank_estimate"
        frame = frame.drop(columns=["listing_units_6m", "listing_count"])
    if search is not None and len(search):
        frame = frame.merge(
            search[["category", "market", "search_momentum_pct"]], on=["category", "market"], how="outer"
        )
        if "momentum_pct" in frame:
            frame["momentum_pct"] = frame["momentum_pct"].combine_first(frame["search_momentum_pct"])
        else:
            frame["momentum_pct"] = frame["search_momentum_pct"]
        frame = frame.drop(columns="search_momentum_pct")
    if frame.empty:
        return frame
    if "niche_products" not in frame:
        frame["niche_products"] = np.nan
    frame["niche_products"] = pd.to_numeric(frame["niche_products"], errors="coerce")
    keep = frame["niche_products"] >= MIN_PRODUCTS
    if search is not None and len(search):
        keep |= frame["demand_basis"].isna()  # search interest only: listed, not assessed
    frame = frame[keep & (frame["category"] != "other")].copy()  # "other" is no niche to develop
    n = frame["niche_products"].where(frame["niche_products"] >= 1, 1.0)
    frame["demand_6m"] = frame["niche_units_6m"] / n
    frame["demand_basis"] = frame["demand_basis"].fillna("catalogue")
    typical = [col for col in _TYPICAL if col in products]
    costed = products[products["candidate_kind"] != "niche"] if "candidate_kind" in products else products
    if typical and len(costed):
        med = costed.groupby(["category", "market"])[typical].median().reset_index()
        frame = frame.merge(med, on=["category", "market"], how="left")
        known = (
            costed[costed["compliance_known"].astype("boolean").fillna(False)]
            .groupby(["category", "market"])
            .size()
            .rename("_ck")
            .reset_index()
            if "compliance_known" in costed
            else pd.DataFrame(columns=["category", "market", "_ck"])
        )
        frame = frame.merge(known, on=["category", "market"], how="left")
        frame["compliance_known"] = pd.to_numeric(frame["_ck"], errors="coerce").fillna(0.0).to_numpy() > 0
        frame = frame.drop(columns="_ck")
    frame["product_id"] = NICHE_PREFIX + frame["category"].astype(str)
    frame["candidate_kind"] = "niche"
    frame["sold_before"] = False
    frame["unit_cost_estimated"] = True
    frame["title"] = frame["category"].astype(str)
    return frame.reset_index(drop=True)


def niche_outcome(
    monthly: pd.DataFrame, category: pd.Series, cutoff: pd.Period, horizon: int = 6
) -> pd.DataFrame:
    """Realised units and revenue per category × market in ``[cutoff, cutoff + horizon)`` (``product_id`` =
    ``niche:<category>``): the backtest divides them by the niche's products to get a typical product's."""
    c = cutoff.ordinal
    mi = pd.PeriodIndex(monthly["month"], freq="M").asi8
    nxt = monthly[(mi >= c) & (mi < c + horizon)]
    cm = _category_monthly(nxt, category)
    return cm.groupby(["product_id", "market"], as_index=False)[["units", "revenue"]].sum()
