"""Stock health per SKU × market: days of cover, turnover, slow movers at 30/60/90 days without a sale, aged-stock
surcharges ahead (FBA, first-in first-out), and a clearance suggestion timed to the market's next sales event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["AGE_BUCKETS", "days_without_sales", "slow_status", "aged_fees_ahead", "clearance", "stock_health"]

AGE_BUCKETS = (("age_0_90", 45.0), ("age_91_180", 135.5), ("age_181_270", 225.5), ("age_271_365", 318.0),
               ("age_365_plus", 400.0))  # fmt: skip
"""Age columns of inventory_snapshots and the age (days) their units are taken to have: the bucket's middle
(units are not dated within a bucket; 400 for the open-ended 365+ bucket)."""


def days_without_sales(frame: pd.DataFrame) -> pd.Series:
    """Days since the last sale, at least: exact from ``last_sale`` (order lines) when known, else the longest
    window of the report with no unit shipped (units_shipped_90d = 0 → 90, 30d → 30, 7d → 7), else 0."""
    as_of = pd.to_datetime(frame["as_of"])
    exact = None
    if "last_sale" in frame:
        exact = pd.Series((as_of - pd.to_datetime(frame["last_sale"])).dt.days, index=frame.index)
    out = pd.Series(np.nan, index=frame.index)
    for col, days in (("units_shipped_7d", 7), ("units_shipped_30d", 30), ("units_shipped_90d", 90)):
        if col in frame:
            v = pd.to_numeric(frame[col], errors="coerce")
            out = out.mask(v.eq(0), float(days)).mask(v.gt(0) & out.isna(), 0.0)
    if exact is not None:
        out = exact.astype(float).where(exact.notna(), out)
    return out


def slow_status(no_sale_days: pd.Series, on_hand: pd.Series, thresholds: Sequence[int]) -> pd.Series:
    """``slow_<N>`` for the largest threshold N with stock on hand and no sale for N days, else ``active``
    (``no_stock`` without stock, ``unknown`` when sales are not known)."""
    out = pd.Series("active", index=no_sale_days.index, dtype=object)
    for n in sorted(thresholds):
        out = out.mask(no_sale_days.ge(n), f"slow_{n}")
    out = out.mask(no_sale_days.isna(), "unknown")
    return out.mask(pd.to_numeric(on_hand, errors="coerce").fillna(0).le(0), "no_stock")


def _assessments(as_of: dt.date, months: int) -> list[dt.date]:
    """The next ``months`` assessment days (the 15th of each month) after ``as_of``."""
    y, m = as_of.year, as_of.month
    first = dt.date(y, m, 15) if as_of.day < 15 else dt.date(y + (m == 12), m % 12 + 1, 15)
    out = []
    for k in range(months):
        mm = first.month - 1 + k
        out.append(dt.date(first.year + mm // 12, mm % 12 + 1, 15))
    return out


def aged_fees_ahead(stock: pd.DataFrame, rules: pd.DataFrame, months: int = 6) -> pd.DataFrame:
    """Aged inventory surcharge at each of the next ``months`` assessments, selling first-in first-out.

    Args:
        stock: one row per pair: as_of (date), daily_rate (units/day expected), the AGE_BUCKETS columns, cubic_feet
            (per unit; NaN unknown), category, fee_table (``amazon.US``).
        rules: fee rows (fees/amazon_aged_inventory): fee_table, age_from_days, age_to_days, per_cubic_foot,
            min_per_unit, excluded_categories, rule_id, valid_from, valid_to — each assessment uses the rows in
            force on its day.

    Returns:
        Per pair (index of ``stock``): aged_units_next (units ≥ 181 days at the next assessment), first_fee_date
        and aged_units_first (the first assessment with aged units, and how many), aged_fee_next, aged_fee_total
        (all ``months`` assessments; NaN when the unit volume is unknown or no rule is in force: fee_unvalued
        says which: volume | no_rule), rule_ids.
    """
    r = rules.assign(lo=pd.to_numeric(rules["age_from_days"]), hi=pd.to_numeric(rules["age_to_days"]).fillna(1e9),
                     cf=pd.to_numeric(rules["per_cubic_foot"]), mn=pd.to_numeric(rules["min_per_unit"]).fillna(0.0))  # fmt: skip
    ages = np.array([a for _, a in AGE_BUCKETS])
    out = []
    for _, row in stock.iterrows():
        units = np.array([float(np.nan_to_num(row.get(c, 0.0))) for c, _ in AGE_BUCKETS])
        table = r[r["fee_table"] == row.get("fee_table")]
        volume = float(row.get("cubic_feet", np.nan))
        rate = float(np.nan_to_num(row.get("daily_rate", 0.0)))
        as_of = pd.Timestamp(row["as_of"]).date()
        fees, aged_next, aged_first, first, used, why = [], None, 0.0, None, set(), None
        for day in _assessments(as_of, months):
            mine = table[
                (table["valid_from"] <= day) & table["valid_to"].map(lambda v, d=day: v is None or v >= d)
            ]
            delta = (day - as_of).days
            sold, left = rate * delta, units.copy()
            for i in range(len(left) - 1, -1, -1):  # oldest first
                take = min(left[i], sold)
                left[i] -= take
                sold -= take
            age = ages + delta
            aged = float(left[age >= 181].sum())
            aged_next = aged if aged_next is None else aged_next
            fee = 0.0
            if aged > 0 and mine.empty:
                fee, why = np.nan, why or "no_rule"
            for a, n in zip(age, left, strict=True):
                tier = mine[(mine["lo"] <= a) & (a < mine["hi"] + 1)]  # whole-day tiers: 271-300 holds 300.5
                if (
                    tier.empty
                    or n <= 0
                    or str(row.get("category")) in str(tier["excluded_categories"].iloc[0]).split("|")
                ):
                    continue
                t = tier.iloc[0]
                used.add(str(t["rule_id"]))
                if np.isnan(volume):
                    fee, why = np.nan, why or "volume"
                else:
                    fee += n * max(float(t["cf"]) * volume, float(t["mn"]))
            fees.append(fee)
            if first is None and aged > 0:
                first, aged_first = day, aged
        out.append({"aged_units_next": aged_next, "aged_units_first": aged_first, "first_fee_date": first,
                    "aged_fee_next": fees[0] if fees else 0.0, "aged_fee_total": float(np.sum(fees)),
                    "fee_unvalued": why, "rule_ids": sorted(used)})  # fmt: skip
    return pd.DataFrame(out, index=stock.index)


def clearance(
    as_of: dt.date, market: str, events: pd.DataFrame, *, before: dt.date | None = None
) -> dict[str, Any] | None:
    """The market's next sales event on or after ``as_of`` (within a year), preferring one that starts before
    ``before`` (the first fee date); None when the calendar has none researched."""
    ev = events[(events["market"] == market) & (events["kind"] == "sales_event")]
    ev = ev[(ev["valid_from"] >= as_of) & (ev["valid_from"] <= as_of + dt.timedelta(days=365))]
    if ev.empty:
        return None
    ev = ev.sort_values("valid_from")
    pick = ev[ev["valid_from"] < before] if before is not None else ev
    row = (pick if len(pick) else ev).iloc[0]
    return {"event_id": row["event_id"], "event": row["event"], "start": row["valid_from"], "end": row["valid_to"],
            "before_fees": before is None or row["valid_from"] < before, "source": row["source"],
            "confidence": row["confidence"]}  # fmt: skip


def stock_health(stock: pd.DataFrame, thresholds: Sequence[int]) -> pd.DataFrame:
    """Days of cover, yearly turnover, days without sales and the slow-mover status of each row of ``stock``
    (on_hand, daily_rate, as_of, units_shipped_* / last_sale)."""
    on_hand = pd.to_numeric(stock["on_hand"], errors="coerce")
    rate = pd.to_numeric(stock["daily_rate"], errors="coerce")
    cover = (on_hand / rate).where(rate > 0)
    turnover = (365.0 * rate / on_hand).where(on_hand > 0)
    quiet = days_without_sales(stock)
    return stock.assign(days_of_cover=cover, turnover=turnover, days_without_sales=quiet,
                        status=slow_status(quiet, on_hand, thresholds))  # fmt: skip
