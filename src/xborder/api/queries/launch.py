"""Launch queries for the dashboard: projects with their gates, judged launch outcomes, the KPI scorecard and trend."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.jsonable import to_jsonable

__all__ = ["launch_overview", "progress"]


def progress(value: float | None, target: float, direction: str) -> float | None:
    """How far a KPI is towards its target, 1 = on target, higher is better for every KPI.

    ``value / target`` for at-least KPIs, ``target / value`` for at-most ones (a value ≤ 0 of an at-most KPI is
    2, as is anything above 2); None when unknown.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or target == 0:
        return None
    if direction == "at_least":
        p = value / target
    else:
        p = 2.0 if value <= 0 else target / value
    return max(-1.0, min(2.0, p))


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [to_jsonable(r) for r in df.to_dict("records")] if len(df) else []


def launch_overview(db: Any, last_runs: int = 24, refit_min_projects: int = 30) -> dict[str, Any]:
    """Projects (current gate, state, frozen plan), the latest launch outcomes, scorecard and KPI trend.

    Returns:
        ``projects``, ``median_cycle_months``, ``outcomes``, ``experiments`` (variant tests, every look), ``success_rate``, ``judged``, ``run_id`` (the
        latest launch run), ``scorecard`` (with ``name`` and ``progress``), ``trend`` (per KPI) and ``series``
        (kpi, name, run_id, run_at, value, progress per run for the chart), ``refit`` (the group weights refit on
        judged projects with frozen factors, or how many there are against ``refit_min_projects``), ``replay``
        (the latest replayed launch history of the sales, one row per launch group), ``risk_events`` (the 50
        latest) and ``risk_detection`` (their detection time: median over live events, what was left out).
    """
    from dataclasses import asdict

    from xborder.domains.launch.outcomes import success_rate
    from xborder.domains.launch.projects import cycle_times
    from xborder.domains.launch.refit_projects import ProjectRefitRules, refit_on_projects
    from xborder.domains.launch.stage.io import (
        read_experiments,
        read_frozen_factors,
        read_projects,
        read_scorecards,
        run_rows,
    )
    from xborder.domains.launch.trend import kpi_trend
    from xborder.domains.risk.events import detection_summary
    from xborder.domains.risk.stage.events import read_events

    with db.read() as cur:
        projects = read_projects(cur)
        outcomes = run_rows(cur, "launch_outcomes")
        cards = read_scorecards(cur, last_runs)
        experiments = read_experiments(cur)
        factors = read_frozen_factors(cur)
        replay = run_rows(cur, "launch_replay")
        events = read_events(cur)
    judged_cols = ["project_id", "launched_at", "success"]
    refit = refit_on_projects(
        factors,
        outcomes[judged_cols] if len(outcomes) else pd.DataFrame(columns=judged_cols),
        ProjectRefitRules(min_projects=refit_min_projects),
    )
    cycles = cycle_times(projects) if len(projects) else pd.DataFrame()
    rate, judged = success_rate(outcomes) if len(outcomes) else (None, 0)
    run_id = str(cards["run_id"].iloc[-1]) if len(cards) else None
    names = {k: i18n.render(f"launch.kpi.{k}", "en") for k in cards["kpi"].unique()} if len(cards) else {}
    steps = [
        progress(v, t, d) for v, t, d in zip(cards["value"], cards["target"], cards["direction"], strict=True)
    ]
    cards = cards.assign(
        name=cards["kpi"].map(names), progress=pd.Series(steps, index=cards.index, dtype=float)
    )
    latest = cards[cards["run_id"] == run_id] if run_id else cards
    trend = kpi_trend(cards)
    trend = trend.assign(name=trend["kpi"].map(names))
    return {
        "projects": _records(projects),
        "median_cycle_months": float(cycles["cycle_months"].median()) if len(cycles) else None,
        "outcomes": _records(outcomes),
        "experiments": _records(experiments),
        "success_rate": rate,
        "judged": judged,
        "run_id": run_id,
        "scorecard": _records(latest.drop(columns=["run_id"])),
        "trend": _records(trend),
        "series": _records(cards[["kpi", "name", "run_id", "run_at", "value", "unit", "progress"]]),
        "refit": to_jsonable(asdict(refit)),
        "replay": _records(replay.drop(columns=["run_id"])) if len(replay) else [],
        "risk_events": _records(events.head(50)),
        "risk_detection": to_jsonable(detection_summary(events)),
    }
