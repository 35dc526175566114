"""The sales channel picks the fees: marketplace (FBA), merchant-fulfilled, own shop (card fees), B2B wholesale."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.landed_cost import landed_cost_frame
from xborder.domains.landed_cost.channels import card_region, parse_channels, resolve_channels
from xborder.reference.fx import load_fx

DATE = "2026-12-01"


def _answer(channel: str, market: str, home: str | None = "GB") -> pd.Series:
    row = {
        "product_id": "p",
        "market": market,
        "mode": "sea_lcl",
        "origin": "CN",
        "category": "home_kitchen",
        "unit_cost": 1.0,
        "cost_currency": "GBP",
        "weight_kg": 0.3,
        "length_cm": 20,
        "width_cm": 15,
        "height_cm": 10,
        "price": 6.0,
        "units": 100,
        "channel": channel,
    }
    return landed_cost_frame(pd.DataFrame([row]), date=DATE, home_market=home).iloc[0]


def test_own_shop_pays_stripes_card_fee_for_the_buyers_region_and_the_conversion() -> None:
    # a GB seller's Stripe account, a German buyer paying EUR 6.00: EEA card 2.5% + GBP 0.20, +2% conversion
    de = _answer("own_shop", "DE")
    gbp_eur = load_fx().factor("GBP", "EUR", DATE).rate
    assert de["other_fees"] == pytest.approx(6.0 * (0.025 + 0.02) + 0.20 * gbp_eur)
    assert de["referral_fee"] == 0 and de["fulfilment_fee"] == 0
    assert de["channel"] == "own_shop" and de["channel_rules"] == "PAY-STRIPE-GB-EEA"
    # a GB buyer in GBP: standard UK card 1.5% + 20p, no conversion
    gb = _answer("own_shop", "GB")
    assert gb["other_fees"] == pytest.approx(6.0 * 0.015 + 0.20)
    # a Swiss buyer: international card 3.25% + conversion 2%
    ch = _answer("own_shop", "CH")
    assert ch["channel_rules"] == "PAY-STRIPE-GB-INTL"
    assert ch["other_fees"] == pytest.approx(6.0 * 0.0525 + 0.20 * load_fx().factor("GBP", "CHF", DATE).rate)
    # without a known home the account is local to the market: EEA account, EEA card, EUR, no conversion
    local = _answer("own_shop", "DE", home=None)
    assert local["other_fees"] == pytest.approx(6.0 * 0.015 + 0.25)


def test_b2b_wholesale_has_no_marketplace_fee_a_net_price_and_the_cost_of_30_days_credit() -> None:
    gb = _answer("b2b_wholesale", "GB")
    assert gb["referral_fee"] == 0 and gb["fulfilment_fee"] == 0
    assert gb["other_fees"] == pytest.approx(6.0 * 0.04 * 30 / 365)  # Bank Rate 4% on 30 days' credit
    assert gb["net_revenue"] == pytest.approx(6.0)  # a business buyer is invoiced net of VAT
    assert gb["channel_rules"] == "WH-DAYS-GB|WH-RATE-GBP|WH-VAT-NET"
    de = _answer("b2b_wholesale", "DE")
    assert de["other_fees"] == pytest.approx(6.0 * 0.0215 * 30 / 365)
    # the marketplace answer for the same goods takes 19% VAT off the price and charges referral + FBA
    mk = _answer("marketplace", "DE")
    assert mk["net_revenue"] == pytest.approx(6.0 / 1.19)
    assert mk["referral_fee"] == pytest.approx(0.15 * 6.0) and mk["fulfilment_fee"] > 2.0
    assert de["unit_margin"] - mk["unit_margin"] == pytest.approx(
        (6.0 - 6.0 / 1.19) + mk["referral_fee"] + mk["fulfilment_fee"] - de["other_fees"], abs=1e-6
    )


def test_merchant_fulfilled_keeps_the_referral_fee_without_the_fba_fee() -> None:
    mfn, fba = _answer("marketplace_mfn", "DE"), _answer("marketplace", "DE")
    assert mfn["referral_fee"] == pytest.approx(fba["referral_fee"]) and mfn["fulfilment_fee"] == 0
    assert mfn["channel_rules"] == "REF-DE-home_kitchen-0" and fba["channel_rules"].startswith("REF-DE")
    assert "FBA-DE" in fba["channel_rules"]


def test_an_unknown_channel_is_a_clear_error() -> None:
    with pytest.raises(BadInputError, match="column 'channel': unknown sales channel 'fba'"):
        _answer("fba", "DE")
    with pytest.raises(BadInputError, match="Unknown sales channel 'shop'"):
        parse_channels("DE=shop")


def test_channels_come_from_the_run_then_the_settings_then_the_order_sizes() -> None:
    assert parse_channels("de=own_shop, *=b2b_wholesale") == {"DE": "own_shop", "*": "b2b_wholesale"}
    assert parse_channels("own_shop") == {"*": "own_shop"}
    chosen, why = resolve_channels(
        ["DE", "FR", "CH"],
        option="DE=own_shop",
        setting="FR=marketplace_mfn",
        median_order_units=133.0,
        orders=22104,
        wholesale_order_units=24.0,
    )
    assert chosen == {"DE": "own_shop", "FR": "marketplace_mfn", "CH": "b2b_wholesale"}
    assert why["DE"]["code"] == "landed_cost.channel_run_option"
    assert why["FR"]["code"] == "landed_cost.channel_settings"
    assert why["CH"] == {
        "code": "landed_cost.channel_wholesale",
        "args": {"units": 133.0, "orders": 22104, "threshold": 24.0},
    }
    consumer, why_c = resolve_channels(
        ["DE"], option=None, setting="", median_order_units=2.0, orders=90, wholesale_order_units=24.0
    )
    assert consumer == {"DE": "marketplace"} and why_c["DE"]["code"] == "landed_cost.channel_marketplace"
    assert card_region("NO") == "EEA" and card_region("CH") == "INTL"
