"""Stock-out impact of a disruption: a scenario's extra days through the pair's stock plan, checked by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import norm

from tests.domains.logistics.test_stage_cli import AS_OF, warehouse  # noqa: F401 — the fixture
from xborder.core.settings import get_settings
from xborder.domains.logistics.stage import STAGE, report_panels
from xborder.domains.logistics.stockout import scenario_stock_summary, stockout_impact
from xborder.pipeline.dossier import connection_query, dossier
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame

# A plan covering P = 33 + 7 days at 10 units a day (μ = 400), demand sd 100 over P, lead time sd 3 days
# (σ = √(100² + (10·3)²) = 104.40), reorder point 572 (z = 1.65), order 300, weeks as independent (a = ½).
PLAN = {"product_id": "custom:MAT", "market": "DE", "kind": "forecast", "currency": "EUR", "daily_demand": 10.0,
        "lead_time_sd_days": 3.0, "protection_days": 40.0, "protection_demand": 400.0,
        "protection_sd": math.sqrt(100**2 + 30**2), "reorder_point": 572.0, "order_quantity": 300.0,
        "safety_factor": 172 / math.sqrt(100**2 + 30**2), "service_target": 0.95, "expected_cycle_service": 0.95,
        "spread_growth": 0.5, "average_stock": 350.0, "cash_tied_up": 3500.0}  # fmt: skip


def _loss(z: float) -> float:
    return float(norm.pdf(z) - z * norm.sf(z))


def test_ten_more_days_by_hand() -> None:
    imp = pd.DataFrame({"product_id": ["custom:MAT", "custom:MAT", "custom:NONE"], "market": ["DE", "DE", "DE"],
                        "scenario": ["a", "b", "a"], "delay_days": [10.0, 10.0, 10.0],
                        "unroutable": [False, True, False]})  # fmt: skip
    out = stockout_impact(imp, pd.DataFrame([PLAN])).set_index(["product_id", "scenario"])
    row = out.loc[("custom:MAT", "a")]
    sigma = math.sqrt(100**2 + 30**2)
    # 50 days: μ' = 500, demand sd 100·√(50/40) = 111.80, lead-time part 30 unchanged → σ' = 115.76
    sigma_new = math.sqrt(100**2 * 50 / 40 + 30**2)
    z_new = (572 - 500) / sigma_new
    assert row["cycle_service_base"] == pytest.approx(norm.cdf(172 / sigma))
    assert row["cycle_service_new"] == pytest.approx(norm.cdf(z_new))  # 0.733
    assert row["cycle_service_new"] == pytest.approx(0.7330, abs=1e-4)
    assert row["units_short_new"] == pytest.approx(sigma_new * _loss(z_new))
    assert row["stockout_days_new"] == pytest.approx(sigma_new * _loss(z_new) / 10)
    assert row["fill_rate_new"] == pytest.approx(300 / (300 + sigma_new * _loss(z_new)))
    # the same safety factor over 50 days: r' = ⌈500 + 1.6475 × 115.76⌉ = 691 → 119 more units, 10 EUR each
    r_new = math.ceil(500 + 172 / sigma * sigma_new)
    assert row["reorder_point_new"] == r_new == 691
    assert row["extra_safety_stock"] == 119 and row["extra_cash"] == pytest.approx(1190.0)
    # no route left: no restock, service 0, the whole order short
    dead = out.loc[("custom:MAT", "b")]
    assert (
        dead["cycle_service_new"] == 0
        and dead["units_short_new"] == 300
        and pd.isna(dead["extra_safety_stock"])
    )
    assert pd.isna(out.loc[("custom:NONE", "a"), "cycle_service_new"])  # no plan: no figures
    # no plans at all (a warehouse without an inventory run): every pair without figures
    assert stockout_impact(imp, pd.DataFrame())["cycle_service_new"].isna().all()
    s = scenario_stock_summary(out.reset_index())
    assert s["planned_pairs"] == 2 and s["pairs_service_down"] == 2


def test_stage_prices_a_slower_lane_into_the_stock_plan(warehouse: Path) -> None:  # noqa: F811
    con = connect(warehouse)
    write_frame(con, "inventory_plans", pd.DataFrame([{**PLAN, "run_id": "run-inv", "location": "*"}]))
    run_id, summary = run_stage(con, get_settings(db_path=str(warehouse)), STAGE,
                                {"as_of": AS_OF, "scenarios": [], "changes": ["sea_fcl:days=+10"], "modes": ["air"]})  # fmt: skip
    imp = read_rows(con, "logistics_impacts", run_id)
    d = dossier(connection_query(con), run_id, "custom:MAT", "DE")["sections"]["logistics"]
    panels = {lang: report_panels(con, run_id, lang)[0] for lang in ("en", "zh")}
    con.close()
    # the cheapest plan is sea (36 days p90); 10 days slower it is still the cheapest: +10 days, same route
    assert len(imp) == 1 and imp["delay_days"].item() == 10 and not imp["rerouted"].item()
    assert imp["plan_kind"].item() == "forecast"
    assert imp["cycle_service_new"].item() == pytest.approx(0.7330, abs=1e-4)
    assert imp["extra_safety_stock"].item() == 119
    scen = summary["scenarios"][0]
    assert scen["planned_pairs"] == 1 and scen["mean_cycle_service_new"] == pytest.approx(0.733, abs=1e-3)
    # the dossier's scenario and the report's scenario table say it too (en and zh labels)
    (one,) = d["scenarios"]
    assert one["cycle_service_new"] == pytest.approx(0.733, abs=1e-3) and one["reorder_point_new"] == 691
    table = dict(panels["en"].tables)["Disruption scenarios"]
    assert table["Extra safety stock to restore (units)"].tolist() == [119]
    assert table["Cycle service, scenario"].tolist() == [0.733]
    assert "恢复目标所需的额外安全库存（件）" in dict(panels["zh"].tables)["中断情景"].columns
