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
    assert len(card) == 12


def test_unknown_project_is_a_clear_error(db_path: Path) -> None:
    from xborder.domains.launch.stage.io import record_gate
    from xborder.warehouse import connect

    con = connect(db_path)
    try:
        with pytest.raises(BadInputError, match="No project prj-none"):
            record_gate(con, "prj-none", "specification", "go")
    finally:
        con.close()
