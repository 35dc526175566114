"""Customers summed up: segment × market, and the buyers of each product × market (repurchase, mix, value)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.domains.customers.rfm import SEGMENTS

__all__ = ["segment_summary", "product_repurchase", "SEGMENT_COLUMNS", "PRODUCT_COLUMNS"]

SEGMENT_COLUMNS = (
    "source",
    "market",
    "segment",
    "currency",
    "customers",
    "share",
    "mean_recency_days",
    "mean_purchases",
    "total_value",
    "mean_p_alive",
    "mean_p_buy",
    "expected_purchases",
    "expected_value",
    "expected_value_per_customer",
)
PRODUCT_COLUMNS = (
    "source",
    "product_id",
    "market",
    "currency",
    "buyers",
    "repeat_buyers",
    "repurchase_rate",
    "returning_buyers",
    "returning_rate",
    *SEGMENTS,
    "mean_p_alive",
    "mean_p_buy",
    "expected_value_per_buyer",
    "expected_value",
)


def _sum(s: pd.Series) -> float:
    """Sum, NaN when every value is missing (no model → no expected value, not zero)."""
    return float(s.sum(min_count=1))


def segment_summary(customers: pd.DataFrame) -> pd.DataFrame:
    """Per source × market × segment (all four, zeros included) × currency: customers, their share of the
    market's customers, mean recency and purchases, value bought, mean P(alive), expected purchases and value.

    Args:
        customers: One row per customer with market, currency, segment, recency_days, purchases, total_value,
            p_alive, p_buy, expected_purchases, expected_value.
    """
    if customers.empty:
        return pd.DataFrame(columns=list(SEGMENT_COLUMNS))
    keys = ["source", "market", "currency", "segment"]
    g = customers.groupby(keys, dropna=False, sort=True)
    out = g.agg(
        customers=("customer_key", "size"),
        mean_recency_days=("recency_days", "mean"),
        mean_purchases=("purchases", "mean"),
        mean_p_alive=("p_alive", "mean"),
        mean_p_buy=("p_buy", "mean"),
    )
    for col in ("total_value", "expected_purchases", "expected_value"):
        out[col] = g[col].sum(min_count=1)
    out = out.reset_index()
    groups = out[["source", "market", "currency"]].drop_duplicates()
    full = groups.merge(pd.DataFrame({"segment": list(SEGMENTS)}), how="cross")
    out = full.merge(out, on=keys, how="left")
    out["customers"] = out["customers"].fillna(0).astype("int64")
    total = out.groupby(["source", "market"], dropna=False)["customers"].transform("sum")
    out["share"] = out["customers"] / total
    out["expected_value_per_customer"] = out["expected_value"] / out["customers"].replace(0, np.nan)
    order = {s: i for i, s in enumerate(SEGMENTS)}
    out["_o"] = out["segment"].map(order)
    out = out.sort_values(["source", "market", "currency", "_o"], kind="stable").drop(columns="_o")
    return out[list(SEGMENT_COLUMNS)].reset_index(drop=True)


def product_repurchase(lines: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Per source × product × market (the buyer country of the line): the product's buyers, how many bought it
    again on a later day (repurchase), how many bought anything on a later day (returning), their segment
    mix, mean P(alive) and expected value over the horizon (the whole shop's, in their currency).

    Args:
        lines: Customer lines (source, customer_key, day, market, product_id, sold_units: only lines with
            units sold count as buying the product).
        customers: One row per customer with currency, last_purchase, segment, p_alive, p_buy, expected_value.
    """
    if lines.empty or customers.empty:
        return pd.DataFrame(columns=list(PRODUCT_COLUMNS))
    cust = ["source", "customer_key"]
    sold = pd.to_numeric(lines["sold_units"], errors="coerce").fillna(0) > 0
    bought = lines.loc[sold & lines["product_id"].notna() & lines["customer_key"].notna(),
                       [*cust, "product_id", "market", "day"]]  # fmt: skip
    bought = bought.assign(day=pd.to_datetime(bought["day"]).dt.normalize()).drop_duplicates()
    per = bought.groupby([*cust, "product_id", "market"], dropna=False).agg(
        days=("day", "size"), first_day=("day", "min")
    )
    per = per.reset_index().merge(
        customers[[*cust, "currency", "last_purchase", "segment", "p_alive", "p_buy", "expected_value"]],
        on=cust,
        how="inner",
    )
    per["repeat"] = per["days"] >= 2
    per["returning"] = pd.to_datetime(per["last_purchase"]) > per["first_day"]
    for seg in SEGMENTS:
        per[seg] = per["segment"] == seg
    keys = ["source", "product_id", "market", "currency"]
    g = per.groupby(keys, dropna=False, sort=True)
    out = g.agg(
        buyers=("customer_key", "size"),
        repeat_buyers=("repeat", "sum"),
        returning_buyers=("returning", "sum"),
        **{seg: (seg, "sum") for seg in SEGMENTS},
        mean_p_alive=("p_alive", "mean"),
        mean_p_buy=("p_buy", "mean"),
    )
    out["expected_value"] = g["expected_value"].sum(min_count=1)
    out = out.reset_index()
    for col in ("buyers", "repeat_buyers", "returning_buyers", *SEGMENTS):
        out[col] = out[col].astype("int64")
    out["repurchase_rate"] = out["repeat_buyers"] / out["buyers"]
    out["returning_rate"] = out["returning_buyers"] / out["buyers"]
    out["expected_value_per_buyer"] = out["expected_value"] / out["buyers"]
    return out[list(PRODUCT_COLUMNS)]
