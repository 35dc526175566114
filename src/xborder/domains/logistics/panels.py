"""Logistics' run-level report panel (frames in; read by the stage, found by the report): freight against transit days per mode (the cost/time Pareto front over
the run's shipments) and what each disruption scenario did to the plans."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel

__all__ = ["freight_days_panel", "mode_points", "PANEL_COLUMNS"]


PANEL_COLUMNS = ["scenario", "product_id", "market", "modes", "cost_per_unit_usd", "days_median", "days_p90",
                 "best_in_mode", "plan"]  # fmt: skip
"""The ``logistics_routes`` columns the panel reads (its best route per mode and its plan)."""


def _t(code: str, lang: str, **kw: Any) -> str:
    return i18n.render(f"logistics.panel.{code}", lang, **kw)


def mode_points(routes: pd.DataFrame) -> pd.DataFrame:
    """Per mode combination of the base scenario's best route of each mode: pairs, median freight per unit
    (USD), median and p90 transit days (medians over pairs), plans in it, and ``pareto`` — no other mode is
    both cheaper and faster (by the medians; modes without transit days are never on it)."""
    base = routes[(routes["scenario"] == "base") & routes["best_in_mode"].fillna(False).astype(bool)]
    if base.empty:
        return pd.DataFrame(
            columns=["modes", "pairs", "cost_per_unit_usd", "days_median", "days_p90", "plans", "pareto"]
        )
    g = base.groupby("modes")
    pts = pd.DataFrame({
        "pairs": g.size(), "cost_per_unit_usd": g["cost_per_unit_usd"].median(),
        "days_median": g["days_median"].median(), "days_p90": g["days_p90"].median(),
    })  # fmt: skip
    plans = routes[(routes["scenario"] == "base") & routes["plan"].fillna(False).astype(bool)]
    pts["plans"] = plans.groupby("modes").size().reindex(pts.index).fillna(0).astype(int)
    c, d = pts["cost_per_unit_usd"].to_numpy(float), pts["days_p90"].to_numpy(float)
    dominated = [
        bool(np.isnan(d[i]) or any((c[j] <= c[i]) & (d[j] <= d[i]) & ((c[j] < c[i]) | (d[j] < d[i])) for j in range(len(c))))
        for i in range(len(c))
    ]  # fmt: skip
    pts["pareto"] = ~np.array(dominated, dtype=bool)
    return pts.reset_index().sort_values(["cost_per_unit_usd", "modes"]).reset_index(drop=True)


def freight_days_panel(routes: pd.DataFrame, scenarios: pd.DataFrame, lang: str) -> Panel:
    """Scatter of freight per unit against p90 days per mode (size: pairs), the Pareto front as a line; tables of
    the modes and of the scenarios."""
    title = _t("title", lang)
    pts = mode_points(routes) if len(routes) else pd.DataFrame()
    if pts.empty:
        return Panel("logistics.freight_days", title, missing=_t("missing", lang), order=55)
    import plotly.graph_objects as go

    timed = pts[pts["days_p90"].notna()]
    front = timed[timed["pareto"]].sort_values("days_p90")
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=timed["days_p90"], y=timed["cost_per_unit_usd"], mode="markers+text", text=timed["modes"],
        textposition="top center", name=_t("modes", lang),
        marker={"size": 10 + 30 * np.sqrt(timed["pairs"] / timed["pairs"].max())},
    ))  # fmt: skip
    fig.add_trace(go.Scatter(x=front["days_p90"], y=front["cost_per_unit_usd"], mode="lines", name=_t("front", lang),
                             line={"dash": "dash"}))  # fmt: skip
    fig.update_layout(xaxis_title=_t("days", lang), yaxis={"title": _t("freight", lang), "type": "log"},
                      margin={"t": 40, "l": 80}, legend={"orientation": "h", "y": 1.15})  # fmt: skip
    names = {"modes": "col_modes", "pairs": "col_pairs", "cost_per_unit_usd": "col_freight",
             "days_median": "col_days_median", "days_p90": "col_days_p90", "plans": "col_plans", "pareto": "col_pareto"}  # fmt: skip
    table = pts[list(names)].round(3).rename(columns={k: _t(v, lang) for k, v in names.items()})
    tables: list[tuple[str | None, Any]] = [(_t("table", lang), table)]
    if len(scenarios):
        sc = {"scenario": "col_scenario", "affected_pairs": "col_affected", "rerouted_pairs": "col_rerouted",
              "mean_cost_change_pct": "col_cost", "mean_delay_days": "col_delay", "planned_pairs": "col_planned",
              "mean_cycle_service_base": "col_service_base", "mean_cycle_service_new": "col_service_new",
              "stockout_days_base": "col_out_base", "stockout_days_new": "col_out_new",
              "extra_safety_stock": "col_extra"}  # fmt: skip
        sc = {k: v for k, v in sc.items() if k in scenarios.columns}
        tables.append(
            (
                _t("scenarios", lang),
                scenarios[list(sc)].round(3).rename(columns={k: _t(v, lang) for k, v in sc.items()}),
            )
        )
    n_pairs = routes.loc[routes["scenario"] == "base", ["product_id", "market"]].drop_duplicates().shape[0]
    untimed = ", ".join(pts.loc[pts["days_p90"].isna(), "modes"]) or "-"
    intro = _t("intro", lang, pairs=n_pairs, front=", ".join(front["modes"]) or "-", untimed=untimed)
    return Panel("logistics.freight_days", title, intro=intro, figure=fig, tables=tables, order=55)
