"""Change of shipping mode: one plan re-priced with its other mode, its cash computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.finance.cashplan import CashTerms
from xborder.domains.finance.modes import best_switches, mode_options, switch_plans
from xborder.domains.finance.transit import transit_days

START = pd.Timestamp("2024-01-01")  # a Monday
MONEY = {"price": 10.0, "fees": 3.0, "goods": 4.0, "duties": 0.0, "import_vat": 0.0, "output_vat": 0.0}


def _plan(mode: str, freight: float, lead: float, transit: float) -> pd.DataFrame:
    row = {"product_id": "p1", "market": "US", "mode": mode, "plan_start": START, "daily_demand": 2.0,
           "lead_time_days": lead, "transit_days": transit, "reorder_point": 0.0, "order_quantity": 0.0,
           "suggested_order": np.nan, "launch_quantity": 100.0, "on_hand": np.nan, "inbound": np.nan,
           "freight": freight, "fx": 1.0, "ad_share": 0.0, "unit_margin": 10 - 3 - 4 - freight,
           "margin_pct": (10 - 3 - 4 - freight) / 10, **MONEY}  # fmt: skip
    return pd.DataFrame([row])


SEA = _plan("sea_lcl", 1.0, 30.0, 20.0)
AIR = _plan("air", 3.0, 15.0, 5.0)
ROWS = pd.concat([SEA, AIR])[["product_id", "market", "mode", *MONEY, "freight", "unit_margin", "margin_pct",
                              "transit_days"]]  # fmt: skip


def test_sea_plan_against_air_by_hand() -> None:
    """Sea: deposit 120 on day 0, balance 280 + freight 100 on day 30 (lowest -500), stock from day 30, payouts of
    84 + 3 x 196 = 672 by day 84 (end +172). Air: lead 30 - 20 + 5 = 15 days, freight 300, sales from day 15,
    payouts 98 (day 28) + 3 x 196 + 14 = 700; week 4 holds day 28's payout and day 30's 580: lowest -602, end 0."""
    o = mode_options(SEA, ROWS, START, CashTerms()).iloc[0]
    assert (o["mode"], o["alt_mode"]) == ("sea_lcl", "air")
    assert o["alt_lead_time_days"] == pytest.approx(15.0)
    assert (o["unit_margin"], o["alt_unit_margin"]) == pytest.approx((2.0, 0.0))
    assert (o["lowest_cash"], o["end_cash"]) == pytest.approx((-500.0, 172.0))
    assert (o["alt_lowest_cash"], o["alt_end_cash"]) == pytest.approx((-602.0, 0.0))
    assert (o["cash_gain"], o["end_gain"]) == pytest.approx((-102.0, -172.0))
    assert best_switches(mode_options(SEA, ROWS, START, CashTerms())).empty  # air needs more cash


def test_air_plan_switches_to_sea() -> None:
    """The same pair planned by air: sea needs 102 less at the low point and still makes 2 a unit -> chosen."""
    opts = mode_options(AIR, ROWS, START, CashTerms())
    best = best_switches(opts)
    assert list(best["alt_mode"]) == ["sea_lcl"] and float(best["cash_gain"].iloc[0]) == pytest.approx(102.0)
    switched = switch_plans(AIR, ROWS, best)
    assert switched.loc[0, "mode"] == "sea_lcl" and switched.loc[0, "freight"] == 1.0
    assert switched.loc[0, "lead_time_days"] == pytest.approx(30.0)


def test_a_loss_making_mode_is_no_fix() -> None:
    """A cheaper-cash mode that loses on every unit is not chosen."""
    losing = ROWS.assign(unit_margin=np.where(ROWS["mode"] == "sea_lcl", -0.5, ROWS["unit_margin"]))
    assert best_switches(mode_options(AIR, losing, START, CashTerms())).empty


def test_transit_days_from_the_freight_rule() -> None:
    """FR-CN-US-LCL's transit is 30-35 days (midpoint 32.5); a row without a freight rule takes its mode's median."""
    got = transit_days(pd.Series(["FR-CN-US-LCL|INS-ALL", "INS-ALL"]), pd.Series(["sea_lcl", "express"]))
    assert got[0] == pytest.approx(32.5)
    assert not np.isnan(got[1])
