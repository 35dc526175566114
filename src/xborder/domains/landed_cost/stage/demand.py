"""Sales-history look-ups of the landed-cost stage: expected demand per pair, consignment size, order size, home."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xborder.core.settings import Settings

__all__ = [
    "DEMAND_MODES",
    "expected_monthly_units",
    "consignment_units",
    "consignments",
    "order_size",
    "home_market",
]

DEMAND_MODES = ("sea_lcl", "air", "rail")
"""Modes whose consignment is sized by demand (express: parcels; FCL: a full container)."""


def expected_monthly_units(con: Any) -> pd.DataFrame:
    """Expected units per month per ``product_id, market`` with the ``demand_basis`` it rests on:

    ``forecast`` (the latest demand run's product x market expected units (mean, else point): the first 6
    months, or 26 weeks, / 6),
    else ``history`` (the pair's sold units in the 6 months before the last complete month ends / 6), else
    ``transfer`` (the product's units in all markets x the market's share of all units, same 6 months, / 6).
    """
    from xborder.warehouse.tables import latest_run_id

    hist = con.execute("""
        WITH lines AS (
            SELECT product_id, upper(country) AS market, quantity, ordered_at FROM order_lines
            WHERE status = 'sold' AND coalesce(is_product, TRUE) AND quantity > 0 AND product_id IS NOT NULL
              AND country IS NOT NULL),
        bounds AS (SELECT date_trunc('month', max(ordered_at)) AS last_month, max(ordered_at) AS last_at FROM lines),
        win AS (SELECT CASE WHEN day(last_at) >= 28 THEN last_month + INTERVAL 1 MONTH ELSE last_month END AS hi
                FROM bounds)
        SELECT product_id, market, sum(quantity) / 6.0 AS units
        FROM lines, win WHERE ordered_at >= hi - INTERVAL 6 MONTH AND ordered_at < hi GROUP BY ALL
    """).df()
    out = hist.assign(demand_basis="history")
    run = latest_run_id(con, "forecasts")
    if run is not None:
        fc = con.execute(
            """
            WITH f AS (SELECT product_id, upper(market) AS market, freq, coalesce(mean, point) AS expected,
                         row_number() OVER (PARTITION BY product_id, market ORDER BY ds) AS i
                       FROM forecasts WHERE run_id = ? AND level = 'product_market' AND product_id IS NOT NULL
                         AND market IS NOT NULL AND market <> 'ALL')
            SELECT product_id, market, sum(expected) / 6.0 AS units FROM f
            WHERE i <= CASE WHEN upper(freq) LIKE 'W%' THEN 26 ELSE 6 END GROUP BY ALL
            """,
            [run],
        ).df()
        if len(fc):
            fc = fc.assign(demand_basis="forecast")
            out = pd.concat([fc, out], ignore_index=True).drop_duplicates(["product_id", "market"])
    out.attrs["product_units"] = hist.groupby("product_id")["units"].sum()
    total = hist["units"].sum()
    out.attrs["market_share"] = (
        hist.groupby("market")["units"].sum() / total if total > 0 else pd.Series(dtype=float)
    )
    return out


def consignment_units(monthly_units: np.ndarray, months: float, moq: np.ndarray) -> np.ndarray:
    """Units per consignment: ceil(expected monthly units x replenishment months), at least the MOQ and 1."""
    need = np.ceil(np.nan_to_num(np.asarray(monthly_units, float), nan=0.0) * months)
    floor = np.nan_to_num(np.asarray(moq, float), nan=1.0)
    return np.maximum(np.maximum(need, floor), 1.0)


def consignments(grid: pd.DataFrame, demand: pd.DataFrame, months: float) -> tuple[np.ndarray, pd.Series]:
    """Per grid row the consignment units (NaN: the card's default) and the demand basis used."""
    d = grid[["product_id", "market"]].merge(demand, on=["product_id", "market"], how="left")
    basis = d["demand_basis"].astype(object)
    rate = d["units"].to_numpy(float)
    product_units = demand.attrs.get("product_units", pd.Series(dtype=float))
    share = demand.attrs.get("market_share", pd.Series(dtype=float))
    transfer = grid["product_id"].map(product_units).to_numpy(float) * grid["market"].map(share).to_numpy(
        float
    )
    use = ~np.isfinite(rate) & np.isfinite(transfer) & (transfer > 0)
    rate = np.where(use, transfer, rate)
    basis = basis.where(~use, "transfer").fillna("none")
    moq = (
        pd.to_numeric(grid["moq"], errors="coerce").to_numpy(float)
        if "moq" in grid
        else np.full(len(grid), np.nan)
    )
    units = consignment_units(rate, months, moq)
    unknown = ~np.isfinite(rate) & ~np.isfinite(moq)  # no demand and no MOQ: the card's default consignment
    basis = basis.where(~(unknown & (basis == "none")), "card_default")
    demand_mode = grid["mode"].isin(DEMAND_MODES).to_numpy()
    units = np.where(demand_mode & ~unknown, units, np.nan)
    basis = basis.where(demand_mode, "mode_default")
    return units, basis


def order_size(con: Any) -> tuple[float | None, int]:
    """(median units per sold order, orders): a business buyer's order is many units, a consumer's a few."""
    rows = con.execute("""
        SELECT median(u), count(*) FROM (
            SELECT order_id, sum(quantity) AS u FROM order_lines
            WHERE status = 'sold' AND coalesce(is_product, TRUE) AND quantity > 0 AND order_id IS NOT NULL
            GROUP BY order_id)
    """).fetchall()
    row = rows[0] if rows else (None, 0)
    return (None if row[0] is None else float(row[0])), int(row[1] or 0)


def home_market(settings: Settings, cand: pd.DataFrame) -> str | None:
    """The seller's home (where a card-processor account is): the settings', else most products' home market."""
    given = [m.strip().upper() for m in settings.home_markets.split(",") if m.strip()]
    if given:
        return given[0]
    homes = cand["home_market"].dropna() if "home_market" in cand else pd.Series(dtype=object)
    return str(homes.mode().iloc[0]) if len(homes) else None
