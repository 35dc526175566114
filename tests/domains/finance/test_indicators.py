"""Warning indicators on the bathmat seller's real transaction report, checked against the raw file by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.core.settings import Settings
from xborder.domains.finance.indicators import judge, plan_indicators
from xborder.domains.finance.stage import run_finance
from xborder.ingest.engine import ingest_path
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows

FEB = ("amazon_seller_central_us_bathmat_seller_2018_2020", "fees",
       "2020Feb1-2020Feb29CustomTransaction_no_buyer_location.csv.gz")  # fmt: skip


@pytest.mark.shared_data
def test_refund_fee_and_payout_lag_of_february_2020(db_path: Path) -> None:
    path = shared_path(*FEB)
    raw = pd.read_csv(path)
    orders, refunds = raw[raw["type"] == "Order"], raw[raw["type"] == "Refund"]
    refund_rate = -refunds["total"].sum() / orders["product sales"].sum()
    fee_share = -(orders["selling fees"].sum() + orders["fba fees"].sum()) / orders["product sales"].sum()
    settings = Settings(db_path=str(db_path))
    con = connect(db_path)
    results = ingest_path(con, path, settings=settings, reject_dir=db_path.parent)
    assert sum(r.rows_stored for r in results) == len(raw) == 116
    out = run_finance(con, settings, run_id="f1")
    assert out["plans"] == 0 and out["price_ladders"] == 0
    ind = read_rows(con, "warning_indicators", "f1").set_index("indicator")
    assert ind.loc["refund_rate", "period"] == "2020-02"
    assert ind.loc["refund_rate", "value"] == pytest.approx(refund_rate, rel=1e-9)
    assert ind.loc["refund_rate", "value"] == pytest.approx(0.0957, abs=5e-5)
    assert ind.loc["refund_rate", "status"] == "warn"  # above the 5% threshold
    assert ind.loc["fee_share_of_sales", "value"] == pytest.approx(fee_share, rel=1e-9)
    # no reserve lines in a date-range report: unknown, not zero
    assert ind.loc["payout_reserve_share", "status"] == "no_data"
    # payout lag: each order is paid with the next transfer to the bank
    posted = pd.to_datetime(
        raw["date/time"].str.replace(r" P[SD]T$", "", regex=True), format="%b %d, %Y %I:%M:%S %p"
    )
    transfers = posted[raw["type"] == "Transfer"].sort_values().to_numpy()
    op = posted[raw["type"] == "Order"].to_numpy()
    nxt = transfers.searchsorted(op)
    ok = nxt < len(transfers)
    lag = (transfers[nxt[ok]] - op[ok]) / pd.Timedelta(days=1)
    assert ind.loc["dso_days", "value"] == pytest.approx(lag.mean(), rel=1e-9)
    # cash runway: from 0 with a floor of 0 the flow (payouts only) never goes below: the whole 13 weeks
    flow = read_rows(con, "cash_flows", "f1", where="line = 'balance'").sort_values("week")
    assert (flow["amount"] >= 0).all() and flow["amount"].iloc[0] == 0.0
    runway = ind.loc["cash_runway_weeks"]
    assert (runway["value"], runway["threshold"], runway["status"]) == (13.0, 13.0, "ok")
    assert runway["period"] == "2020-03-02" and pd.isna(runway["previous"])
    # a floor of 500: the first week (no payout before 03-11) ends at 0, below it; the trend is the run before
    run_finance(con, Settings(db_path=str(db_path), cash_floor=500.0), run_id="f2")
    runway = read_rows(con, "warning_indicators", "f2").set_index("indicator").loc["cash_runway_weeks"]
    assert (runway["value"], runway["previous"], runway["status"]) == (0.0, 13.0, "warn")
    con.close()


def test_plan_indicators_and_judgement_hand_computed() -> None:
    latest = pd.DataFrame({"product_id": ["a", "b"], "market": ["US", "US"], "price": [20.0, 10.0],
                           "freight": [2.0, 1.0], "insurance": [0.0, 0.0], "fulfilment_fee": [2.0, 1.5],
                           "margin_pct": [0.25, 0.05]})  # fmt: skip
    previous = latest.assign(margin_pct=[0.28, 0.15])
    rows = plan_indicators(latest, previous, pd.Series(["CN", "CN", "VN"]))
    judged = judge(rows, {"logistics_share_of_price": 0.18, "margin_pct": 0.15, "margin_erosion": -0.05,
                          "single_country_supply_share": 0.30})  # fmt: skip
    log = judged[judged["indicator"] == "logistics_share_of_price"].set_index("subject")
    assert log.loc["a|US", "value"] == pytest.approx(0.20) and log.loc["a|US", "status"] == "warn"
    assert log.loc["b|US", "value"] == pytest.approx(0.25)
    ero = judged[judged["indicator"] == "margin_erosion"].set_index("subject")
    assert ero.loc["a|US", "value"] == pytest.approx(-0.03) and ero.loc["a|US", "status"] == "ok"
    assert ero.loc["b|US", "value"] == pytest.approx(-0.10) and ero.loc["b|US", "status"] == "warn"
    sup = judged[judged["indicator"] == "single_country_supply_share"].iloc[0]
    assert sup["subject"] == "CN" and sup["value"] == pytest.approx(2 / 3) and sup["status"] == "warn"
