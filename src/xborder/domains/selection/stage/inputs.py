"""Read what the selection engine needs from the warehouse: canonical tables and other stages' latest runs.

Every reader returns a frame (possibly empty); a table that is absent or empty simply makes its factors
*unavailable* in the score (their weight goes to the others and the explanation says so). The tables
other stages write are read by their declared columns (:mod:`xborder.warehouse.tables`) from their most
recent run; the readers note that run in ``runs`` (table → run id) so every factor can be traced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from xborder.warehouse.tables import latest_run_id, read_rows

__all__ = [
    "InputRuns",
    "read_monthly_sales",
    "read_orders",
    "read_products",
    "read_listings",
    "read_rank_observations",
    "read_forecasts",
    "read_trends",
    "read_landed_costs",
    "read_compliance",
    "read_improvements",
    "read_order_lines",
    "read_unsold_catalogue",
    "read_review_ratings",
]

InputRuns = dict[str, str | None]
"""Table name → the run its rows were read from (None: the table has no rows yet)."""


def _latest(
    con: Any, table: str, columns: Sequence[str], where: str | None = None, runs: InputRuns | None = None
) -> pd.DataFrame:
    """``columns`` of ``table``'s rows from its most recent run (filtered by ``where``); notes the run in ``runs``."""
    run = latest_run_id(con, table)
    if runs is not None:
        runs[table] = run
    if run is None:
        return pd.DataFrame(columns=list(columns))
    return read_rows(con, table, run, where=where, columns=columns)


def read_monthly_sales(con: Any) -> pd.DataFrame:
    """Sold units and revenue per product × market × month from ``order_lines`` (+ actual monthly ``sales``)."""
    df = con.execute(
        "SELECT product_id, upper(country) AS market, date_trunc('month', ordered_at)::DATE AS month_start, "
        "sum(quantity) AS units, sum(quantity * coalesce(unit_price, 0)) AS revenue, max(ordered_at) AS last_at "
        "FROM order_lines WHERE status = 'sold' AND coalesce(is_product, TRUE) AND quantity > 0 "
        "AND product_id IS NOT NULL AND country IS NOT NULL AND length(country) = 2 GROUP BY ALL"
    ).df()
    sales = con.execute(
        "SELECT s.product_id, upper(coalesce(s.country, m.market_code)) AS market, "
        "date_trunc('month', s.period_start)::DATE AS month_start, sum(s.units) AS units, "
        "sum(coalesce(s.revenue, 0)) AS revenue, max(s.period_start)::TIMESTAMP AS last_at "
        "FROM sales s LEFT JOIN marketplaces m USING (marketplace_id) "
        "WHERE s.source = 'actual' AND s.product_id IS NOT NULL AND s.units > 0 GROUP BY ALL"
    ).df()
    df = pd.concat([d for d in (df, sales) if len(d)], ignore_index=True) if len(df) or len(sales) else df
    df = df[df["market"].notna()] if len(df) else df
    if len(df):
        df["month"] = pd.to_datetime(df["month_start"]).dt.to_period("M")
    return df


def read_orders(con: Any, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Order-level units (product_id, market, order_id, units) in [start, end)."""
    return con.execute(
        "SELECT product_id, upper(country) AS market, order_id, sum(quantity) AS units FROM order_lines "
        "WHERE status = 'sold' AND coalesce(is_product, TRUE) AND quantity > 0 AND product_id IS NOT NULL "
        "AND country IS NOT NULL AND ordered_at >= ? AND ordered_at < ? GROUP BY ALL",
        [start.to_pydatetime(), end.to_pydatetime()],
    ).df()


def read_products(con: Any) -> pd.DataFrame:
    """products with the columns selection uses."""
    cols = ["product_id", "title", "category", "weight_kg", "length_cm", "width_cm", "height_cm"]
    return read_rows(con, "products", columns=cols)


def read_listings(con: Any) -> pd.DataFrame:
    """Listings with market, category (listing's or product's), latest rank snapshot (rank, rating...)."""
    return con.execute(
        "WITH last AS (SELECT * FROM rank_snapshots QUALIFY row_number() OVER "
        "(PARTITION BY listing_id ORDER BY observed_at DESC) = 1) "
        "SELECT l.listing_id, l.product_id, l.marketplace_id, "
        "upper(coalesce(m.market_code, split_part(l.marketplace_id, '.', 2))) AS market, "
        "coalesce(p.category, l.category, 'other') AS category, "
        "coalesce(l.seller, p.brand, l.listing_id) AS seller, coalesce(l.own, FALSE) AS own, "
        "coalesce(last.price, l.price) AS price, l.first_seen, last.rank, last.rank_category, "
        "last.rating, last.rating_count, last.offers, last.monthly_sold "
        "FROM listings l LEFT JOIN marketplaces m USING (marketplace_id) "
        "LEFT JOIN products p ON p.product_id = l.product_id LEFT JOIN last ON last.listing_id = l.listing_id"
    ).df()


def read_rank_observations(con: Any) -> pd.DataFrame:
    """Rank snapshots with a known monthly-sold figure, for calibrating rank → sales curves."""
    return con.execute(
        "SELECT coalesce(l.marketplace_id, split_part(r.listing_id, ':', 1)) AS marketplace_id, "
        "coalesce(r.rank_category, '*') AS rank_category, r.rank, r.monthly_sold AS units "
        "FROM rank_snapshots r LEFT JOIN listings l USING (listing_id) "
        "WHERE r.monthly_sold IS NOT NULL AND r.rank IS NOT NULL"
    ).df()


def _split_uid(df: pd.DataFrame) -> pd.DataFrame:
    parts = df["unique_id"].astype(str).str.split("|", n=1, expand=True)
    df = df.assign(product_id=parts[0], market=parts[1] if parts.shape[1] > 1 else None)
    return df[
        df["market"].notna() & (df["market"] != "ALL") & ~df["product_id"].str.startswith(("cat:", "total"))
    ]


def read_forecasts(con: Any, runs: InputRuns | None = None, horizon_months: int = 6) -> pd.DataFrame:
    """Sum of the point forecast over the first ``horizon_months`` months per product × market
    (``forecast_6m``, with ``forecast_kind`` forecast | analogue), from the latest demand run."""
    empty = pd.DataFrame(columns=["product_id", "market", "forecast_6m", "forecast_kind"])
    cols = ["unique_id", "freq", "product_id", "market", "ds", "point", "kind"]
    f = _latest(con, "forecasts", cols, "level = 'product_market'", runs)
    if f.empty:
        return empty
    if f["product_id"].isna().all():
        f = _split_uid(f)
    f = f[f["market"].notna() & (f["market"] != "ALL")]
    freq = f["freq"].astype(str).str.upper()
    f = f.assign(
        _h=np.where(freq.str.startswith("W"), round(horizon_months * 365.25 / 12 / 7), horizon_months),
        _k=f["kind"],
    )
    per = f.groupby(["product_id", "market", "ds"], as_index=False).agg(
        v=("point", "mean"), h=("_h", "first"), k=("_k", "first")
    )
    per = per.sort_values("ds")
    per["i"] = per.groupby(["product_id", "market"]).cumcount()
    per = per[per["i"] < per["h"]]
    out = per.groupby(["product_id", "market"], as_index=False).agg(
        forecast_6m=("v", "sum"), forecast_kind=("k", "first")
    )
    out["market"] = out["market"].astype(str).str.upper()
    return out


def read_trends(con: Any, runs: InputRuns | None = None) -> pd.DataFrame:
    """Momentum per product × market in % from the latest ``trend_signals`` run: the ``growth_<k>`` signal
    closest to 3 months (growth_3 monthly, growth_13 weekly)."""
    empty = pd.DataFrame(columns=["product_id", "market", "trend_pct"])
    where = "signal LIKE 'growth_%' AND level = 'product_market'"
    t = _latest(con, "trend_signals", ["unique_id", "freq", "signal", "value"], where, runs)
    if t.empty:
        return empty
    t = _split_uid(t)
    t = t.assign(k=pd.to_numeric(t["signal"].str.slice(7), errors="coerce")).dropna(subset=["k", "value"])
    # the signal closest to "last 3 months vs the 3 before": growth_3 (M), growth_13 (W), growth_91 (D)
    freq = t["freq"].astype(str).str.upper()
    target = freq.map({"M": 3, "W": 13, "D": 91}).fillna(3)
    t = t.assign(pref=(t["k"] - target).abs()).sort_values(["pref", "k"])
    t = t.groupby(["product_id", "market"], as_index=False).first()
    return pd.DataFrame(
        {"product_id": t["product_id"], "market": t["market"].str.upper(), "trend_pct": 100.0 * t["value"]}
    )


def read_landed_costs(con: Any, runs: InputRuns | None = None) -> pd.DataFrame:
    """Margin (% of net revenue) and landed cost per unit per product × market from ``landed_costs``;
    with several shipping modes, the mode with the best margin is kept (``ship_mode``)."""
    empty = pd.DataFrame(columns=["product_id", "market", "margin_pct"])
    cols = ["product_id", "market", "margin_pct", "landed_cost", "currency", "mode", "price"]
    lc = _latest(con, "landed_costs", cols, runs=runs)
    if lc.empty:
        return empty
    lc = lc.dropna(subset=["margin_pct"]).sort_values("margin_pct", ascending=False)
    lc = lc.groupby(["product_id", "market"], as_index=False).first()
    return pd.DataFrame(
        {
            "product_id": lc["product_id"],
            "market": lc["market"].astype(str).str.upper(),
            "margin_pct": 100.0 * lc["margin_pct"].astype(float),
            "landed_cost": lc["landed_cost"].to_numpy(),
            "currency": lc["currency"].to_numpy(),
            "ship_mode": lc["mode"].to_numpy(),
            "market_price": lc["price"].to_numpy(),
        }
    )


_MARKS = re.compile(
    r"\b(UKCA|CE|EN \d+|UN 38\.3|REACH|RoHS|WEEE|GPSR|GPSD|CPSIA|CPC|FCC|PSE|KC|CCC|BIS|CPNP|EPREL|"
    r"LUCID|INMETRO|ANATEL|SASO|SABER|UKNI|PSTI|TSCA|Prop 65|FDA|IC|RCM|NOM)\b"
)
_NAMED = {
    "General Product Safety Regulation": "GPSR",
    "General Product Safety Directive": "GPSD",
    "Packaging and Packaging Waste Regulation": "PPWR",
}


def _short_name(text: object) -> str:
    """A requirement's short name: the marks it names ("CE", "EN 71", "UK REACH"), else its text up to the
    first ':', '(' or ',' (at most 28 characters)."""
    t = str(text or "").strip()
    head = t.split(":")[0]
    for long, short in _NAMED.items():
        if head.startswith(long):
            return short
    marks = list(dict.fromkeys(_MARKS.findall(head)))
    if marks:
        return ("UK " if head.startswith("UK ") and marks[0] == "REACH" else "") + "/".join(marks[:2])
    for sep in (":", "(", ",", ";"):
        t = t.split(sep)[0].strip()
    return t if len(t) <= 28 else t[:27].rstrip() + "…"


def read_compliance(con: Any, runs: InputRuns | None = None) -> pd.DataFrame:
    """Mandatory compliance items per product × market: count, short names, cost and time to market.

    Uses ``compliance_summary`` (critical-path time to market, summed cost) of the latest compliance run,
    and ``compliance_checks`` for the names (and as the fallback: count, summed cost_max, longest lead).
    """
    empty = pd.DataFrame(columns=["product_id", "market", "compliance_items"])
    cols = ["product_id", "market", "mandatory", "requirement", "cost_max", "lead_time_days_max", "currency"]
    cc = _latest(con, "compliance_checks", cols, runs=runs)
    if cc.empty:
        return empty
    cc = cc[cc["mandatory"].fillna(False).astype(bool)]
    cc = cc.assign(market=cc["market"].astype(str).str.upper())
    g = cc.groupby(["product_id", "market"])
    out = g.size().rename("compliance_items").to_frame()
    out["compliance_names"] = g["requirement"].agg(
        lambda s: ", ".join(sorted({_short_name(x) for x in s.dropna()})[:3])
    )
    out["compliance_cost"] = g["cost_max"].sum(min_count=1)
    out["compliance_lead_days"] = g["lead_time_days_max"].max()
    out["compliance_currency"] = g["currency"].first()
    out = out.reset_index()
    scols = [
        "product_id",
        "market",
        "n_mandatory",
        "time_to_market_days_max",
        "cost_max",
        "n_lead_time_unknown",
    ]
    sm = _latest(con, "compliance_summary", scols, runs=runs)
    if len(sm):
        # every lead time unknown: the time to market is unknown, not 0
        all_unknown = sm["n_lead_time_unknown"].fillna(0) >= sm["n_mandatory"].fillna(0)
        sm.loc[all_unknown & (sm["n_mandatory"] > 0), "time_to_market_days_max"] = np.nan
        sm = sm.assign(market=sm["market"].astype(str).str.upper())[scols[:5]]
        out = out.merge(sm.astype({"n_mandatory": float}), on=["product_id", "market"], how="outer")
        out["compliance_items"] = out["n_mandatory"].combine_first(out["compliance_items"])
        out["compliance_lead_days"] = out["time_to_market_days_max"].combine_first(
            out["compliance_lead_days"]
        )
        out["compliance_cost"] = out["cost_max"].combine_first(out["compliance_cost"])
        out = out.drop(columns=["n_mandatory", "time_to_market_days_max", "cost_max"])
    return out


def read_improvements(con: Any, runs: InputRuns | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customer-opportunity score (sum of ``opportunity_score``) per product × market and per category ×
    market from ``improvement_opportunities``; market ``*`` when the reviews' market is unknown (ZZ)."""
    empty = pd.DataFrame(columns=["product_id", "market", "improvement_score"])
    empty_c = pd.DataFrame(columns=["category", "market", "improvement_score"])
    io = _latest(con, "improvement_opportunities", ["product_id", "market", "opportunity_score"], runs=runs)
    if io.empty:
        return empty, empty_c
    mk = io["market"].astype(str).str.upper()
    io = io.assign(
        market=mk.where(~mk.isin(["ZZ", "", "NONE", "NAN"]), "*"), v=io["opportunity_score"].astype(float)
    )
    is_cat = io["product_id"].astype(str).str.startswith("cat:")
    prod = io[~is_cat].groupby(["product_id", "market"], as_index=False).agg(improvement_score=("v", "sum"))
    cats = io[is_cat].assign(category=io.loc[is_cat, "product_id"].astype(str).str.slice(4))
    cat = cats.groupby(["category", "market"], as_index=False).agg(improvement_score=("v", "sum"))
    return prod, cat


def read_order_lines(con: Any) -> pd.DataFrame:
    """Order lines in the shape the selection backtest takes (country as market)."""
    return con.execute(
        "SELECT product_id, upper(country) AS country, order_id, ordered_at, quantity, unit_price, status, "
        "coalesce(is_product, TRUE) AS is_product FROM order_lines "
        "WHERE product_id IS NOT NULL AND country IS NOT NULL AND length(country) = 2"
    ).df()


def read_unsold_catalogue(con: Any) -> list[str]:
    """Own catalogue products that never sold and are not marketplace listings (new products to place)."""
    rows = con.execute(
        "SELECT p.product_id FROM products p WHERE coalesce(p.is_product, TRUE) "
        "AND NOT EXISTS (SELECT 1 FROM order_lines o WHERE o.product_id = p.product_id AND o.status = 'sold') "
        "AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.product_id = p.product_id) "
        "AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.product_id = p.product_id) ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def read_review_ratings(con: Any) -> pd.DataFrame:
    """Mean star rating and review count per market × category from ``reviews`` (for the rating gap when
    no listing carries a rating)."""
    return con.execute(
        "SELECT upper(r.market_code) AS market, coalesce(p.category, 'other') AS category, "
        "avg(r.rating) AS mean_rating, count(*) AS n_reviews FROM reviews r "
        "LEFT JOIN products p USING (product_id) WHERE r.rating IS NOT NULL AND r.market_code IS NOT NULL "
        "AND length(r.market_code) = 2 GROUP BY ALL HAVING count(*) >= 20"
    ).df()
