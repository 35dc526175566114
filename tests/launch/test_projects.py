"""Projects from pick to launch on the real UCI warehouse: gates, expected launch, outcomes, KPIs, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.launch.projects import check_gate, cycle_times, plan_launch, project_status

XB = [sys.executable, "-m", "xborder.cli.main"]


def test_plan_runs_sourcing_and_compliance_side_by_side() -> None:
    plan = plan_launch(
        dt.date(2026, 1, 1), spec_days=14, supplier_lead_days=45, compliance_days=60, pilot_days=30
    )
    assert plan.expected_launch == dt.date(2026, 1, 1) + dt.timedelta(days=104)
    assert plan.critical_path == "specification > compliance > pilot > launch"
    unknown = plan_launch(
        dt.date(2026, 1, 1), spec_days=14, supplier_lead_days=None, compliance_days=None, pilot_days=30
    )
    assert unknown.days == 44 and unknown.unknown == ("sourcing", "compliance")


def test_gate_order_status_and_cycle_time() -> None:
    assert check_gate("idea", "specification", "go") is None
    assert check_gate("idea", "pilot", "go") == "launch.gate_order"
    assert check_gate("pilot", "stop", "go") is None
    assert check_gate("stop", "idea", "go") == "launch.gate_closed"
    assert check_gate("idea", "specification", "maybe") == "launch.gate_bad_decision"
    ev = pd.DataFrame(
        [("a", g, pd.Timestamp("2026-01-01") + pd.Timedelta(days=20 * i), "go") for i, g in
         enumerate(["idea", "specification", "sourcing", "compliance", "pilot", "launch"])]
        + [("b", "idea", pd.Timestamp("2026-02-01"), "go"), ("b", "specification", pd.Timestamp("2026-02-05"), "stop")],
        columns=["project_id", "gate", "decided_at", "decision"],
    )  # fmt: skip
    st = project_status(ev).set_index("project_id")
    assert st.loc["a", "state"] == "launched" and st.loc["a", "gate"] == "launch"
    assert st.loc["b", "state"] == "stopped"
    ct = cycle_times(st.reset_index())
    assert list(ct["project_id"]) == ["a"] and ct["cycle_days"].iloc[0] == 100


@pytest.fixture
def retail_copy(retail_warehouse: Path, tmp_path: Path) -> Path:
    """A writable copy of the real UCI warehouse with one pick (an opportunities row) for uci:23084 in GB."""
    from xborder.warehouse import connect
    from xborder.warehouse.tables import write_frame

    db = tmp_path / "retail.duckdb"
    shutil.copy(retail_warehouse, db)
    con = connect(db)
    try:
        pick = {"run_id": "run-pick", "product_id": "uci:23084", "market": "GB", "title": "RABBIT NIGHT LIGHT",
                "score": 0.71, "rank": 3, "demand_6m": 9000.0, "demand_6m_lo": 4000.0, "demand_6m_hi": 15000.0}  # fmt: skip
        write_frame(con, "opportunities", pd.DataFrame([pick]))
    finally:
        con.close()
    return db


def _xb(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*XB, "--db", str(db), *args], capture_output=True, text=True, timeout=300)


@pytest.mark.shared_data
@pytest.mark.slow
def test_pick_to_launch_and_back_on_uci(retail_copy: Path) -> None:
    made = _xb(
        retail_copy,
        "--json",
        "projects",
        "new",
        "uci:23084",
        "gb",
        "--owner",
        "sourcing",
        "--at",
        "2011-01-03",
    )
    assert made.returncode == 0, made.stderr
    project = json.loads(made.stdout)
    pid = project["project_id"]
    assert project["forecast_lo_80"] == 4000.0 and project["score"] == 0.71
    # No supplier offer and no compliance run in this warehouse: both unknown, 14 + 0 + 30 days.
    assert project["expected_launch"] == "2011-02-16"
    assert project["unknown"] == ["sourcing", "compliance"]
    bad = _xb(retail_copy, "projects", "gate", pid, "pilot")
    assert bad.returncode == 2 and "is at gate 'idea'" in bad.stderr
    for gate, day in (("specification", "01-10"), ("sourcing", "02-01"), ("compliance", "03-01"), ("pilot", "04-01"),
                      ("launch", "06-01")):  # fmt: skip
        done = _xb(
            retail_copy, "projects", "gate", pid, gate, "--doc", f"docs/{gate}.pdf", "--at", f"2011-{day}"
        )
        assert done.returncode == 0, done.stderr
    listed = json.loads(_xb(retail_copy, "--json", "projects", "list").stdout)
    assert listed["projects"][0]["state"] == "launched"
    assert listed["median_cycle_months"] == pytest.approx(
        (dt.date(2011, 6, 1) - dt.date(2011, 1, 3)).days / 30.44
    )

    out = _xb(retail_copy, "--json", "projects", "outcomes")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    row = res["outcomes"][0]
    # By hand from the warehouse: sold units of uci:23084 in GB, 2011-06-01 .. 2011-11-30 (window 6 months).
    import duckdb

    con = duckdb.connect(str(retail_copy), read_only=True)
    units = con.execute(
        "SELECT sum(quantity) FROM order_lines WHERE product_id = 'uci:23084' AND country = 'GB' AND status = 'sold' "
        "AND ordered_at >= '2011-06-01' AND ordered_at < '2011-12-01'"
    ).fetchone()[0]
    con.close()
    assert row["actual_units"] == units
    assert row["complete"] is True  # the data runs to 2011-12-09
    assert row["basis"] == "sales_only" and row["actual_margin"] is None
    assert row["success"] is (units >= 4000.0)
    assert res["success_rate"] == (1.0 if units >= 4000.0 else 0.0)

    card = json.loads(_xb(retail_copy, "--json", "kpis").stdout)["kpis"]
    by = {r["kpi"]: r for r in card}
    assert by["selection_success_rate"]["value"] == res["success_rate"]
    assert by["development_cycle_months"]["value"] == pytest.approx(149 / 30.44)
    assert by["acos"]["value"] is None and "ad reports" in by["acos"]["missing"]
    assert len(card) == 14


def test_unknown_project_is_a_clear_error(db_path: Path) -> None:
    from xborder.domains.launch.stage.io import record_gate
    from xborder.warehouse import connect

    con = connect(db_path)
    try:
        with pytest.raises(BadInputError, match="No project prj-none"):
            record_gate(con, "prj-none", "specification", "go")
    finally:
        con.close()


@pytest.mark.shared_data
@pytest.mark.slow
def test_settings_plan_and_frozen_factors_on_uci(retail_copy: Path) -> None:
    """Planning defaults come from settings; the pick's factors and, without an interval, the demand total freeze."""
    import os

    from xborder.domains.launch.stage.io import create_project, read_frozen_factors
    from xborder.warehouse import connect
    from xborder.warehouse.tables import write_frame

    con = connect(retail_copy)
    try:
        factors = pd.DataFrame(
            [("run-pick", "uci:23084", "GB", "units_6m", "demand_size", 5200.0, "units", 0.9, 0.2, 0.18),
             ("run-pick", "uci:23084", "GB", "momentum_pct", "momentum", 0.12, "fraction", 0.7, 0.1, 0.07),
             ("run-pick", "uci:23084", "GB", "margin_pct", "unit_economics", None, "percent", 0.25, 0.3, 0.075),
             ("run-pick", "uci:23084", "FR", "units_6m", "demand_size", 40.0, "units", 0.3, 0.5, 0.15)],
            columns=["run_id", "product_id", "market", "factor", "factor_group", "raw_value", "unit", "normalised",
                     "weight", "contribution"],
        )  # fmt: skip
        write_frame(con, "opportunity_factors", factors)
        write_frame(con, "opportunities", pd.DataFrame([{"run_id": "run-pick", "product_id": "uci:23084",
                    "market": "FR", "score": 0.4, "rank": 30, "demand_6m": 650.0}]))  # fmt: skip
        total = {"run_id": "run-demand", "unique_id": "uci:23084|FR", "level": "product_market", "freq": "M",
                 "product_id": "uci:23084", "market": "FR", "periods": 6, "mean": 600.0, "q10": 300.0,
                 "q90": 900.0, "target": "units"}  # fmt: skip
        write_frame(con, "forecast_totals", pd.DataFrame([total]))
    finally:
        con.close()
    env = {**os.environ, "XBORDER_LAUNCH_SPEC_DAYS": "20", "XBORDER_LAUNCH_PILOT_DAYS": "10",
           "XBORDER_LAUNCH_WINDOW_MONTHS": "3"}  # fmt: skip
    made = subprocess.run([*XB, "--db", str(retail_copy), "--json", "projects", "new", "uci:23084", "GB", "--at",
                           "2011-01-03"], capture_output=True, text=True, timeout=300, env=env)  # fmt: skip
    assert made.returncode == 0, made.stderr
    p = json.loads(made.stdout)
    assert (p["spec_days"], p["pilot_days"], p["window_months"]) == (20.0, 10.0, 3)
    assert p["expected_launch"] == "2011-02-02"  # 20 + 0 (sourcing, compliance unknown) + 10 days
    # The selection's 6-month interval pro-rated to 3 months.
    assert (p["forecast_units"], p["forecast_lo_80"], p["forecast_hi_80"]) == (4500.0, 2000.0, 7500.0)
    assert p["forecast_source"] == "selection" and p["factors_frozen"] == 3
    con = connect(retail_copy)
    try:
        frozen = read_frozen_factors(con, p["project_id"])
        assert sorted(frozen["factor"]) == ["margin_pct", "momentum_pct", "units_6m"]
        assert set(frozen["pick_run_id"]) == {"run-pick"}
        row = frozen.set_index("factor").loc["momentum_pct"]
        assert (row["raw_value"], row["normalised"], row["weight"]) == (0.12, 0.7, 0.1)
        # FR: the selection gives a point and no interval, so the demand run's 6-month total is frozen.
        fr = create_project(con, "uci:23084", "FR", window_months=6)
        assert fr["forecast_source"] == "demand_totals:M" and fr["forecast_run_id"] == "run-demand"
        assert (fr["forecast_units"], fr["forecast_lo_80"], fr["forecast_hi_80"]) == (600.0, 300.0, 900.0)
        assert fr["spec_days"] == 14.0 and fr["factors_frozen"] == 1
        with pytest.raises(BadInputError, match="Selection run run-none has no opportunity uci:23084 in GB"):
            create_project(con, "uci:23084", "GB", pick_run_id="run-none")
    finally:
        con.close()
    refit = _xb(retail_copy, "--json", "projects", "refit")
    assert refit.returncode == 0, refit.stderr
    r = json.loads(refit.stdout)
    assert (r["status"], r["judged"], r["with_factors"], r["needed"]) == ("too_few", 0, 2, 30)
