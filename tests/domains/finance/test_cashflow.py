"""The 13-week payout projection replayed on the bathmat seller's real transaction history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.core.settings import Settings
from xborder.domains.finance.cashflow import (
    payout_days,
    project_payouts,
    replay,
    settlement_cycle,
    weekly_flows,
)
from xborder.domains.finance.exposure import base_changes
from xborder.domains.finance.stage.cashflow import cash_flow, cash_rows
from xborder.domains.finance.stage.exposure import fx_exposure
from xborder.domains.finance.stage.report import cash_runway_panel
from xborder.domains.finance.tables import CASH_FLOWS
from xborder.ingest.engine import ingest_path
from xborder.reference.fx import load_fx
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame


def test_projection_is_the_mean_net_flow_times_the_horizon() -> None:
    movements = pd.DataFrame({
        "posted_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09", "2024-01-16", "2024-01-17"]),
        "category": ["order", "fba_fee", "order", "order", "transfer"],
        "total": [100.0, -20.0, 50.0, 30.0, -150.0],
    })  # fmt: skip
    w = weekly_flows(movements)
    assert list(w["net"]) == [80.0, 50.0, 30.0] and list(w["payout"]) == [0.0, 0.0, 150.0]
    assert project_payouts(w, 1, horizon=13, window=2) == pytest.approx(13 * 65.0)
    assert project_payouts(w, 0, window=2) != project_payouts(w, 0, window=2)  # NaN: too little history
    table, summary = replay(w, horizon=1, window=2)
    # standing at week 2 (index 1): projected 65, actual 150 -> accuracy 1 - 85/150
    assert summary["origins"] == 1 and table["accuracy"].iloc[0] == pytest.approx(1 - 85 / 150)


def test_payouts_follow_the_settlement_cycle() -> None:
    """Transfers every 14 days: 13 weeks from a Monday hold 6 or 7 payout days, each paying 14 days of net flow."""
    days = pd.Series(pd.to_datetime(["2024-01-03", "2024-01-17", "2024-01-31"]))
    cycle = settlement_cycle(days)
    assert cycle == (14, pd.Timestamp("2024-01-31"))
    got = payout_days(cycle, pd.Timestamp("2024-02-05"), pd.Timestamp("2024-02-05") + pd.Timedelta(weeks=13))
    assert got[0] == pd.Timestamp("2024-02-14") and got[-1] == pd.Timestamp("2024-04-24") and len(got) == 6
    got = payout_days(cycle, pd.Timestamp("2024-02-12"), pd.Timestamp("2024-02-12") + pd.Timedelta(weeks=13))
    assert len(got) == 7  # 02-14 .. 05-08
    assert settlement_cycle(days[:1]) is None
    weeks = pd.date_range("2024-01-01", periods=5, freq="W-MON")
    w = pd.DataFrame({"week": weeks, "net": [70.0] * 5, "payout": 0.0,
                      "last_transfer": [days[0], days[1], pd.NaT, pd.NaT, days[2]]})  # fmt: skip
    # standing at week 5 (2024-01-29): next 13 weeks from 02-05 hold 6 payouts of 14 days x 10 a day
    assert project_payouts(w, 4, horizon=13, window=5) == pytest.approx(6 * 14 * 10.0)


@pytest.mark.shared_data
@pytest.mark.slow
def test_replay_on_the_bathmat_sellers_payouts(db_path: Path) -> None:
    folder = shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "fees")
    settings = Settings(db_path=str(db_path))
    con = connect(db_path)
    ingest_path(con, folder, settings=settings, reject_dir=db_path.parent)
    rows = read_rows(con, "money_movements", columns=["posted_at", "category", "total"])
    flow = cash_flow(con, settings, opening=1000.0, floor=1500.0)
    exposure = fx_exposure(con, settings, base="CNY", as_of=dt.date(2026, 4, 10))
    write_frame(con, CASH_FLOWS, cash_rows(flow, "run-cash"))
    panels = {lang: cash_runway_panel(con, "run-cash", lang) for lang in ("en", "zh")}
    # the same weeks by SQL: 30 transfers to the bank, 17,919.28 USD paid out in all
    paid = con.execute(
        "SELECT count(*), -sum(total) FROM money_movements WHERE category = 'transfer'"
    ).fetchone()
    con.close()
    w = weekly_flows(rows)
    assert paid[0] == 30 and w["payout"].sum() == pytest.approx(paid[1]) == pytest.approx(17919.28)
    table, summary = replay(w)
    # 74 weeks (2018-10-01 .. 2020-02-24): 26 behind and 13 ahead leave 36 origins
    assert len(w) == 74 and summary["origins"] == 36
    first = table.iloc[0]
    # Amazon's 14-day cycle, anchored on the last transfer (2020-02-26)
    assert settlement_cycle(w["last_transfer"]) == (14, pd.Timestamp("2020-02-26"))
    # the first origin (week of 2019-03-25) sees transfers on 03-12 and 03-26: 14-day cycle from 03-26, so
    # its 13 weeks (04-01 .. 06-30) hold 6 payout days: 6 x 14 days of mean net flow. Its window's median
    # week sold 495.06 USD of orders; the 7 weeks under a quarter of that (the 6 weeks from 2018-10-01 before
    # the account sold, and 2019-03-18, 111.05) are left out of the mean
    hist = w.iloc[:26]
    assert hist["orders"].median() == pytest.approx(495.06)
    low = hist[hist["orders"] < 0.25 * 495.06]
    assert list(low.index) == [0, 1, 2, 3, 4, 5, 24] and low["orders"].iloc[-1] == pytest.approx(111.05)
    assert first["projected"] == pytest.approx(6 * 14 * hist.drop(index=low.index)["net"].mean() / 7)
    assert first["actual"] == pytest.approx(w["payout"].iloc[26:39].sum())
    # measured (docs/finance.md), the seed's target is 85%. The low-sales share (25%) was chosen on the earlier
    # 18 origins (84.9%; 78.6% without the rule) and checked on the later 18 (86.3%; 88.3% without it)
    assert summary["split_week"] == dt.date(2019, 7, 29)
    assert summary["tune_origins"] == summary["validate_origins"] == 18
    assert summary["tune_accuracy"] == pytest.approx(table["accuracy"].iloc[:18].mean())
    assert summary["tune_accuracy"] == pytest.approx(0.8485, abs=5e-4)
    assert summary["validate_accuracy"] == pytest.approx(0.8625, abs=5e-4)
    assert summary["mean_accuracy"] == pytest.approx(0.8555, abs=5e-4)
    _, plain = replay(w, low_sales_share=0.0)  # every week in the mean: the previous model
    assert plain["mean_accuracy"] == pytest.approx(0.8341, abs=5e-4)
    assert (plain["tune_accuracy"], plain["validate_accuracy"]) == pytest.approx((0.7855, 0.8827), abs=5e-4)
    flat = w.drop(columns="last_transfer")  # without the cycle: horizon x mean weekly net flow
    assert replay(flat, low_sales_share=0.0)[1]["mean_accuracy"] == pytest.approx(0.8170, abs=5e-4)
    # diagnostic: given the horizon's ACTUAL net flow the same timing scores 81.6% -- the gap to a perfect
    # score is not only the forecast of earnings but what the account keeps back as it grows (reserves)
    future_table, future = replay(w, rate="future")
    assert future_table["projected"].iloc[0] == pytest.approx(6 * 14 * w["net"].iloc[26:39].mean() / 7)
    assert future["mean_accuracy"] == pytest.approx(0.8156, abs=5e-4)
    # the 13-week cash flow from the week after the last movement (2020-02-29): payout days 03-11 .. 05-20 on
    # the 14-day cycle, each 14 days of the last 26 weeks' mean net flow; no plans, so nothing else
    assert flow["start"] == pd.Timestamp("2020-03-02").date() and flow["history"] and flow["plans"] == 0
    last26 = w.iloc[-26:]
    assert (last26["orders"] >= 0.25 * last26["orders"].median()).all()  # no low-sales week left out here
    per_payout = 14 * last26["net"].mean() / 7
    paid = flow["weeks"]["payouts_history"]
    assert list(paid.round(6)) == [0, *[round(per_payout, 6), 0] * 6]
    assert flow["weeks"]["balance"].iloc[-1] == pytest.approx(1000 + 6 * per_payout)
    # the first week ends at 1,000 < floor 1,500; the breach fixes are computed (nothing to delay or cut here)
    assert flow["breach_week"] == pd.Timestamp("2020-03-02").date() and len(flow["fixes"]) == 2
    # the report panel: the same weeks, the payouts line and the balance, the breach named in both languages
    en, zh = panels["en"], panels["zh"]
    assert (
        en.missing is None and en.figure is not None and "2020-03-02" in en.intro and "2020-03-02" in zh.intro
    )
    table = en.tables[0][1]
    assert len(table) == 13 and table["Cash on hand"].iloc[-1] == round(1000 + 6 * per_payout)
    assert list(table.columns) == ["Week", "Payouts (settlements)", "Net", "Cash on hand"]
    assert [tr.name for tr in en.figure.data] == ["Payouts (settlements)", "Cash on hand", "Floor"]
    # a seller keeping CNY is long the 13 weeks' USD payouts; the VaR is the 5% worst 13-week USD/CNY move
    usd = exposure["rows"].set_index("currency").loc["USD"]
    assert usd["receivables"] == pytest.approx(6 * per_payout) and usd["payables"] == 0
    ch = base_changes(load_fx(None), ["USD"], "CNY", dt.date(2026, 4, 10))
    assert exposure["scenarios"] == len(ch) > 1200
    assert exposure["portfolio_var"] == pytest.approx(-np.quantile(ch["USD"] * usd["net_base"], 0.05))
    assert 0.01 < exposure["portfolio_var"] / usd["net_base"] < 0.06
