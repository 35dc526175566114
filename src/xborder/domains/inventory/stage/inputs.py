"""What the inventory stages read from the warehouse: forecasts, landed costs, quotes, stock snapshots, products."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from xborder.warehouse.tables import latest_run_id, read_rows, table_exists

__all__ = ["input_run", "read_forecasts", "read_landed_costs", "read_offers", "read_snapshots", "read_products",
           "read_last_sales", "read_deliveries", "read_category_forecasts", "read_recent_months",
           "read_forecast_totals", "read_category_totals", "read_daily_sales", "read_stockout_periods"]  # fmt: skip


def input_run(con: Any, table: str, run_id: str) -> str | None:
    """This run when it wrote ``table``, else the latest run that did (None: never)."""
    if not table_exists(con, table):
        return None
    if con.execute(f'SELECT 1 FROM "{table}" WHERE run_id = ? LIMIT 1', [run_id]).fetchone():
        return run_id
    return latest_run_id(con, table)


def _markets(markets: Sequence[str] | None, column: str) -> tuple[str | None, list[Any]]:
    if not markets:
        return None, []
    return f"{column} IN (SELECT unnest(?::VARCHAR[]))", [[m.upper() for m in markets]]


def read_forecasts(con: Any, run: str | None, markets: Sequence[str] | None) -> pd.DataFrame:
    """Product × market forecast rows of ``run`` (every declared column: new ones such as mean or quantiles too)."""
    if run is None:
        return pd.DataFrame()
    where, args = _markets(markets, "market")
    # a revenue forecast (sales without units) is money, not stock: plans need units
    cond = "level = 'product_market' AND product_id IS NOT NULL AND coalesce(target, 'units') = 'units'" + (
        f" AND {where}" if where else ""
    )
    return read_rows(con, "forecasts", run, where=cond, params=args)


def read_forecast_totals(con: Any, run: str | None) -> pd.DataFrame:
    """Per product × market of ``run`` its horizon total's q50, q90 and periods (``total_q50``, ``total_q90``,
    ``total_periods``): how the spread grows over the lead time (``forecasts._total_growth``)."""
    cols = ["product_id", "market", "total_q50", "total_q90", "total_periods"]
    if run is None or not table_exists(con, "forecast_totals"):
        return pd.DataFrame(columns=cols)
    t = read_rows(con, "forecast_totals", run, columns=["product_id", "market", "q50", "q90", "periods"],
                  where="level = 'product_market' AND product_id IS NOT NULL AND coalesce(target, 'units') = 'units'")  # fmt: skip
    return t.rename(columns={"q50": "total_q50", "q90": "total_q90", "periods": "total_periods"})[cols]


def read_category_totals(con: Any, run: str | None) -> pd.DataFrame:
    """Per category × market of ``run`` its horizon total's q50, q90 and periods (for niches, divided like the
    category forecast they come from)."""
    cols = ["category", "market", "total_q50", "total_q90", "total_periods"]
    if run is None or not table_exists(con, "forecast_totals"):
        return pd.DataFrame(columns=cols)
    t = read_rows(con, "forecast_totals", run, columns=["category", "market", "q50", "q90", "periods"],
                  where="level = 'category_market' AND category IS NOT NULL AND coalesce(target, 'units') = 'units'")  # fmt: skip
    return t.rename(columns={"q50": "total_q50", "q90": "total_q90", "periods": "total_periods"})[cols]


def read_landed_costs(con: Any, run: str | None, markets: Sequence[str] | None) -> pd.DataFrame:
    """Per product × market the cheapest shipping mode's landed cost (the replenishment route)."""
    if run is None:
        return pd.DataFrame(columns=["product_id", "market", "mode", "currency", "landed_cost", "as_of"])
    where, args = _markets(markets, "market")
    lc = read_rows(con, "landed_costs", run, where=where, params=args,
                   columns=["product_id", "market", "mode", "currency", "landed_cost", "as_of"])  # fmt: skip
    lc = lc[lc["landed_cost"].notna()].sort_values(["product_id", "market", "landed_cost", "mode"])
    return lc.drop_duplicates(["product_id", "market"]).reset_index(drop=True)


def read_offers(con: Any) -> pd.DataFrame:
    """Per product the latest quote (cheapest on its day): MOQ, production lead time, origin."""
    if not table_exists(con, "supplier_offers"):
        return pd.DataFrame(columns=["product_id", "moq", "offer_lead_time_days", "origin"])
    return con.execute(
        """SELECT product_id, moq, lead_time_days AS offer_lead_time_days, origin_country AS origin
           FROM supplier_offers WHERE product_id IS NOT NULL
           QUALIFY row_number() OVER (PARTITION BY product_id ORDER BY valid_from DESC NULLS LAST,
                                      unit_cost NULLS LAST, supplier_id) = 1"""
    ).df()


def read_snapshots(con: Any, markets: Sequence[str] | None) -> pd.DataFrame:
    """inventory_snapshots rows with a product_id: the row's ASIN, else the ASIN another row of the same
    marketplace gives the SKU (the daily inventory history names no ASIN)."""
    if not table_exists(con, "inventory_snapshots"):
        return pd.DataFrame()
    where, args = _markets(markets, "s.market_code")
    return con.execute(
        f"""WITH asin AS (SELECT market_code, sku, any_value(asin) AS asin FROM inventory_snapshots
                          WHERE asin IS NOT NULL AND sku IS NOT NULL GROUP BY ALL)
            SELECT s.*, 'amazon:' || coalesce(s.asin, a.asin) AS product_id
            FROM inventory_snapshots s LEFT JOIN asin a ON a.sku = s.sku
                 AND a.market_code IS NOT DISTINCT FROM s.market_code
            {"WHERE " + where if where else ""}""",
        args,
    ).df()


def read_products(con: Any, product_ids: Sequence[str]) -> pd.DataFrame:
    """product_id, category and package dimensions (cm) of the given products."""
    if not product_ids:
        return pd.DataFrame(columns=["product_id", "category", "length_cm", "width_cm", "height_cm"])
    return con.execute(
        "SELECT product_id, category, length_cm, width_cm, height_cm FROM products "
        "WHERE product_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(product_ids)],
    ).df()


def read_last_sales(con: Any, product_ids: Sequence[str]) -> pd.DataFrame:
    """Day of the last sold order line per product × buyer country (for days without sales)."""
    if not product_ids or not table_exists(con, "order_lines"):
        return pd.DataFrame(columns=["product_id", "market", "last_sale"])
    return con.execute(
        "SELECT product_id, upper(country) AS market, max(ordered_at)::DATE AS last_sale FROM order_lines "
        "WHERE status = 'sold' AND product_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL",
        [list(product_ids)],
    ).df()


def read_deliveries(con: Any) -> pd.DataFrame:
    """Delivery events with an order and a delivery day (supplier_events): for observed lead times."""
    if not table_exists(con, "supplier_events"):
        return pd.DataFrame()
    return read_rows(con, "supplier_events", columns=["supplier_id", "product_id", "event_type", "destination", "mode",
                                                      "ordered_on", "promised_on", "delivered_on"],
                     where="event_type = 'delivery' AND ordered_on IS NOT NULL AND delivered_on IS NOT NULL")  # fmt: skip


def read_category_forecasts(con: Any, run: str | None, markets: Sequence[str] | None) -> pd.DataFrame:
    """Category × market forecast rows of ``run`` in units (for niches: a new product of the category)."""
    if run is None:
        return pd.DataFrame()
    where, args = _markets(markets, "market")
    cond = "level = 'category_market' AND category IS NOT NULL AND coalesce(target, 'units') = 'units'" + (
        f" AND {where}" if where else ""
    )
    return read_rows(con, "forecasts", run, where=cond, params=args)


def read_recent_months(con: Any, months: int = 6) -> pd.DataFrame:
    """Units sold per product × buyer country × month in the ``months`` whole months before the cutoff — the
    month of the last sold order line, or the month after it when that line falls on its month's last day (a
    partial last month is left out, as selection's ``history`` demand does)."""
    if not table_exists(con, "order_lines"):
        return pd.DataFrame(columns=["product_id", "market", "month", "units", "cutoff"])
    return con.execute(
        f"""WITH c AS (SELECT CASE WHEN last_day(max(ordered_at)::DATE) = max(ordered_at)::DATE
                                   THEN date_trunc('month', max(ordered_at)) + INTERVAL 1 MONTH
                                   ELSE date_trunc('month', max(ordered_at)) END::DATE AS cutoff
                       FROM order_lines WHERE status = 'sold'),
                 l AS (SELECT product_id, upper(country) AS market, date_trunc('month', ordered_at)::DATE AS month,
                              sum(quantity) AS units
                       FROM order_lines WHERE status = 'sold' AND product_id IS NOT NULL AND country IS NOT NULL
                       GROUP BY ALL)
            SELECT l.*, c.cutoff FROM l, c
            WHERE l.month >= c.cutoff - INTERVAL {int(months)} MONTH AND l.month < c.cutoff"""
    ).df()


def read_daily_sales(con: Any, days: int) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """Units sold per product × buyer country × day over the ``days`` days up to the last sold day, each pair's
    first sold day ever, and that last day (None without order lines): the plans from own sales."""
    empty = pd.DataFrame(columns=["product_id", "market", "day", "units"])
    if not table_exists(con, "order_lines"):
        return empty, pd.DataFrame(columns=["product_id", "market", "first_sale"]), None
    end = con.execute("SELECT max(ordered_at)::DATE FROM order_lines WHERE status = 'sold'").fetchall()[0]
    if end[0] is None:
        return empty, pd.DataFrame(columns=["product_id", "market", "first_sale"]), None
    sold = "status = 'sold' AND product_id IS NOT NULL AND country IS NOT NULL"
    daily = con.execute(
        f"""SELECT product_id, upper(country) AS market, ordered_at::DATE AS day, sum(quantity) AS units
            FROM order_lines WHERE {sold} AND ordered_at::DATE > ?::DATE - {int(days)} GROUP BY ALL""",
        [end[0]],
    ).df()
    first = con.execute(
        f"SELECT product_id, upper(country) AS market, min(ordered_at)::DATE AS first_sale FROM order_lines "
        f"WHERE {sold} GROUP BY ALL"
    ).df()
    return daily, first, end[0]


def read_stockout_periods(con: Any) -> pd.DataFrame:
    """Periods without sellable stock in the whole market (``inventory_stockouts`` location *, latest run)."""
    cols = ["product_id", "market", "first_day", "last_day"]
    if not table_exists(con, "inventory_stockouts"):
        return pd.DataFrame(columns=cols)
    run = latest_run_id(con, "inventory_stockouts")
    if run is None:
        return pd.DataFrame(columns=cols)
    return read_rows(con, "inventory_stockouts", run, columns=cols,
                     where="location = '*' AND product_id IS NOT NULL")  # fmt: skip
