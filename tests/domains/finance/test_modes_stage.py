"""The finance stage prices each planned pick with its other shipping mode, and ``xborder cash modes`` shows it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xborder.core.settings import Settings
from xborder.domains.finance.report import report_panels as finance_panels
from xborder.domains.finance.stage import STAGE as FINANCE
from xborder.domains.inventory.tables import INVENTORY_PLANS
from xborder.domains.landed_cost import ProductInput, landed_cost_frame
from xborder.domains.landed_cost.tables import LANDED_COSTS
from xborder.pipeline.runner import run_stage
from xborder.schema.catalogue import PRODUCTS
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame

LAMP = ProductInput(
    unit_cost=6.0, category="lighting", weight_kg=0.8, length_cm=25, width_cm=20, height_cm=15
)


@pytest.fixture
def warehouse(db_path: Path) -> Path:
    rows = pd.DataFrame(
        [LAMP.row("US", mode, price=39.0, units=None, platform=None) for mode in ("sea_lcl", "air")]
    )
    lc = landed_cost_frame(rows, date="2026-12-06", target_margin=0.30)
    lc = lc.assign(product_id="p:lamp", run_id="lc-1", price_source="given", unit_cost=6.0,
                   unit_cost_estimated=False)  # fmt: skip
    plan = pd.DataFrame([{"run_id": "inv-1", "product_id": "p:lamp", "market": "US", "location": "*",
                          "kind": "launch", "plan_start": pd.Timestamp("2026-12-07").date(), "daily_demand": 2.0,
                          "lead_time_days": 40.0, "reorder_point": 0.0, "order_quantity": 0.0,
                          "launch_quantity": 100.0, "on_hand": np.nan, "inbound": np.nan, "currency": "USD",
                          "cost_source": "landed_costs:air"}])  # fmt: skip
    con = connect(db_path)
    write_frame(con, LANDED_COSTS, lc, ignore=[c for c in lc.columns if c not in LANDED_COSTS.column_names])
    write_frame(con, INVENTORY_PLANS, plan)
    write_frame(
        con,
        PRODUCTS,
        pd.DataFrame(
            [
                {
                    "product_id": "p:lamp",
                    "source": "test",
                    "title": "lamp",
                    "length_cm": 25.0,
                    "width_cm": 20.0,
                    "height_cm": 15.0,
                }
            ]
        ),
    )
    con.close()
    return db_path


def test_an_air_plan_is_priced_by_sea(warehouse: Path) -> None:
    con = connect(warehouse)
    run_id, _ = run_stage(con, Settings(db_path=str(warehouse)), FINANCE, {"as_of": "2026-12-06"})
    lc = read_rows(con, "landed_costs").set_index("mode")
    got = read_rows(con, "cash_mode_options", run_id)
    flow = read_rows(con, "cash_flows", run_id)
    panels = {lang: finance_panels(con, run_id, lang)[0] for lang in ("en", "zh")}
    con.close()
    assert len(got) == 1
    o = got.iloc[0]
    assert (o["mode"], o["alt_mode"], o["currency"]) == ("air", "sea_lcl", "USD")
    # lead 40 - air transit (FR-CN-US-AIR, 5-10 days: 7.5) + sea transit (FR-CN-US-LCL, 30-35: 32.5)
    assert o["alt_lead_time_days"] == pytest.approx(40 - 7.5 + 32.5)
    assert o["unit_margin"] == pytest.approx(lc.loc["air", "unit_margin"])
    assert o["alt_unit_margin"] == pytest.approx(lc.loc["sea_lcl", "unit_margin"])
    assert o["cash_gain"] == pytest.approx(o["alt_lowest_cash"] - o["lowest_cash"])
    # the lamp's air freight (0.8 kg, 25x20x15 cm) costs more than by sea: sea needs less cash at the low point
    assert lc.loc["air", "freight"] > lc.loc["sea_lcl", "freight"]
    assert o["cash_gain"] > 0 and bool(o["chosen"]) == (o["alt_unit_margin"] > 0)
    # storage: the lamp's 7,500 cm3 (0.26486 ft3) at 0.78 USD a month off-peak: stock arrives on day 40
    # (2027-01-16), the stock at the end of days 40..60 (98, 96, ..., 58: 1,638 unit-days) is charged on days 70..90
    total = flow.groupby("line")["amount"].sum()
    assert total["storage"] == pytest.approx(-1638 * 7500 / 28316.846592 * 0.78 / 30.4)
    # refunds: 5% of the sales of days 40..69 (60 units) taken back 21 days later, at price - fees (no US VAT)
    fees = lc.loc["air", ["referral_fee", "fulfilment_fee", "other_fees"]].fillna(0).sum()
    assert total["refunds"] == pytest.approx(-0.05 * 60 * (39.0 - fees - lc.loc["air", "output_vat"]))
    # the cash-runway panel adds the mode table and says whether a switch helps (en, zh)
    (_, table) = panels["en"].tables[1]
    assert len(table) == 1 and table.iloc[0]["Mode → other"].startswith("air → sea_lcl")
    said = "1 picks need less cash" if bool(o["chosen"]) else "No pick needs less cash"
    assert said in (panels["en"].intro or "") and "运输方式" in (panels["zh"].intro or "")
    env = {**os.environ, "XBORDER_DB": str(warehouse)}
    out = subprocess.run([sys.executable, "-m", "xborder.cli.main", "--json", "cash", "modes"], env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    data = json.loads(out.stdout)
    assert (data["plans"], data["options"]) == (1, 1)
    assert data["rows"][0]["alt_mode"] == "sea_lcl"
