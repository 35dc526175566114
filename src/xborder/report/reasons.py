"""The run's status for the report: each stage's outcome, the run's notes, and why a section is empty."""

from __future__ import annotations

from typing import Any

from xborder.core import i18n
from xborder.report.data import ReportData
from xborder.report.messages import Translator
from xborder.report.sections import fmt

__all__ = ["SECTION_STAGE", "stage_label"]

# Reasons older run records hold only in English (newer ones carry a reason_code).
_REASON_CODES = {
    "skipped on request (--skip)": "pipeline.skipped_on_request",
    "no --data: using the warehouse as it is": "pipeline.no_data",
}

SECTION_STAGE = {
    "factors": "selection",
    "demand": "demand",
    "trends": "demand",
    "landed": "landed_cost",
    "compliance": "compliance",
    "pains": "reviews",
    "accuracy": "demand",
    "backtest": "backtest",
}


def stage_label(name: str, tr: Translator) -> str:
    """A stage's name for people: the report's label, else the domain's ``<name>.title``, else the name."""
    if f"stage_{name}" in tr.keys:
        return tr(f"stage_{name}")
    if i18n.has(f"{name}.title", tr.lang):
        return i18n.render(f"{name}.title", tr.lang)
    return name.replace("_", " ")


def _stage_reason(data: ReportData, stage: str, tr: Translator) -> str | None:
    """Why a stage's output is missing (None when the stage ran fine)."""
    rec = data.stages.get(stage) or {}
    status = rec.get("status", "pending")
    if status == "ok":
        return None
    label = stage_label(stage, tr)
    detail = _reason(rec, tr)
    return f"{label} — {tr('status_' + status) if 'status_' + status in tr.keys else status}" + (
        f": {detail}" if detail else ""
    )


def _reason(rec: dict[str, Any], tr: Translator) -> str:
    reason = rec.get("reason") or rec.get("error") or ""
    code = rec.get("reason_code") or _REASON_CODES.get(reason)
    return i18n.render(code, tr.lang) if code and i18n.has(code, tr.lang) else str(reason)


def _missing(data: ReportData, section: str, tr: Translator, page: Any = None) -> str:
    """Why a section is empty: the stage's reason when it did not run, else what is not known for this pair,
    why, and the command that fills it (never a bare "no rows")."""
    reason = _stage_reason(data, SECTION_STAGE[section], tr)
    if reason:
        return tr("section_missing", reason=reason)
    if page is not None:
        key = f"no_rows_{section}_{page.sources.get(_SECTION_ITEM.get(section, ''), '')}"
        if key in tr.keys:
            return tr(key, market=page.market, product=page.product_id) + _history_error(data, key, tr)
        if f"no_rows_{section}" in tr.keys:
            return tr(f"no_rows_{section}", market=page.market, product=page.product_id)
    return tr("no_rows")


_SECTION_ITEM = {"demand": "demand", "pains": "voice", "compliance": "compliance", "landed": "margin"}
"""The assessment item (opportunities.<item>_source) each page section shows."""


def _run_status(data: ReportData, tr: Translator) -> str:
    """The run's status; while the report itself is being written, the status of the stages before it."""
    status = data.run["status"]
    if status == "running" and (data.stages.get("report") or {}).get("status") == "running":
        failed = any((r or {}).get("status") == "failed" for r in data.stages.values())
        status = "failed" if failed else "ok"
    return tr(f"status_{status}") if f"status_{status}" in tr.keys else status


def _stages(data: ReportData, tr: Translator) -> list[dict[str, str]]:
    rows = []
    for name in data.stages:  # the run's own stage order (the registry's, then the report)
        rec = data.stages.get(name) or {"status": "pending"}
        status = rec.get("status", "pending")
        detail = _reason(rec, tr)
        if name == "report" and status == "running":
            status = "ok"  # this very report is its output
        summary = rec.get("summary") or {}
        if status == "ok" and isinstance(summary, dict) and name != "report":
            detail = ", ".join(
                f"{k}={fmt(v)}"
                for k, v in summary.items()
                if isinstance(v, int | float | str) and not isinstance(v, bool) and k != "run_id"
            )[:220]
        rows.append(
            {
                "name": stage_label(name, tr),
                "status": status,
                "status_label": tr(f"status_{status}") if f"status_{status}" in tr.keys else status,
                "seconds": fmt(rec.get("seconds")),
                "detail": detail,
            }
        )
    return rows


def _notes(data: ReportData, tr: Translator) -> list[str]:
    params = data.run.get("params") or {}
    notes = [i18n.message(n, tr.lang) for n in params.get("notes") or []]
    for stage, sp in (params.get("stage_params") or {}).items():
        if sp:
            notes.append(f"{stage_label(stage, tr)}: " + ", ".join(f"{k}={v}" for k, v in sp.items()))
    for rec in data.stages.values():
        key = "research_notes_zh" if tr.lang == "zh" else "research_notes"
        research = (rec.get("summary") or {}).get(key) if isinstance(rec, dict) else None
        notes.extend(str(n) for n in research or [] if str(n) not in notes)
    return notes


def _history_error(data: ReportData, key: str, tr: Translator) -> str:
    """For a pair whose demand is its last 6 months' sales: how far that estimate was off for the list's picks
    at the selection backtest's cutoffs (realised ÷ shown − 1), or "" when the run has no such backtest."""
    bt = getattr(data, "backtest", None) or {}
    money = bt.get("money") if key == "no_rows_demand_history" else None
    if money is None or "units_expected" not in money or "xborder" not in set(money["method"]):
        return ""
    row = money.set_index("method").loc["xborder"]
    if not row["units_expected"] > 0:
        return ""
    ratio = row["units_next"] / row["units_expected"] - 1
    return " " + tr("history_error", error=f"{ratio:+.0%}", k=bt.get("k", ""))
