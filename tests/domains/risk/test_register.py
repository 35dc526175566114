"""Rule-change rates and upcoming changes from the dated rule base; the register's numbers by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from xborder.domains.risk.alerts import upcoming_changes
from xborder.domains.risk.register import RiskSpec, fx_move_probability, risk_register, seller_register
from xborder.domains.risk.rulebase import change_events, change_rates, rule_history

D = dt.date


def _history(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["table", "family", "market", "key", "rule_id", "rate", "valid_from",
                                       "valid_to", "source", "confidence"])  # fmt: skip


def test_change_rates_hand_computed() -> None:
    h = _history([
        ("t", "vat", "XX", "XX", "V1", 0.10, D(2015, 1, 1), D(2021, 12, 31), "s", "high"),
        ("t", "vat", "XX", "XX", "V2", 0.12, D(2022, 1, 1), D(2024, 6, 30), "s", "high"),
        ("t", "vat", "XX", "XX", "V3", 0.15, D(2024, 7, 1), None, "s", "high"),
        ("t", "vat", "YY", "YY", "W1", 0.05, D(2023, 1, 1), D(2025, 3, 31), "s", "high"),  # ended, no successor
    ])  # fmt: skip
    ev = change_events(h)
    assert list(ev["date"]) == [D(2022, 1, 1), D(2024, 7, 1), D(2025, 4, 1)]
    r = change_rates(h, D(2026, 1, 1), years=5).set_index("market")
    # XX: 2 changes in the 5 years since 2021-01-01; YY: 1 change since its first rule 2023-01-01 (3 years)
    assert r.loc["XX", "changes"] == 2 and r.loc["XX", "rate_per_year"] == pytest.approx(
        2 / 4.999316, rel=1e-4
    )
    assert r.loc["YY", "changes"] == 1 and r.loc["YY", "years"] == pytest.approx(1096 / 365.25)
    assert r.loc["XX", "p_change_12m"] == pytest.approx(1 - np.exp(-r.loc["XX", "rate_per_year"]))


def test_real_rule_base_knows_section_301_and_the_vietnam_vat_change() -> None:
    h = rule_history()
    ev = change_events(h)
    # Section 301 List 3 went from 10% to 25% on 2019-05-10
    assert ((ev["family"] == "duty") & (ev["market"] == "US") & (ev["date"] == D(2019, 5, 10))).any()
    up = upcoming_changes(h, D(2026, 12, 6), 365)
    vn = up[up["rule_id"] == "VAT-VN-10"].iloc[0]
    assert vn["old_rule_id"] == "VAT-VN-8" and vn["days_ahead"] == 26
    assert (vn["old_rate"], vn["rate"]) == (0.08, 0.10)


def test_fx_move_probability_of_a_steady_slide() -> None:
    # the market currency weakens 10% a year, steadily: never more than 15% a year; 20% a year: always
    days = pd.date_range("2018-01-01", "2022-01-01", freq="D")
    years = (days - days[0]).days / 365.0
    assert fx_move_probability(pd.Series(1.10**years, index=days), 0.15) == 0.0
    assert fx_move_probability(pd.Series(1.20**years, index=days), 0.15) == 1.0
    assert np.isnan(fx_move_probability(pd.Series(1.2 ** years[:400], index=days[:400]), 0.15))


def test_register_row_by_hand() -> None:
    pair = pd.DataFrame([{
        "product_id": "p", "market": "XX", "mode": "air", "currency": "USD", "units": 100.0, "price": 20.0,
        "net_revenue": 20.0, "referral_fee": 3.0, "fulfilment_fee": 4.0, "other_fees": 0.0, "landed_cost": 8.0,
        "goods_cost": 5.0, "freight": 2.5, "insurance": 0.0, "duty": 0.5, "additional_duty": 0.0,
        "import_tax_cost": 0.0, "customs_value": 5.0, "unit_margin": 5.0, "rule_markets": {"XX"},
    }])  # fmt: skip
    rates = pd.DataFrame([{"family": "vat", "market": "XX", "rate_per_year": 0.4},
                          {"family": "platform_fee", "market": "XX", "rate_per_year": 0.2}])  # fmt: skip
    reg = risk_register(pair, rates, {"USD": 0.1}, RiskSpec()).set_index("category")
    # compliance: p = 1 - exp(-0.4); impact = 10 points of duty x customs value 5 x 100 units = 50
    assert reg.loc["compliance", "probability"] == pytest.approx(1 - np.exp(-0.4))
    assert reg.loc["compliance", "impact"] == pytest.approx(50.0)
    # fx: foreign costs 8 x (1/0.85 - 1) x 100
    assert reg.loc["fx", "impact"] == pytest.approx(8 * (1 / 0.85 - 1) * 100)
    # logistics: prior 30%, freight doubles: 2.5 x 100 -> expected 75, priority 75 x (1 - 0.5/2) = 56.25;
    # base profit 500 -> 11% -> L3 (>= 5%, < 20%), 48 hours
    row = reg.loc["logistics"]
    assert row["expected_loss"] == pytest.approx(75.0) and row["priority"] == pytest.approx(56.25)
    assert row["level"] == "L3" and row["response_hours"] == 48
    # ip/brand: 5% x half the net revenue 1000 = 50 expected, priority 50 x 0.85 = 42.5 -> 8.5% -> L3
    assert (
        reg.loc["ip_brand", "expected_loss"] == pytest.approx(50.0) and reg.loc["ip_brand", "level"] == "L3"
    )
    # data: nothing estimated -> probability 0, no impact; reputation per category
    assert reg.loc["data", "probability"] == 0.0 and reg.loc["data", "impact"] == 0.0
    assert (reg.loc["compliance", "reputation"], reg.loc["fx", "reputation"]) == ("high", "none")
    # the same plan with an estimated unit cost and a low-confidence rule: 30% of goods 5 + 20% of (duty 0.5 +
    # fees 7) = 3.0 a unit x 100 units = 300; prior 50% -> 150 expected, priority 150 x (1 - 0.9/2) = 82.5 -> 16.5%
    est = risk_register(pair.assign(unit_cost_estimated=True, low_confidence=True, dims_estimated=False), rates,
                        {"USD": 0.1}, RiskSpec()).set_index("category").loc["data"]  # fmt: skip
    assert est["impact"] == pytest.approx(300.0) and est["probability"] == 0.5
    assert est["priority"] == pytest.approx(82.5) and est["level"] == "L3" and est["owner"] == "analytics"
    assert est["probability_basis"] == "estimated_inputs"


def test_fx_history_agrees_with_the_tables_day_by_day_factor() -> None:
    """fx_history (FxTable.per_eur_history) gives the same cross rate as factor() on sampled ECB days, pegs too."""
    import datetime as dt

    from xborder.domains.risk.stage import fx_history
    from xborder.reference.fx import load_fx

    fx = load_fx(None)
    end = dt.date(2025, 6, 30)
    s = fx_history(fx, "JPY", "CNY", end, years=2)
    assert s.index.min() >= pd.Timestamp("2023-06-30") and s.index.max() <= pd.Timestamp(end)
    for day in s.index[::97]:
        assert s[day] == pytest.approx(fx.factor("CNY", "JPY", day.date()).rate, rel=1e-12)
    sar = fx_history(fx, "SAR", "CNY", end, years=1)  # SAR is pegged to the dollar (not an ECB currency)
    day = sar.index[-1]
    assert sar[day] == pytest.approx(fx.factor("CNY", "SAR", day.date()).rate, rel=1e-9)
    assert fx.per_eur_history("SAR") is None
    assert (fx.per_eur_history("EUR", "2024-01-01", "2024-01-31") == 1.0).all()


def test_the_sellers_register_sums_plans_in_one_currency() -> None:
    """Two plans (USD, EUR at 1.10 USD) x two categories; the FX risk of one plan has no probability."""
    reg = pd.DataFrame({
        "product_id": ["a", "a", "b", "b"], "currency": ["USD", "USD", "EUR", "EUR"],
        "category": ["logistics", "fx", "logistics", "fx"], "probability": [0.3, 0.1, 0.3, np.nan],
        "impact": [100.0, 50.0, 200.0, 80.0], "expected_loss": [30.0, 5.0, 60.0, np.nan],
        "priority": [15.0, 3.5, 30.0, np.nan], "level": ["L2", "L4", "L1", "L4"],
    })  # fmt: skip
    out = seller_register(reg, {"USD": 1.0, "EUR": 1.1}).set_index("category")
    assert list(out.index) == ["logistics", "fx"]  # most expected loss first
    lo = out.loc["logistics"]
    assert (
        lo["plans"] == 2
        and lo["impact"] == pytest.approx(100 + 220)
        and lo["expected_loss"] == pytest.approx(96)
    )
    assert (lo["L1"], lo["L2"], lo["L3"], lo["L4"]) == (1, 1, 0, 0) and lo["owner"] == "logistics"
    fx = out.loc["fx"]
    assert fx["unquantified"] == 1 and fx["expected_loss"] == pytest.approx(5.0) and fx["owner"] == "finance"
    # the reserve is 101: logistics holds 96 of it
    assert lo["reserve_share"] == pytest.approx(96 / 101) and out["reserve_share"].sum() == pytest.approx(1.0)
