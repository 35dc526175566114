"""Lead times observed on real deliveries: order → delivery days per lane (product, supplier or destination ×
shipping mode) from ``supplier_events``, with their spread — what a plan's lead-time variability rests on when
the seller's own history has enough deliveries."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LANE_KEYS", "delivery_days", "observed_lead_times", "pair_lead_times", "mode_family"]

_FAMILY = {"sea_fcl": "sea", "sea_lcl": "sea", "ocean": "sea", "sea": "sea", "fcl": "sea", "lcl": "sea",
           "air": "air", "air charter": "air", "air_charter": "air", "truck": "road", "ground": "road",
           "road": "road", "rail": "rail", "express": "express", "courier": "express"}  # fmt: skip


def mode_family(modes: pd.Series) -> pd.Series:
    """sea (sea_fcl, sea_lcl, ocean), air (air, air charter), road (truck, ground), rail, express — so a landed
    cost's mode meets the words a delivery history uses; other words stay as they are (lower case)."""
    m = modes.astype("string").str.strip().str.lower()
    return m.map(lambda v: _FAMILY.get(v, v) if isinstance(v, str) else None).astype("string")


LANE_KEYS = {
    "product": ["product_id", "market"],
    "supplier": ["supplier_id", "market", "mode"],
    "lane": ["market", "mode"],
}


def delivery_days(events: pd.DataFrame) -> pd.DataFrame:
    """One row per delivery with an order and a delivery day: supplier, product, market (its destination),
    mode, ``lead_days`` (delivered − ordered) and ``late_days`` (delivered − promised, when promised)."""
    cols = [
        "supplier_id",
        "product_id",
        "market",
        "mode",
        "ordered_on",
        "delivered_on",
        "lead_days",
        "late_days",
    ]
    if events.empty:
        return pd.DataFrame(columns=cols)
    d = events[
        (events["event_type"] == "delivery") & events["ordered_on"].notna() & events["delivered_on"].notna()
    ]
    none = pd.Series(None, index=d.index, dtype="string")
    d = d.assign(
        market=d["destination"].astype("string").str.upper() if "destination" in d else none,
        mode=d["mode"].astype("string").str.lower() if "mode" in d else none,
        lead_days=(pd.to_datetime(d["delivered_on"]) - pd.to_datetime(d["ordered_on"])).dt.days.astype(float),
        late_days=(pd.to_datetime(d["delivered_on"]) - pd.to_datetime(d["promised_on"])).dt.days.astype(
            float
        ),
    )
    return d[d["lead_days"] >= 0][cols].reset_index(drop=True)


def observed_lead_times(deliveries: pd.DataFrame, by: str = "lane") -> pd.DataFrame:
    """Per lane of ``by`` (:data:`LANE_KEYS`: product × market, supplier × market × mode, or market × mode):
    deliveries, mean, standard deviation (n − 1), median, 10th and 90th percentile of order → delivery days,
    and the share delivered after the promised day."""
    keys = LANE_KEYS[by]
    d = deliveries.dropna(subset=list(keys))
    if d.empty:
        return pd.DataFrame(columns=[*keys, "deliveries", "mean_days", "sd_days", "median_days", "p10_days",
                                     "p90_days", "late_share"])  # fmt: skip
    g = d.groupby(keys, observed=True)
    out = g["lead_days"].agg(
        deliveries="size", mean_days="mean", sd_days="std", median_days="median",
        p10_days=lambda x: float(np.percentile(x, 10)), p90_days=lambda x: float(np.percentile(x, 90)),
    )  # fmt: skip
    out["late_share"] = g["late_days"].apply(
        lambda x: float((x.dropna() > 0).mean()) if x.notna().any() else np.nan
    )
    return out.reset_index().sort_values([*keys]).reset_index(drop=True)


def pair_lead_times(
    pairs: pd.DataFrame, deliveries: pd.DataFrame, *, min_deliveries: int = 5, default_mode: str = "sea_lcl"
) -> pd.DataFrame:
    """Per row of ``pairs`` (product_id, market, optionally mode): the observed order → delivery mean and sd of
    the product's deliveries to that market when there are at least ``min_deliveries``, else of all its
    deliveries (any market) when there are enough, else of every delivery to that market by the pair's mode
    family (:func:`mode_family`; ``default_mode`` when the pair has none) — the seller's lane; NaN otherwise.
    Columns ``observed_lead_days``, ``observed_lead_sd_days``, ``observed_deliveries``, ``observed_basis``
    (product_market | product | lane)."""
    out = pd.DataFrame(index=pairs.index, columns=["observed_lead_days", "observed_lead_sd_days",
                                                    "observed_deliveries", "observed_basis"], dtype=object)  # fmt: skip
    d = deliveries.copy() if len(deliveries) else deliveries
    if len(d) and len(pairs):
        d["_family"] = (
            mode_family(d["mode"]) if "mode" in d else pd.Series(None, index=d.index, dtype="string")
        )
        mode = pairs["mode"] if "mode" in pairs else pd.Series(None, index=pairs.index, dtype=object)
        pairs = pairs.assign(_family=mode_family(mode.fillna(default_mode)))
    levels = (
        ("product_market", ["product_id", "market"]),
        ("product", ["product_id"]),
        ("lane", ["market", "_family"]),
    )
    for basis, keys in levels if len(d) and len(pairs) else ():
        stats = d.dropna(subset=keys).groupby(keys)["lead_days"].agg(["size", "mean", "std"]).reset_index()
        stats = stats[stats["size"] >= max(min_deliveries, 2)]
        hit = pairs[keys].merge(stats, on=keys, how="left").set_index(pairs.index)
        take = out["observed_basis"].isna() & hit["size"].notna()
        out.loc[take, "observed_lead_days"] = hit.loc[take, "mean"]
        out.loc[take, "observed_lead_sd_days"] = hit.loc[take, "std"]
        out.loc[take, "observed_deliveries"] = hit.loc[take, "size"]
        out.loc[take, "observed_basis"] = basis
    for c in ("observed_lead_days", "observed_lead_sd_days", "observed_deliveries"):
        out[c] = pd.to_numeric(out[c], errors="coerce")
    return out
