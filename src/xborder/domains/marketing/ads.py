"""Sponsored Products metrics: ACoS, ROAS, CPC, CTR, CVR per grain and day; TACoS; break-even ACoS."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError

__all__ = [
    "GRAINS",
    "GRAIN_SOURCES",
    "MEASURES",
    "with_ratios",
    "ad_metrics",
    "daily_totals",
    "tacos",
    "break_even_acos",
]

MEASURES = ("impressions", "clicks", "spend", "orders", "sales")

GRAINS: dict[str, tuple[str, ...]] = {
    "campaign": ("campaign",),
    "ad_group": ("campaign", "ad_group"),
    "keyword": ("campaign", "ad_group", "targeting", "match_type"),
    "search_term": ("campaign", "ad_group", "targeting", "match_type", "search_term"),
    "placement": ("campaign", "placement"),
    "day": ("period_start",),
    "product": ("listing_id",),
    "product_day": ("listing_id", "period_start"),
}
"""Key columns of each grain (besides marketplace and currency)."""

GRAIN_SOURCES: dict[str, tuple[str, ...]] = {
    "campaign": ("campaign", "advertised_product", "targeting", "placement", "search_term"),
    "ad_group": ("advertised_product", "targeting", "search_term"),
    "keyword": ("targeting", "search_term"),
    "search_term": ("search_term",),
    "placement": ("placement",),
    "day": ("campaign", "advertised_product", "targeting", "placement", "search_term"),
    "product": ("advertised_product",),
    "product_day": ("advertised_product",),
}
"""Report types a grain is summed from, preferred first (rows of different report types describe the same
spend at other grains, so each account × day is summed from one report type only)."""

_ACCOUNT = ("marketplace_id", "market_code", "currency")


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    n, d = num.astype(float), den.astype(float)
    return (n / d.where(d > 0)).astype(float)


def with_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """Add CTR = clicks/impressions, CPC = spend/clicks, CVR = orders/clicks, ACoS = spend/sales and
    ROAS = sales/spend (NaN where the denominator is zero or missing)."""
    out = frame.copy()
    out["ctr"] = _ratio(out["clicks"], out["impressions"])
    out["cpc"] = _ratio(out["spend"], out["clicks"])
    out["cvr"] = _ratio(out["orders"], out["clicks"])
    out["acos"] = _ratio(out["spend"], out["sales"])
    out["roas"] = _ratio(out["sales"], out["spend"])
    return out


def _chosen_rows(rows: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Rows of the one report type each account × day is summed from for ``grain``."""
    order = GRAIN_SOURCES[grain]
    mine = rows[rows["report_type"].isin(order)].copy()
    if mine.empty:
        return mine
    mine["_rank"] = mine["report_type"].map({t: i for i, t in enumerate(order)})
    day_key = ["marketplace_id", "currency", "period_start", "period_end"]
    best = mine.groupby(day_key, dropna=False)["_rank"].transform("min")
    return mine[mine["_rank"] == best].drop(columns="_rank")


def ad_metrics(rows: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Counts, spend, sales and the five ratios per ``grain`` and account (marketplace × currency).

    Args:
        rows: ``ad_performance`` rows (any report types; daily and summary rows).
        grain: One of :data:`GRAINS`. ``day`` and ``product_day`` use daily rows only.

    Returns:
        One row per account and grain key: ``report_type`` (which report it was summed from),
        ``period_start``/``period_end`` (first and last day covered), ``days`` with data, the measures and
        ``ctr``, ``cpc``, ``cvr``, ``acos``, ``roas``.

    Raises:
        BadInputError: an unknown grain.
    """
    if grain not in GRAINS:
        raise BadInputError(f"Unknown ads grain '{grain}'.", hint=f"Grains: {', '.join(GRAINS)}.")
    src = rows[rows["period"] == "day"] if grain in ("day", "product_day") else rows
    chosen = _chosen_rows(src, grain)
    keys = [*_ACCOUNT, *GRAINS[grain]]
    cols = [*keys, "report_type", "period_end", "days", *MEASURES, "ctr", "cpc", "cvr", "acos", "roas"]
    if chosen.empty:
        return pd.DataFrame(columns=list(dict.fromkeys(["period_start", *cols])))
    chosen = chosen.assign(_day=chosen["period_start"])
    agg: dict[str, tuple[str, str]] = {m: (m, "sum") for m in MEASURES}
    agg["report_type"] = ("report_type", "first")
    agg["period_end"] = ("period_end", "max")
    agg["days"] = ("_day", "nunique")
    if "period_start" not in GRAINS[grain]:
        agg["period_start"] = ("period_start", "min")
    for m in MEASURES:  # all-missing stays missing (performance over time has no sales)
        chosen[m] = chosen[m].astype(float)
    out = chosen.groupby(keys, dropna=False, sort=True).agg(**agg).reset_index()
    counts = chosen.groupby(keys, dropna=False, sort=True)[list(MEASURES)].count().reset_index(drop=True)
    for m in MEASURES:
        out[m] = out[m].where(counts[m].to_numpy() > 0)
    return with_ratios(out)


def daily_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """Spend, sales and clicks per account and day (the ``day`` grain)."""
    return ad_metrics(rows, "day")


def tacos(ad_days: pd.DataFrame, traffic: pd.DataFrame) -> pd.DataFrame:
    """TACoS = ad spend / total ordered sales per account and period of the business reports.

    Total sales are the account totals (rows without a listing) of ``listing_traffic``: per period, the
    business report by date is preferred to the sales dashboard. Ad spend is the sum of the account's daily
    ad spend over the period's days; a period is kept only when the ads cover every one of its days.

    Args:
        ad_days: Output of :func:`daily_totals`.
        traffic: ``listing_traffic`` rows.

    Returns:
        Per marketplace × currency × period (``period``, ``period_start``, ``period_end``): ``ad_spend``,
        ``ad_sales``, ``total_sales``, ``tacos`` = ad_spend/total_sales and ``ad_share`` = ad_sales/total_sales.
    """
    cols = ["marketplace_id", "currency", "period", "period_start", "period_end", "ad_spend", "ad_sales",
            "total_sales", "tacos", "ad_share"]  # fmt: skip
    if ad_days.empty or traffic.empty:
        return pd.DataFrame(columns=cols)
    tot = traffic[traffic["listing_id"].isna() & traffic["period"].isin(["day", "week", "month"])]
    tot = tot[tot["ordered_sales"].notna() & tot["period_start"].notna()].copy()
    if tot.empty:
        return pd.DataFrame(columns=cols)
    tot["_pref"] = (tot["source"] != "amazon_business_report_by_date").astype(int)
    key = ["marketplace_id", "currency", "period", "period_start", "period_end"]
    tot = tot.sort_values("_pref").drop_duplicates(key, keep="first")
    days = ad_days.assign(day=pd.to_datetime(ad_days["period_start"]))
    out = []
    for (mp, cur), periods in tot.groupby(["marketplace_id", "currency"], dropna=False):
        mine = days[(days["marketplace_id"] == mp) & (days["currency"] == cur)].set_index("day").sort_index()
        if mine.empty:
            continue
        p: Any
        for p in periods.itertuples(index=False):
            start, end = pd.Timestamp(p.period_start), pd.Timestamp(p.period_end)
            span = mine.loc[start:end]
            if len(span) < (end - start).days + 1:
                continue
            spend, sales = float(span["spend"].sum()), float(span["sales"].fillna(0).sum())
            total = float(p.ordered_sales)
            out.append((mp, cur, p.period, p.period_start, p.period_end, spend, sales, total,
                        spend / total if total > 0 else np.nan, sales / total if total > 0 else np.nan))  # fmt: skip
    return pd.DataFrame(out, columns=cols).sort_values(
        ["marketplace_id", "period", "period_start"], ignore_index=True
    )


def break_even_acos(unit_margin: float | None, price: float | None) -> float | None:
    """ACoS at which advertising eats the whole margin before advertising: unit margin / price.

    None when either is unknown or the price is not positive; 0 when the product loses money before ads.
    """
    if (
        unit_margin is None
        or price is None
        or not np.isfinite(unit_margin)
        or not np.isfinite(price)
        or price <= 0
    ):
        return None
    return max(float(unit_margin) / float(price), 0.0)
