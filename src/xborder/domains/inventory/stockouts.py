"""Stock-out periods from inventory snapshots: the days a SKU had no sellable unit, per location and per market.

A report lists what is in stock; the FBA daily inventory history has no row for a SKU × fulfilment centre with
nothing in it. So within one report source and marketplace, the observed days are the snapshot dates the
source has, a key (SKU × location, or SKU over all locations = ``*``) is observed from its first day with sellable
stock in the source to the source's last day (a location that only ever held damaged units, or a virtual one such
as ``*XFR``, units moving between centres, is no place to be out of stock in; its units still count market-wide), and on an observed day it is out of stock when its sellable units sum to 0 or it has
no row. Consecutive observed days out of stock form one period (observed days, so a weekly report gives periods
of observed weeks). Reports dated by the day they were ingested (no date in the file) are left out: they do not
say on which day a SKU was out. Demand history should leave out the ``*`` periods: sales there were capped by stock.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ALL_LOCATIONS", "sellable_units", "stockout_periods", "stockout_days"]

ALL_LOCATIONS = "*"
"""Location of a market-wide row: the SKU had no sellable unit in any location of the marketplace."""

_KEY = ["source", "market", "sku", "location"]
_OUT = ["source", "market", "marketplace_id", "sku", "product_id", "location", "first_day", "last_day",
        "observed_days", "calendar_days", "observed_from", "observed_until"]  # fmt: skip


def sellable_units(snapshots: pd.DataFrame) -> pd.Series:
    """Sellable units of a row: fulfillable when the report gives it, else on_hand of rows that are not a
    damaged/unsellable disposition."""
    disp = snapshots["disposition"].fillna("SELLABLE").astype(str).str.upper()
    on_hand = pd.to_numeric(snapshots["on_hand"], errors="coerce").where(disp.eq("SELLABLE"))
    return pd.to_numeric(snapshots["fulfillable"], errors="coerce").fillna(on_hand).fillna(0.0)


def stockout_days(snapshots: pd.DataFrame) -> pd.DataFrame:
    """One row per source × market × SKU × location × observed day: ``units`` sellable and ``out`` (True at 0).

    Args:
        snapshots: inventory_snapshots rows (source, market_code, marketplace_id, snapshot_date, sku, location,
            disposition, fulfillable, on_hand; product_id when known).
    """
    cols = ["source", "market", "marketplace_id", "sku", "product_id", "location", "day", "units", "out"]
    if snapshots.empty:
        return pd.DataFrame(columns=cols)
    df = snapshots.assign(
        market=snapshots["market_code"].fillna(""), units=sellable_units(snapshots),
        day=pd.to_datetime(snapshots["snapshot_date"]), location=snapshots["location"].fillna(ALL_LOCATIONS),
        product_id=snapshots.get("product_id"),
    )  # fmt: skip
    df = df[df["sku"].notna()]
    if "snapshot_date_source" in df:  # a report dated by the day it was ingested does not say when it was out
        df = df[df["snapshot_date_source"].ne("ingest_day")]
    if df.empty:
        return pd.DataFrame(columns=cols)
    per_loc = df.groupby([*_KEY, "day"], as_index=False, dropna=False)["units"].sum()
    market_wide = df.groupby(["source", "market", "sku", "day"], as_index=False, dropna=False)["units"].sum()
    market_wide["location"] = ALL_LOCATIONS
    # a report without locations already is market-wide: keep one row for it
    # virtual locations (*XFR: units moving between centres) count in the market's stock but are no place to
    # be out of stock in
    real = ~per_loc["location"].astype(str).str.startswith("*")
    levels = pd.concat([per_loc[real], market_wide], ignore_index=True)
    days = df.groupby(["source", "market"])["day"].unique()
    stocked = levels[levels["units"] > 0]
    first = stocked.groupby(_KEY, dropna=False)["day"].min().rename("first").reset_index()
    grids = []
    for source, market, observed in zip(
        days.index.get_level_values(0), days.index.get_level_values(1), days.to_numpy(), strict=True
    ):
        mine = first[(first["source"] == source) & (first["market"] == market)]
        d = pd.DataFrame({"day": np.sort(observed)})
        g = mine.merge(d, how="cross")
        grids.append(g[g["day"] >= g["first"]].drop(columns="first"))
    grid = pd.concat(grids, ignore_index=True)
    out = grid.merge(levels, on=[*_KEY, "day"], how="left")
    out["units"] = out["units"].fillna(0.0)
    out["out"] = out["units"] <= 0
    ids = df.dropna(subset=["sku"]).groupby(["source", "market", "sku"], dropna=False).agg(
        marketplace_id=("marketplace_id", "first"), product_id=("product_id", "first")).reset_index()  # fmt: skip
    out = out.merge(ids, on=["source", "market", "sku"], how="left")
    return out[cols].sort_values([*_KEY, "day"]).reset_index(drop=True)


def stockout_periods(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Consecutive observed days without sellable stock, one row per period (see the module docstring)."""
    days = stockout_days(snapshots)
    if days.empty:
        return pd.DataFrame(columns=_OUT)
    days = days.copy()
    days["_n"] = (
        days.groupby(["source", "market"])["day"].rank(method="dense").astype(int)
    )  # index among observed days
    span = (
        days.groupby(_KEY, dropna=False)["day"].agg(observed_from="min", observed_until="max").reset_index()
    )
    outs = days[days["out"]].copy()
    if outs.empty:
        return pd.DataFrame(columns=_OUT)
    new = outs.groupby(_KEY, dropna=False)["_n"].diff().ne(1)
    outs["_run"] = new.cumsum()
    periods = outs.groupby([*_KEY, "_run"], dropna=False).agg(
        marketplace_id=("marketplace_id", "first"), product_id=("product_id", "first"),
        first_day=("day", "min"), last_day=("day", "max"), observed_days=("day", "size"),
    ).reset_index()  # fmt: skip
    periods["calendar_days"] = (periods["last_day"] - periods["first_day"]).dt.days + 1
    periods = periods.merge(span, on=_KEY, how="left")
    for c in ("first_day", "last_day", "observed_from", "observed_until"):
        periods[c] = periods[c].dt.date
    return (
        periods[_OUT].sort_values(["source", "market", "sku", "location", "first_day"]).reset_index(drop=True)
    )
