"""The ad plan in the 13-week cash flow: the marketing stage's budget, else the last 28 days of campaign spend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.core.settings import Settings
from xborder.domains.finance.cashflow import weekly_flows
from xborder.domains.finance.stage.cashflow import ad_plan, cash_flow, cash_rows
from xborder.domains.marketing.tables import AD_BUDGET
from xborder.ingest.engine import ingest_path
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame

BATHMAT = "amazon_seller_central_us_bathmat_seller_2018_2020"


def test_the_budget_is_the_sum_of_the_campaigns_suggested_spend(db_path: Path) -> None:
    con = connect(db_path)
    budget = pd.DataFrame({
        "run_id": "run-ads", "marketplace_id": "amazon.US", "market_code": "US", "currency": "USD",
        "campaign": ["a", "b", "c"], "status": ["fitted", "too_few_days", "fitted"],
        "current_daily_spend": [10.0, 5.0, 20.0], "suggested_daily_spend": [14.0, 5.0, 16.0],
    })  # fmt: skip
    write_frame(con, AD_BUDGET, budget)
    plan = ad_plan(con, "USD", dt.date(2026, 4, 10))
    assert plan.to_dict("records") == [{"market": "US", "ad_currency": "USD", "daily_local": 35.0,
                                        "daily": 35.0, "basis": "ad_budget"}]  # fmt: skip
    flow = cash_flow(con, Settings(db_path=str(db_path)), opening=0.0)
    con.close()
    # no plans, no settlements: the budget alone, 7 x 35 a week, halved by the ad fix
    assert flow["ad_basis"] == "ad_budget" and flow["ad_daily"] == 35.0
    assert list(flow["weeks"]["advertising"]) == [-245.0] * 13
    assert flow["lowest_balance"] == pytest.approx(-245.0 * 13)
    fixes = flow["fixes"].set_index("fix")
    assert fixes.loc["cut_advertising_50pct", "gain"] == pytest.approx(245.0 * 13 / 2)
    rows = cash_rows(flow, "run-cash")
    assert set(rows.loc[rows["line"] == "advertising", "basis"]) == {"ad_budget"}


@pytest.mark.shared_data
@pytest.mark.slow
def test_the_bathmat_sellers_campaign_spend_replaces_its_past_ad_charges(db_path: Path) -> None:
    """Settlements plus the Dec-Jan campaign report: the flow charges the reports' spend, not past invoices."""
    settings = Settings(db_path=str(db_path))
    con = connect(db_path)
    ingest_path(con, shared_path(BATHMAT, "fees"), settings=settings, reject_dir=db_path.parent)
    ingest_path(con, shared_path(BATHMAT, "ads", "Campaign 12.1-1.15.csv"), settings=settings,
                reject_dir=db_path.parent)  # fmt: skip
    plan = ad_plan(con, "USD", dt.date(2026, 4, 10))
    # by SQL: the campaign rows are daily; the last day is 2020-01-13, so the 28 days run from 2019-12-17
    last28 = con.execute(
        "SELECT sum(spend) FROM ad_performance WHERE report_type = 'campaign' "
        "AND period_start BETWEEN DATE '2019-12-17' AND DATE '2020-01-13'"
    ).fetchone()[0]
    rows = read_rows(con, "money_movements", columns=["posted_at", "category", "total"])
    flow = cash_flow(con, settings, opening=1000.0, floor=1500.0)
    con.close()
    assert plan["basis"].tolist() == ["ad_actual"] and plan["market"].tolist() == ["US"]
    # the raw CSV's Spend column summed over Date 2019-12-17 .. 2020-01-13 (260 rows): $943.85
    assert plan["daily"].iloc[0] == pytest.approx(last28 / 28) == pytest.approx(943.85 / 28)
    assert flow["ad_basis"] == "ad_actual"
    assert list(flow["weeks"]["advertising"].round(6)) == [round(-7 * last28 / 28, 6)] * 13
    # the payouts are the settlements' net flow WITHOUT their advertising charges, on the 14-day cycle
    ex_ads = weekly_flows(rows[rows["category"] != "advertising"])
    per_payout = 14 * ex_ads["net"].iloc[-26:].mean() / 7
    assert list(flow["weeks"]["payouts_history"].round(6)) == [0, *[round(per_payout, 6), 0] * 6]
    assert flow["weeks"]["balance"].iloc[-1] == pytest.approx(1000 + 6 * per_payout - 13 * 7 * last28 / 28)
