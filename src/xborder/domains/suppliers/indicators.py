"""The performance indicators of a supplier from its dated events and its offers (frames in, one row per
supplier out): quality, on-time delivery, lead time and its variability, price and MOQ against other offers,
capacity headroom, communication and customisation. Formulas and units: docs/suppliers.md."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["INDICATORS", "CAPABILITY_LEVELS", "performance", "offer_ratios", "latest_offers"]

# name → (+1 more is better | -1 less is better, unit)
INDICATORS: dict[str, tuple[int, str]] = {
    "quality": (-1, "fraction defective"),
    "on_time": (1, "fraction"),
    "lead_time": (-1, "days"),
    "lead_time_variability": (-1, "days"),
    "price": (-1, "ratio to the product's median offer"),
    "moq": (-1, "ratio to the product's median MOQ"),
    "capacity_headroom": (1, "fraction"),
    "communication": (-1, "hours"),
    "customisation": (1, "score 0..1"),
    "certifications": (1, "fraction held"),
    "documents": (1, "fraction supplied"),
    "standing": (1, "score 0..1"),
}
CAPABILITY_LEVELS = {"none": 0.0, "private_label": 0.25, "oem": 0.5, "odm": 0.75, "rnd": 1.0}


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.days.astype(float)


def latest_offers(offers: pd.DataFrame) -> pd.DataFrame:
    """The latest offer of each supplier × product (by ``valid_from``; an undated one counts as oldest), the
    lowest price among offers of that day (a quote's quantity tiers)."""
    if offers.empty:
        return offers
    o = offers.assign(_d=pd.to_datetime(offers["valid_from"]).fillna(pd.Timestamp.min))
    o = o.sort_values(
        ["supplier_id", "product_id", "_d", "unit_cost_usd"], ascending=[True, True, False, True]
    )
    return o.drop_duplicates(["supplier_id", "product_id"]).drop(columns="_d").reset_index(drop=True)


def offer_ratios(latest: pd.DataFrame) -> pd.DataFrame:
    """Per latest offer: its USD price and MOQ over the median of the product's latest offers by all suppliers
    (``price_ratio``, ``moq_ratio``; NaN when only one supplier offers the product)."""
    if latest.empty:
        return latest.assign(price_ratio=pd.Series(dtype=float), moq_ratio=pd.Series(dtype=float))
    g = latest.groupby("product_id")
    n = g["supplier_id"].transform("nunique")
    price_med = g["unit_cost_usd"].transform("median")
    moq_med = g["moq"].transform("median")
    with np.errstate(divide="ignore", invalid="ignore"):
        price = np.where(n > 1, latest["unit_cost_usd"] / price_med, np.nan)
        moq = np.where(n > 1, latest["moq"] / moq_med, np.nan)
    return latest.assign(price_ratio=price, moq_ratio=moq)


def _latest_value(events: pd.DataFrame, kind: str, column: str) -> pd.Series:
    ev = events[(events["event_type"] == kind) & events[column].notna()]
    return ev.sort_values("event_date").groupby("supplier_id")[column].last()


def performance(
    suppliers: pd.Series,
    events: pd.DataFrame,
    offers: pd.DataFrame,
    *,
    grace_days: int = 0,
    in_full_tolerance: float = 0.0,
) -> pd.DataFrame:
    """One row per supplier id of ``suppliers``: the performance indicators and the counts behind them.

    Args:
        suppliers: Supplier ids to score.
        events: ``supplier_events`` rows (the window already applied).
        offers: Latest offers with ``price_ratio``/``moq_ratio`` (:func:`offer_ratios`) and ``lead_time_days``.
        grace_days: Days late that still count as on time.
        in_full_tolerance: Share of the ordered quantity that may be missing and still count as in full.
    """
    out = pd.DataFrame(index=pd.Index(suppliers.unique(), name="supplier_id"))
    dl = events[
        (events["event_type"] == "delivery") & events["promised_on"].notna() & events["delivered_on"].notna()
    ]
    dl = dl.assign(
        late=_days(dl["delivered_on"], dl["promised_on"]), lead=_days(dl["delivered_on"], dl["ordered_on"])
    )
    dl = dl.assign(_on=(dl["late"] <= grace_days).astype(float))
    g = dl.groupby("supplier_id")
    out["deliveries"] = g.size()
    out["on_time"] = g["_on"].mean()
    full = dl[dl["ordered_qty"].notna() & dl["delivered_qty"].notna() & (dl["ordered_qty"] > 0)]
    full = full.assign(
        _in=(full["delivered_qty"] >= full["ordered_qty"] * (1 - in_full_tolerance)).astype(float)
    )
    out["in_full_rate"] = full.groupby("supplier_id")["_in"].mean()
    out["mean_days_late"] = g["late"].mean()
    out["lead_time_variability"] = g["late"].std(ddof=1)
    led = dl[dl["lead"].notna()].groupby("supplier_id")["lead"]
    out["lead_time_mean_days"] = led.mean()
    out["lead_time_std_days"] = led.std(ddof=1)
    out["lead_time"] = led.median()
    out["lead_time_source"] = None
    out.loc[out["lead_time"].notna(), "lead_time_source"] = "observed"
    if not offers.empty:
        quoted = offers.groupby("supplier_id")["lead_time_days"].median()
        fill = out["lead_time"].isna() & out.index.isin(quoted.dropna().index)
        out.loc[fill, "lead_time"] = quoted.reindex(out.index)[fill]
        out.loc[fill, "lead_time_source"] = "quoted"
        out["price"] = offers.groupby("supplier_id")["price_ratio"].median()
        out["moq"] = offers.groupby("supplier_id")["moq_ratio"].median()
        out["products"] = offers.groupby("supplier_id")["product_id"].nunique()
        out["priced_offers"] = offers.groupby("supplier_id")["price_ratio"].count()
        out["moq_offers"] = offers.groupby("supplier_id")["moq_ratio"].count()
    else:
        out["price"] = out["moq"] = np.nan
        out["products"] = out["priced_offers"] = out["moq_offers"] = 0
    ins = events[(events["event_type"] == "inspection") & (events["inspected_qty"] > 0)]
    ins = ins[ins["defective_qty"].notna()]
    gi = ins.groupby("supplier_id")
    out["inspections"] = gi.size()
    out["inspected_units"] = gi["inspected_qty"].sum()
    out["defective_units"] = gi["defective_qty"].sum()
    out["quality"] = out["defective_units"] / out["inspected_units"]
    cap = events[(events["event_type"] == "capacity") & (events["capacity_per_month"] > 0)]
    cap = cap[cap["committed_per_month"].notna()].sort_values("event_date").groupby("supplier_id").last()
    out["capacity_headroom"] = (1 - cap["committed_per_month"] / cap["capacity_per_month"]).clip(lower=0)
    resp = events[(events["event_type"] == "response") & events["response_hours"].notna()]
    out["communication"] = resp.groupby("supplier_id")["response_hours"].median()
    out["customisation"] = _customisation(events).reindex(out.index)
    out["financial_score"] = _latest_value(events, "financial", "score").reindex(out.index)
    out["financial_score"] = np.where(
        out["financial_score"] > 1, out["financial_score"] / 100.0, out["financial_score"]
    )
    for c in ("deliveries", "inspections", "products", "priced_offers", "moq_offers"):
        out[c] = out[c].fillna(0).astype(int)
    return out


def _customisation(events: pd.DataFrame) -> pd.Series:
    """Latest capability event: its score (0..1, or 0..100 scaled), else its level (none .. rnd)."""
    cap = events[events["event_type"] == "capability"].sort_values("event_date").groupby("supplier_id").last()
    if cap.empty:
        return pd.Series(dtype=float)
    score = cap["score"].where(cap["score"] <= 1, cap["score"] / 100.0)
    return score.fillna(cap["result"].map(CAPABILITY_LEVELS)).astype(float)
