"""Read what the selection engine needs from the warehouse: canonical tables and other stages' latest runs.

Every reader returns a frame (possibly empty); a table that is absent or empty simply makes its factors
*unavailable* in the score (their weight goes to the others and the explanation says so). The tables
other stages write are read by their declared columns (:mod:`xborder.warehouse.tables`) from their most
recent run; the readers note that run in ``runs`` (table → run id) so every factor can be traced. The
readers about money (landed costs, improvements, prices) are in :mod:`.inputs_money`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from xborder.warehouse.tables import latest_run_id, read_rows, table_exists

__all__ = [
    "InputRuns",
    "latest",
    "read_monthly_sales",
    "read_orders",
    "read_products",
    "read_listings",
    "read_rank_observations",
    "read_forecasts",
    "read_trends",
    "read_order_lines",
    "read_unsold_catalogue",
    "read_review_ratings",
    "expected_units_6m",
    "read_search_trends",
    "read_holdings",
    "read_last_observation",
]

InputRuns = dict[str, str | None]
"""Table name → the run its rows were read from (None: the table has no rows yet)."""


def latest(
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
        "coalesce(last.price, l.price) AS price, l.first_seen, last.rank, last.rank_category, l.title, "
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


def expected_units_6m(con: Any, runs: InputRuns | None = None, level: str = "product_market") -> pd.DataFrame:
    """THE expected units over the next 6 months, per series of ``level`` (product_market: ``product_id,
    market``; category_market: ``category, market``), from the latest demand run: ``forecast_6m`` and
    ``forecast_kind`` (forecast | analogue).

    Every 6-month expectation of the selection goes through this one function, so that when the demand
    engine changes what to add up it is switched here only: the sum of the forecast's ``mean`` (expected
    units; the point is the median, which under-counts intermittent series) over the first 6 months (26
    weeks), the point where an older run stored no mean.
    """
    return read_forecasts(con, runs, level=level)


def read_forecasts(
    con: Any, runs: InputRuns | None = None, horizon_months: int = 6, level: str = "product_market"
) -> pd.DataFrame:
    """Sum of the expected units (``mean``, else ``point``) over the first ``horizon_months`` months per product × market (or category ×
    market for ``level = 'category_market'``) (``forecast_6m``, with ``forecast_kind`` forecast | analogue),
    from the latest demand run."""
    key = "category" if level == "category_market" else "product_id"
    empty = pd.DataFrame(columns=[key, "market", "forecast_6m", "forecast_kind"])
    cols = ["unique_id", "freq", "product_id", "category", "market", "ds", "point", "mean", "kind"]
    # a revenue forecast (sales with revenue but no units) is money: the demand factor counts units
    f = latest(con, "forecasts", cols, f"level = '{level}' AND coalesce(target, 'units') = 'units'", runs)
    if f.empty:
        return empty
    if key == "category":
        parts = f["unique_id"].astype(str).str.split("|", n=1, expand=True)
        f = f.assign(
            product_id=f["category"].fillna(parts[0].str.removeprefix("cat:")),
            market=f["market"].fillna(parts[1] if parts.shape[1] > 1 else None),
        )
    elif f["product_id"].isna().all():
        f = _split_uid(f)
    f = f[f["market"].notna() & (f["market"] != "ALL")]
    f = f.assign(
        expected=pd.to_numeric(f["mean"], errors="coerce").fillna(pd.to_numeric(f["point"], errors="coerce"))
    )
    freq = f["freq"].astype(str).str.upper()
    f = f.assign(
        _h=np.where(freq.str.startswith("W"), round(horizon_months * 365.25 / 12 / 7), horizon_months),
        _k=f["kind"],
    )
    per = f.groupby(["product_id", "market", "ds"], as_index=False).agg(
        v=("expected", "mean"), h=("_h", "first"), k=("_k", "first")
    )
    per = per.sort_values("ds")
    per["i"] = per.groupby(["product_id", "market"]).cumcount()
    per = per[per["i"] < per["h"]]
    out = per.groupby(["product_id", "market"], as_index=False).agg(
        forecast_6m=("v", "sum"), forecast_kind=("k", "first")
    )
    out["market"] = out["market"].astype(str).str.upper()
    return out.rename(columns={"product_id": key})


def read_trends(con: Any, runs: InputRuns | None = None) -> pd.DataFrame:
    """Momentum per product × market in % from the latest ``trend_signals`` run: the ``growth_<k>`` signal
    closest to 3 months (growth_3 monthly, growth_13 weekly)."""
    empty = pd.DataFrame(columns=["product_id", "market", "trend_pct"])
    where = "signal LIKE 'growth_%' AND level = 'product_market'"
    t = latest(con, "trend_signals", ["unique_id", "freq", "signal", "value"], where, runs)
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


def read_order_lines(con: Any) -> pd.DataFrame:
    """Order lines in the shape the selection backtest takes (country as market)."""
    return con.execute(
        "SELECT product_id, upper(country) AS country, order_id, ordered_at, quantity, unit_price, status, "
        "coalesce(is_product, TRUE) AS is_product FROM order_lines "
        "WHERE product_id IS NOT NULL AND country IS NOT NULL AND length(country) = 2"
    ).df()


def read_unsold_catalogue(con: Any) -> list[str]:
    """Own catalogue products that never sold and are not marketplace listings but have a supplier quote (a
    product the seller can buy: new products to place). A product known only from reviews (a review corpus,
    a clothing-review category) has no sale, listing or quote, so it is never a candidate."""
    rows = con.execute(
        "SELECT p.product_id FROM products p WHERE coalesce(p.is_product, TRUE) "
        "AND EXISTS (SELECT 1 FROM supplier_offers q WHERE q.product_id = p.product_id) "
        "AND NOT EXISTS (SELECT 1 FROM order_lines o WHERE o.product_id = p.product_id AND o.status = 'sold') "
        "AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.product_id = p.product_id) "
        "AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.product_id = p.product_id) ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def read_search_trends(con: Any, runs: InputRuns | None = None) -> pd.DataFrame:
    """Search-interest momentum per keyword × market in % (``trend_signals`` at level ``search``, the growth
    signal closest to 3 months)."""
    empty = pd.DataFrame(columns=["keyword", "market", "search_momentum_pct"])
    where = "signal LIKE 'growth_%' AND level = 'search'"
    t = latest(con, "trend_signals", ["unique_id", "freq", "signal", "value"], where, runs)
    if t.empty:
        return empty
    parts = t["unique_id"].astype(str).str.removeprefix("search:").str.rsplit("|", n=1, expand=True)
    if parts.shape[1] < 2:
        return empty
    t = t.assign(keyword=parts[0], market=parts[1].str.upper())
    t = t.assign(k=pd.to_numeric(t["signal"].str.slice(7), errors="coerce")).dropna(subset=["k", "value"])
    target = t["freq"].astype(str).str.upper().map({"M": 3, "W": 13, "D": 91}).fillna(3)
    t = t.assign(pref=(t["k"] - target).abs()).sort_values(["pref", "k"])
    t = t.groupby(["keyword", "market"], as_index=False).first()
    return pd.DataFrame(
        {
            "keyword": t["keyword"],
            "market": t["market"],
            "search_momentum_pct": 100.0 * t["value"].astype(float),
        }
    )


def read_review_ratings(con: Any) -> pd.DataFrame:
    """Mean star rating and review count per market × category from ``reviews`` (for the rating gap when
    no listing carries a rating)."""
    return con.execute(
        "SELECT upper(r.market_code) AS market, coalesce(p.category, 'other') AS category, "
        "avg(r.rating) AS mean_rating, count(*) AS n_reviews FROM reviews r "
        "LEFT JOIN products p USING (product_id) WHERE r.rating IS NOT NULL AND r.market_code IS NOT NULL "
        "AND length(r.market_code) = 2 GROUP BY ALL HAVING count(*) >= 20"
    ).df()


_HOLDINGS = ("order_lines", "sales", "listings", "rank_snapshots", "products", "reviews", "search_trends")


def read_holdings(con: Any) -> dict[str, int]:
    """Row counts of the canonical tables a selection can start from (absent tables count 0)."""
    return {
        t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) if table_exists(con, t) else 0
        for t in _HOLDINGS
    }


def read_last_observation(con: Any) -> Any:
    """When the newest marketplace observation (rank snapshot, else listing first seen) was made, or None."""
    row = con.execute(
        "SELECT coalesce((SELECT max(observed_at) FROM rank_snapshots), (SELECT max(first_seen) FROM listings))"
    ).fetchone()
    return row[0] if row else None
