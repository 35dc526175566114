"""The cash flow pays each supplier on its own quote's payment terms (ingested from a quote sheet) and says so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import xborder.domains.finance.stage.cashflow as cf
from tests.ingest.helpers import ingest
from xborder.core.settings import Settings
from xborder.domains.finance.stage.report import cash_runway_panel
from xborder.domains.finance.tables import CASH_FLOWS
from xborder.domains.inventory.tables import INVENTORY_PLANS
from xborder.domains.landed_cost import ProductInput, landed_cost_frame
from xborder.domains.landed_cost.tables import LANDED_COSTS
from xborder.warehouse import connect
from xborder.warehouse.tables import write_frame

QUOTES = Path(__file__).parents[2] / "ingest" / "data" / "supplier_quotes_terms_synthetic.csv"
MAT = ProductInput(
    unit_cost=2.4, category="home_kitchen", weight_kg=0.6, length_cm=50, width_cm=80, height_cm=2
)
START = pd.Timestamp("2026-12-07")  # a Monday: the flow's first week


def _plans(con, products: list[str]) -> None:  # noqa: ANN001
    lc = landed_cost_frame(pd.DataFrame([MAT.row("US", "sea_lcl", price=19.99, units=None, platform=None)]),
                           date="2026-12-06", target_margin=0.30)  # fmt: skip
    lc = pd.concat([lc.assign(product_id=p) for p in products], ignore_index=True)
    lc = lc.assign(run_id="lc-1", price_source="given", unit_cost=2.4, unit_cost_estimated=False)
    write_frame(con, LANDED_COSTS, lc, ignore=[c for c in lc.columns if c not in LANDED_COSTS.column_names])
    plan = pd.DataFrame([{"run_id": "inv-1", "product_id": p, "market": "US", "location": "*", "kind": "launch",
                          "plan_start": START.date(), "daily_demand": 1.0, "lead_time_days": 60.0,
                          "reorder_point": 0.0, "order_quantity": 0.0, "launch_quantity": 100.0, "on_hand": np.nan,
                          "inbound": np.nan, "currency": "USD", "cost_source": "landed_costs:sea_lcl"}
                         for p in products])  # fmt: skip
    write_frame(con, INVENTORY_PLANS, plan)


def test_each_plan_pays_on_its_quotes_terms(tmp_path: Path) -> None:
    con = connect(tmp_path / "wh.duckdb")
    ingest(con, QUOTES, None, tmp_path)
    con.close()
    con = connect(tmp_path / "wh.duckdb")
    _plans(con, ["custom:bm-01", "custom:bm-02", "custom:bm-04", "custom:bm-06"])
    settings = Settings(db_path=str(tmp_path / "wh.duckdb"))
    plans = cf.plan_inputs(con, "USD", START.date(), settings=settings).set_index("product_id")
    goods = float(plans.loc["custom:bm-01", "goods"])  # goods + insurance a unit, the same for the three
    # bm-01: 30% deposit, balance before shipment (lead 30 days); bm-02: 100% in advance (lead 28 days);
    # bm-04: 月结30天 (lead 35 + 30 days, no deposit); bm-06 "PayPal": the settings (30%, 30 days)
    assert plans.loc["custom:bm-01", ["deposit_share", "payment_days"]].tolist() == [0.30, 30.0]
    assert plans.loc["custom:bm-02", ["deposit_share", "payment_days"]].tolist() == [1.0, 28.0]
    assert plans.loc["custom:bm-04", ["deposit_share", "payment_days"]].tolist() == [0.0, 65.0]
    assert plans.loc["custom:bm-06", ["deposit_share", "payment_days"]].isna().all()
    flow = cf.cash_flow(con, settings, opening=0.0)
    w = flow["weeks"].set_index("week")
    # week 1: 30 + 100 + 0 + 30 (settings) = 160 units' goods as deposits; bm-02 owes no balance
    assert abs(w["purchase_deposits"].iloc[0] + 1.60 * goods * 100) < 1e-6
    # balances: bm-01 and bm-06 (settings) on day 30 (week 5): 70% each; bm-04 all of it on day 65 (week 10)
    assert abs(w["purchase_balances"].sum() + 2.40 * goods * 100) < 1e-6
    assert abs(w["purchase_balances"].iloc[4] + 1.40 * goods * 100) < 1e-6
    assert abs(w["purchase_balances"].iloc[9] + 1.00 * goods * 100) < 1e-6
    # freight leaves when paid: days 28 and 30 (week 5) for three plans, day 65 (week 10) for bm-04
    freight = float(plans.loc["custom:bm-01", "freight"]) * 100
    assert abs(w["freight"].iloc[4] + 3 * freight) < 1e-6 and abs(w["freight"].iloc[9] + freight) < 1e-6
    assert flow["supplier_terms"] == {"deposit_share": 0.30, "payment_days": 30, "basis": "mixed",
                                      "quoted_plans": 3, "plans": 4}  # fmt: skip
    rows = cf.cash_rows(flow, "run-q")
    assert set(rows["supplier_terms_basis"]) == {"mixed"} and set(rows["plans_with_quote_terms"]) == {3}
    write_frame(con, CASH_FLOWS, rows)
    intro = {lang: cash_runway_panel(con, "run-q", lang).intro or "" for lang in ("en", "zh")}
    assert "3 of 4 plans pay their supplier on their quote's payment terms" in intro["en"]
    assert "4 个计划中有 3 个按供应商报价的付款条件付款" in intro["zh"]
    con.close()


def test_without_quoted_terms_the_flow_says_it_used_the_settings(tmp_path: Path) -> None:
    con = connect(tmp_path / "wh.duckdb")
    _plans(con, ["custom:bm-01"])
    flow = cf.cash_flow(con, Settings(db_path=str(tmp_path / "wh.duckdb")), opening=0.0)
    assert flow["supplier_terms"]["basis"] == "settings" and flow["supplier_terms"]["quoted_plans"] == 0
    con.close()
