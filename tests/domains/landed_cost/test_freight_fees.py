"""Chargeable weight, W/M, container fill, minimums per unit; Amazon referral bands and FBA fees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.landed_cost.fees import fba_fees, referral_fee
from xborder.domains.landed_cost.freight import chargeable_weight_kg, freight_per_unit
from xborder.domains.landed_cost.rules import rule_book


def _freight(
    basis: int,
    units: float,
    kg: float,
    cm3: float,
    *,
    rate: float,
    minimum: float = 0.0,
    divisor: float = 6000.0,
    charges: float = 0.0,
    half: bool = False,
) -> tuple[float, float]:
    cost, qty = freight_per_unit(
        basis=np.array([basis]),
        rate=np.array([rate]),
        min_charge=np.array([minimum]),
        divisor=np.array([divisor]),
        container_cbm=np.array([58.0]),
        container_max_kg=np.array([26000.0]),
        shipment_charges=np.array([charges]),
        units=np.array([units]),
        weight_kg=np.array([kg]),
        volume_cm3=np.array([cm3]),
        round_half_kg=np.array([half]),
    )
    return float(cost[0]), float(qty[0])


@pytest.mark.parametrize(
    ("case", "kg", "dims", "divisor", "expected"),
    [
        ("bulky pillow: volumetric wins", 2.0, (50, 40, 30), 6000, 10.0),  # 60000/6000 = 10 kg > 2 kg
        ("dense tool: actual wins", 5.0, (20, 20, 20), 6000, 5.0),  # 8000/6000 = 1.33 kg < 5 kg
        ("express divisor 5000", 1.0, (50, 40, 30), 5000, 12.0),
    ],
)
def test_chargeable_weight_is_the_larger_of_actual_and_volumetric(case, kg, dims, divisor, expected) -> None:
    assert chargeable_weight_kg(kg, *dims, divisor) == pytest.approx(expected), case


def test_air_freight_bills_chargeable_weight_and_allocates_the_minimum_per_unit() -> None:
    # 10 pillows of 2 kg in 50x40x30 cm: 10 x 10 kg chargeable x USD 6.5 = 650 -> 65 per unit
    assert _freight(0, 10, 2.0, 50 * 40 * 30, rate=6.5, minimum=16) == pytest.approx((65.0, 100.0))
    # one 100 g item: 0.65 by weight, but the USD 16 minimum charge applies to the shipment
    assert _freight(0, 1, 0.1, 10 * 10 * 10, rate=6.5, minimum=16)[0] == pytest.approx(16.0)
    # 4 units share that minimum
    assert _freight(0, 4, 0.1, 10 * 10 * 10, rate=6.5, minimum=16)[0] == pytest.approx(4.0)


def test_express_rounds_up_to_the_next_half_kilo() -> None:
    cost, qty = _freight(0, 1, 0.62, 1000, rate=12, divisor=5000, half=True)
    assert qty == 1.0 and cost == pytest.approx(12.0)


def test_lcl_weight_or_measure_and_fcl_container_count() -> None:
    # 100 units of 12 kg, 0.01 cbm each: 1 cbm but 1.2 t -> 1.2 revenue tons x USD 100 = 120 (+ 300 charges)
    cost, qty = _freight(1, 100, 12.0, 10_000, rate=100, minimum=100, charges=300)
    assert qty == pytest.approx(1.2) and cost == pytest.approx((120 + 300) / 100)
    # 3000 units of 0.03 cbm = 90 cbm -> 2 containers of 58 cbm at USD 4000 (+ 150 charges each)
    cost, qty = _freight(2, 3000, 1.0, 30_000, rate=4000, charges=150)
    assert qty == 2 and cost == pytest.approx(2 * 4150 / 3000)


def test_amazon_us_referral_bands_whole_portion_and_minimum() -> None:
    b = rule_book("2026-03-01")

    def fee(category: str, price: float) -> float:
        rows = b.referral_bands("amazon.US", category)
        lo = pd.to_numeric(rows["price_from"]).to_numpy()[None, :]
        hi = pd.to_numeric(rows["price_to"].replace("", np.inf)).to_numpy()[None, :]
        rate = pd.to_numeric(rows["rate"]).to_numpy()[None, :]
        portion = (rows["applies"] == "portion").to_numpy()[None, :]
        return float(
            referral_fee(np.array([price]), lo, hi, rate, portion, float(rows["min_fee"].iloc[0]))[0]
        )

    assert fee("apparel", 12.0) == pytest.approx(0.60)  # 5% up to $15
    assert fee("apparel", 18.0) == pytest.approx(1.80)  # 10% for $15-20
    assert fee("apparel", 30.0) == pytest.approx(5.10)  # 17% above $20
    assert fee("furniture", 300.0) == pytest.approx(0.15 * 200 + 0.10 * 100)  # 15% to $200, 10% of the rest
    assert fee("beauty_personal_care", 9.0) == pytest.approx(0.72)  # 8% when the total is <= $10
    assert fee("toys_games", 1.0) == pytest.approx(0.30)  # per-item minimum


@pytest.mark.parametrize(
    ("date", "dims", "kg", "tier", "fee"),
    [
        ("2025-06-01", (38, 30, 1.2), 3 / 16 / 2.2046226218, "small_standard", 3.15),  # 3 oz: 2-4 oz band
        ("2026-02-01", (38, 30, 1.2), 3 / 16 / 2.2046226218, "small_standard", 3.40),  # 2026: +$0.25
        (
            "2025-06-01",
            (30, 20, 10),
            4 / 2.2046226218,
            "large_standard",
            6.92 + 4 * 0.08,
        ),  # 4 lb: 3 lb + 4 x 4 oz
    ],
)
def test_fba_size_tier_and_fee(date, dims, kg, tier, fee) -> None:
    b = rule_book(date)
    fees, tiers, rules = fba_fees(
        b.tiers[b.tiers["fee_table"] == "amazon.US"],
        b.fba[b.fba["fee_table"] == "amazon.US"],
        [dims[0]],
        [dims[1]],
        [dims[2]],
        [kg],
    )
    assert tiers[0] == tier
    assert fees[0] == pytest.approx(fee)
    assert rules[0].startswith("FBA-US")


def test_large_but_light_parcel_pays_on_dimensional_weight() -> None:
    b = rule_book("2025-06-01")
    # 45 x 35 x 20 cm, 0.5 kg: dimensional weight 31500/5022 = 6.27 kg = 13.8 lb -> 6.92 + 0.08 x ceil(10.8/0.25)
    fees, tiers, _ = fba_fees(
        b.tiers[b.tiers["fee_table"] == "amazon.US"],
        b.fba[b.fba["fee_table"] == "amazon.US"],
        [45],
        [35],
        [20],
        [0.5],
    )
    lb = 31500 / 5022 * 2.2046226218
    assert tiers[0] == "large_standard"
    assert fees[0] == pytest.approx(6.92 + 0.08 * np.ceil((lb - 3) / 0.25))


@pytest.mark.parametrize(
    ("dims", "kg", "tier", "fee"),
    [
        ((20, 15, 1.5), 0.2, "small", 288),
        ((30, 25, 3), 0.8, "standard_1", 318),
        ((40, 30, 15), 1.0, "standard_4", 603),  # 85 cm sum of sides: band 4 (<= 100 cm) despite 1 kg
        ((60, 40, 30), 8.0, "oversize_5", 1020),  # longer than 45 cm -> oversize; 130 cm -> band 5
    ],
)
def test_amazon_japan_tiers_use_the_sum_of_sides(dims, kg, tier, fee) -> None:
    b = rule_book("2026-03-01")
    fees, tiers, _ = fba_fees(
        b.tiers[b.tiers["fee_table"] == "amazon.JP"],
        b.fba[b.fba["fee_table"] == "amazon.JP"],
        [dims[0]],
        [dims[1]],
        [dims[2]],
        [kg],
    )
    assert (tiers[0], fees[0]) == (tier, fee)
