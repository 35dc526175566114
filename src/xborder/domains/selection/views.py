"""Views over ranked opportunities: best markets for a product, best products for a market, and filters."""

from __future__ import annotations

import pandas as pd

from xborder.core.errors import NotFoundError

__all__ = ["best_markets_for_product", "best_products_for_market", "apply_filters"]


def best_markets_for_product(ranked: pd.DataFrame, product_id: str, *, top: int = 10) -> pd.DataFrame:
    """The markets of ``product_id`` in list order (NotFoundError naming close ids if absent)."""
    sel = ranked[ranked["product_id"] == product_id]
    if sel.empty:
        close = sorted(
            ranked.loc[
                ranked["product_id"].str.contains(product_id.split(":")[-1], regex=False), "product_id"
            ].unique()
        )[:5]
        raise NotFoundError(
            f"Product '{product_id}' is not among the selection candidates.",
            hint=("Did you mean: " + ", ".join(close) + "?")
            if close
            else "Product ids look like uci:85123A.",
        )
    return _list_order(sel).head(top)


def _list_order(sel: pd.DataFrame) -> pd.DataFrame:
    """The list's order: ranked and gated by rank, then the unranked (not assessed, home) by expected units."""
    if "rank" not in sel:
        return sel.sort_values("score", ascending=False, kind="stable")
    key = pd.to_numeric(sel["rank"], errors="coerce")
    units = pd.to_numeric(sel["demand_6m"], errors="coerce") if "demand_6m" in sel else 0.0
    return (
        sel.assign(_r=key, _u=-units)
        .sort_values(["_r", "_u"], kind="stable", na_position="last")
        .drop(columns=["_r", "_u"])
    )


def best_products_for_market(ranked: pd.DataFrame, market: str, *, top: int = 10) -> pd.DataFrame:
    """The products of ``market`` (ISO2) in list order: ranked, gated, then the unranked."""
    m = market.upper()
    sel = ranked[ranked["market"] == m]
    if sel.empty:
        have = ", ".join(sorted(ranked["market"].dropna().unique())[:30])
        raise NotFoundError(
            f"Market '{market}' has no selection candidates.", hint=f"Markets with candidates: {have}."
        )
    return _list_order(sel).head(top)


def apply_filters(
    ranked: pd.DataFrame,
    *,
    category: str | None = None,
    budget: float | None = None,
    max_ttm_days: float | None = None,
) -> pd.DataFrame:
    """Keep candidates in ``category``, needing at most ``budget`` to start and sellable within
    ``max_ttm_days``. Unknown budget or time to market passes the filter (it is not known to fail it);
    the caller shows these as unknown."""
    out = ranked
    if category:
        out = out[out["category"] == category] if "category" in out else out.iloc[0:0]
    if budget is not None and "budget_needed" in out:
        out = out[out["budget_needed"].isna() | (out["budget_needed"] <= budget)]
    if max_ttm_days is not None and "time_to_market_days" in out:
        out = out[out["time_to_market_days"].isna() | (out["time_to_market_days"] <= max_ttm_days)]
    return out
