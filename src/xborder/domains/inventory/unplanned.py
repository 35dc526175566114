"""Pairs beyond the product forecasts: niches (a typical new product of a category in a market, from the category
× market forecast) are planned; every other candidate pair of landed cost gets a plan row that says why it has
no plan."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from xborder.domains.inventory.notes import render

__all__ = ["NICHE_PREFIX", "niche_rows", "history_rows", "unplanned_rows"]

NICHE_PREFIX = "niche:"
_SCALED = re.compile(r"^(point|mean|lo_\d+|hi_\d+|q\d+)$")


def niche_rows(
    category_fc: pd.DataFrame,
    product_fc: pd.DataFrame,
    categories: pd.Series,
    totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Forecast rows of ``niche:<category>`` × market: the category × market forecast divided by the products
    of the category forecast in that market (at least 1) — a typical product's share, as the selection stage
    sizes a niche. Every quantity column (point, mean, intervals, quantiles) is divided alike (kind ``niche``),
    and so is the category's horizon total when given: the niche's spread grows over the lead time as the
    category's does (σ(n) ∝ n^a, the ratio is the same after the division).

    Args:
        category_fc: forecast rows of level category_market (category, market, ds, point ...).
        product_fc: forecast rows of level product_market (product_id, market).
        categories: product_id → category.
        totals: category, market, total_q50, total_q90, total_periods (:func:`stage.inputs.read_category_totals`).
    """
    if category_fc.empty:
        return pd.DataFrame()
    pf = (
        product_fc[["product_id", "market"]].drop_duplicates()
        if len(product_fc)
        else pd.DataFrame(columns=["product_id", "market"])
    )
    pf = pf.assign(category=pf["product_id"].map(categories))
    n = pf.groupby(["category", "market"])["product_id"].nunique().rename("_n")
    rows = category_fc[category_fc["category"].notna() & (category_fc["category"] != "other")]
    rows = rows.join(n, on=["category", "market"])
    rows["_n"] = rows["_n"].fillna(1.0).clip(lower=1.0)
    if totals is not None and len(totals):
        rows = rows.drop(columns=[c for c in totals.columns if c.startswith("total_")], errors="ignore")
        rows = rows.merge(
            totals.drop_duplicates(["category", "market"]), on=["category", "market"], how="left"
        )
        for c in ("total_q50", "total_q90"):
            rows[c] = pd.to_numeric(rows[c], errors="coerce") / rows["_n"]
    for c in rows.columns:
        if _SCALED.match(str(c)):
            rows[c] = pd.to_numeric(rows[c], errors="coerce") / rows["_n"]
    rows = rows.assign(product_id=NICHE_PREFIX + rows["category"].astype(str), kind="niche", level="product_market",
                       model=rows["model"].astype(str) + " ÷ products")  # fmt: skip
    return rows.drop(columns="_n").reset_index(drop=True)


def history_rows(recent: pd.DataFrame, candidates: pd.DataFrame, have: set[tuple[str, str]],
                 weeks: int = 26) -> pd.DataFrame:  # fmt: skip
    """Weekly demand rows (kind ``history``) for candidate pairs without a forecast that sold in the last six
    months: the rate = units / days of those months; the spread of a week from the spread of the six monthly
    totals (sd_month × √(7 / mean days per month)), given as the 80 % interval's upper end.

    Args:
        recent: :func:`stage.inputs.read_recent_months` (product_id, market, month, units, cutoff).
        candidates: product_id, market (landed-cost pairs).
        have: pairs that already have a forecast.
    """
    if recent.empty or candidates.empty:
        return pd.DataFrame()
    cutoff = pd.Timestamp(recent["cutoff"].iloc[0])
    months = pd.date_range(cutoff - pd.DateOffset(months=6), periods=6, freq="MS")
    cand = candidates[["product_id", "market"]].drop_duplicates()
    cand = cand[[(p, m) not in have for p, m in zip(cand["product_id"], cand["market"], strict=True)]]
    r = recent.assign(month=pd.to_datetime(recent["month"])).merge(cand, on=["product_id", "market"])
    if r.empty:
        return pd.DataFrame()
    piv = r.pivot_table(
        index=["product_id", "market"], columns="month", values="units", aggfunc="sum", fill_value=0.0
    )
    piv = piv.reindex(columns=months, fill_value=0.0)
    piv = piv[piv.sum(axis=1) > 0]
    days = float((cutoff - months[0]).days)
    rate = piv.sum(axis=1) / days
    sd_week = piv.std(axis=1, ddof=1).fillna(0.0) * np.sqrt(7.0 / (days / 6.0))
    ds = pd.date_range(cutoff, periods=weeks, freq="7D")
    keys = piv.index.to_frame(index=False)
    out = keys.loc[keys.index.repeat(weeks)].reset_index(drop=True)
    out["ds"] = np.tile(ds, len(keys))
    point = np.repeat(rate.to_numpy() * 7.0, weeks)
    out["point"] = point
    out["hi_80"] = point + 1.2816 * np.repeat(sd_week.to_numpy(), weeks)
    return out.assign(kind="history", model="order_lines_6m", freq="W", level="product_market")


def unplanned_rows(
    candidates: pd.DataFrame, planned: set[tuple[str, str]], forecast_markets: pd.Series
) -> pd.DataFrame:
    """One ``inventory_plans`` row (kind ``none``, no figures) per candidate product × market without a plan,
    its notes saying why: the product is forecast in other markets only (new market without an analogue
    forecast), or nowhere (no sales history to forecast from).

    Args:
        candidates: product_id, market (the landed-cost pairs: every pair selection will rank).
        planned: the (product_id, market) pairs that have a plan.
        forecast_markets: product_id → sorted list of the markets it has a product forecast in.
    """
    cols = ["product_id", "market", "kind", "notes", "notes_en", "notes_zh"]
    if candidates.empty:
        return pd.DataFrame(columns=cols)
    c = candidates[["product_id", "market"]].drop_duplicates()
    keep = [(p, m) not in planned for p, m in zip(c["product_id"], c["market"], strict=True)]
    c = c[np.array(keep, dtype=bool)].reset_index(drop=True)
    notes = []
    for pid in c["product_id"]:
        markets = forecast_markets.get(pid)
        if markets:
            notes.append([{"code": "inventory.no_plan_new_market", "args": {"markets": ", ".join(markets)}}])
        else:
            notes.append([{"code": "inventory.no_plan_no_forecast", "args": {}}])
    return c.assign(kind="none", notes=[json.dumps(n) for n in notes], notes_en=[render(n, "en") for n in notes],
                    notes_zh=[render(n, "zh") for n in notes])[cols]  # fmt: skip
