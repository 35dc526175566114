"""The 13-week cash flow of one plan, computed by hand line by line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.finance.cashplan import CashTerms, breach_week, cash_weeks, fixes, plan_cash

START = pd.Timestamp("2024-01-01")  # a Monday


def _plan(**kw: float) -> pd.DataFrame:
    row = {"plan_start": START, "daily_demand": 2.0, "lead_time_days": 14.0, "reorder_point": 0.0,
           "order_quantity": 0.0, "suggested_order": np.nan, "launch_quantity": 100.0, "on_hand": np.nan,
           "inbound": np.nan, "price": 10.0, "fees": 3.0, "goods": 4.0, "freight": 1.0, "duties": 0.5,
           "import_vat": 0.8, "output_vat": 1.5, "fx": 1.0}  # fmt: skip
    row.update(kw)
    return pd.DataFrame([row])


def test_a_launch_order_becomes_dated_cash() -> None:
    """100 units ordered on day 0, arriving day 14, sold 2 a day from day 14 to day 63 (stock runs out)."""
    lines = plan_cash(_plan(), START, CashTerms())
    assert list(lines["week"]) == list(pd.date_range(START, periods=13, freq="7D"))
    got = lines.set_index(lines.index)
    assert got.loc[0, "purchase_deposits"] == pytest.approx(-0.3 * 4 * 100)  # day 0
    assert got.loc[4, "purchase_balances"] == pytest.approx(-0.7 * 4 * 100)  # day 30 (week 4 = days 28-34)
    assert got.loc[4, "freight"] == pytest.approx(-100.0)
    assert got.loc[2, "duties_import_vat"] == pytest.approx(-(0.5 + 0.8) * 100)  # arrival day 14
    assert got.loc[8, "vat_recovered"] == pytest.approx(80.0)  # day 14 + 45 = 59 (week 8)
    # advertising 10% of 10 x 2 units a day on days 14..63: 7 full weeks of -14 and day 63 alone
    assert list(got["advertising"].round(6)) == [0, 0] + [-14.0] * 7 + [-2.0] + [0] * 3
    # output VAT of days 14..63 paid 45 days later: days 59..90 fall in the horizon, 32 days x -3
    assert got["vat_output"].sum() == pytest.approx(-96.0)
    # payouts every 14 days of (10 - 3) x 2 a day accrued up to 7 days before: days 28, 42, 56, 70 (84 pays 0)
    assert got.loc[4, "payouts"] == pytest.approx(8 * 14.0)  # days 14..21
    assert [got.loc[w, "payouts"] for w in (6, 8, 10)] == pytest.approx([196.0, 196.0, 196.0])
    assert got["payouts"].sum() == pytest.approx(700.0)
    weeks = cash_weeks(lines, 200.0)
    assert weeks["balance"].iloc[-1] == pytest.approx(200 - 120 - 280 - 100 - 130 + 80 - 100 - 96 + 700)
    # week 0: 200 - 120 = 80; week 2: 80 - 130 - 14 = -64 -> below 0 in the week of 2024-01-15
    assert breach_week(weeks, 0.0) == pd.Timestamp("2024-01-15")
    assert breach_week(weeks, -1000.0) is None
    fx = fixes(weeks, 200.0, 0.0).set_index("fix")
    # the low point is week 5: 80 - 144 - 14 - (380 + 14 - 112) - 14 = -374; halving ads adds back 7 a week
    # over weeks 2..5
    assert weeks["balance"].min() == pytest.approx(-374.0)
    assert fx.loc["cut_advertising_50pct", "lowest_balance"] == pytest.approx(-374 + 7 * 4)
    assert fx.loc["delay_purchases_4w", "gain"] > 0


def test_reorders_at_the_reorder_point_and_currency() -> None:
    """A launched plan with stock orders when its position reaches the reorder point; fx scales every line."""
    p = _plan(
        on_hand=30.0, inbound=0.0, reorder_point=20.0, order_quantity=50.0, launch_quantity=999.0, fx=2.0
    )
    lines = plan_cash(p, START, CashTerms(weeks=4))
    # position 30 - 2/day reaches 20 on day 5: one order of 50 (position 70); no launch quantity
    assert lines["purchase_deposits"].sum() == pytest.approx(-0.3 * 4 * 50 * 2.0)
    assert lines.loc[0, "purchase_deposits"] == pytest.approx(-120.0)


def test_a_plan_own_ad_share_replaces_the_setting() -> None:
    """A plan whose market has an ad budget books no share-of-sales advertising (the budget is its own line)."""
    lines = plan_cash(_plan(ad_share=0.0), START, CashTerms())
    assert lines["advertising"].sum() == 0.0
    lines = plan_cash(_plan(ad_share=0.25), START, CashTerms())
    # 25% of 10 x 2 units a day over the 50 selling days 14..63
    assert lines["advertising"].sum() == pytest.approx(-0.25 * 10 * 2 * 50)


def test_refunds_and_storage_by_hand() -> None:
    """10% refunds take back (price - fees - output VAT) 21 days after the sale; storage is charged on each day's
    stock in the market 30 days later, at the peak rate from October."""
    lines = plan_cash(_plan(refund_rate=0.1, storage_unit_month=30.4), START, CashTerms())
    # sales of 2 a day on days 14..63, refunded on days 35..84 (all inside the 91 days): 100 units x 0.1 x 5.5
    assert lines["refunds"].sum() == pytest.approx(-0.1 * (10 - 3 - 1.5) * 100)
    assert lines.loc[4, "refunds"] == 0.0 and lines.loc[5, "refunds"] == pytest.approx(-0.1 * 5.5 * 2 * 7)
    # 1 per unit-day (30.4 a month): stock at the end of days 14..60 (98, 96, ..., 6) charged on days 44..90
    assert lines["storage"].sum() == pytest.approx(-sum(100 - 2 * k for k in range(1, 48)))
    assert lines["storage"].sum() == pytest.approx(-2444.0)
    autumn = pd.Timestamp("2024-09-30")
    peak = plan_cash(
        _plan(plan_start=autumn, storage_unit_month=30.4, storage_unit_month_peak=60.8), autumn, CashTerms()
    )
    assert peak["storage"].sum() == pytest.approx(-2 * 2444.0)  # every stocked day falls in October-December
    assert plan_cash(_plan(), START, CashTerms())[["refunds", "storage"]].abs().sum().sum() == 0.0


def test_a_plans_own_supplier_terms_replace_the_settings() -> None:
    """Full payment at order (deposit 100%) or a 50% deposit with the balance and freight 60 days after the order."""
    full = plan_cash(_plan(deposit_share=1.0), START, CashTerms())
    assert (
        full.loc[0, "purchase_deposits"] == pytest.approx(-400.0) and full["purchase_balances"].sum() == 0.0
    )
    half = plan_cash(_plan(deposit_share=0.5, payment_days=60), START, CashTerms())
    assert half.loc[0, "purchase_deposits"] == pytest.approx(-200.0)
    assert half.loc[8, "purchase_balances"] == pytest.approx(-200.0)  # day 60 is in week 8 (days 56-62)
    assert half.loc[8, "freight"] == pytest.approx(-100.0) and half.loc[4, "freight"] == 0.0
