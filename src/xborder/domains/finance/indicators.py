"""Warning indicators: one number per seller, market, currency or plan, its previous value (trend) and a threshold.

Each indicator is ``(code, direction)`` with its formula in docs/finance.md; ``max`` means "warn above the
threshold", ``min`` "warn below". The functions take frames of the warehouse's tables (read by the stage) and
return rows of ``scope, subject, indicator, period, value, previous``; :func:`judge` adds the threshold and the
status (``ok`` | ``warn`` | ``no_data``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from xborder.domains.finance.cash import cash_conversion_cycle
from xborder.domains.finance.indicators_ops import OPS_DIRECTIONS

__all__ = [
    "DIRECTIONS",
    "seller_indicators",
    "plan_indicators",
    "currency_indicators",
    "cash_runway",
    "HEDGE_COVER_MIN",
    "judge",
    "monthly_money",
]

DIRECTIONS: dict[str, str] = {
    "ad_share_of_sales": "max",
    "acos": "max",
    "acos_over_break_even": "max",
    "refund_rate": "max",
    "fee_share_of_sales": "max",
    "storage_share_of_sales": "max",
    "payout_reserve_share": "max",
    "days_of_inventory": "max",
    "dso_days": "max",
    "cash_conversion_cycle": "max",
    "logistics_share_of_price": "max",
    "margin_pct": "min",
    "margin_erosion": "min",
    "single_country_supply_share": "max",
    "fx_move_90d": "max",
    "cash_runway_weeks": "min",
    "hedge_cover": "min",
    **OPS_DIRECTIONS,
}
SETTINGLESS = {"cash_runway_weeks", "hedge_cover"}
"""Indicators not judged by a ``max_``/``min_`` setting: the runway against the cash flow's horizon, the hedge cover
against the setting ``min_hedge_cover`` (default ``HEDGE_COVER_MIN``)."""
HEDGE_COVER_MIN = 0.5
"""Default least share of a currency's net exposure covered by open hedges (only judged when hedges are recorded)."""


def _monthly(frame: pd.DataFrame, date_col: str, value_cols: list[str]) -> pd.DataFrame:
    f = frame.dropna(subset=[date_col])
    if f.empty:
        return pd.DataFrame(columns=["period", *value_cols])
    period = pd.to_datetime(f[date_col]).dt.to_period("M").astype(str)
    return f.assign(period=period).groupby("period", as_index=False)[value_cols].sum()


def _last_two(series: pd.Series) -> tuple[str | None, float, float]:
    s = series.dropna()
    if s.empty:
        return None, float("nan"), float("nan")
    return str(s.index[-1]), float(s.iloc[-1]), float(s.iloc[-2]) if len(s) > 1 else float("nan")


def _row(scope: str, subject: str, code: str, series: pd.Series) -> dict:
    period, value, previous = _last_two(series)
    return {"scope": scope, "subject": subject, "indicator": code, "period": period, "value": value,
            "previous": previous}  # fmt: skip


def seller_indicators(
    money: pd.DataFrame,
    ads: pd.DataFrame,
    traffic: pd.DataFrame,
    inventory: pd.DataFrame,
    *,
    break_even_acos: float,
    supplier_payment_days: float,
) -> pd.DataFrame:
    """Seller-level indicators per calendar month (the last complete-or-current month and the one before).

    Args:
        money: ``money_movements`` rows (posted_at, category, product_sales, selling_fees, fba_fees, total,
            deposit_date).
        ads: ``ad_performance`` campaign rows (period_start, spend, sales).
        traffic: ``listing_traffic`` rows (period_start, ordered_sales, units_ordered).
        inventory: ``inventory_snapshots`` rows (snapshot_date, on_hand).
        break_even_acos: Margin before advertising / price of the seller's plans (median).
        supplier_payment_days: DPO: days between receiving goods and paying the supplier (settings).
    """
    rows: list[dict] = []
    m = monthly_money(money)
    with np.errstate(divide="ignore", invalid="ignore"):
        sales = m["sales"].where(m["sales"] > 0)
        rows.append(_row("seller", "all", "refund_rate", m["refunds"] / sales))
        rows.append(_row("seller", "all", "fee_share_of_sales", m["fees"] / sales))
        rows.append(_row("seller", "all", "storage_share_of_sales", m["storage"] / sales))
        reserve = m["reserve"].clip(lower=0) / m["payout"].where(m["payout"] > 0)
        if not (money["category"] == "reserve").any():  # no reserve lines in the reports: unknown, not zero
            reserve = reserve * np.nan
        rows.append(_row("seller", "all", "payout_reserve_share", reserve))
    a = _monthly(ads, "period_start", ["spend", "sales"]).set_index("period")
    t = _monthly(
        traffic.assign(days=1.0), "period_start", ["ordered_sales", "units_ordered", "days"]
    ).set_index("period")
    with np.errstate(divide="ignore", invalid="ignore"):
        acos = a["spend"] / a["sales"].where(a["sales"] > 0)
        rows.append(_row("seller", "all", "acos", acos))
        rows.append(_row("seller", "all", "acos_over_break_even", acos - break_even_acos))
        # ad spend and sales over the same days only (the ad and sales reports cover different spans)
        day_ads = ads.dropna(subset=["period_start"]).groupby("period_start")["spend"].sum()
        day_sales = traffic.dropna(subset=["period_start"]).groupby("period_start")["ordered_sales"].sum()
        both = pd.concat([day_ads, day_sales], axis=1, join="inner").reset_index(names="day")
        b = _monthly(both, "day", ["spend", "ordered_sales"]).set_index("period")
        rows.append(_row("seller", "all", "ad_share_of_sales",
                         b["spend"] / b["ordered_sales"].where(b["ordered_sales"] > 0)))  # fmt: skip
    # days of inventory: units on hand at each snapshot / average daily units ordered in its month
    doi = pd.Series(dtype=float)
    if len(inventory) and len(t):
        inv = inventory.dropna(subset=["snapshot_date"])
        stock = inv.groupby("snapshot_date")["on_hand"].sum()
        stock.index = pd.to_datetime(stock.index).to_period("M").astype(str)
        stock = stock.groupby(level=0).last()
        daily = t["units_ordered"] / t["days"]  # per day with sales data in the month
        doi = (stock / daily.reindex(stock.index)).dropna()
    rows.append(_row("seller", "all", "days_of_inventory", doi))
    # DSO: average days from an order's posting to its payout — the settlement's deposit date, else the next
    # transfer to the bank (date-range reports carry no deposit date)
    dso = pd.Series(dtype=float)
    orders = money[money["category"] == "order"]
    posted = pd.to_datetime(orders["posted_at"])
    paid_on = pd.to_datetime(orders["deposit_date"])
    transfers = np.sort(pd.to_datetime(money.loc[money["category"] == "transfer", "posted_at"]).to_numpy())
    if len(transfers) and paid_on.isna().any():
        nxt = np.searchsorted(transfers, posted.to_numpy(), side="left")
        later = pd.Series(transfers[np.minimum(nxt, len(transfers) - 1)], index=orders.index)
        paid_on = paid_on.fillna(later.where(nxt < len(transfers)))
    lag = (paid_on - posted).dt.total_seconds() / 86400.0
    if lag.notna().any():
        dso = lag.groupby(posted.dt.to_period("M").astype(str)).mean()
    rows.append(_row("seller", "all", "dso_days", dso))
    if len(doi) and len(dso):
        ccc = pd.Series({p: cash_conversion_cycle(doi[p], dso.get(p, dso.iloc[-1]), supplier_payment_days)
                         for p in doi.index})  # fmt: skip
    else:
        ccc = pd.Series(dtype=float)
    rows.append(_row("seller", "all", "cash_conversion_cycle", ccc))
    return pd.DataFrame(rows)


def monthly_money(money: pd.DataFrame) -> pd.DataFrame:
    """Per month (``YYYY-MM`` index) of ``money_movements`` rows: product sales of orders, refunds, selling and
    FBA fees, storage, reserve and payouts (each positive when money goes out, sales positive)."""
    return _monthly(money.assign(
        sales=money["product_sales"].where(money["category"] == "order", 0.0),
        refunds=-money["total"].where(money["category"] == "refund", 0.0),
        fees=-(money["selling_fees"].fillna(0) + money["fba_fees"].fillna(0)).where(money["category"] == "order", 0.0),
        storage=-money["total"].where(money["category"] == "storage", 0.0),
        reserve=-money["total"].where(money["category"] == "reserve", 0.0),
        payout=-money["total"].where(money["category"] == "transfer", 0.0),
    ), "posted_at", ["sales", "refunds", "fees", "storage", "reserve", "payout"]).set_index("period")  # fmt: skip


def plan_indicators(latest: pd.DataFrame, previous: pd.DataFrame | None, origins: pd.Series) -> pd.DataFrame:
    """Per plan (product x market, its best mode): logistics share of price, margin and margin erosion; and the
    single-country supply share over the plans.

    Args:
        latest: ``landed_costs`` rows of the latest run, one per plan.
        previous: The same plans in the run before (or None): margin erosion = margin_pct now - then.
        origins: Origin country per product_id (``products.origin_country`` or the settings' default).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        logistics = (
            latest[["freight", "insurance", "fulfilment_fee"]].fillna(0).sum(axis=1) / latest["price"]
        ).to_numpy(float)
    subject = (latest["product_id"].astype(str) + "|" + latest["market"].astype(str)).to_numpy()
    prev = np.full(len(latest), np.nan)
    if previous is not None and len(previous):
        key = previous.set_index(["product_id", "market"])["margin_pct"]
        prev = np.array(
            [key.get((p, mk), np.nan) for p, mk in zip(latest["product_id"], latest["market"], strict=True)]
        )
    now = latest["margin_pct"].to_numpy(float)
    base = {"scope": "plan", "subject": subject, "period": None, "previous": np.nan}
    parts = [
        pd.DataFrame({**base, "indicator": "logistics_share_of_price", "value": logistics}),
        pd.DataFrame({**base, "indicator": "margin_pct", "value": now, "previous": prev}),
        pd.DataFrame({**base, "indicator": "margin_erosion", "value": now - prev}),
    ]
    share = origins.value_counts(normalize=True)
    if len(share):
        parts.append(pd.DataFrame([{"scope": "seller", "subject": str(share.index[0]), "period": None,
                                    "previous": np.nan, "indicator": "single_country_supply_share",
                                    "value": float(share.iloc[0])}]))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def currency_indicators(moves: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    """FX move of each sales currency against the cost currency over 90 days (adverse = positive: the cost
    currency got dearer), with the move of the 90 days before as the trend.

    Args:
        moves: currency -> (move over the last 90 days, move over the 90 days before).
    """
    return pd.DataFrame(
        [{"scope": "currency", "subject": c, "indicator": "fx_move_90d", "period": None, "value": v, "previous": p}
         for c, (v, p) in moves.items()]
    )  # fmt: skip


def cash_runway(weeks: pd.DataFrame, floor: float) -> float:
    """Weeks of cash before the balance first ends a week below ``floor``; the flow's length when it never does.

    Args:
        weeks: The 13-week cash flow's weeks in order, with ``balance`` (cash at each week's end).
        floor: The cash floor.

    Returns:
        0 when the first week already ends below the floor, ``len(weeks)`` when no week does; NaN without weeks.
    """
    if weeks is None or len(weeks) == 0:
        return float("nan")
    below = np.flatnonzero(weeks["balance"].to_numpy(float) < floor)
    return float(below[0]) if len(below) else float(len(weeks))


def judge(rows: pd.DataFrame, thresholds: Mapping[str, float]) -> pd.DataFrame:
    """Add ``threshold``, ``direction`` and ``status`` (ok | warn | no_data) to indicator rows."""
    out = rows.copy()
    out["threshold"] = out["indicator"].map(thresholds).astype(float)
    out["direction"] = out["indicator"].map(DIRECTIONS)
    v, t = out["value"].astype(float), out["threshold"]
    warn = np.where(out["direction"] == "max", v > t, v < t)
    out["status"] = np.where(v.isna() | t.isna(), "no_data", np.where(warn, "warn", "ok"))
    return out
