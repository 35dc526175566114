"""Customers' part of an opportunity dossier: who bought this product in this market, and what they are worth."""

from __future__ import annotations

from typing import Any

from xborder.domains.customers.rfm import SEGMENTS
from xborder.warehouse.dossier import Pair, Reader, Section

__all__ = ["SECTION", "build"]

_SEGMENT_FIELDS = ("segment", "customers", "share", "mean_p_alive", "mean_p_buy", "expected_value_per_customer",
                   "currency")  # fmt: skip


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """The product's buyers in the market (repurchase and returning rates, segment mix, expected value per
    buyer) and the market's customers per segment; a note code when there is nothing to show and why."""
    rows = reader.rows("customer_products", product_id=pair.product_id, market=pair.market)
    if not rows:
        models = reader.rows("customer_models")
        keyless = bool(models) and all(m.get("status") == "no_customer_keys" for m in models)
        code = "customers.dossier_no_keys" if keyless else "customers.dossier_no_buyers"
        return {"buyers": 0, "note": {"code": code, "args": {}}}
    row = max(rows, key=lambda r: r.get("buyers") or 0)  # one source × currency: the product's largest
    buyers = int(row.get("buyers") or 0)
    market = [
        {k: seg.get(k) for k in _SEGMENT_FIELDS}
        for seg in reader.rows("customer_segments", market=pair.market)
        if seg.get("source") == row.get("source") and seg.get("currency") == row.get("currency")
    ]
    return {
        "buyers": buyers,
        "repeat_buyers": row.get("repeat_buyers"),
        "repurchase_rate": row.get("repurchase_rate"),
        "returning_rate": row.get("returning_rate"),
        "mean_p_alive": row.get("mean_p_alive"),
        "mean_p_buy": row.get("mean_p_buy"),
        "expected_value_per_buyer": row.get("expected_value_per_buyer"),
        "currency": row.get("currency"),
        "horizon_days": row.get("horizon_days"),
        "segment_mix": [
            {
                "segment": s,
                "buyers": int(row.get(s) or 0),
                "share": (row.get(s) or 0) / buyers if buyers else None,
            }
            for s in SEGMENTS
        ],
        "market_segments": market,
    }


SECTION = Section("customers", build, tables=("customer_products", "customer_segments", "customer_models"))
