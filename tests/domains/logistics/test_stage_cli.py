"""The logistics stage and `xborder route ...` on a rate sheet written here (Chinese mode words, a warehouse
leg, a Suez lane): plans by hand, the Suez scenario, the dossier section, --json, and bad input as exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.clirun import run_cli
from xborder.core.settings import get_settings
from xborder.domains.logistics.stage import STAGE
from xborder.ingest import ingest_path
from xborder.pipeline.dossier import connection_query, dossier
from xborder.pipeline.runner import run_stage
from xborder.reference.fx import load_fx
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows

AS_OF = "2024-06-30"
# Shenzhen/Shanghai → Hamburg → a German FBA warehouse, or by air to Frankfurt, or by rail.
SHEET = pd.DataFrame(
    [
        ("CNSHA", "DEHAM", "整柜", "1800", "USD", "", "", "200", "30", "36", "", "", "28", "21000"),
        ("CNSZX", "DEFRA", "空运", "4.5", "USD", "100", "", "", "5", "7", "1", "", "", ""),
        ("CNCKG", "DEDUI", "中欧班列", "3900", "USD", "", "", "", "18", "22", "2", "", "28", "21000"),
        ("DEHAM", "FBA-DE1", "卡车", "0.05", "EUR", "80", "", "", "2", "3", "", "", "", ""),
    ],
    columns=["起运港", "目的港", "运输方式", "运价", "币种", "最低收费", "最小重量", "附加费", "时效(天)",
             "时效P90", "清关天数", "途经", "Container CBM", "Container Payload (kg)"],
)  # fmt: skip


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "l.duckdb"
    sheet = tmp_path / "rates.csv"
    SHEET.to_csv(sheet, index=False)
    con = connect(db)
    res = ingest_path(con, sheet, "freight", settings=get_settings(db_path=str(db), pseudonym_key="k"))
    assert [(r.layout, r.rows_in, r.rows_stored) for r in res] == [("freight_rate_sheet", 4, 4)]
    con.execute("INSERT INTO products (product_id, source, category, weight_kg, length_cm, width_cm, height_cm, "
                "origin_country) VALUES ('custom:MAT', 'test', 'home', 2.0, 30, 20, 10, 'CN')")  # fmt: skip
    con.execute(
        "INSERT INTO landed_costs (run_id, product_id, market, mode, as_of, currency, units, landed_cost, freight) "
        "VALUES ('run-lc', 'custom:MAT', 'DE', 'sea_fcl', DATE '2024-06-30', 'EUR', 500, 12.0, 1.5)"
    )
    con.close()
    return db


def test_stage_plans_scenario_and_dossier(warehouse: Path) -> None:
    con = connect(warehouse)
    settings = get_settings(db_path=str(warehouse))
    run_id, summary = run_stage(con, settings, STAGE, {"as_of": AS_OF, "deadline_days": 30, "scenarios": ["suez"],
                                                       "modes": ["air"]})  # fmt: skip
    routes = read_rows(con, "logistics_routes", run_id)
    lanes = read_rows(con, "logistics_lanes", run_id).set_index("origin")
    d = dossier(connection_query(con), run_id, "custom:MAT", "DE")["sections"]["logistics"]
    con.close()
    # the sheet's words: 整柜 sea_fcl per container, 空运 air per kg (divisor 6000), 中欧班列 rail, 卡车 truck
    assert lanes["mode"].to_dict() == {"CNSHA": "sea_fcl", "CNSZX": "air", "CNCKG": "rail", "DEHAM": "truck",
                                       "CN": "air"}  # fmt: skip
    assert lanes.at["CNSHA", "via"] == "suez" and summary["lanes"] == {"sheet": 4, "rule": 1}
    base = routes[routes["scenario"] == "base"].set_index("lanes")
    # 500 mats: 1,000 kg, 3 m³. Sea 1,800 + 200 = 2,000 in 36 + 0 days (p90); air 4.5 × 1,000 = 4,500 in 7 + 1;
    # rail 3,900 in 22 + 2. Within 30 days the plan is rail (cheaper than air).
    plan = base[base["plan"]]
    assert len(plan) == 1 and plan["modes"].item() == "rail" and plan["cost_usd"].item() == 3900
    assert plan["days_p90"].item() == 24 and summary["plan_modes"] == {"rail": 1}
    cheapest = base[base["cheapest"]]
    assert cheapest["modes"].item() == "sea_fcl" and cheapest["cost_usd"].item() == 2000
    assert cheapest["days_p90"].item() == 36 and not cheapest["plan"].item()
    # landed cost per unit: 12 − 1.5 + rail's 7.80 USD per unit in EUR at the ECB rate of the day
    landed = plan["landed_cost_per_unit"].item()
    assert landed == pytest.approx(10.5 + plan["cost_per_unit"].item())
    eur = load_fx().factor("USD", "EUR", AS_OF).rate
    assert plan["currency"].item() == "EUR" and plan["cost_per_unit"].item() == pytest.approx(
        3900 / 500 * eur
    )
    # Suez closed: the plan (rail) does not pass Suez: no pair affected
    assert summary["scenarios"][0]["affected_pairs"] == 0
    assert (
        d["plan_modes"] == "rail"
        and d["currency"] == "EUR"
        and {r["modes"] for r in d["best_per_mode"]}
        >= {
            "sea_fcl",
            "air",
            "rail",
        }
    )


def test_cli_plan_with_suez_closed_json(warehouse: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    code, out, err = run_cli(["--db", str(warehouse), "route", "plan", "--product", "custom:MAT", "--market", "DE",
                              "--units", "500", "--deadline", "45", "--close", "suez", "--as-of", AS_OF, "--chart", str(tmp_path / "pareto.html"), "--json"],
                             monkeypatch, capsys)  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    plan = [r for r in data["routes"] if r["plan"]]
    assert [r["modes"] for r in plan] == ["sea_fcl"] and plan[0]["days_p90"] == 36
    impact = data["scenario"]["impact"][0]
    # by the Cape the box costs 2,700 but takes 46 days > 45: the plan moves to rail (3,900, 24 days)
    assert impact["modes_new"] == "rail" and impact["rerouted"] is True
    assert impact["cost_change_usd"] == pytest.approx((3900 - 2000) / 500)
    assert impact["delay_days"] == 24 - 36
    html = (tmp_path / "pareto.html").read_text(encoding="utf-8")
    assert (
        data["chart"] == str(tmp_path / "pareto.html") and "plotly" in html.lower() and "custom:MAT" in html
    )


def test_cli_consolidate_scenario_and_lanes_json(warehouse: Path, monkeypatch, capsys) -> None:
    code, out, err = run_cli(["--db", str(warehouse), "route", "consolidate", "--market", "DE", "--sku",
                              "custom:MAT=300", "--sku", "custom:MAT2=100", "--as-of", AS_OF, "--json"],
                             monkeypatch, capsys)  # fmt: skip
    assert code == 0, err
    c = pd.DataFrame(json.loads(out)["consolidation"])
    air = c[c["lanes"].str.contains("CNSZX-DEFRA")].set_index("product_id")
    # MAT: 300 × 2 kg = 600 kg in 1.8 m³; MAT2 is not in the warehouse: the 'other' category's median Olist
    # package, 1 kg and 30 × 20 × 20 cm → 100 kg in 1.2 m³, billed as 200 kg volumetric (1.2e6 / 6000)
    assert air.loc["custom:MAT", "sku_alone_cost_usd"] == pytest.approx(4.5 * 600)
    assert air.loc["custom:MAT2", "sku_alone_cost_usd"] == pytest.approx(4.5 * 200)
    # together: 700 kg actual ≥ 500 kg volumetric — the dense mats carry the bulky parcel's volume
    assert air.loc["custom:MAT", "combined_cost_usd"] == pytest.approx(4.5 * 700)
    assert air.loc["custom:MAT", "saving_usd"] == pytest.approx(4.5 * 100)
    assert air.loc["custom:MAT", "sku_share"] == pytest.approx(0.6)  # freight tonnes max(t, m³): 1.8 of 3.0
    code, out, err = run_cli(["--db", str(warehouse), "route", "scenario", "--close", "suez", "--raise",
                              "rail:cost=+50%", "--deadline", "30", "--json"], monkeypatch, capsys)  # fmt: skip
    assert code == 0, err
    s = pd.DataFrame(json.loads(out)["scenarios"]).set_index("scenario")
    # rail + 50% = 5,850 > air 4,500 (8 days): the 30-day plan moves from rail (3,900) to air, +15.4%
    assert s.at["changes", "rerouted_pairs"] == 1
    assert s.at["changes", "mean_cost_change_pct"] == pytest.approx(4500 / 3900 - 1)
    code, out, _ = run_cli(["--db", str(warehouse), "route", "lanes", "--origin", "CN", "--market", "DE", "--as-of",
                            AS_OF, "--json"], monkeypatch, capsys)  # fmt: skip
    lanes = pd.DataFrame(json.loads(out)["lanes"])
    assert len(lanes[lanes["source"].str.startswith("sheet:")]) == 4
    assert set(lanes.loc[lanes["source"].str.startswith("rule:"), "mode"]) >= {"sea_fcl", "air"}


def test_plan_table_shows_product_ids_as_written(warehouse: Path, monkeypatch, capsys) -> None:
    # "custom:X:" would be rich's :x: emoji (❌) in a markup title; not in the warehouse: category medians
    code, out, err = run_cli(["--db", str(warehouse), "route", "plan", "--product", "custom:X", "--market", "DE",
                              "--as-of", AS_OF], monkeypatch, capsys)  # fmt: skip
    assert code == 0, err
    assert "custom:X: CN → DE, 500 units" in out and "❌" not in out


def test_bad_input_is_exit_2_with_the_reason(warehouse: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    code, _, err = run_cli(["--db", str(warehouse), "route", "plan", "--product", "custom:MAT", "--market", "DE",
                            "--origin", "KRPUS", "--as-of", AS_OF, "--json"], monkeypatch, capsys)  # fmt: skip
    assert code == 2 and "No route from KRPUS to DE in the lane network." in err, err
    code, _, err = run_cli(["--db", str(warehouse), "route", "plan", "--product", "custom:MAT", "--market", "DE",
                            "--raise", "rail cost up", "--as-of", AS_OF], monkeypatch, capsys)  # fmt: skip
    assert code == 2 and "Cannot read the lane change 'rail cost up'" in err
    code, _, err = run_cli(["--db", str(warehouse), "route", "plan", "--product", "custom:MAT", "--market", "DE",
                            "--close", "hormuz", "--as-of", AS_OF], monkeypatch, capsys)  # fmt: skip
    assert code == 2 and "Unknown chokepoint" in err
    empty = tmp_path / "empty.duckdb"
    connect(empty).close()
    con = connect(empty)
    _, summary = run_stage(con, get_settings(db_path=str(empty)), STAGE, {"as_of": AS_OF})
    con.close()
    assert summary["status"] == "skipped" and summary["reason_code"] == "logistics.no_pairs"
