"""Reading and writing the launch domain's tables: projects, gate events, and a run's inputs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pandas as pd

from xborder.core.clock import utcnow
from xborder.core.errors import BadInputError
from xborder.core.settings import Settings
from xborder.domains.launch.projects import check_gate, plan_launch, project_status
from xborder.domains.launch.tables import (
    KPI_SCORECARD,
    PROJECT_EVENTS,
    PROJECT_EXPERIMENTS,
    PROJECT_FACTORS,
    PROJECTS,
)
from xborder.warehouse.tables import latest_run_id, read_rows, table_exists, write_frame

__all__ = ["run_rows", "read_projects", "read_events", "read_scorecards", "read_experiments", "create_project",
           "record_gate", "record_experiment", "read_frozen_factors", "read_sold_lines", "FORECAST_MONTHS"]  # fmt: skip

FORECAST_MONTHS = 6
"""Months the selection's frozen forecast covers (opportunities.demand_6m and its 80% bounds)."""


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


def _pick(con: Any, product_id: str, market: str, pick_run_id: str | None) -> dict[str, Any]:
    """The opportunities row of the pick: from ``pick_run_id`` when given, else the latest selection run."""
    where, params = "product_id = ? AND market = ?", [product_id, market]
    if pick_run_id is None:
        return _one(run_rows(con, "opportunities", where=where, params=params))
    if not table_exists(con, "opportunities"):
        return {}
    return _one(read_rows(con, "opportunities", pick_run_id, where=where, params=params))


def _forecast_total(con: Any, product_id: str, market: str, run_id: str | None) -> dict[str, Any]:
    """The demand run's horizon total of the pair (``forecast_totals``, units): monthly series first."""
    if not table_exists(con, "forecast_totals"):
        return {}
    where = "product_id = ? AND market = ? AND coalesce(target, 'units') = 'units' AND q10 IS NOT NULL"
    params = [product_id, market]
    rows = (
        read_rows(con, "forecast_totals", run_id, where=where, params=params)
        if run_id
        else run_rows(con, "forecast_totals", where=where, params=params)
    )
    if rows.empty:
        return {}
    rows = rows.assign(monthly=(rows["freq"] == "M").astype(int)).sort_values("monthly", ascending=False)
    return _one(rows)


def _frozen_forecast(opp: dict[str, Any], total: dict[str, Any], window_months: int) -> dict[str, Any]:
    """The forecast frozen on a project, pro-rated to the outcome window.

    The selection's 6-month forecast with its 80% interval when it gives one; else the demand run's horizon
    total (mean, 10% and 90% quantiles); else the selection's point without bounds.
    """

    def num(v: Any) -> float | None:
        return None if v is None or pd.isna(v) else float(v)

    if num(opp.get("demand_6m_lo")) is not None or not total:
        share = window_months / FORECAST_MONTHS
        point, lo, hi = (num(opp.get(c)) for c in ("demand_6m", "demand_6m_lo", "demand_6m_hi"))
        return {"forecast_run_id": opp.get("run_id") if point is not None else None,
                "forecast_units": None if point is None else point * share,
                "forecast_lo_80": None if lo is None else lo * share, "forecast_hi_80": None if hi is None else hi * share,
                "forecast_window_months": FORECAST_MONTHS if point is not None else None,
                "forecast_source": "selection" if point is not None else None}  # fmt: skip
    months = float(total["periods"]) * (1.0 if total["freq"] == "M" else 7.0 / 30.44)
    share = window_months / months
    return {"forecast_run_id": total["run_id"], "forecast_units": num(total["mean"]) * share,  # type: ignore[operator]
            "forecast_lo_80": num(total["q10"]) * share, "forecast_hi_80": num(total["q90"]) * share,  # type: ignore[operator]
            "forecast_window_months": int(round(months)), "forecast_source": f"demand_totals:{total['freq']}"}  # fmt: skip


def _frozen_factors(con: Any, project_id: str, opp: dict[str, Any]) -> pd.DataFrame:
    """The pick run's opportunity_factors rows of the pick, as project_factors rows (empty without a pick)."""
    if not opp.get("run_id") or not table_exists(con, "opportunity_factors"):
        return pd.DataFrame()
    f = read_rows(con, "opportunity_factors", str(opp["run_id"]), where="product_id = ? AND market = ?",
                  params=[opp["product_id"], opp["market"]])  # fmt: skip
    if f.empty:
        return f
    f = f.drop_duplicates("factor").rename(columns={"run_id": "pick_run_id"})
    cols = [c for c in PROJECT_FACTORS.column_names if c != "project_id"]
    return f[cols].assign(project_id=project_id)


def create_project(
    con: Any,
    product_id: str,
    market: str,
    *,
    owner: str | None = None,
    spec_days: float | None = None,
    pilot_days: float | None = None,
    window_months: int | None = None,
    target_margin: float | None = None,
    start: dt.datetime | None = None,
    pick_run_id: str | None = None,
    forecast_run_id: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Make a pick a project: freeze its score, forecast and factors, plan its launch, record the idea gate.

    Reads the selection run (``pick_run_id``, else the latest: opportunities and opportunity_factors), the
    latest landed costs (best-margin mode), compliance summary and supplier offers for the product x market.
    The forecast frozen is the selection's 6-month one with its 80% interval, else the demand run's horizon
    total (``forecast_run_id``, else the latest ``forecast_totals``: mean, 10% and 90% quantiles), pro-rated
    to the outcome window. Durations and the window not given come from the settings (launch_spec_days,
    launch_pilot_days, launch_window_months).

    Returns:
        The project row as written, with ``unknown`` (durations no source gave) and ``factors_frozen``.
    """
    s = settings or Settings()
    spec_days = s.launch_spec_days if spec_days is None else spec_days
    pilot_days = s.launch_pilot_days if pilot_days is None else pilot_days
    window_months = s.launch_window_months if window_months is None else window_months
    if window_months < 1:
        raise BadInputError(f"The outcome window must be at least 1 month; got {window_months}.",
                            hint="Set launch_window_months (or --window-months) to 1 or more.")  # fmt: skip
    market = market.upper()
    opp = _pick(con, product_id, market, pick_run_id)
    if pick_run_id is not None and not opp:
        raise BadInputError(f"Selection run {pick_run_id} has no opportunity {product_id} in {market}.",
                            hint="Check the run id (xborder runs) or leave --pick-run out for the latest.")  # fmt: skip
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
    forecast = _frozen_forecast(opp, _forecast_total(con, product_id, market, forecast_run_id), window_months)
    row = {
        "project_id": "prj-" + uuid.uuid4().hex[:8], "product_id": product_id, "market": market,
        "title": opp.get("title"), "owner": owner, "created_at": at,
        "pick_run_id": opp.get("run_id"), "score": opp.get("score"), "rank": opp.get("rank"),
        **forecast, "window_months": window_months,
        "target_margin": None if tm is None or pd.isna(tm) else float(tm),
        "expected_margin": best.get("margin_pct"), "spec_days": spec_days,
        "supplier_lead_days": float(lead.min()) if len(lead) else None,
        "compliance_days": None if compliance_days is None or pd.isna(compliance_days) else float(compliance_days),
        "pilot_days": pilot_days, "expected_launch": plan.expected_launch, "critical_path": plan.critical_path,
        "pick_profile": opp.get("profile"),
    }  # fmt: skip
    factors = _frozen_factors(con, row["project_id"], opp)
    write_frame(con, PROJECTS, pd.DataFrame([row]))
    if len(factors):
        write_frame(con, PROJECT_FACTORS, factors)
    write_frame(con, PROJECT_EVENTS, pd.DataFrame([{"project_id": row["project_id"], "gate": "idea",
                "decided_at": at, "owner": owner, "decision": "go", "documents": [], "note": None}]))  # fmt: skip
    return {**row, "unknown": list(plan.unknown), "factors_frozen": int(len(factors))}


def read_frozen_factors(con: Any, project_id: str | None = None) -> pd.DataFrame:
    """Frozen factor rows (of one project)."""
    where, params = ("project_id = ?", [project_id]) if project_id else (None, [])
    return read_rows(con, PROJECT_FACTORS, where=where, params=params, order="project_id, factor")


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


def read_sold_lines(con: Any) -> tuple[pd.DataFrame, pd.Series]:
    """Sold product lines (product_id, market, ordered_at, quantity, unit_price) and product -> category.

    Lines without a product or a country, and lines flagged as not a product (postage, fees), are left out.
    """
    cols = ["product_id", "market", "ordered_at", "quantity", "unit_price"]
    if not table_exists(con, "order_lines"):
        return pd.DataFrame(columns=cols), pd.Series(dtype=object)
    lines = con.execute(
        "SELECT product_id, country AS market, ordered_at, quantity, unit_price FROM order_lines "
        "WHERE status = 'sold' AND coalesce(is_product, TRUE) AND quantity > 0 "
        "AND product_id IS NOT NULL AND country IS NOT NULL"
    ).df()
    cats = pd.Series(dtype=object)
    if len(lines) and table_exists(con, "products"):
        p = con.execute(
            "SELECT product_id, category FROM products WHERE product_id IN "
            "(SELECT DISTINCT product_id FROM order_lines WHERE status = 'sold')"
        ).df()
        cats = pd.Series(p["category"].to_numpy(), index=p["product_id"].to_numpy())
    return lines[cols], cats
