"""What a supplier quote must say (the cost ceiling of the margin gate) and the time to market of a pair,
checked against the landed-cost engine and the freight cards of the rule base."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.domains.landed_cost import ProductInput, landed_cost
from xborder.domains.selection.assessment import missing_messages
from xborder.domains.selection.quote import cost_ceiling, cost_slope, margin_gate_outlook
from xborder.domains.selection.timing import time_to_market, transit_days, transit_table, ttm_message
from xborder.reference import load_table

DATE = "2026-06-01"


def _line(unit_cost: float, market: str, price: float) -> pd.DataFrame:
    """One landed-cost answer (sea LCL, 100 units) of a boxed party decoration, as the landed-cost stage stores it."""
    product = ProductInput(
        unit_cost=unit_cost,
        cost_currency="EUR",
        category="party_seasonal",
        weight_kg=0.4,
        length_cm=20,
        width_cm=15,
        height_cm=10,
    )
    r = landed_cost(product, market, "sea_lcl", date=DATE, price=price, units=100)
    frame = pd.DataFrame([r.row])
    frame["cost_slope"] = cost_slope(frame)
    frame["margin_pct"] = 100.0 * frame["margin_pct"]
    return frame


def test_at_the_cost_ceiling_the_landed_cost_engine_gives_the_gate_margin() -> None:
    line = _line(3.0, "DE", 20.0)
    ceiling = float(cost_ceiling(line, 25.0).iloc[0])
    # the margin falls by more than the goods cost (duty and insurance grow with it)
    assert float(line["cost_slope"].iloc[0]) > 1.0
    assert ceiling > 3.0 and margin_gate_outlook(line, 25.0).iloc[0] == "passes"
    again = _line(ceiling, "DE", 20.0)
    assert float(again["margin_pct"].iloc[0]) == pytest.approx(25.0, abs=0.05)
    # a quote 10% above the ceiling fails the gate
    above = _line(1.1 * ceiling, "DE", 20.0)
    assert float(above["margin_pct"].iloc[0]) < 25.0 and margin_gate_outlook(above, 25.0).iloc[0] == "quote"


def test_no_unit_cost_passes_when_fees_and_freight_take_the_net_price() -> None:
    # a 2.39 EUR item through Amazon.fr (the market's default marketplace): the fulfilment fee alone exceeds it
    line = _line(0.84, "FR", 2.39)
    assert float(cost_ceiling(line, 25.0).iloc[0]) <= 0
    assert margin_gate_outlook(line, 25.0).iloc[0] == "no_cost"
    free = _line(0.0, "FR", 2.39)  # even free goods lose money
    assert float(free["margin_pct"].iloc[0]) < 0
    row = line.iloc[0].to_dict() | {
        "product_id": "uci:23203",
        "market": "FR",
        "margin_source": "estimate",
        "cost_ceiling": float(cost_ceiling(line, 25.0).iloc[0]),
        "unit_fees": float(line[["referral_fee", "fulfilment_fee", "other_fees"]].sum(axis=1).iloc[0]),
        "unit_freight": float(line["freight"].iloc[0]),
        "compliance_source": "assessed",
        "demand_source": "history",
        "voice_source": "product",
        "competition_source": "listings",
    }
    msgs = missing_messages(
        row,
        covered_markets={"FR"},
        analogue_products=0,
        costed_products=1,
        cost_share=0.35,
        min_margin_pct=25.0,
    )
    assert [m["code"] for m in msgs] == ["selection.missing.margin_no_unit_cost"]
    assert msgs[0]["args"]["fees"] == pytest.approx(row["unit_fees"]) and msgs[0]["args"]["gate"] == 25.0


def test_an_estimated_margin_says_the_highest_supplier_price_that_passes() -> None:
    line = _line(3.0, "DE", 20.0)
    row = line.iloc[0].to_dict() | {
        "product_id": "p",
        "market": "DE",
        "margin_source": "estimate",
        "cost_ceiling": float(cost_ceiling(line, 25.0).iloc[0]),
        "compliance_source": "assessed",
        "demand_source": "history",
        "voice_source": "product",
        "competition_source": "listings",
    }
    (msg,) = missing_messages(
        row,
        covered_markets={"DE"},
        analogue_products=0,
        costed_products=1,
        cost_share=0.35,
        min_margin_pct=25.0,
    )
    assert msg["code"] == "selection.missing.margin_estimate_ceiling"
    assert msg["args"]["ceiling"] == pytest.approx(row["cost_ceiling"]) and msg["args"][
        "cost"
    ] == pytest.approx(3.0)
    assert msg["args"]["command"] == "xborder ingest <supplier quotes file>"
    # a firm quote that passes needs no advice
    quoted = row | {"margin_source": "quote"}
    assert (
        missing_messages(
            quoted,
            covered_markets={"DE"},
            analogue_products=0,
            costed_products=1,
            cost_share=0.35,
            min_margin_pct=25.0,
        )
        == []
    )


def test_transit_days_come_from_the_freight_cards_with_their_fallbacks() -> None:
    cards = pd.concat([load_table("freight/rates"), load_table("freight/derived_rates")])
    table = transit_table(cards)
    lanes = pd.DataFrame(
        {
            "origin": ["CN", "CN", "VN", "CN"],
            "region": ["EU", "US", "EU", "AU"],
            "mode": ["sea_lcl", "air", "sea_lcl", "sea_fcl"],
        }
    )
    # FR-CN-EU-LCL says 28-50 days, FR-CN-US-AIR 5-10; VN has no lane of its own: the *-* LCL card (25-50);
    # no sea FCL card to AU gives a transit time
    assert transit_days(lanes, table).tolist()[:3] == [50.0, 10.0, 50.0]
    assert pd.isna(transit_days(lanes, table).iloc[3])


def test_time_to_market_runs_compliance_alongside_supply_and_transit() -> None:
    f = pd.DataFrame(
        {
            "transit_days": [50.0, 50.0, float("nan"), 10.0],
            "supply_days": [float("nan"), 30.0, float("nan"), float("nan")],
            "compliance_lead_days": [42.0, 42.0, 21.0, float("nan")],
            "compliance_known": [True, True, True, True],
            "ship_mode": ["sea_lcl", "sea_lcl", None, "air"],
            "compliance_lead_unknown": [0, 0, 0, 3],
        }
    )
    ttm = time_to_market(f)
    assert ttm.tolist() == [50.0, 80.0, 21.0, 10.0]
    msg = ttm_message(f.assign(time_to_market_days=ttm).iloc[3].to_dict())
    assert msg is not None and msg["args"]["days"] == 10.0
    codes = [p["code"] for p in msg["args"]["parts"]]
    assert codes == [
        "selection.ttm_transit",
        "selection.ttm_supply_unknown",
        "selection.ttm_compliance_unknown",
    ]
