"""Selection inputs about money: landed costs (margin, the lines a quote is judged by, freight terms),
customer-improvement scores, priced products and the profit currency.

Split from :mod:`xborder.domains.selection.stage.inputs`, which re-exports every reader here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.domains.selection.quote import cost_slope
from xborder.domains.selection.stage.inputs import InputRuns, latest
from xborder.warehouse.tables import latest_run_id

__all__ = [
    "read_landed_costs",
    "read_landed_markets",
    "read_improvements",
    "read_priced_products",
    "read_profit_currency",
]


_COST_LINES = (
    "goods_cost",
    "freight",
    "insurance",
    "duty",
    "additional_duty",
    "import_tax_cost",
    "referral_fee",
    "fulfilment_fee",
    "other_fees",
    "net_revenue",
)
"""The per-unit lines of a landed cost the cost ceiling needs (:mod:`xborder.domains.selection.quote`)."""


_FREIGHT_TERMS = (
    "channel",
    "freight_basis",
    "freight_qty",
    "freight_rate",
    "freight_min_charge",
    "freight_fixed",
)
"""The sales channel and the freight card terms a combined shipment is rebuilt from
(:mod:`xborder.domains.selection.consolidation`)."""


def read_landed_costs(con: Any, runs: InputRuns | None = None) -> pd.DataFrame:
    """Margin (% of net revenue) and landed cost per unit per product × market from ``landed_costs``;
    with several shipping modes, the mode with the best margin is kept (``ship_mode``). Also the lines a supplier
    quote is judged by: ``goods_cost``, ``net_revenue``, ``cost_slope``, ``unit_fees`` (referral, fulfilment and
    other fees) and ``unit_freight``, per unit in the landed-cost currency."""
    empty = pd.DataFrame(columns=["product_id", "market", "margin_pct"])
    cols = [
        "product_id",
        "market",
        "margin_pct",
        "landed_cost",
        "currency",
        "mode",
        "price",
        "unit_margin",
        "unit_cost_estimated",
        "units",
        *_COST_LINES,
        *_FREIGHT_TERMS,
    ]
    lc = latest(con, "landed_costs", cols, runs=runs)
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
            "unit_margin": lc["unit_margin"].to_numpy(dtype=float),
            "unit_cost_estimated": lc["unit_cost_estimated"].astype("boolean").to_numpy(),
            "consignment_units": lc["units"].to_numpy(dtype=float),
            "goods_cost": lc["goods_cost"].to_numpy(dtype=float),
            "net_revenue": lc["net_revenue"].to_numpy(dtype=float),
            "cost_slope": cost_slope(lc).to_numpy(dtype=float),
            "unit_fees": lc[["referral_fee", "fulfilment_fee", "other_fees"]]
            .astype(float)
            .sum(axis=1)
            .to_numpy(),
            "unit_freight": lc["freight"].to_numpy(dtype=float),
            **{c: lc[c].to_numpy() for c in _FREIGHT_TERMS},
        }
    )


def read_landed_markets(con: Any, runs: InputRuns | None = None) -> set[str]:
    """Markets the latest landed-cost run covered."""
    run = (runs or {}).get("landed_costs") or latest_run_id(con, "landed_costs")
    if run is None:
        return set()
    rows = con.execute("SELECT DISTINCT upper(market) FROM landed_costs WHERE run_id = ?", [run]).fetchall()
    return {r[0] for r in rows}


def read_improvements(con: Any, runs: InputRuns | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customer-opportunity score (sum of ``opportunity_score``) per product × market and per category ×
    market from ``improvement_opportunities``; market ``*`` when the reviews' market is unknown (ZZ)."""
    empty = pd.DataFrame(columns=["product_id", "market", "improvement_score"])
    empty_c = pd.DataFrame(columns=["category", "market", "improvement_score"])
    io = latest(con, "improvement_opportunities", ["product_id", "market", "opportunity_score"], runs=runs)
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


def read_priced_products(con: Any) -> set[str]:
    """Products with a supplier quote or an observed selling price (sold order lines with a price)."""
    rows = con.execute(
        "SELECT DISTINCT product_id FROM supplier_offers WHERE product_id IS NOT NULL AND unit_cost >= 0 UNION "
        "SELECT DISTINCT product_id FROM order_lines WHERE status = 'sold' AND unit_price > 0 AND product_id IS NOT NULL"
    ).fetchall()
    return {r[0] for r in rows}


def read_profit_currency(con: Any) -> str | None:
    """The currency of most of the seller's sales revenue (order lines), the profit currency."""
    row = con.execute(
        "SELECT currency FROM order_lines WHERE status = 'sold' AND currency IS NOT NULL "
        "GROUP BY 1 ORDER BY sum(quantity * coalesce(unit_price, 0)) DESC LIMIT 1"
    ).fetchone()
    return str(row[0]).upper() if row else None
