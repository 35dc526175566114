"""Margin outcomes from supplier quotes: which cost is used, and a launch judged on sales and margin (UCI)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xborder.domains.launch.outcomes import cost_sales, unit_costs


def _landed(**kw: object) -> dict:
    row = {"product_id": "p1", "market": "DE", "mode": "sea_lcl", "currency": "EUR", "unit_cost_estimated": False,
           "margin_pct": 0.3, "landed_cost": 4.0, "referral_fee": 1.5, "fulfilment_fee": 2.0, "other_fees": None}  # fmt: skip
    return {**row, **kw}


def test_unit_cost_prefers_a_quoted_landed_cost_then_the_quote_and_never_an_estimate() -> None:
    landed = pd.DataFrame([
        _landed(),
        _landed(mode="air", margin_pct=0.1, landed_cost=6.0),  # worse margin: not the best mode
        _landed(market="FR", unit_cost_estimated=True),  # estimated unit cost: never used
    ])  # fmt: skip
    offers = pd.DataFrame([{"product_id": "p1", "unit_cost": 3.0, "currency": "EUR"},
                           {"product_id": "p1", "unit_cost": 2.5, "currency": "EUR"},
                           {"product_id": "p2", "unit_cost": 9.0, "currency": "USD"}])  # fmt: skip
    costs = unit_costs(landed, offers)
    sales = pd.DataFrame({"product_id": ["p1", "p1", "p2", "p3"], "market": ["DE", "FR", "DE", "DE"],
                          "units": [10.0, 4.0, 2.0, 1.0], "currency": ["EUR", "EUR", "EUR", "EUR"]})  # fmt: skip
    out = cost_sales(sales, costs)
    assert out["cost"].iloc[0] == 10 * (4.0 + 1.5 + 2.0)  # DE: the quoted landed cost with fees, best mode
    assert out["cost_source"].iloc[0] == "landed_cost:sea_lcl"
    assert (
        out["cost"].iloc[1] == 4 * 2.5
    )  # FR: the landed cost is estimated, so the lowest quote (goods only)
    assert out["cost_source"].iloc[1] == "supplier_quote:goods_only"
    assert np.isnan(out["cost"].iloc[2])  # p2's quote is in USD, its sales in EUR: not converted
    assert np.isnan(out["cost"].iloc[3]) and out["cost_source"].iloc[3] is None


@pytest.mark.shared_data
@pytest.mark.slow
def test_launch_judged_on_sales_and_margin_with_a_quote(retail_warehouse: Path, tmp_path: Path) -> None:
    from xborder.domains.launch.stage import run_launch
    from xborder.domains.launch.stage.io import create_project, record_gate
    from xborder.warehouse import connect
    from xborder.warehouse.tables import read_rows, write_frame

    db = tmp_path / "retail.duckdb"
    shutil.copy(retail_warehouse, db)
    con = connect(db)
    try:
        pick = {"run_id": "run-pick", "product_id": "uci:23084", "market": "GB", "title": "RABBIT NIGHT LIGHT",
                "score": 0.71, "rank": 3, "demand_6m": 9000.0, "demand_6m_lo": 4000.0, "demand_6m_hi": 15000.0}  # fmt: skip
        write_frame(con, "opportunities", pd.DataFrame([pick]))
        # a supplier quote stated here (UCI has no costs): 0.95 GBP a unit, ex works
        quote = {"supplier_id": "sup-test", "product_id": "uci:23084", "unit_cost": 0.95, "currency": "GBP",
                 "moq": 500, "lead_time_days": 40.0, "offer_key": "test-quote", "source": "test"}  # fmt: skip
        write_frame(con, "supplier_offers", pd.DataFrame([quote]))
        p = create_project(con, "uci:23084", "GB", target_margin=0.5, start=dt.datetime(2011, 1, 3))
        assert p["supplier_lead_days"] == 40.0
        for gate, day in (("specification", 10), ("sourcing", 40), ("compliance", 70), ("pilot", 100)):
            record_gate(con, p["project_id"], gate, "go", at=dt.datetime(2011, 1, 1) + dt.timedelta(days=day))
        record_gate(con, p["project_id"], "launch", "go", at=dt.datetime(2011, 6, 1))
        run_launch(con, "run-launch-test")
        row = read_rows(con, "launch_outcomes", "run-launch-test").iloc[0]
        units, revenue = con.execute(
            "SELECT sum(quantity), sum(quantity * unit_price) FROM order_lines WHERE product_id = 'uci:23084' "
            "AND country = 'GB' AND status = 'sold' AND ordered_at >= '2011-06-01' AND ordered_at < '2011-12-01'"
        ).fetchone()
    finally:
        con.close()
    margin = (revenue - units * 0.95) / revenue
    assert row["actual_margin"] == pytest.approx(margin)
    assert row["margin_source"] == "supplier_quote:goods_only" and row["basis"] == "sales_and_margin"
    assert bool(row["margin_ok"]) is (margin >= 0.5)
    assert bool(row["success"]) is (units >= 4000 and margin >= 0.5)


def test_reviews_in_the_window_are_counted_for_the_market_or_no_market() -> None:
    from xborder.domains.launch.outcomes import judge_outcomes

    projects = pd.DataFrame([{"project_id": "prj-1", "product_id": "p1", "market": "DE", "forecast_units": 10.0,
                              "forecast_lo_80": 5.0, "window_months": 6, "target_margin": 0.25}])  # fmt: skip
    status = pd.DataFrame([{"project_id": "prj-1", "launched_at": pd.Timestamp("2026-01-01")}])
    sales = pd.DataFrame([{"product_id": "p1", "market": "DE", "day": dt.date(2026, 2, 1), "units": 8.0,
                           "revenue": 80.0, "currency": "EUR", "cost": np.nan}])  # fmt: skip
    reviews = pd.DataFrame(
        [("p1", "DE", "2026-01-10", 5), ("p1", None, "2026-03-01", 2), ("p1", "FR", "2026-03-01", 1),
         ("p1", "DE", "2025-12-31", 1), ("p1", "DE", "2026-07-01", 1), ("p2", "DE", "2026-02-01", 1)],
        columns=["product_id", "market", "day", "rating"],
    )  # fmt: skip
    row = judge_outcomes(projects, status, sales, dt.date(2026, 8, 1), reviews).iloc[0]
    # in DE or no market, 2026-01-01 <= day < 2026-07-01: ratings 5 and 2
    assert row["reviews"] == 2 and row["mean_rating"] == 3.5
    assert row["basis"] == "sales_only" and bool(row["success"]) is True  # 8 units >= 5, margin unknown
