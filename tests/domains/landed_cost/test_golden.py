"""Worked examples computed by hand from the cited rules (EU parcel around 2026-07-01, US around 2025-08-29)."""

from __future__ import annotations

import pytest

from xborder.domains.landed_cost import ProductInput, landed_cost
from xborder.reference.fx import load_fx

FX = load_fx()
TOY = {
    "unit_cost": 4.0,
    "cost_currency": "EUR",
    "category": "toys_games",
    "hs_code": "950300",
    "weight_kg": 0.4,
    "length_cm": 20,
    "width_cm": 15,
    "height_cm": 10,
}


def _eu_express_freight(date: str) -> float:
    # FR-CN-EU-EXP: USD 12/kg, divisor 5000, billed per started 0.5 kg:
    # max(0.4 kg, 20*15*10/5000 = 0.6 kg) -> 1.0 kg -> USD 12, converted at the ECB rate of the date
    return 12.0 * FX.factor("USD", "EUR", date).rate


@pytest.mark.parametrize(
    ("date", "rule", "duty"),
    [
        ("2026-06-30", "EU-LVC-150-IOSS", 0.0),  # EUR 150 duty relief; VAT via IOSS at checkout
        (
            "2026-07-01",
            "EU-LVC-3EUR",
            3.0,
        ),  # relief abolished: flat EUR 3 per item category (Reg. (EU) 2026/382)
    ],
)
def test_eu_parcel_before_and_after_2026_07_01(date: str, rule: str, duty: float) -> None:
    r = landed_cost(ProductInput(**TOY), "DE", "express", date=date, price=25.0, platform="amazon").row
    freight = _eu_express_freight(date)
    insurance = 0.003 * 1.1 * (4.0 + freight)  # INS-ALL: 0.3% on 110% of goods + freight
    assert r["low_value_rule"] == rule
    assert r["freight"] == pytest.approx(freight, rel=1e-12)
    assert r["duty"] == pytest.approx(duty)
    assert r["import_tax_cost"] == 0.0  # VAT is charged at sale, not at the border
    assert r["output_vat"] == pytest.approx(25.0 * 0.19 / 1.19)  # German 19% contained in the price
    assert r["referral_fee"] == pytest.approx(3.75)  # amazon.de toys 15%
    assert r["fulfilment_fee"] == 0.0  # a parcel from abroad: no FBA
    landed = 4.0 + freight + insurance + duty
    assert r["landed_cost"] == pytest.approx(landed)
    assert r["unit_margin"] == pytest.approx(25.0 / 1.19 - landed - 3.75)


def test_eu_parcel_above_150_pays_tariff_duty_and_import_vat_at_the_border() -> None:
    date = "2026-07-01"
    r = landed_cost(ProductInput(**TOY), "DE", "express", date=date, price=200.0, platform="amazon").row
    freight = _eu_express_freight(date)
    insurance = 0.003 * 1.1 * (4.0 + freight)
    cif = 200.0 / 1.19 + freight + insurance  # intrinsic value 168.07 > EUR 150: no low-value rule
    assert r["low_value_rule"] == ""
    assert r["customs_value"] == pytest.approx(cif)
    assert r["duty"] == pytest.approx(0.047 * cif)  # DU-EU-950300: 4.7%
    assert r["import_tax_cost"] == pytest.approx(0.19 * (cif + 0.047 * cif))  # import VAT on CIF + duty
    assert r["output_vat"] == 0.0


@pytest.mark.parametrize(
    ("date", "rule", "duty", "additional", "mpf"),
    [
        ("2025-08-28", "US-DM-800", 0.0, 0.0, 0.0),  # $800 de minimis: nothing to pay, no entry fee
        # EO 14324: de minimis suspended; MFN 16.5% + IEEPA reciprocal 20% for Vietnam; informal-entry MPF $2.62
        ("2025-08-29", "US-DM-SUSP", 0.165 * 20.0, 0.20 * 20.0, 2.62),
    ],
)
def test_us_shipment_before_and_after_2025_08_29(
    date: str, rule: str, duty: float, additional: float, mpf: float
) -> None:
    tee = ProductInput(
        unit_cost=4.0,
        cost_currency="USD",
        category="apparel",
        hs_code="610910",
        origin="VN",
        weight_kg=0.2,
        length_cm=25,
        width_cm=20,
        height_cm=2,
    )
    r = landed_cost(tee, "US", "express", date=date, price=20.0, platform="amazon").row
    assert r["low_value_rule"] == rule
    assert r["customs_value"] == pytest.approx(20.0)  # FOB basis: freight is not dutiable in the US
    assert r["duty"] == pytest.approx(duty)
    assert r["additional_duty"] == pytest.approx(additional)
    assert r["customs_fees"] == pytest.approx(mpf)
    # no VN->US card: global express FR-ANY-EXP USD 12/kg; max(0.2, 25*20*2/5000 = 0.2) -> billed 0.5 kg -> 6.0,
    # which equals the USD 6 minimum charge
    assert r["freight"] == pytest.approx(6.0)
    assert r["referral_fee"] == pytest.approx(0.10 * 20.0)  # amazon.com apparel: 10% for a total of $15-20
    assert r["output_vat"] == 0.0


def test_china_origin_lost_de_minimis_on_2025_05_02() -> None:
    mug = ProductInput(
        unit_cost=2.0,
        category="home_kitchen",
        hs_code="691200",
        origin="CN",
        weight_kg=0.5,
        length_cm=12,
        width_cm=12,
        height_cm=12,
    )
    before = landed_cost(mug, "US", "express", date="2025-05-01", price=15.0).row
    after = landed_cost(mug, "US", "express", date="2025-05-02", price=15.0).row
    assert before["low_value_rule"] == "US-DM-800-CNHK" and before["duty"] == 0.0
    assert after["low_value_rule"] == "US-DM-END-CNHK"
    assert after["duty"] == pytest.approx(0.098 * 15.0)  # DU-US-691200: 9.8%
    # IEEPA fentanyl 20% + reciprocal 10% (Geneva, from 2025-05-14: 125% on 2025-05-02) + Section 301 List 4A 7.5%
    assert after["additional_duty"] == pytest.approx((0.20 + 1.25 + 0.075) * 15.0)


def test_brazil_remessa_conforme_icms_is_charged_on_a_tax_inclusive_base() -> None:
    p = ProductInput(
        unit_cost=3.0, category="toys_games", weight_kg=0.2, length_cm=10, width_cm=10, height_cm=10
    )
    r = landed_cost(p, "BR", "express", date="2025-01-10", price=100.0, platform="mercadolibre").row
    cv = r["customs_value"]
    usd_brl = FX.factor("USD", "BRL", "2025-01-10").rate
    assert r["low_value_rule"] == "BR-RC-20"  # consignment <= USD 50 on a certified platform
    assert cv <= 50 * usd_brl
    ii = 0.20 * cv  # Lei 14.902/2024: 20% import tax
    assert r["duty"] == pytest.approx(ii)
    assert r["import_tax_cost"] == pytest.approx((cv + ii) * 0.17 / (1 - 0.17))  # ICMS 17% 'por dentro'
