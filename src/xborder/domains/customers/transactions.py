"""From order lines to purchase days and one summary row per customer (frames in, frames out).

The input is one row per source × customer key × day × market × currency × product (:data:`LINE_COLUMNS`;
the stage aggregates ``order_lines`` to that grain) with ``value`` = value sold minus value cancelled or
returned on that day, and ``sold_units`` = units sold. A *purchase* is a day with units sold (several orders
on one day are one purchase, as in Fader, Hardie & Lee's CDNOW data); a day with only cancellations or
returns is no purchase, but its (negative) value counts in what the customer spent. A customer's market is
the buyer country of their first purchase, their currency the currency of their first sold line; values in
another currency are left out of their spend (counted in ``other_currency_value``), values without a
currency are taken to be in theirs.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["LINE_COLUMNS", "purchases", "customer_summary", "DAYS_PER_WEEK"]

LINE_COLUMNS = ("source", "customer_key", "day", "market", "currency", "product_id", "value", "sold_units")
DAYS_PER_WEEK = 7.0
_KEY = ["source", "customer_key"]
_DAY_COLUMNS = [*_KEY, "day", "bought", "market", "currency", "value", "other_currency_value"]


def _lines(lines: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in LINE_COLUMNS if c not in lines.columns]
    if missing:
        raise ValueError(f"customer lines lack column(s) {missing}")
    out = lines.loc[lines["customer_key"].notna(), list(LINE_COLUMNS)].copy()
    out["day"] = pd.to_datetime(out["day"]).dt.normalize()
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    out["sold_units"] = pd.to_numeric(out["sold_units"], errors="coerce").fillna(0)
    return out


def purchases(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per source × customer × day with order lines: whether it is a purchase (``bought``), its
    market (of the sold lines), and its net ``value`` in the customer's currency.

    Returns:
        Columns source, customer_key, day, bought, market, currency, value, other_currency_value, sorted by
        customer and day; customers without any sold line are left out.
    """
    df = _lines(lines)
    df["sold"] = df["sold_units"] > 0
    df = df.sort_values([*_KEY, "day", "market", "currency"], kind="stable")
    first = df[df["sold"]].drop_duplicates(_KEY).set_index(_KEY)["currency"].rename("customer_currency")
    df = df.join(first, on=_KEY, how="inner")
    if df.empty:
        return pd.DataFrame(columns=_DAY_COLUMNS)
    same = (df["currency"] == df["customer_currency"]) | df["currency"].isna()
    df["own"] = df["value"].where(same)
    df["other"] = df["value"].where(~same)
    df["sold_market"] = df["market"].where(df["sold"])
    g = df.groupby([*_KEY, "day"], sort=True)
    days = g.agg(
        bought=("sold", "any"), market=("sold_market", "first"), currency=("customer_currency", "first")
    )
    days["value"] = g["own"].sum(min_count=1)
    days["other_currency_value"] = g["other"].sum(min_count=1)
    return days.reset_index()[_DAY_COLUMNS]


def customer_summary(days: pd.DataFrame, observed_until: Mapping[str, pd.Timestamp]) -> pd.DataFrame:
    """One row per source × customer: the BG/NBD inputs and the RFM facts.

    Args:
        days: :func:`purchases` rows (a frame without ``bought`` counts every day as a purchase).
        observed_until: Last day of the observation per source (the last order day of the source's data).

    Returns:
        Columns source, customer_key, market, currency, first_purchase, last_purchase, purchases (days with a
        purchase), frequency (repeat purchases = purchases − 1), recency (weeks from the first to the last
        purchase, tₓ), age (weeks from the first purchase to the end of the observation, T), recency_days
        (days since the last purchase), total_value (net of cancellations and returns, every day),
        mean_repeat_value (mean net value of the repeat purchases, NaN without any).
    """
    cols = [
        *_KEY,
        "market",
        "currency",
        "first_purchase",
        "last_purchase",
        "purchases",
        "frequency",
        "recency",
        "age",
        "recency_days",
        "total_value",
        "mean_repeat_value",
    ]
    if days.empty:
        return pd.DataFrame(columns=cols)
    every = days.sort_values([*_KEY, "day"], kind="stable")
    d = every[every["bought"].astype(bool)] if "bought" in every.columns else every
    is_first = ~d.duplicated(_KEY)
    d = d.assign(repeat_value=d["value"].where(~is_first))
    g = d.groupby(_KEY, sort=True)
    out = g.agg(
        market=("market", "first"),
        currency=("currency", "first"),
        first_purchase=("day", "min"),
        last_purchase=("day", "max"),
        purchases=("day", "size"),
        mean_repeat_value=("repeat_value", "mean"),
    )
    out["total_value"] = every.groupby(_KEY, sort=True)["value"].sum(min_count=1).reindex(out.index)
    out = out.reset_index()
    unknown = sorted(set(out["source"]) - set(observed_until))
    if unknown:
        raise ValueError(f"observed_until lacks source(s) {unknown}")
    end = pd.to_datetime(
        out["source"].map({k: pd.Timestamp(v).normalize() for k, v in observed_until.items()})
    )
    if (out["last_purchase"] > end).any():
        raise ValueError("a purchase lies after the end of its source's observation")
    out["frequency"] = out["purchases"] - 1
    out["recency"] = (out["last_purchase"] - out["first_purchase"]).dt.days / DAYS_PER_WEEK
    out["age"] = (end - out["first_purchase"]).dt.days / DAYS_PER_WEEK
    out["recency_days"] = (end - out["last_purchase"]).dt.days.astype(int)
    return out[cols]
