"""Currency exposure and its historical-simulation value at risk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xborder.core.settings import Settings
from xborder.domains.finance.exposure import base_changes, exposure_frame, value_at_risk
from xborder.domains.finance.stage.exposure import currency_moves, fx_exposure
from xborder.reference.fx import load_fx
from xborder.schema.seller import MONEY_MOVEMENTS
from xborder.warehouse import connect
from xborder.warehouse.tables import write_frame


def test_var_is_minus_the_loss_quantile() -> None:
    """21 scenarios -10% .. +10%: the 5% quantile (linear) is -9%, so 100 long loses 9.0 at 95%."""
    ch = pd.DataFrame({"USD": np.linspace(-0.10, 0.10, 21), "EUR": np.linspace(0.10, -0.10, 21)})
    total, alone = value_at_risk(pd.Series({"USD": 100.0}), ch)
    assert total == pytest.approx(9.0) and alone["USD"] == pytest.approx(9.0)
    # short 100 USD: the loss is on the rising side, also 9.0
    assert value_at_risk(pd.Series({"USD": -100.0}), ch)[0] == pytest.approx(9.0)
    # long both, moving against each other: every scenario nets to 0 -> no portfolio VaR, 9.0 each alone
    total, alone = value_at_risk(pd.Series({"USD": 100.0, "EUR": 100.0}), ch)
    assert total == pytest.approx(0.0, abs=1e-12) and list(alone) == pytest.approx([9.0, 9.0])


def test_base_changes_are_the_ecb_cross_rates_91_days_apart() -> None:
    fx = load_fx(None)
    end = dt.date(2025, 12, 31)
    ch = base_changes(fx, ["USD", "SAR"], "CNY", end, years=1.0)
    day = ch.index[-1]
    then = (day - pd.Timedelta(days=91)).date()
    usd = fx.factor("USD", "CNY", day.date()).rate / fx.factor("USD", "CNY", then).rate - 1
    assert ch.loc[day, "USD"] == pytest.approx(usd, rel=1e-9)
    assert ch.loc[day, "SAR"] == pytest.approx(usd, rel=1e-6)  # SAR is pegged to the dollar
    assert 240 <= len(ch) <= 260  # about one year of ECB days


def test_exposure_nets_payouts_purchases_and_stock() -> None:
    plans = pd.DataFrame({"currency": ["USD"], "to_cost": [7.0], "on_hand": [10.0], "unit_cost": [5.0]})
    lines = pd.DataFrame({"payouts": [300.0], "advertising": [-30.0], "duties_import_vat": [-20.0],
                          "purchase_deposits": [-40.0], "purchase_balances": [-60.0], "freight": [-10.0]})  # fmt: skip
    ex = exposure_frame(plans, {"USD": lines}, "CNY").set_index("currency")
    assert ex.loc["USD", "receivables"] == 250.0 and ex.loc["USD", "stock"] == 50.0
    assert ex.loc["USD", "net"] == 300.0
    # goods and freight (110 USD) are paid to the supplier in CNY at 7 CNY per USD
    assert ex.loc["CNY", "payables"] == pytest.approx(770.0) and ex.loc["CNY", "net"] == pytest.approx(-770.0)
    assert ex.loc["USD", "hedge_ratio"] == 0.0


def test_a_currency_that_fell_past_the_threshold_gets_a_hedge(tmp_path: Path) -> None:
    """The Brazilian real's spring-2020 fall: 25.4% against the yuan in the 90 days to 2020-05-08 (ECB cross rates)."""
    fx = load_fx(None)
    moves = currency_moves(fx, ["BRL", "USD"], "CNY", dt.date(2020, 5, 9))
    now, then = fx.factor("BRL", "CNY", dt.date(2020, 5, 9)), fx.factor("BRL", "CNY", dt.date(2020, 2, 8))
    assert now.date == "2020-05-08" and moves["BRL"] == pytest.approx(now.rate / then.rate - 1)
    assert moves["BRL"] == pytest.approx(-0.254, abs=5e-4) and abs(moves["USD"]) < 0.15
    # a seller paid in BRL by a marketplace (two fortnightly transfers, 100 BRL of orders a day)
    con = connect(tmp_path / "w.duckdb")
    days = pd.date_range("2019-12-30", "2020-05-03")  # 18 full weeks, Monday to Sunday
    rows = pd.DataFrame({"posted_at": days, "category": "order", "total": 100.0})
    transfers = pd.DataFrame({"posted_at": pd.to_datetime(["2020-04-08", "2020-04-22"]), "category": "transfer",
                              "total": -1400.0})  # fmt: skip
    m = pd.concat([rows, transfers], ignore_index=True)
    m = m.assign(row_key=[f"k{i}" for i in range(len(m))], source="test", currency="BRL", market_code="BR")
    write_frame(con, MONEY_MOVEMENTS, m)
    out = fx_exposure(
        con, Settings(db_path=str(tmp_path / "w.duckdb")), base="CNY", as_of=dt.date(2020, 5, 9)
    )
    con.close()
    brl = out["rows"].set_index("currency").loc["BRL"]
    # 13 weeks from 2020-05-04 hold 7 payouts of 14 days x 100 BRL: long 9,800 BRL
    assert brl["receivables"] == pytest.approx(9800.0) and brl["move_90d"] == pytest.approx(moves["BRL"])
    hedges = out["hedges"]
    assert list(hedges["currency"]) == ["BRL"] and list(hedges["action"]) == ["hedge_receivables"]
    assert out["hedge_threshold"] == 0.15
