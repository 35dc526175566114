"""The conversion funnel per listing from business reports: sessions → page views → orders → units."""

from __future__ import annotations

import pandas as pd

__all__ = ["listing_funnel"]

_KEEP = ["marketplace_id", "currency", "listing_id", "parent_asin", "asin", "title", "period", "period_start",
         "period_end", "report_date", "sessions", "page_views", "order_items", "units_ordered", "ordered_sales",
         "buy_box_share"]  # fmt: skip


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num.astype(float) / den.astype(float).where(den > 0)).astype(float)


def listing_funnel(traffic: pd.DataFrame) -> pd.DataFrame:
    """One funnel per listing row of the business reports (rows with a listing; as reported, not summed: a
    child ASIN under two parent ASINs is two rows with its own sessions, and by-ASIN reports state no period).

    Returns:
        The report's columns plus ``views_per_session`` (page views / sessions), ``order_rate`` (order items /
        sessions), ``unit_session`` (units / sessions) and ``sales_per_session``.
    """
    rows = traffic[traffic["listing_id"].notna()] if len(traffic) else traffic
    out = rows.reindex(columns=_KEEP).reset_index(drop=True)
    if out.empty:
        return out.assign(views_per_session=[], order_rate=[], unit_session=[], sales_per_session=[])
    out["views_per_session"] = _ratio(out["page_views"], out["sessions"])
    out["order_rate"] = _ratio(out["order_items"], out["sessions"])
    out["unit_session"] = _ratio(out["units_ordered"], out["sessions"])
    out["sales_per_session"] = _ratio(out["ordered_sales"], out["sessions"])
    return out
