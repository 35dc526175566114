"""The report panel of the replayed launch history (success rate, forecast error) and of the refit on projects."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel
from xborder.core.settings import Settings
from xborder.domains.launch.stage.io import read_frozen_factors, run_rows

__all__ = ["replay_frame", "refit_text", "replay_panel"]

_GROUPS = ("all", "new_product:home", "new_product:foreign", "new_market:foreign", "new_market:home",
           "refit:refit", "refit:balanced", "refit:expected_revenue")  # fmt: skip


def _pct(v: Any) -> str:
    return "" if v is None or pd.isna(v) else f"{v:.1%}"


def replay_frame(replay: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The replay's summary rows as a labelled table in ``lang`` (all launches first)."""

    def t(key: str) -> str:
        return i18n.render(f"launch.{key}", lang)

    order = {g: i for i, g in enumerate(_GROUPS)}
    rows = []
    for r in sorted(replay.to_dict("records"), key=lambda r: order.get(r["launch_group"], 99)):
        rows.append({
            t("col_group"): t("group_" + r["launch_group"].replace(":", "_")),
            t("col_launches"): f"{int(r['launches']):,}", t("col_pending"): f"{int(r['pending']):,}",
            t("col_success"): _pct(r["success_rate"]), t("col_picks"): f"{int(r['picks']):,}",
            t("col_picks_success"): _pct(r["picks_success_rate"]), t("col_wape"): _pct(r["wape"]),
            t("col_bias"): "" if pd.isna(r["bias"]) else f"{r['bias']:+.1%}", t("col_coverage"): _pct(r["coverage_80"]),
        })  # fmt: skip
    return pd.DataFrame(rows)


def refit_text(con: Any, run_id: str, lang: str) -> tuple[str, pd.DataFrame | None]:
    """What ``xborder projects refit`` finds on the warehouse's projects now, and its weights when it fit some."""
    from xborder.domains.launch.refit_projects import ProjectRefitRules, refit_on_projects

    cols = ["project_id", "launched_at", "success"]
    outcomes = run_rows(con, "launch_outcomes", run_id, columns=cols)
    if outcomes.empty:
        outcomes = pd.DataFrame(columns=cols)
    rules = ProjectRefitRules(min_projects=Settings().launch_refit_min_projects)
    r = refit_on_projects(read_frozen_factors(con), outcomes, rules)
    if r.status != "fitted":
        line = i18n.render("launch.refit_too_few", lang, judged=r.judged, needed=r.needed,
                           with_factors=r.with_factors)  # fmt: skip
        return line, None
    line = i18n.render("launch.refit_done", lang, judged=r.judged, successes=r.successes,
                       before=r.auc_frozen or 0.0, after=r.auc_refit or 0.0)  # fmt: skip
    h = r.holdout
    if h and h.get("auc_refit") is not None and h.get("auc_frozen") is not None:
        line += " " + i18n.render("launch.refit_holdout", lang, train=h["train"], test=h["test"],
                                  before=h["auc_frozen"], after=h["auc_refit"])  # fmt: skip
    weights = pd.DataFrame({
        i18n.render("launch.col_weight_group", lang): r.groups,
        i18n.render("launch.col_weight_frozen", lang): [f"{r.frozen_weights[g]:.3f}" for g in r.groups],
        i18n.render("launch.col_weight_refit", lang): [f"{r.refit_weights[g]:.3f}" for g in r.groups],
    })  # fmt: skip
    return line, weights


def _figure(replay: pd.DataFrame, lang: str) -> Any:
    import plotly.graph_objects as go

    shown = replay[replay["launches"] > 0]
    order = {g: i for i, g in enumerate(_GROUPS)}
    shown = shown.assign(o=shown["launch_group"].map(order).fillna(99)).sort_values("o")
    labels = [i18n.render("launch.group_" + g.replace(":", "_"), lang) for g in shown["launch_group"]]
    fig = go.Figure()
    for col, key, color in (("success_rate", "col_success", "#1565c0"),
                            ("picks_success_rate", "col_picks_success", "#ef6c00")):  # fmt: skip
        fig.add_trace(go.Bar(x=shown[col], y=labels, orientation="h", marker_color=color,
                             name=i18n.render(f"launch.{key}", lang),
                             text=[_pct(v) for v in shown[col]], textposition="outside"))  # fmt: skip
    fig.add_vline(x=0.68, line_dash="dash", line_color="#555")
    fig.update_xaxes(range=[0, 1.15], tickformat=".0%")
    fig.update_yaxes(autorange="reversed")  # all launches on top, as in the table
    fig.update_layout(barmode="group", height=120 + 60 * len(shown), legend={"orientation": "h", "y": -0.15},
                      margin={"l": 10, "r": 30, "t": 20, "b": 40})  # fmt: skip
    return fig


def replay_panel(con: Any, run_id: str, lang: str) -> Panel:
    """The replayed launches of ``run_id`` (or the latest replay) with the refit's state on projects."""
    replay = run_rows(con, "launch_replay", run_id)
    line, weights = refit_text(con, run_id, lang)
    refit = i18n.render("launch.replay_refit", lang, line=line)
    title = i18n.render("launch.replay_title", lang)
    if replay.empty:
        missing = i18n.render("launch.replay_missing", lang) + " " + refit
        return Panel(key="launch.replay", title=title, missing=missing, order=92)
    intro = i18n.render("launch.replay_intro", lang, home=replay["home_market"].iloc[0]) + " " + refit
    tables: list[tuple[str | None, Any]] = [(None, replay_frame(replay, lang))]
    if weights is not None:
        tables.append((i18n.render("launch.col_weight_refit", lang), weights))
    return Panel(key="launch.replay", title=title, intro=intro, figure=_figure(replay, lang), tables=tables,
                 order=92)  # fmt: skip
