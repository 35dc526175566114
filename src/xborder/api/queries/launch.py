"""Launch queries for the dashboard: projects with their gates, judged launch outcomes, the KPI scorecard and trend."""

from __future__ import annotations

import math
import re
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


def _label(code: str, lang: str, default: Any) -> Any:
    """The catalogue's words for ``code`` in ``lang``, else ``default`` (an identifier shown as it is)."""
    return i18n.render(code, lang) if i18n.has(code, lang) else default


def _texts(card: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The scorecard's formula, data used and missing in ``lang`` (``*_text``) beside the stored English."""
    from xborder.domains.launch.kpis import used_text

    if card.empty:
        return card
    msgs = card["data_used_message"] if "data_used_message" in card else pd.Series(None, index=card.index)
    return card.assign(
        formula_text=[_label(f"launch.formula.{k}", lang, f) for k, f in zip(card["kpi"], card["formula"], strict=True)],
        missing_text=[_label(f"launch.needs.{k}", lang, m) for k, m in zip(card["kpi"], card["missing"], strict=True)],
        data_used_text=[used_text(u, m, lang) for u, m in zip(card["data_used"], msgs, strict=True)],
    )  # fmt: skip


_INDICATOR = re.compile(
    r"^(?P<code>\S+) (?P<value>\S+) vs threshold (?P<threshold>\S+) \((?P<direction>min|max)\)"
    r"(?: in (?P<period>\S+))?$"
)
_LATE = re.compile(r"^supplier (?P<supplier>.+): promised (?P<promised>\S+), delivered (?P<delivered>.+)$")


def _event_words(what: Any, detail: Any, lang: str) -> tuple[Any, Any]:
    """A risk event's ``what`` and ``detail`` in ``lang``: the risk domain stores them as English text of two fixed
    forms (an indicator's warning, a late delivery), which are read back here; any other text stays as it is."""
    if lang == "en":
        return what, detail
    w = str(what or "")
    name = (
        _label(f"finance.ind_{w.removeprefix('indicator:')}", lang, None)
        if w.startswith("indicator:")
        else None
    )
    name = name or _label(f"dashboard.launch.what.{w}", lang, what)
    text = str(detail or "")
    m, late = _INDICATOR.match(text), _LATE.match(text)
    if m:
        args = m.groupdict()
        args["direction"] = i18n.render(f"dashboard.launch.direction.{args['direction']}", lang)
        key = "detail_indicator_period" if args["period"] else "detail_indicator"
        args.pop("code")  # the name says it
        return name, i18n.render(f"dashboard.launch.{key}", lang, **{k: v for k, v in args.items() if v})
    if late:
        args = late.groupdict()
        if args["delivered"] == "not delivered":
            args["delivered"] = i18n.render("dashboard.launch.not_delivered", lang)
        return name, i18n.render("dashboard.launch.detail_late", lang, **args)
    return name, detail


def _events(events: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """The risk events with ``category_name``, ``what_text`` and ``detail_text`` in ``lang``."""
    if events.empty:
        return []
    words = [_event_words(w, d, lang) for w, d in zip(events["what"], events["detail"], strict=True)]
    return _records(events.assign(
        category_name=[_label(f"risk.category.{c}", lang, _label(f"dashboard.launch.category.{c}", lang, c))
                       for c in events["category"].astype(str)],
        what_text=[w for w, _ in words], detail_text=[d for _, d in words],
    ))  # fmt: skip


def launch_overview(
    db: Any, last_runs: int = 24, refit_min_projects: int = 30, lang: str = "en"
) -> dict[str, Any]:
    """Projects (current gate, state, frozen plan), the latest launch outcomes, scorecard and KPI trend.

    Names and phrases are in ``lang`` (en | zh): the KPIs' ``name``, the scorecard's ``formula_text``,
    ``missing_text`` and ``data_used_text``, the replay groups' ``group_name``, the refit's ``group_names`` and
    the risk events' ``category_name``, ``what_text`` and ``detail_text``; codes (gate, state, basis) stay codes
    for the page to translate.

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
    names = {k: i18n.render(f"launch.kpi.{k}", lang) for k in cards["kpi"].unique()} if len(cards) else {}
    steps = [
        progress(v, t, d) for v, t, d in zip(cards["value"], cards["target"], cards["direction"], strict=True)
    ]
    cards = cards.assign(
        name=cards["kpi"].map(names), progress=pd.Series(steps, index=cards.index, dtype=float)
    )
    latest = _texts(cards[cards["run_id"] == run_id] if run_id else cards, lang)
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
        "refit": to_jsonable(
            {
                **asdict(refit),
                "group_names": {g: _label(f"selection.group.{g}", lang, g) for g in refit.groups},
            }
        ),
        "replay": _records(
            replay.drop(columns=["run_id"]).assign(
                group_name=[
                    _label(f"launch.group_{g.replace(':', '_')}", lang, g)
                    for g in replay["launch_group"].astype(str)
                ]
            )
        )
        if len(replay)
        else [],
        "risk_events": _events(events.head(50), lang),
        "risk_detection": to_jsonable(detection_summary(events)),
    }
