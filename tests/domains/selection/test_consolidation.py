"""Combined freight: picks to one market by one mode share the shipment's minimum and fixed charges."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.core.settings import Settings
from xborder.domains.selection.consolidation import combined_freight, consolidate_picks
from xborder.domains.selection.profiles import load_profile, resolve


def _picks() -> pd.DataFrame:
    # sea LCL card: 90 a cbm, minimum 90 (1 cbm), 50 of fixed charges a shipment; alone each pays the minimum
    return pd.DataFrame(
        {
            "product_id": ["a", "b", "c", "d"],
            "market": ["DE", "DE", "FR", "DE"],
            "ship_mode": ["sea_lcl", "sea_lcl", "sea_lcl", "air"],
            "consignment_units": [8.0, 20.0, 8.0, 10.0],
            "unit_freight": [140 / 8, 140 / 20, 140 / 8, 6.0],
            "freight_basis": ["cbm", "cbm", "cbm", "kg"],
            "freight_qty": [0.2, 0.3, 0.2, 12.0],
            "freight_rate": [90.0, 90.0, 90.0, 4.0],
            "freight_min_charge": [90.0, 90.0, 90.0, 60.0],
            "freight_fixed": [50.0, 50.0, 50.0, 0.0],
        }
    )


def test_a_shared_shipment_splits_the_minimum_and_fixed_charges_by_chargeable_volume() -> None:
    out = combined_freight(_picks())
    # DE by sea: 0.2 + 0.3 = 0.5 cbm -> max(90 x 0.5, 90) + 50 = 140; a pays 140 x 0.4 / 8 units, b 140 x 0.6 / 20
    assert out.loc[0, "combined_freight"] == pytest.approx(7.0)
    assert out.loc[1, "combined_freight"] == pytest.approx(4.2)
    assert out.loc[0, "shipment_products"] == 2 and out.loc[0, "shipment_units"] == 28.0
    assert out.loc[0, "shipment_qty"] == pytest.approx(0.5)
    # FR and DE by air ship alone: their own freight stays
    assert out.loc[2, "combined_freight"] == pytest.approx(17.5) and out.loc[2, "shipment_products"] == 1
    assert out.loc[3, "combined_freight"] == pytest.approx(6.0)
    # the shipment's cost is the sum of what the picks pay
    assert 8 * out.loc[0, "combined_freight"] + 20 * out.loc[1, "combined_freight"] == pytest.approx(140.0)


def test_above_the_minimum_only_the_fixed_charges_are_shared() -> None:
    p = _picks().iloc[:2].copy()
    p["freight_qty"] = [1.5, 2.5]  # 4 cbm: 360 > the minimum; alone 135 + 50 and 225 + 50
    p["unit_freight"] = [185 / 8, 275 / 20]
    out = combined_freight(p)
    assert out["combined_freight"].tolist() == pytest.approx([410 * 1.5 / 4 / 8, 410 * 2.5 / 4 / 20])


def test_the_picks_margins_follow_the_combined_freight() -> None:
    cand = (
        _picks()
        .iloc[:2]
        .assign(
            category=["home_kitchen", "party_seasonal"],
            demand_basis="history",
            demand_6m=[16.0, 40.0],
            unit_margin=[-5.0, 1.0],
            net_revenue=[10.0, 10.0],
            margin_pct=[-50.0, 10.0],
            cost_slope=[1.1, 1.0],
            market_price=[12.0, 12.0],
            market_price_profit=[10.0, 10.0],
            unit_margin_profit=[-5.0 * 10 / 12, 1.0 * 10 / 12],
            unit_cost_estimated=False,
            compliance_known=True,
            sold_before=True,
        )
    )
    prof = resolve(load_profile("balanced"), Settings())
    sl, upd, info = consolidate_picks(cand, prof, frozenset({"GB"}), launch_cost=0.0, top=50)
    # a saves 17.5 - 7.0 = 10.5 a unit, times its cost slope 1.1; b saves 7.0 - 4.2 = 2.8
    assert upd.loc[0, "unit_margin"] == pytest.approx(-5.0 + 10.5 * 1.1)
    assert upd.loc[1, "unit_margin"] == pytest.approx(1.0 + 2.8)
    assert upd.loc[0, "margin_pct"] == pytest.approx(100 * (-5.0 + 11.55) / 10.0)
    assert upd.loc[1, "gross_profit_6m"] == pytest.approx(40.0 * 3.8 * 10 / 12)
    assert info.picks == 2 and info.combined == 2
    assert info.shipments == [
        {"market": "DE", "mode": "sea_lcl", "products": 2, "units": 28.0, "chargeable": 0.5, "basis": "cbm"}
    ]
    assert set(sl.frame["product_id"]) == {"a", "b"}
