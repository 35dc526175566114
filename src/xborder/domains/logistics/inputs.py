"""Shipments from the product × market pairs to route: where each product ships from and what one unit weighs
and measures (documented defaults where the product does not say)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["product_origins", "shipment_frame", "landed_cost_per_unit"]

_DIMS = ("weight_kg", "length_cm", "width_cm", "height_cm")


def product_origins(
    products: pd.DataFrame, offers: pd.DataFrame, suppliers: pd.DataFrame, default: str
) -> pd.Series:
    """Origin country per product: ``products.origin_country``, else its latest supplier offer's origin (or
    that supplier's country), else ``default``."""
    origin = products.set_index("product_id")["origin_country"].dropna()
    if len(offers):
        o = offers.merge(suppliers[["supplier_id", "country"]], on="supplier_id", how="left")
        o = o.assign(src=o["origin_country"].fillna(o["country"])).dropna(subset=["src", "product_id"])
        o = o.sort_values("valid_from", na_position="first").drop_duplicates("product_id", keep="last")
        origin = pd.concat(
            [origin, o.set_index("product_id")["src"].loc[lambda s: ~s.index.isin(origin.index)]]
        )
    return (
        origin.fillna(default)
        .astype(str)
        .str.upper()
        .rename("origin")
        .rename_axis("product_id")
        .pipe(lambda s: s.reindex(products["product_id"]).fillna(default))
    )


def shipment_frame(
    pairs: pd.DataFrame, products: pd.DataFrame, origins: pd.Series, defaults: pd.DataFrame, units: float
) -> pd.DataFrame:
    """One shipment per (product, market) of ``pairs``: ``units`` units from the product's origin to the market,
    per-unit weight and dimensions from ``products``, else the median of its category (category_defaults.csv),
    else of ``other`` (``dims_estimated`` says so)."""
    p = products.set_index("product_id")
    d = defaults.set_index("category")
    out = pairs[["product_id", "market"]].drop_duplicates().reset_index(drop=True)
    cat = out["product_id"].map(p["category"]).fillna("other")
    cat = cat.where(cat.isin(d.index), "other")
    estimated = np.zeros(len(out), dtype=bool)
    for c in _DIMS:
        given = pd.to_numeric(out["product_id"].map(p[c]), errors="coerce")
        fallback = pd.to_numeric(cat.map(d[c]), errors="coerce")
        estimated |= given.isna().to_numpy()
        out[c] = given.fillna(fallback).to_numpy(float)
    out["dims_estimated"] = estimated
    out["origin"] = out["product_id"].map(origins).fillna("CN")
    out["destination"] = out["market"]
    out["units"] = float(units)
    out["volume_m3"] = out["length_cm"] * out["width_cm"] * out["height_cm"] / 1e6
    return out


def landed_cost_per_unit(
    routes: pd.DataFrame, landed: pd.DataFrame, usd_to: dict[str, float]
) -> pd.DataFrame:
    """``currency``, ``cost_per_unit`` (the route's freight in the market currency), ``landed_cost_per_unit`` and
    ``landed_cost_mode`` per route row: the landed-cost row of the same product × market and mode (else of
    sea_lcl, else its first mode) with its freight replaced by the route's. Duty and insurance on the freight
    (CIF markets) are not recomputed."""
    keys = ["product_id", "market"]
    cols = ["currency", "landed_cost", "freight", "landed_cost_mode"]
    lc = landed.assign(landed_cost_mode=landed["mode"])
    # an unroutable shipment has no modes (NaN): the key stays text so the merge finds no landed-cost row
    exact = routes[keys + ["modes"]].astype({"modes": object}).merge(
        lc.rename(columns={"mode": "modes"})[keys + ["modes", *cols]].drop_duplicates(keys + ["modes"]),
        on=keys + ["modes"], how="left",
    )  # fmt: skip
    pref = lc.assign(_p=(lc["mode"] != "sea_lcl").astype(int)).sort_values(["_p", "mode"])
    fallback = routes[keys].merge(pref.drop_duplicates(keys)[keys + cols], on=keys, how="left")
    have = exact["landed_cost"].notna()
    got = pd.DataFrame({c: exact[c].where(have, fallback[c]) for c in cols})
    rate = got["currency"].map(usd_to).astype(float)
    freight = pd.to_numeric(routes["cost_per_unit_usd"], errors="coerce").to_numpy(float) * rate.to_numpy(
        float
    )
    routed = routes["route"].notna().to_numpy()
    return routes.assign(
        currency=got["currency"].to_numpy(),
        cost_per_unit=np.where(routed, freight, np.nan),
        landed_cost_per_unit=np.where(
            routed, got["landed_cost"].astype(float) - got["freight"].astype(float) + freight, np.nan
        ),
        landed_cost_mode=got["landed_cost_mode"].where(routed, None).to_numpy(),
    )
