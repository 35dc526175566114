"""The finance and risk stages on a warehouse of engine-computed landed costs, and their commands."""

from __future__ import annotations

import datetime as dt
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
from xborder.domains.landed_cost import ProductInput, landed_cost_frame
from xborder.domains.landed_cost.tables import LANDED_COSTS
from xborder.domains.risk.report import report_panels as risk_panels
from xborder.domains.risk.stage import STAGE as RISK
from xborder.domains.risk.stage.report import heat_cells, survives_extreme
from xborder.pipeline.runner import run_stage
from xborder.reference.fx import load_fx
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame

XB = [sys.executable, "-m", "xborder.cli.main"]
LAMP = ProductInput(
    unit_cost=6.0, category="lighting", weight_kg=0.8, length_cm=25, width_cm=20, height_cm=15
)
PRICES = {"US": 39.0, "DE": 35.0, "JP": 5200.0, "VN": 900_000.0}


@pytest.fixture
def warehouse(db_path: Path) -> Path:
    rows = pd.DataFrame(
        [
            LAMP.row(m, mode, price=p, units=None, platform=None)
            for m, p in PRICES.items()
            for mode in ("sea_lcl", "air")
        ]
    )
    lc = landed_cost_frame(rows, date="2026-12-06", target_margin=0.30)
    lc["product_id"] = "p:lamp"
    lc["run_id"] = "lc-1"
    lc["price_source"] = "given"
    lc["unit_cost"] = 6.0
    lc["unit_cost_estimated"] = False
    con = connect(db_path)
    write_frame(con, LANDED_COSTS, lc, ignore=[c for c in lc.columns if c not in LANDED_COSTS.column_names])
    con.close()
    return db_path


def test_stages_write_ladders_stress_register_and_the_vat_alert(warehouse: Path) -> None:
    con = connect(warehouse)
    settings = Settings(db_path=str(warehouse))
    run_id, fin = run_stage(con, settings, FINANCE, {"as_of": "2026-12-06"})
    fin_run = run_id
    assert fin["plans"] == 4 and fin["price_ladders"] == 8 * 3
    lad = read_rows(con, "price_ladders", run_id)
    us = lad[(lad["market"] == "US") & (lad["mode"] == "sea_lcl")].set_index("target_margin")
    lc = read_rows(con, "landed_costs", "lc-1")
    tp = lc[(lc["market"] == "US") & (lc["mode"] == "sea_lcl")]["target_price"].iloc[0]
    assert us.loc[0.3, "exact_price"] == pytest.approx(tp, rel=1e-9)
    # US prices end in .99: the smallest such price at or above the exact one
    assert round(us.loc[0.3, "local_price"] % 1, 2) == 0.99
    assert 0 <= us.loc[0.3, "local_price"] - tp < 1.0
    assert (lad["local_price"] >= lad["exact_price"] - 1e-9).all()
    ind = read_rows(con, "warning_indicators", run_id)
    assert set(ind.loc[ind["scope"] == "plan", "indicator"]) == {
        "logistics_share_of_price",
        "margin_pct",
        "margin_erosion",
    }
    assert (ind["text_zh"].str.len() > 0).all()
    # the FX move ends on the table's last ECB day (2026-04-13; after it every rate repeats and the move read 0):
    # dollars per yuan 13 weeks apart, 2026-01-12 -> 04-13
    fx = load_fx(None)
    usd = ind[(ind["indicator"] == "fx_move_90d") & (ind["subject"] == "USD")].iloc[0]
    ratio = (
        fx.factor("CNY", "USD", dt.date(2026, 4, 13)).rate
        / fx.factor("CNY", "USD", dt.date(2026, 1, 12)).rate
    )
    assert usd["period"] == fx.last_date == "2026-04-13" and usd["value"] == pytest.approx(
        ratio - 1, rel=1e-9
    )
    assert usd["value"] != 0.0

    run_id, risk = run_stage(con, settings, RISK, {"as_of": "2026-12-06", "draws": 500})
    assert risk["stress_tests"] == 4 and risk["risk_register"] == 4 * 8
    st = read_rows(con, "stress_tests", run_id)
    assert st["p_loss"].between(0, 1).all() and (st["p05"] <= st["p95"]).all()
    assert len(read_rows(con, "stress_drivers", run_id)) == 4 * 6
    reg = read_rows(con, "risk_register", run_id)
    assert set(reg["level"]) <= {"L1", "L2", "L3", "L4"}
    assert dict(zip(reg["level"], reg["response_hours"], strict=False)).get("L1", 2) == 2
    # VN's VAT rises from 8% to 10% on 2027-01-01: the VN plan (VAT-inclusive price) loses net revenue
    al = read_rows(con, "rule_change_alerts", run_id)
    assert list(al["rule_id"].unique()) == ["VAT-VN-10"] and set(al["market"]) == {"VN"}
    vn = lc[(lc["market"] == "VN")].set_index("mode")
    row = al.iloc[0]
    assert row["old_rate"] == pytest.approx(0.08) and row["rate"] == pytest.approx(0.10)
    net = vn.loc[row["mode"], "net_revenue"]
    assert row["margin_change"] == pytest.approx(net * (1.08 / 1.10 - 1), rel=1e-9)
    # report panels of the run: the paying plans' margin boxes, every register row in one heat-map cell
    stress, break_even, heat = risk_panels(con, run_id, "en")
    paying = st[st["base_margin"] > 0]
    assert stress.missing is None and len(stress.tables[0][1]) == len(paying) > 0
    assert list(stress.figure.data[0].median) == pytest.approx(sorted(paying["p50"] * 100, reverse=True))
    assert heat.missing is None and f"{len(reg)} risks of 4 plans" in heat.intro
    assert sum(int(t) for row in heat.figure.data[0].text for t in row) == len(reg)
    assert "个计划" in risk_panels(con, run_id, "zh")[2].intro
    # break-even panel: per driver, the paying plans whose break-even alone lies beyond the stress extreme
    dr = read_rows(con, "stress_drivers", run_id)
    freight = dr.loc[dr["driver"] == "freight", "break_even"].dropna()
    fx = dr.loc[dr["driver"] == "fx", "break_even"].dropna()
    be = survives_extreme(dr, Settings()).set_index("driver")
    assert be.loc["freight", "survives"] == pytest.approx((freight >= 3.0).mean())
    assert be.loc["fx", "survives"] == pytest.approx((fx <= -0.30).mean())
    assert be.loc["freight", "plans"] == len(freight) == len(paying)
    assert break_even.missing is None and list(break_even.figure.data[0].x) == pytest.approx(
        be["survives"] * 100
    )
    # no inventory plans and no settlements: no cash flow, and the panel says what fills it
    cash, capacity, indicators, hedges = finance_panels(con, run_id, "en")
    assert cash.figure is None and "xborder run" in (cash.missing or "")
    assert capacity.figure is None and "xborder run" in (capacity.missing or "")
    assert hedges.missing == (
        "No FX hedges recorded. Record forward contracts with xborder fx hedge add or xborder fx hedge load FILE."
    )
    # the indicators panel: none in the risk run; the finance run's 4 plans summarised by their median
    assert indicators.figure is None and "xborder run" in (indicators.missing or "")
    indicators = finance_panels(con, fin_run, "en")[2]
    assert indicators.missing is None and "over 4 product × market plans" in indicators.intro
    con.close()


def test_heat_map_cells_by_hand() -> None:
    reg = pd.DataFrame({"probability": [0.01, 0.10, 0.10, 0.70, 0.30],
                        "impact": [50.0, 500.0, 5000.0, 2e5, 100.0], "currency": ["USD", "USD", "EUR", "USD", "JPY"]})  # fmt: skip
    cells = heat_cells(reg, {"USD": 1.0, "EUR": 1.1, "JPY": 0.0066})
    assert cells.to_numpy().sum() == 5
    assert cells.loc[0, 0] == 1  # 1% and 50 USD
    assert cells.loc[1, 1] == 1  # 10% and 500 USD
    assert cells.loc[2, 1] == 1  # 10% and 5,500 USD (EUR 5,000)
    assert cells.loc[4, 4] == 1  # 70% and 200,000 USD
    assert cells.loc[0, 2] == 1  # 30% and 0.66 USD (JPY 100)


def test_survives_the_extreme_by_hand() -> None:
    """Freight break-evens x2, x3 (exactly the extreme), x4 and a losing plan (none); demand 0.4 and 0.6."""
    dr = pd.DataFrame({"driver": ["freight"] * 4 + ["demand"] * 2,
                       "break_even": [2.0, 3.0, 4.0, None, 0.4, 0.6], "first_order": [0.5] * 4 + [0.2] * 2})  # fmt: skip
    t = survives_extreme(dr, Settings()).set_index("driver")
    assert t.loc["freight", "plans"] == 3 and t.loc["freight", "survives"] == pytest.approx(2 / 3)
    assert t.loc["freight", "median_break_even"] == 3.0 and t.loc["freight", "extreme"] == 3.0
    # demand: a plan survives half the demand when it breaks even at a sold share of 50% or less
    assert t.loc["demand", "survives"] == pytest.approx(0.5) and t.loc["demand", "median_first_order"] == 0.2
    assert t.loc["fx", "plans"] == 0 and np.isnan(t.loc["fx", "survives"])


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([*XB, "--db", str(db), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.slow
def test_cli_stress_and_missing_plan(warehouse: Path) -> None:
    out = _cli(warehouse, "--json", "stress", "p:lamp", "US", "--draws", "4000")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["draws"] == 4000 and 0 <= d["p_loss"] <= 1 and len(d["drivers"]) == 6
    assert abs(d["mc_error"] - (d["p_loss"] * (1 - d["p_loss"]) / 4000) ** 0.5) < 1e-12
    bad = _cli(warehouse, "stress", "p:none", "US")
    assert bad.returncode == 2 and "No plan for p:none in US" in bad.stderr


@pytest.mark.slow
def test_cli_seller_register_sums_the_plans(warehouse: Path) -> None:
    con = connect(warehouse)
    run_id, _ = run_stage(con, Settings(db_path=str(warehouse)), RISK, {"as_of": "2026-12-06", "draws": 200})
    reg = read_rows(con, "risk_register", run_id)
    con.close()
    out = _cli(warehouse, "--json", "risk", "seller", "--currency", "USD")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["plans"] == 4 and d["currency"] == "USD" and len(d["rows"]) == 8
    us = reg[reg["market"] == "US"]  # the US plan's money is already in dollars
    rows = {r["category"]: r for r in d["rows"]}
    assert rows["logistics"]["plans"] == 4 and rows["logistics"]["owner"] == "logistics"
    assert sum(r["L1"] + r["L2"] + r["L3"] + r["L4"] for r in d["rows"]) == len(reg) == 32
    assert d["risk_reserve"] == pytest.approx(sum(r["expected_loss"] for r in d["rows"]))
    assert d["risk_reserve"] > us["expected_loss"].sum() > 0


@pytest.mark.slow
def test_stress_prices_the_pairs_other_modes_on_the_same_draws(warehouse: Path) -> None:
    """``xborder stress p:lamp US --mode air`` stresses sea LCL on the same draws: its figures equal those of
    ``--mode sea_lcl`` alone, and sea is suggested when it loses less often and still makes money."""
    air = json.loads(
        _cli(warehouse, "--json", "stress", "p:lamp", "US", "--mode", "air", "--draws", "2000").stdout
    )
    sea = json.loads(
        _cli(warehouse, "--json", "stress", "p:lamp", "US", "--mode", "sea_lcl", "--draws", "2000").stdout
    )
    assert air["mode"] == "air" and [r["mode"] for r in air["other_modes"]] == ["sea_lcl"]
    other = air["other_modes"][0]
    assert other["p_loss"] == pytest.approx(sea["p_loss"]) and other["p05"] == pytest.approx(sea["p05"])
    assert other["base_margin"] == pytest.approx(sea["base_margin"])
    expect = "sea_lcl" if sea["p_loss"] < air["p_loss"] and sea["base_margin"] > 0 else None
    assert air["suggested_mode"] == expect
    assert sea["other_modes"][0]["mode"] == "air"
