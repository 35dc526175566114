"""`xborder route flow`: OR-Tools' min-cost-flow example from a CSV of arcs (cost 150), and demand allocated
over a rate sheet's lanes and a capacitated warehouse, costs by hand; bad input exits 2 with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.domains.logistics.test_stage_cli import AS_OF, run_cli, warehouse  # noqa: F401 - the fixture
from xborder.reference.fx import load_fx


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def call(*args: str) -> tuple[int, str]:
        code, out, err = run_cli(list(args), monkeypatch, capsys)
        return code, out + err

    return call


def test_or_tools_example_from_a_csv_of_arcs(tmp_path: Path, warehouse: Path, run) -> None:  # noqa: F811
    arcs = tmp_path / "arcs.csv"
    rows = ["start,end,capacity,unit_cost", "0,1,15,4", "0,2,8,4", "1,2,20,2", "1,3,4,2", "1,4,10,6", "2,3,15,1",
            "2,4,4,3", "3,4,20,2", "4,2,5,3"]  # fmt: skip
    arcs.write_text("\n".join(rows) + "\n")
    code, out = run("--db", str(warehouse), "route", "flow", "--arcs", str(arcs), "--supply", "0=20",
                     "--demand", "3=5", "--demand", "4=15", "--json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert data["cost"] == 150
    assert [r["units"] for r in data["lanes"]] == [12, 8, 8, 4, 0, 12, 4, 11, 0]
    arcs.write_text("start,end,capacity,unit_cost\n0,1,lots,4\n")
    code, out = run("--db", str(warehouse), "route", "flow", "--arcs", str(arcs), "--supply", "0=1",
                     "--demand", "1=1")  # fmt: skip
    assert code == 2 and "row 2" in out and "'lots'" in out


def test_flow_over_sheet_lanes_and_a_warehouse_capacity(warehouse: Path, run) -> None:  # noqa: F811
    # 500-unit lots of the 2 kg, 30x20x10 cm mat: sea CNSHA→DEHAM one 28 m³ container 1,800 + 200 = 4.00 USD/unit;
    # rail CNCKG→DEDUI 3,900 = 7.80; truck DEHAM→FBA-DE1 max(0.05 EUR × 1,000 kg, 80) = 80 EUR = 0.16 EUR/unit.
    args = ["--db", str(warehouse), "route", "flow", "--product", "custom:MAT", "--supply", "CNSHA=400",
            "--supply", "CNCKG=400", "--demand", "FBA-DE1=450", "--demand", "DE=200", "--as-of", AS_OF, "--json"]  # fmt: skip
    code, out = run(*args, "--capacity", "CNSHA-DEHAM=300")
    assert code == 0, out
    data = json.loads(out)
    units = {r["mode"]: r["units"] for r in data["lanes"]}
    # sea capped at 300, the other 350 by rail; all 450 for the warehouse go by truck from Hamburg
    assert units == {"sea_fcl": 300, "rail": 350, "truck": 450}
    eur = load_fx().factor("EUR", "USD", AS_OF).rate
    assert data["cost_usd"] == pytest.approx(300 * 4.0 + 350 * 7.8 + 450 * 80 / 500 * eur, abs=1e-6)
    assert {r["origin"]: r["unused"] for r in data["supply"]} == {"CNSHA": 100, "CNCKG": 50}
    # the warehouse takes at most 400: demand 450 cannot be met
    code, out = run(*args, "--capacity", "FBA-DE1=400")
    assert code == 2 and "within the lane capacities" in out
    code, out = run(*args[:-1], "--demand", "US=5000")
    assert code == 2 and "exceeds supply" in out


def test_report_panel_freight_against_days_per_mode(warehouse: Path) -> None:  # noqa: F811
    from xborder.core.settings import get_settings
    from xborder.domains.logistics.report import report_panels
    from xborder.domains.logistics.stage import STAGE
    from xborder.pipeline.runner import run_stage
    from xborder.warehouse import connect

    con = connect(warehouse)
    run_id, _ = run_stage(con, get_settings(db_path=str(warehouse)), STAGE, {"as_of": AS_OF, "scenarios": ["suez"],
                                                                            "modes": ["air"]})  # fmt: skip
    en = report_panels(con, run_id, "en")[0]
    zh = report_panels(con, run_id, "zh")[0]
    missing = report_panels(con, "run-none", "en")[0]
    con.close()
    modes = en.tables[0][1].set_index("Modes")
    # 500 mats (1,000 kg, 3 m³): sea 2,000 USD in 36 days (p90), rail 3,900 in 22 + 2, air 4,500 in 7 + 1 —
    # each cheaper than the next and slower: all three on the front
    assert modes.loc["sea_fcl", "Freight per unit (USD)"] == 4.0 and modes.loc["sea_fcl", "Days (p90)"] == 36
    assert modes.loc["rail", "Freight per unit (USD)"] == 7.8 and modes.loc["rail", "Days (p90)"] == 24
    assert modes.loc["air", "Freight per unit (USD)"] == 9.0 and modes.loc["air", "Days (p90)"] == 8
    assert modes["On the front"].all() and modes.loc["rail", "Planned"] == 0
    assert en.tables[1][1]["Scenario"].tolist() == ["suez_closed"] and len(en.figure.data) == 2
    assert zh.title == "各运输方式的运费与时效" and missing.missing and "landed costs" in missing.missing


def test_two_products_share_the_arcs_of_a_csv(tmp_path: Path, warehouse: Path, run) -> None:  # noqa: F811
    arcs = tmp_path / "arcs.csv"
    arcs.write_text("start,end,capacity,unit_cost\nCN,US,100,3\nCN,US,1000,9\n")
    code, out = run("--db", str(warehouse), "route", "flow", "--arcs", str(arcs), "--supply", "A:CN=80",
                    "--supply", "B:CN=60", "--demand", "A:US=80", "--demand", "B:US=60", "--json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    # 140 units want the cheap lane of 100: 100 go at 3, 40 at 9 (one product alone would fit)
    assert data["products"] == ["A", "B"] and data["cost"] == 100 * 3 + 40 * 9
    assert [r["units"] for r in data["lanes"]] == [100, 40]
    assert sum(r["units_A"] for r in data["lanes"]) == 80 and sum(r["units_B"] for r in data["lanes"]) == 60
    code, out = run("--db", str(warehouse), "route", "flow", "--arcs", str(arcs), "--supply", "A:CN=80",
                    "--demand", "US=80")  # fmt: skip
    assert code == 2 and "every amount is PRODUCT:NODE=UNITS" in out
