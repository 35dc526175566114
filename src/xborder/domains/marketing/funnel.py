"""The conversion funnel per listing from business reports: sessions → page views → orders → units."""

from __future__ import annotations

import pandas as pd

__all__ = ["listing_funnel"]

_KEEP = ["marketplace_id", "currency", "listing_id", "parent_asin", "asin", "title", "period", "period_start",
         "period_end", "report_date", "sessions", "page_views", "order_items", "units_ordered", "ordered_sales",
         "buy_box_share"]  # fmt: skip


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num.astype(float) / den.astype(float).where(den > 0)).astype(float)


def _per_listing(rows: pd.DataFrame) -> pd.DataFrame:
    """By-ASIN business reports have one row per SKU, each repeating its ASIN's sessions and page views (Amazon
    counts traffic per ASIN, orders per SKU): sum the orders, units and sales of a listing's rows that share a
    report (ingest), parent and the same sessions and page views."""
    keys = [c for c in (*_KEEP[:10], "ingest_id", "sessions", "page_views") if c in rows.columns]
    summed = [c for c in ("order_items", "units_ordered", "ordered_sales") if c in rows.columns]
    g = rows.groupby(keys, dropna=False, sort=False)
    out = g[summed].sum(min_count=1)  # a count no row states stays unknown, not 0
    if "buy_box_share" in rows.columns:
        out["buy_box_share"] = g["buy_box_share"].first()
    return out.reset_index()


def listing_funnel(traffic: pd.DataFrame) -> pd.DataFrame:
    """One funnel per listing row of the business reports (rows with a listing; a child ASIN under two parent
    ASINs is two rows with its own sessions, and by-ASIN reports state no period), the rows of a listing's SKUs
    summed into one (``_per_listing``: sessions are the ASIN's, counted once).

    Returns:
        The report's columns and ``views_per_session`` (page views / sessions), ``order_rate`` (order
        items / sessions), ``unit_session`` (units / sessions) and ``sales_per_session``.
    """
    rows = traffic[traffic["listing_id"].notna()] if len(traffic) else traffic
    if rows.empty:
        return rows.reindex(columns=_KEEP).assign(views_per_session=[], order_rate=[], unit_session=[],
                                                  sales_per_session=[])  # fmt: skip
    out = _per_listing(rows).reindex(columns=_KEEP).reset_index(drop=True)
    out["views_per_session"] = _ratio(out["page_views"], out["sessions"])
    out["order_rate"] = _ratio(out["order_items"], out["sessions"])
    out["unit_session"] = _ratio(out["units_ordered"], out["sessions"])
    out["sales_per_session"] = _ratio(out["ordered_sales"], out["sessions"])
    return out
