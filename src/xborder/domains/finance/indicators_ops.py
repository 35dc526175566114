"""Operational warning indicators: refund-rate trend, payout gap, stock cover, aged stock, supplier concentration,
FX open-exposure share; and where each indicator's data comes from and what fills it when absent.

Same row shape as ``indicators.py`` (``scope, subject, indicator, period, value, previous``); a value the data
cannot give is NaN (status ``no_data``, shown as "unknown, fill with ..."), never a neutral 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "OPS_DIRECTIONS",
    "SOURCES",
    "refund_rate_trend",
    "payout_gap_days",
    "stock_cover_days",
    "aged_stock_share",
    "supplier_concentration",
    "fx_open_exposure_share",
    "ops_indicators",
]

OPS_DIRECTIONS: dict[str, str] = {
    "refund_rate_trend": "max",
    "payout_gap_days": "max",
    "stock_cover_days": "min",
    "aged_stock_share": "max",
    "supplier_concentration": "max",
    "fx_open_exposure_share": "max",
}
"""The indicators of this module and their direction (``max`` warns above the threshold, ``min`` below)."""

SOURCES: dict[str, str] = {
    "ad_share_of_sales": "ad_performance, listing_traffic",
    "acos": "ad_performance",
    "acos_over_break_even": "ad_performance, landed_costs",
    "refund_rate": "money_movements",
    "refund_rate_trend": "money_movements",
    "fee_share_of_sales": "money_movements",
    "storage_share_of_sales": "money_movements",
    "payout_reserve_share": "money_movements",
    "payout_gap_days": "money_movements",
    "days_of_inventory": "inventory_snapshots, listing_traffic",
    "stock_cover_days": "inventory_snapshots",
    "aged_stock_share": "inventory_snapshots",
    "dso_days": "money_movements",
    "cash_conversion_cycle": "inventory_snapshots, listing_traffic, money_movements",
    "logistics_share_of_price": "landed_costs",
    "margin_pct": "landed_costs",
    "margin_erosion": "landed_costs",
    "single_country_supply_share": "landed_costs, products",
    "supplier_concentration": "supplier_events",
    "fx_move_90d": "landed_costs, fx_rates",
    "fx_open_exposure_share": "money_movements, landed_costs, fx_hedges",
    "cash_runway_weeks": "cash_flows",
    "hedge_cover": "fx_hedges, money_movements",
}
"""Indicator -> the warehouse tables its value is computed from (docs/finance.md)."""


def _row(code: str, period: object, value: float, previous: float, subject: str = "all") -> dict:
    return {"scope": "seller", "subject": subject, "indicator": code, "period": None if period is None else
            str(period), "value": float(value), "previous": float(previous)}  # fmt: skip


def refund_rate_trend(refund_rate: pd.Series) -> dict:
    """Mean monthly refund rate of the last 3 months minus that of the 3 months before (a rise of 0.02 = two
    points); the previous value is the same one month earlier. NaN with fewer than 6 months (7 for the trend).

    Args:
        refund_rate: Refunds / product sales per month (``YYYY-MM`` index, ascending).
    """
    r = refund_rate.dropna()

    def at(end: int) -> float:
        if end < 6:
            return float("nan")
        return float(r.iloc[end - 3 : end].mean() - r.iloc[end - 6 : end - 3].mean())

    return _row("refund_rate_trend", r.index[-1] if len(r) else None, at(len(r)), at(len(r) - 1))


def payout_gap_days(transfers: pd.Series) -> dict:
    """Mean days between a payout (transfer to the bank) and the one before it, by month of the later payout;
    the latest month and the one before. NaN with fewer than two payouts.

    Args:
        transfers: Posting times of the ``transfer`` rows of ``money_movements``.
    """
    t = pd.Series(pd.to_datetime(transfers).sort_values().to_numpy())
    gaps = (t.diff().dt.total_seconds() / 86400.0).iloc[1:]
    if gaps.empty:
        return _row("payout_gap_days", None, np.nan, np.nan)
    by_month = gaps.groupby(t.iloc[1:].dt.to_period("M").astype(str)).mean()
    return _row("payout_gap_days", by_month.index[-1], by_month.iloc[-1],
                by_month.iloc[-2] if len(by_month) > 1 else np.nan)  # fmt: skip


def stock_cover_days(snapshots: pd.DataFrame) -> dict:
    """Days the fulfillable stock lasts at the last 30 days' shipments: sum fulfillable / (sum units shipped in
    30 days / 30), on each snapshot day whose rows report 30-day shipments; the latest day and the one before.

    Args:
        snapshots: ``inventory_snapshots`` rows (snapshot_date, fulfillable, units_shipped_30d).
    """
    s = snapshots.dropna(subset=["snapshot_date", "units_shipped_30d"])
    day = s.groupby("snapshot_date")[["fulfillable", "units_shipped_30d"]].sum().sort_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = (day["fulfillable"] / (day["units_shipped_30d"] / 30.0)).replace([np.inf, -np.inf], np.nan)
    cover = cover.dropna()
    if cover.empty:
        return _row("stock_cover_days", None, np.nan, np.nan)
    return _row("stock_cover_days", pd.Timestamp(cover.index[-1]).date(), cover.iloc[-1],
                cover.iloc[-2] if len(cover) > 1 else np.nan)  # fmt: skip


_AGES = ["age_0_90", "age_91_180", "age_181_270", "age_271_365", "age_365_plus"]


def aged_stock_share(snapshots: pd.DataFrame) -> dict:
    """Share of units held over 180 days (the 181-270, 271-365 and 365+ buckets over all five), on each snapshot
    day whose rows report every age bucket; the latest day and the one before.

    Args:
        snapshots: ``inventory_snapshots`` rows (snapshot_date and the five ``age_*`` buckets).
    """
    s = snapshots.dropna(subset=["snapshot_date", *_AGES])
    day = s.groupby("snapshot_date")[_AGES].sum().sort_index()
    total = day.sum(axis=1)
    share = (day[_AGES[2:]].sum(axis=1) / total.where(total > 0)).dropna()
    if share.empty:
        return _row("aged_stock_share", None, np.nan, np.nan)
    return _row("aged_stock_share", pd.Timestamp(share.index[-1]).date(), share.iloc[-1],
                share.iloc[-2] if len(share) > 1 else np.nan)  # fmt: skip


def supplier_concentration(deliveries: pd.DataFrame) -> dict:
    """Largest supplier's share of the delivered value over the 365 days to the latest delivery; the previous
    value is that of the 365 days before. ``subject`` is that supplier.

    Args:
        deliveries: ``supplier_events`` delivery rows with ``supplier_id``, ``day`` (delivered, else promised)
            and ``value_usd`` (the line's value in one currency).
    """
    d = deliveries.dropna(subset=["day", "value_usd"])
    d = d[d["value_usd"] > 0]
    if d.empty:
        return _row("supplier_concentration", None, np.nan, np.nan)
    day = pd.to_datetime(d["day"])
    end = day.max()

    def share(until: pd.Timestamp) -> tuple[float, str]:
        w = d[(day > until - pd.Timedelta(days=365)) & (day <= until)]
        if w.empty:
            return float("nan"), "all"
        spend = w.groupby("supplier_id")["value_usd"].sum()
        return float(spend.max() / spend.sum()), str(spend.idxmax())

    now, top = share(end)
    before, _ = share(end - pd.Timedelta(days=365))
    return _row("supplier_concentration", end.date(), now, before, subject=top)


def fx_open_exposure_share(rows: pd.DataFrame, base: str) -> dict:
    """Share of the net currency exposure left open in foreign currencies: sum over currencies other than
    ``base`` of |net unhedged| / sum over all currencies of |net| (both in ``base``); NaN without exposure.

    Args:
        rows: ``fx_exposure``'s rows (currency, net_base, net_unhedged_base).
        base: The seller's cash currency.
    """
    if rows.empty:
        return _row("fx_open_exposure_share", None, np.nan, np.nan)
    total = float(rows["net_base"].abs().sum())
    foreign = rows[rows["currency"] != base]
    open_ = float(foreign["net_unhedged_base"].fillna(foreign["net_base"]).abs().sum())
    return _row("fx_open_exposure_share", None, open_ / total if total > 0 else np.nan, np.nan)


def ops_indicators(
    refund_rate: pd.Series, transfers: pd.Series, snapshots: pd.DataFrame, deliveries: pd.DataFrame
) -> pd.DataFrame:
    """The seller's refund-rate trend, payout gap, stock cover, aged-stock share and supplier concentration."""
    return pd.DataFrame([refund_rate_trend(refund_rate), payout_gap_days(transfers), stock_cover_days(snapshots),
                         aged_stock_share(snapshots), supplier_concentration(deliveries)])  # fmt: skip
