"""The warehouse side of the time to market: origins, quoted lead times and the freight cards' transit times."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.domains.selection.timing import transit_days, transit_table
from xborder.warehouse.tables import read_rows, table_exists

__all__ = ["pair_timing", "read_origins", "read_supply_days"]


def read_origins(con: Any) -> dict[str, str]:
    """Country of origin per product (``products.origin_country``), where known."""
    p = read_rows(con, "products", columns=["product_id", "origin_country"]).dropna()
    return dict(zip(p["product_id"], p["origin_country"].astype(str).str.upper(), strict=True))


def read_supply_days(con: Any) -> dict[str, float]:
    """The latest supplier quote's production lead time (days) per product, where quoted."""
    if not table_exists(con, "supplier_offers"):
        return {}
    rows = con.execute("""
        SELECT product_id, lead_time_days FROM (
            SELECT product_id, lead_time_days,
                   row_number() OVER (PARTITION BY product_id ORDER BY valid_from DESC NULLS LAST) AS rn
            FROM supplier_offers WHERE lead_time_days IS NOT NULL AND product_id IS NOT NULL
        ) WHERE rn = 1
    """).fetchall()
    return {str(p): float(d) for p, d in rows}


def pair_timing(con: Any, pairs: pd.DataFrame, default_origin: str) -> pd.DataFrame:
    """``transit_days`` (freight card of the pair's shipping mode) and ``supply_days`` (the latest quote's lead
    time) per pair, for the time to market (:mod:`xborder.domains.selection.timing`)."""
    try:
        from xborder.reference import load_table

        cards = pd.concat([load_table("freight/rates"), load_table("freight/derived_rates")])
        regions = load_table("markets").set_index("market_code")["freight_region"].to_dict()
    except Exception:
        return pairs
    origin = read_origins(con)
    mode = pairs["ship_mode"] if "ship_mode" in pairs else pd.Series(None, index=pairs.index, dtype=object)
    lanes = pd.DataFrame(
        {
            "origin": pairs["product_id"].map(origin).fillna(default_origin).to_numpy(),
            "region": pairs["market"].map(regions).to_numpy(),
            "mode": mode.to_numpy(),
        },
        index=pairs.index,
    )
    pairs["transit_days"] = transit_days(lanes, transit_table(cards))
    pairs["supply_days"] = pairs["product_id"].map(read_supply_days(con))
    return pairs
