"""Candidates: product × market pairs from own sales history, the catalogue and observed listings.

A product that sells somewhere is also a candidate in every other observed market where it has not sold
yet; its expected demand there is a *transfer estimate*: the product's units in all markets × the market's
share of all units (labelled ``demand_basis = transfer``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.domains.selection.factors import history_factors

__all__ = [
    "catalogue_candidates",
    "build_candidates",
    "listing_candidates",
    "fill_default_dims",
    "logistics_factors",
    "VOLUMETRIC_DIVISOR",
]

VOLUMETRIC_DIVISOR = 5000.0
"""cm³ per kg for the volumetric weight of a parcel (IATA courier convention, L × W × H / 5000)."""

_PRODUCT_LEVEL = ["momentum_pct", "seasonal_outlook", "seasonality_risk", "demand_cv", "order_hhi"]


def build_candidates(
    monthly: pd.DataFrame,
    orders6: pd.DataFrame | None,
    cutoff: pd.Period,
    *,
    markets: list[str] | None = None,
    extra_markets: list[str] | None = None,
    include_new_markets: bool = True,
    min_product_units: float = 1.0,
) -> pd.DataFrame:
    """Candidate frame with history factors for every product × market.

    Args:
        monthly: ``product_id, market, month (Period M), units, revenue`` of sold order lines.
        orders6: order-level ``product_id, market, order_id, units`` of the 6 months before ``cutoff``.
        cutoff: first month not used (usually the month after the last data).
        markets: keep only these markets (ISO2), if given.
        extra_markets: markets with no own sales that should still get candidates (from listings, settings).
        include_new_markets: add products × markets where the product has not sold yet.
        min_product_units: a product needs at least this many units in the last 6 months (all markets) to
            be proposed for new markets.
    """
    pair = history_factors(monthly, orders6, cutoff)
    if pair.empty:
        return pair
    pair["sold_before"] = True
    pair["demand_basis"] = "history"
    price = monthly.groupby(["product_id", "market"])[["units", "revenue"]].sum()
    pair = pair.merge(
        (price["revenue"] / price["units"].where(price["units"] > 0)).rename("unit_price").reset_index(),
        on=["product_id", "market"],
        how="left",
    )
    if include_new_markets:
        pair = pd.concat(
            [pair, _new_market_rows(monthly, orders6, cutoff, pair, extra_markets, min_product_units)],
            ignore_index=True,
        )
    if markets:
        pair = pair[pair["market"].isin([m.upper() for m in markets])]
    return pair.reset_index(drop=True)


def _new_market_rows(monthly, orders6, cutoff, pair, extra_markets, min_units) -> pd.DataFrame:
    allm = (
        monthly.assign(market="ALL")
        .groupby(["product_id", "market", "month"], as_index=False)[["units", "revenue"]]
        .sum()
    )
    o_all = orders6.assign(market="ALL") if orders6 is not None and len(orders6) else None
    prod = history_factors(allm, o_all, cutoff)
    prod = prod[prod["demand_6m"] >= min_units]
    if prod.empty:
        return pd.DataFrame()
    m6 = pair.groupby("market")["demand_6m"].sum()
    share = (m6 / m6.sum()).rename("share")
    mk = sorted(set(share.index) | set(extra_markets or []))
    sold = monthly[["product_id", "market"]].drop_duplicates()
    grid = prod[["product_id"]].merge(pd.DataFrame({"market": mk}), how="cross")
    grid = grid.merge(sold.assign(_s=1), on=["product_id", "market"], how="left")
    grid = grid[grid["_s"].isna()].drop(columns="_s")
    grid = grid.merge(share.reset_index(), on="market", how="left")
    p = prod.set_index("product_id")
    grid["demand_6m"] = grid["product_id"].map(p["demand_6m"]).to_numpy() * grid["share"].to_numpy()
    for c in _PRODUCT_LEVEL:
        if c in p:
            grid[c] = grid["product_id"].map(p[c]).to_numpy()
    grid["orders_6m"] = np.nan
    rev = allm.groupby("product_id")[["units", "revenue"]].sum()
    grid["unit_price"] = grid["product_id"].map(rev["revenue"] / rev["units"].where(rev["units"] > 0))
    grid["sold_before"] = False
    grid["demand_basis"] = "transfer"
    return grid.drop(columns="share")


def logistics_factors(products: pd.DataFrame, prices: pd.Series | None = None) -> pd.DataFrame:
    """``chargeable_weight_kg`` = max(actual kg, L × W × H / 5000) and ``value_density`` = price per
    chargeable kg, per product (NaN where weight and dimensions are unknown)."""
    p = products.set_index("product_id")
    nan = pd.Series(np.nan, index=p.index)
    dims = [p[c] if c in p else nan for c in ("length_cm", "width_cm", "height_cm")]
    vol = dims[0] * dims[1] * dims[2] / VOLUMETRIC_DIVISOR
    w = p["weight_kg"] if "weight_kg" in p else nan
    cw = pd.concat([w, vol], axis=1).max(axis=1, skipna=True)
    out = pd.DataFrame({"chargeable_weight_kg": cw}, index=p.index)
    out.loc[out["chargeable_weight_kg"] <= 0, "chargeable_weight_kg"] = np.nan
    if prices is not None:
        out["value_density"] = prices.reindex(out.index) / out["chargeable_weight_kg"]
    return out.reset_index()


def listing_candidates(listings: pd.DataFrame, cand: pd.DataFrame) -> pd.DataFrame:
    """Observed marketplace listings (own or competitors') whose product × market is not a candidate yet:
    a niche to enter, with demand = monthly units × 6 (``demand_basis = rank_estimate``).

    The monthly units are the marketplace's own "bought in past month" figure when the listing shows one
    (``demand_estimate = observed``), else the rank → sales estimate ``est_units`` (``demand_estimate =
    rank``) with its 80% interval (``demand_6m_lo``, ``demand_6m_hi``) and its curve's leave-one-out error
    (``demand_error``, NaN for the literature default curve)."""
    lst = listings[listings["product_id"].notna() & listings["market"].notna()]
    if lst.empty:
        return pd.DataFrame()
    nan = pd.Series(np.nan, index=lst.index)
    est = lst["est_units"] if "est_units" in lst else nan
    sold = pd.to_numeric(lst["monthly_sold"], errors="coerce") if "monthly_sold" in lst else nan
    observed = sold.notna()
    known = sold.combine_first(est)
    new = pd.DataFrame(
        {
            "product_id": lst["product_id"],
            "market": lst["market"],
            "demand_6m": 6.0 * known,
            "demand_6m_lo": (6.0 * lst.get("est_units_lo", nan)).where(~observed),
            "demand_6m_hi": (6.0 * lst.get("est_units_hi", nan)).where(~observed),
            "demand_error": lst.get("est_mape", nan).where(~observed),
            "demand_estimate": pd.Series("rank", index=lst.index, dtype=object)
            .where(known.notna(), None)
            .mask(observed, "observed"),
            "unit_price": lst["price"],
            "sold_before": False,
            "demand_basis": np.where(known.notna(), "rank_estimate", "no_rank"),
            "category": lst["category"],
        }
    )
    if "title" in lst:
        new["listing_title"] = lst["title"]
    for c in ("rating", "rating_count", "offers"):
        if c in lst:
            new[f"listing_{c}"] = pd.to_numeric(lst[c], errors="coerce")
    new = new.drop_duplicates(["product_id", "market"])
    have = cand[["product_id", "market"]].assign(_h=1)
    new = new.merge(have, on=["product_id", "market"], how="left")
    return new[new["_h"].isna()].drop(columns="_h")


def fill_default_dims(products: pd.DataFrame, defaults: pd.DataFrame | None) -> pd.DataFrame:
    """Products without weight and dimensions get their category's defaults (``category, weight_kg,
    length_cm, width_cm, height_cm``; xborder ships the median Olist package per category)."""
    if defaults is None or defaults.empty:
        return products
    d = defaults.set_index("category")
    out = products.copy()
    missing = out["weight_kg"].isna() & out["length_cm"].isna()
    for c in ("weight_kg", "length_cm", "width_cm", "height_cm"):
        out.loc[missing, c] = pd.to_numeric(out.loc[missing, "category"].map(d[c]), errors="coerce")
    return out


def catalogue_candidates(product_ids: list[str], markets: list[str], cand: pd.DataFrame) -> pd.DataFrame:
    """Own catalogue products that never sold, in every candidate market: no history, so demand is unknown
    (``demand_basis = catalogue``) and the score rests on the other factors (margin, compliance, ...)."""
    if not product_ids or not markets:
        return pd.DataFrame()
    grid = pd.DataFrame({"product_id": product_ids}).merge(
        pd.DataFrame({"market": sorted(set(markets))}), how="cross"
    )
    have = (
        cand[["product_id", "market"]].assign(_h=1)
        if len(cand)
        else pd.DataFrame(columns=["product_id", "market", "_h"])
    )
    grid = grid.merge(have, on=["product_id", "market"], how="left")
    grid = grid[grid["_h"].isna()].drop(columns="_h")
    return grid.assign(sold_before=False, demand_basis="catalogue")
