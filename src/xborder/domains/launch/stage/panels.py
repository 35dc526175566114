"""The launch domain's report panels: the KPI scorecard and the launch outcomes of a run."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel
from xborder.domains.launch.kpis import used_text
from xborder.domains.launch.stage.io import read_scorecards, run_rows
from xborder.domains.launch.stage.replay_panel import replay_panel
from xborder.domains.launch.trend import kpi_trend

__all__ = ["report_panels", "scorecard_frame", "trend_frame"]


def _fmt(value: Any, unit: str) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{value:.1%}" if unit == "fraction" else f"{value:,.1f}"


def scorecard_frame(card: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The scorecard as a labelled table in ``lang`` (unknown values say what they need)."""

    def t(key: str, **kw: Any) -> str:
        return i18n.render(f"launch.{key}", lang, **kw)

    rows = []
    for r in card.to_dict("records"):
        known = r["value"] is not None and not pd.isna(r["value"])
        sign = "≥" if r["direction"] == "at_least" else "≤"
        meets = "" if r["meets"] is None or pd.isna(r["meets"]) else t("yes" if r["meets"] else "no")
        rows.append({
            t("col_kpi"): t(f"kpi.{r['kpi']}"),
            t("col_value"): _fmt(r["value"], r["unit"]) if known else t("unknown", what=t(f"needs.{r['kpi']}")),
            t("col_target"): f"{sign} {_fmt(r['target'], r['unit'])}",
            t("col_baseline"): _fmt(r["baseline"], r["unit"]),
            t("col_meets"): meets,
            t("col_formula"): t(f"formula.{r['kpi']}"),
            t("col_data"): used_text(r["data_used"], r.get("data_used_message"), lang),
        })  # fmt: skip
    return pd.DataFrame(rows)


def trend_frame(con: Any, run_id: str, lang: str) -> pd.DataFrame | None:
    """Each KPI's course over the launch runs up to ``run_id`` (None when fewer than two runs scored KPIs)."""
    cards = read_scorecards(con)
    mine = cards[cards["run_id"] == run_id]
    if len(mine):
        cards = cards[cards["run_at"] <= mine["run_at"].iloc[0]]
    if cards["run_id"].nunique() < 2:
        return None

    def t(key: str) -> str:
        return i18n.render(f"launch.{key}", lang)

    rows = []
    for r in kpi_trend(cards).to_dict("records"):
        towards = r["towards_target"]
        rows.append({
            t("col_kpi"): t(f"kpi.{r['kpi']}"), t("col_runs"): f"{r['runs_known']} / {r['runs']}",
            t("col_first"): _fmt(r["first_value"], r["unit"]), t("col_previous"): _fmt(r["previous_value"], r["unit"]),
            t("col_latest"): _fmt(r["latest_value"], r["unit"]),
            t("col_towards"): "" if towards is None or pd.isna(towards) else t("yes" if towards else "no"),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _figure(card: pd.DataFrame, lang: str) -> Any:
    import plotly.graph_objects as go

    known = card[card["value"].notna()].copy()
    if known.empty:
        return None
    value = known["value"].astype(float)
    target = known["target"].astype(float)
    ratio = (value / target).where(known["direction"] == "at_least", target / value.where(value > 0))
    known["ratio"] = ratio.clip(lower=0, upper=2).fillna(0)
    labels = [i18n.render(f"launch.kpi.{k}", lang) for k in known["kpi"]]
    colors = ["#2e7d32" if bool(m) else "#c62828" for m in known["meets"]]
    fig = go.Figure(go.Bar(x=known["ratio"], y=labels, orientation="h", marker_color=colors,
                           text=[_fmt(v, u) for v, u in zip(known["value"], known["unit"], strict=True)],
                           textposition="outside"))  # fmt: skip
    fig.add_vline(x=1.0, line_dash="dash", line_color="#555")
    fig.update_xaxes(range=[0, 2.4])
    fig.update_yaxes(autorange="reversed")  # in the table's order
    fig.update_layout(height=80 + 40 * len(known), margin={"l": 10, "r": 40, "t": 20, "b": 30},
                      xaxis_title="value / target (≥ 1 meets; capped at 2)" if lang == "en" else "数值 / 目标（≥ 1 达标；上限 2）")  # fmt: skip
    return fig


def report_panels(con: Any, run_id: str, lang: str) -> list[Panel]:
    """The KPI scorecard, launch-outcome and replayed-launch panels of ``run_id`` (or of the latest launch run)."""
    card = run_rows(con, "kpi_scorecard", run_id)
    if card.empty:
        score = Panel(key="launch.kpis", title=i18n.render("launch.panel_title", lang),
                      missing=i18n.render("launch.panel_missing", lang), order=90)  # fmt: skip
    else:
        tables: list[tuple[str | None, Any]] = [(None, scorecard_frame(card, lang))]
        course = trend_frame(con, run_id, lang)
        if course is not None:
            tables.append((i18n.render("launch.trend_title", lang), course))
        score = Panel(key="launch.kpis", title=i18n.render("launch.panel_title", lang),
                      intro=i18n.render("launch.panel_intro", lang), figure=_figure(card, lang),
                      tables=tables, order=90)  # fmt: skip
    out = run_rows(con, "launch_outcomes", run_id)
    if out.empty:
        outcomes = Panel(key="launch.outcomes", title=i18n.render("launch.outcomes_title", lang),
                         missing=i18n.render("launch.outcomes_missing", lang), order=91)  # fmt: skip
    else:
        shown = out.drop(columns="run_id")
        outcomes = Panel(key="launch.outcomes", title=i18n.render("launch.outcomes_title", lang),
                         intro=i18n.render("launch.outcomes_intro", lang), tables=[(None, shown)], order=91)  # fmt: skip
    return [score, outcomes, replay_panel(con, run_id, lang)]
