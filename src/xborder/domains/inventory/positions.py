"""Stock positions per product × market from inventory snapshots: sellable units on hand, inbound, recent sales
and age buckets, each from the latest report that gives it."""

from __future__ import annotations

import pandas as pd

from xborder.domains.inventory.health import AGE_BUCKETS
from xborder.domains.inventory.stockouts import sellable_units

__all__ = ["SOURCE_PREFERENCE", "stock_positions"]

SOURCE_PREFERENCE = ("amazon_daily_inventory", "amazon_manage_fba_inventory", "amazon_fulfilled_inventory",
                     "amazon_inventory_age", "amazon_restock_inventory", "amazon_inventory_health")  # fmt: skip
"""When reports of the same day disagree, on-hand stock is taken from the first of these."""

_SALES = ("units_shipped_7d", "units_shipped_30d", "units_shipped_90d")


def _latest(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Per pair, the rows of the latest (date, preferred source) having any of ``cols``, summed over its rows."""
    have = df[df[cols].notna().any(axis=1)]
    if have.empty:
        return pd.DataFrame(columns=["product_id", "market", *cols])
    best = have.sort_values(["product_id", "market", "_dated", "snapshot_date", "_rank"],
                            ascending=[True, True, False, False, True])  # fmt: skip
    top = best.drop_duplicates(["product_id", "market"])[["product_id", "market", "snapshot_date", "source"]]
    rows = have.merge(top, on=["product_id", "market", "snapshot_date", "source"])
    return rows.groupby(["product_id", "market"], as_index=False)[cols].sum(min_count=1)


def stock_positions(snapshots: pd.DataFrame) -> pd.DataFrame:
    """One row per product × market with a snapshot: sku, stock_as_of, source, on_hand (sellable units, all
    locations), inbound, units_shipped_7d/30d/90d, the age buckets and fee_table (amazon.<market>).

    Reports dated by the day of ingest (no date in the file) count only when no dated report covers the pair.
    """
    cols = ["product_id", "market", "sku", "stock_as_of", "stock_source", "on_hand", "inbound", *_SALES,
            *(c for c, _ in AGE_BUCKETS), "fee_table"]  # fmt: skip
    if snapshots.empty:
        return pd.DataFrame(columns=cols)
    df = snapshots[snapshots["product_id"].notna()].copy()
    df["market"] = df["market_code"]
    df = df[df["market"].notna()]
    df["_dated"] = df["snapshot_date_source"].ne("ingest_day")
    df["_rank"] = (
        df["source"].map({s: i for i, s in enumerate(SOURCE_PREFERENCE)}).fillna(len(SOURCE_PREFERENCE))
    )
    df["_sellable"] = sellable_units(df)
    best = df.sort_values(["product_id", "market", "_dated", "snapshot_date", "_rank"],
                          ascending=[True, True, False, False, True])  # fmt: skip
    top = best.drop_duplicates(["product_id", "market"])[["product_id", "market", "snapshot_date", "source"]]
    rows = df.merge(top, on=["product_id", "market", "snapshot_date", "source"])
    on_hand = rows.groupby(["product_id", "market"], as_index=False).agg(
        on_hand=("_sellable", "sum"), stock_as_of=("snapshot_date", "first"), stock_source=("source", "first"))  # fmt: skip
    skus = (
        df.groupby(["product_id", "market"])["sku"]
        .agg(lambda s: ",".join(sorted(set(s.dropna()))))
        .reset_index()
    )
    out = on_hand.merge(skus, on=["product_id", "market"], how="left")
    for part in (["inbound"], list(_SALES), [c for c, _ in AGE_BUCKETS]):
        out = out.merge(
            _latest(df, [c for c in part if c in df.columns]), on=["product_id", "market"], how="left"
        )
    out["fee_table"] = "amazon." + out["market"]
    return out.reindex(columns=cols)
