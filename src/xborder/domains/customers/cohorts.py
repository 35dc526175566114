"""Cohort retention: of the customers whose first purchase fell in a month, the share buying again k months later.

A cohort is source × market × month of the first purchase (the customer's market is the buyer country of
that purchase). ``months_since`` 0 is the first month itself (retention 1 by definition); a customer counts
as active in a later month when they bought on at least one day of it, whatever the market of that purchase.
Every cohort gets a row for each month up to the source's last month of data, zeros included.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["cohort_retention", "COHORT_COLUMNS"]

COHORT_COLUMNS = (
    "source",
    "market",
    "cohort_month",
    "months_since",
    "cohort_customers",
    "active_customers",
    "retention",
)


def _month_index(days: pd.Series) -> pd.Series:
    d = pd.to_datetime(days)
    return d.dt.year * 12 + d.dt.month - 1


def cohort_retention(
    days: pd.DataFrame, customers: pd.DataFrame, observed_until: Mapping[str, pd.Timestamp]
) -> pd.DataFrame:
    """Retention per source × market × first-purchase month × months since.

    Args:
        days: Days with order lines (columns source, customer_key, day and, optionally, bought: only days
            with ``bought`` true are purchases).
        customers: One row per customer (source, customer_key, market, first_purchase).
        observed_until: Last day of the observation per source.

    Returns:
        :data:`COHORT_COLUMNS`; ``cohort_month`` is the first day of the month.
    """
    if days.empty or customers.empty:
        return pd.DataFrame(columns=list(COHORT_COLUMNS))
    who = customers[["source", "customer_key", "market", "first_purchase"]].copy()
    who["cohort"] = _month_index(who["first_purchase"])
    bought = days[days["bought"].astype(bool)] if "bought" in days.columns else days
    act = bought[["source", "customer_key", "day"]].merge(who, on=["source", "customer_key"], how="inner")
    act["months_since"] = _month_index(act["day"]) - act["cohort"]
    act = act.drop_duplicates(["source", "customer_key", "months_since"])
    keys = ["source", "market", "cohort"]
    sizes = who.groupby(keys, dropna=False).size().rename("cohort_customers").reset_index()
    active = (
        act.groupby([*keys, "months_since"], dropna=False).size().rename("active_customers").reset_index()
    )
    last = {s: int(_month_index(pd.Series([pd.Timestamp(v)])).iloc[0]) for s, v in observed_until.items()}
    sizes["span"] = sizes["source"].map(last) - sizes["cohort"] + 1
    grid = sizes.loc[sizes.index.repeat(sizes["span"].clip(lower=1))].copy()
    grid["months_since"] = grid.groupby(keys, dropna=False).cumcount()
    out = grid.merge(active, on=[*keys, "months_since"], how="left")
    out["active_customers"] = out["active_customers"].fillna(0).astype("int64")
    out["retention"] = out["active_customers"] / out["cohort_customers"]
    year, month = out["cohort"] // 12, out["cohort"] % 12 + 1
    out["cohort_month"] = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1})).dt.date
    out = out.sort_values(["source", "market", "cohort", "months_since"], kind="stable")
    return out[list(COHORT_COLUMNS)].reset_index(drop=True)
