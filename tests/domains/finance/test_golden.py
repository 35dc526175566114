"""Golden money formulas: numpy-financial's NPV/IRR worked examples, interest-rate parity, CCC and ACoS by hand."""

from __future__ import annotations

import pytest

from xborder.domains.finance.cash import (
    acos,
    break_even_acos,
    cash_conversion_cycle,
    days_inventory_outstanding,
    days_payables_outstanding,
    days_sales_outstanding,
    irr,
    npv,
)
from xborder.domains.finance.fx import forward_rate, natural_hedge_ratio


def test_npv_matches_numpy_financial_worked_example() -> None:
    # numpy-financial docs: npf.npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000]).round(5) == 3065.22267
    assert round(npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000]), 5) == 3065.22267
    # by hand: -40000 + 5000/1.08 + 8000/1.08^2 + 12000/1.08^3 + 30000/1.08^4
    hand = -40_000 + 5_000 / 1.08 + 8_000 / 1.08**2 + 12_000 / 1.08**3 + 30_000 / 1.08**4
    assert npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000]) == pytest.approx(hand, abs=1e-9)


@pytest.mark.parametrize(
    ("flows", "expected"),
    [
        # numpy-financial's irr docstring examples (rounded to 5 places there)
        ([-100, 39, 59, 55, 20], 0.28095),
        ([-100, 0, 0, 74], -0.0955),
        ([-100, 100, 0, -7], -0.0833),
        ([-100, 100, 0, 7], 0.06206),
        ([-5, 10.5, 1, -8, 1], 0.0886),
    ],
)
def test_irr_matches_numpy_financial_examples(flows: list[float], expected: float) -> None:
    rate = irr(flows)
    assert round(rate, 5 if expected == 0.28095 or expected == 0.06206 else 4) == expected
    assert npv(rate, flows) == pytest.approx(0.0, abs=1e-8)


def test_irr_without_a_sign_change_is_nan() -> None:
    assert irr([100, 10, 10]) != irr([100, 10, 10])  # NaN


def test_interest_rate_parity_forward() -> None:
    # the example: 1.60 x 1.05 / 1.06 = 1.5849...
    assert round(forward_rate(1.60, 0.05, 0.06), 3) == 1.585
    assert forward_rate(1.60, 0.05, 0.06) == pytest.approx(1.60 * 1.05 / 1.06, rel=1e-12)
    # half a year compounds at the square root
    assert forward_rate(1.60, 0.05, 0.06, years=0.5) == pytest.approx(1.60 * (1.05 / 1.06) ** 0.5, rel=1e-12)


def test_cash_conversion_cycle_hand_computed() -> None:
    # inventory 50,000 at cost, COGS 365,000 a year -> DIO 50 days; receivables 20,000 on revenue 730,000
    # -> DSO 10 days; payables 30,000 -> DPO 30 days; CCC = 50 + 10 - 30 = 30 days
    dio = days_inventory_outstanding(50_000, 365_000)
    dso = days_sales_outstanding(20_000, 730_000)
    dpo = days_payables_outstanding(30_000, 365_000)
    assert (dio, dso, dpo) == pytest.approx((50.0, 10.0, 30.0))
    assert cash_conversion_cycle(dio, dso, dpo) == pytest.approx(30.0)
    # a marketplace paying out every 14 days and a supplier paid 30% upfront: CCC can go negative
    assert cash_conversion_cycle(20, 7, 45) == -18


def test_acos_and_its_break_even_hand_computed() -> None:
    # 312.50 spent, 1,250.00 of ad sales -> 25% ACoS; margin before ads 6.00 on a 24.00 price -> 25% break-even
    assert acos(312.5, 1250.0) == pytest.approx(0.25)
    assert break_even_acos(6.0, 24.0) == pytest.approx(0.25)
    assert acos(10.0, 0.0) != acos(10.0, 0.0)  # NaN without ad sales


def test_natural_hedge_ratio() -> None:
    assert natural_hedge_ratio(80_000, 20_000) == pytest.approx(0.25)
    assert natural_hedge_ratio(0, 5_000) == 0.0
