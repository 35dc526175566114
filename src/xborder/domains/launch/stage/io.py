"""Reading and writing the launch domain's tables: projects, gate events, and a run's inputs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pandas as pd

from xborder.core.clock import utcnow
from xborder.core.errors import BadInputError
from xborder.domains.launch.projects import check_gate, plan_launch, project_status
from xborder.domains.launch.tables import KPI_SCORECARD, PROJECT_EVENTS, PROJECT_EXPERIMENTS, PROJECTS
from xborder.warehouse.tables import latest_run_id, read_rows, table_exists, write_frame

__all__ = ["run_rows", "read_projects", "read_events", "read_scorecards", "read_experiments", "create_project",
           "record_gate", "record_experiment", "DEFAULT_SPEC_DAYS", "DEFAULT_PILOT_DAYS"]  # fmt: skip

DEFAULT_SPEC_DAYS = 14.0
"""Days to write a specification when none is given (practice; change per project with --spec-days)."""
DEFAULT_PILOT_DAYS = 30.0
"""Days of a pilot batch before launch when none is given (--pilot-days)."""


def run_rows(con: Any, table: str, run_id: str | None = None, **kw: Any) -> pd.DataFrame:
    """Rows of ``table`` from ``run_id`` when it wrote some, else from the table's latest run."""
    if not table_exists(con, table):
        return pd.DataFrame()
    if run_id is not None:
        rows = read_rows(con, table, run_id, **kw)
        if len(rows):
            return rows
    latest = latest_run_id(con, table)
    return read_rows(con, table, latest, **kw) if latest else pd.DataFrame()


def read_projects(con: Any) -> pd.DataFrame:
    """Every project with its current gate and state."""
    projects = read_rows(con, PROJECTS, order="created_at")
    status = project_status(read_events(con))
    return projects.merge(status, on="project_id", how="left")


def read_events(con: Any, project_id: str | None = None) -> pd.DataFrame:
    """Gate events (of one project), oldest first."""
    where, params = ("project_id = ?", [project_id]) if project_id else (None, [])
    events = read_rows(con, PROJECT_EVENTS, where=where, params=params, order="decided_at")
    events["documents"] = [[] if d is None else [str(x) for x in d] for d in events["documents"]]
    return events


def read_scorecards(con: Any, last_runs: int = 24) -> pd.DataFrame:
    """``kpi_scorecard`` rows of the last ``last_runs`` runs that wrote one, with ``run_at`` (the run's start)."""
    if not table_exists(con, KPI_SCORECARD.name):
        return pd.DataFrame(columns=[*KPI_SCORECARD.column_names, "run_at"])
    return con.execute(
        "WITH r AS (SELECT DISTINCT k.run_id, coalesce(runs.started_at, TIMESTAMP '1970-01-01') AS run_at "
        "FROM kpi_scorecard k LEFT JOIN runs USING (run_id) ORDER BY run_at DESC, k.run_id DESC LIMIT ?) "
        "SELECT k.*, r.run_at FROM kpi_scorecard k JOIN r USING (run_id) ORDER BY r.run_at, k.run_id",
        [int(last_runs)],
    ).df()


def _one(df: pd.DataFrame) -> dict[str, Any]:
    return {} if df.empty else {str(k): v for k, v in df.iloc[0].to_dict().items()}


def create_project(
    con: Any,
    product_id: str,
    market: str,
    *,
    owner: str | None = None,
    spec_days: float = DEFAULT_SPEC_DAYS,
    pilot_days: float = DEFAULT_PILOT_DAYS,
    window_months: int = 6,
    target_margin: float | None = None,
    start: dt.datetime | None = None,
) -> dict[str, Any]:
    """Make a pick a project: freeze its score and forecast, plan its launch, record the idea gate.

    Reads the latest selection (opportunities), landed costs (best-margin mode), compliance summary and
    supplier offers for the product x market.

    Returns:
        The project row as written.
    """
    market = market.upper()
    opp = _one(
        run_rows(con, "opportunities", where="product_id = ? AND market = ?", params=[product_id, market])
    )
    lc = run_rows(con, "landed_costs", where="product_id = ? AND market = ?", params=[product_id, market])
    best = _one(lc.sort_values("margin_pct", ascending=False)) if len(lc) else {}
    comp = _one(
        run_rows(
            con, "compliance_summary", where="product_id = ? AND market = ?", params=[product_id, market]
        )
    )
    offers = read_rows(con, "supplier_offers", where="product_id = ?", params=[product_id])
    lead = offers["lead_time_days"].dropna() if len(offers) else pd.Series(dtype=float)
    if not opp and not best and not comp:
        raise BadInputError(
            f"Nothing is known about {product_id} in {market}: no selection, landed cost or compliance row.",
            hint="Run `xborder run` (or `xborder select`) first, or check the product id and market.",
        )
    at = start or utcnow()
    compliance_days = comp.get("time_to_market_days_max")
    plan = plan_launch(
        at.date(), spec_days=spec_days, supplier_lead_days=float(lead.min()) if len(lead) else None,
        compliance_days=None if compliance_days is None or pd.isna(compliance_days) else float(compliance_days),
        pilot_days=pilot_days,
    )  # fmt: skip
    tm = target_margin if target_margin is not None else best.get("target_margin")
    row = {
        "project_id": "prj-" + uuid.uuid4().hex[:8], "product_id": product_id, "market": market,
        "title": opp.get("title"), "owner": owner, "created_at": at,
        "pick_run_id": opp.get("run_id"), "score": opp.get("score"), "rank": opp.get("rank"),
        "forecast_run_id": opp.get("run_id") if opp.get("demand_6m") is not None else None,
        "forecast_units": opp.get("demand_6m"), "forecast_lo_80": opp.get("demand_6m_lo"),
        "forecast_hi_80": opp.get("demand_6m_hi"), "window_months": window_months,
        "target_margin": None if tm is None or pd.isna(tm) else float(tm),
        "expected_margin": best.get("margin_pct"), "spec_days": spec_days,
        "supplier_lead_days": float(lead.min()) if len(lead) else None,
        "compliance_days": None if compliance_days is None or pd.isna(compliance_days) else float(compliance_days),
        "pilot_days": pilot_days, "expected_launch": plan.expected_launch, "critical_path": plan.critical_path,
    }  # fmt: skip
    write_frame(con, PROJECTS, pd.DataFrame([row]))
    write_frame(con, PROJECT_EVENTS, pd.DataFrame([{"project_id": row["project_id"], "gate": "idea",
                "decided_at": at, "owner": owner, "decision": "go", "documents": [], "note": None}]))  # fmt: skip
    return {**row, "unknown": list(plan.unknown)}


def record_gate(
    con: Any,
    project_id: str,
    gate: str,
    decision: str,
    *,
    owner: str | None = None,
    documents: list[str] | None = None,
    note: str | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Record a gate decision after checking it follows the project's current gate.

    Raises:
        BadInputError: Unknown project, or a gate out of order / a decision not allowed.
    """
    projects = read_projects(con)
    mine = projects[projects["project_id"] == project_id]
    if mine.empty:
        raise BadInputError(f"No project {project_id}.", hint="List them: xborder projects list")
    current = str(mine["gate"].iloc[0])
    if mine["state"].iloc[0] == "stopped":
        current = "stop"
    why = check_gate(current, gate, decision)
    if why is not None:
        from xborder.core import i18n

        raise BadInputError(i18n.render(why, "en", project=project_id, gate=gate, current=current,
                                        decision=decision))  # fmt: skip
    row = {"project_id": project_id, "gate": gate, "decided_at": at or utcnow(), "owner": owner,
           "decision": decision, "documents": list(documents or []), "note": note}  # fmt: skip
    write_frame(con, PROJECT_EVENTS, pd.DataFrame([row]))
    return row


def read_experiments(con: Any, project_id: str | None = None) -> pd.DataFrame:
    """Variant experiments (of one project), in the order they were recorded."""
    where, params = ("project_id = ?", [project_id]) if project_id else (None, [])
    return read_rows(con, PROJECT_EXPERIMENTS, where=where, params=params, order="recorded_at")


def record_experiment(con: Any, project_id: str, row: dict[str, Any]) -> dict[str, Any]:
    """Record a look at a variant experiment of an open project.

    Args:
        con: Warehouse connection.
        project_id: The project.
        row: The ``project_experiments`` columns other than project_id (``recorded_at`` defaults to now).

    Raises:
        BadInputError: Unknown project, or a project that is stopped.
    """
    projects = read_projects(con)
    mine = projects[projects["project_id"] == project_id]
    if mine.empty:
        raise BadInputError(f"No project {project_id}.", hint="List them: xborder projects list")
    if mine["state"].iloc[0] == "stopped":
        raise BadInputError(
            f"Project {project_id} is stopped; no experiment can be recorded on it.",
            hint="Experiments belong to open projects (usually at the pilot gate).",
        )
    full = {
        "project_id": project_id,
        "recorded_at": utcnow(),
        **{k: v for k, v in row.items() if v is not None},
    }
    write_frame(con, PROJECT_EXPERIMENTS, pd.DataFrame([full]))
    return full
