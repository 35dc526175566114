"""Lead time and its variability per pair: production (quote or settings) + transit (the rule base's freight lane
for the pair's shipping mode) + inbound receiving, each with a spread."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.reference import as_of, load_table

__all__ = ["lead_times"]


def _lanes(date: str) -> pd.DataFrame:
    f = as_of(load_table("freight/rates"), date)
    f = f.assign(tmin=pd.to_numeric(f["transit_days_min"], errors="coerce"),
                 tmax=pd.to_numeric(f["transit_days_max"], errors="coerce"))  # fmt: skip
    return f.sort_values("valid_from").drop_duplicates(["origin", "dest_region", "mode"], keep="last")


def lead_times(
    pairs: pd.DataFrame,
    *,
    date: str,
    production_days: float,
    production_cv: float,
    inbound_days: float,
    default_origin: str,
    default_mode: str = "sea_lcl",
    observed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Lead time (days), its standard deviation and where it came from, for each row of ``pairs``.

    Args:
        pairs: market, and optionally mode (shipping mode of the landed cost), origin (ISO2),
            offer_lead_time_days (production lead time quoted by the supplier).
        date: Day whose freight rules apply.
        production_days, production_cv: Production lead time and its coefficient of variation without a quote.
        inbound_days: Days from arrival to sellable stock.
        default_origin, default_mode: Used when the pair has none.
        observed: Per row of ``pairs`` the order → delivery days observed on its deliveries, else on the
            seller's deliveries to its market by its mode family (:func:`observed.pair_lead_times`); where given,
            their mean + inbound days and their standard deviation replace the modelled production + transit
            (source ``observed:<basis>:<n>``, basis product_market | product | lane).

    Transit is the midpoint of the lane's min and max days, its standard deviation a quarter of the range
    (the range taken as ±2σ); the three parts are independent.
    """
    markets = (
        as_of(load_table("markets"), date)
        .drop_duplicates("market_code", keep="last")
        .set_index("market_code")
    )
    lanes = _lanes(date)
    region = pairs["market"].map(markets["freight_region"]).fillna("*")
    origin = pairs.get("origin", pd.Series(index=pairs.index, dtype=object)).fillna(default_origin)
    mode = pairs.get("mode", pd.Series(index=pairs.index, dtype=object)).fillna(default_mode)
    tmin = pd.Series(np.nan, index=pairs.index)
    tmax, rule = tmin.copy(), pd.Series(None, index=pairs.index, dtype=object)
    tries = [(m, o, r) for m in (mode, default_mode) for o, r in ((0, 0), (1, 0), (0, 1), (1, 1))]
    for m, o_any, r_any in tries:  # the pair's mode first, then the default mode; exact lane, then '*' lanes
        key = pd.DataFrame({"origin": "*" if o_any else origin, "dest_region": "*" if r_any else region, "mode": m},
                           index=pairs.index)  # fmt: skip
        hit = key.merge(lanes, on=["origin", "dest_region", "mode"], how="left").set_index(pairs.index)
        take = tmin.isna() & hit["tmin"].notna()
        tmin[take], tmax[take], rule[take] = hit["tmin"][take], hit["tmax"][take], hit["rule_id"][take]
    offer = (
        pd.to_numeric(pairs["offer_lead_time_days"], errors="coerce")
        if "offer_lead_time_days" in pairs
        else None
    )
    prod = (
        offer.fillna(production_days)
        if offer is not None
        else pd.Series(float(production_days), index=pairs.index)
    )
    transit = ((tmin + tmax) / 2).fillna(0.0)
    sd = np.sqrt((production_cv * prod) ** 2 + ((tmax - tmin) / 4).fillna(0.0) ** 2)
    src = (
        np.where(offer.notna(), "offer", "settings") if offer is not None else np.full(len(pairs), "settings")
    )
    source = pd.Series(src, index=pairs.index).astype(str) + "+" + rule.fillna("no_lane").astype(str)
    lead = prod + transit + inbound_days
    if observed is not None and len(observed):
        seen = observed["observed_lead_days"].notna() & observed["observed_lead_sd_days"].notna()
        lead = lead.where(~seen, observed["observed_lead_days"] + inbound_days)
        sd = pd.Series(sd, index=pairs.index).where(~seen, observed["observed_lead_sd_days"])
        n = observed["observed_deliveries"].fillna(0).astype(int).astype(str)
        source = source.where(~seen, "observed:" + observed["observed_basis"].astype(str) + ":" + n)
    return pd.DataFrame({"lead_time_days": lead, "lead_time_sd_days": sd,
                         "lead_time_source": source, "transit_days": transit}, index=pairs.index)  # fmt: skip
