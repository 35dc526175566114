"""Inventory's run-level report panels (frames in, panels out; read by the stage, found by the report): the plans against the days-of-cover rule per demand basis, and the
expected stock path of the plan that ties up the most cash."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel
from xborder.domains.inventory.projection import project_stock

__all__ = ["inventory_panels", "plan_summary_panel", "projection_panel"]


def _t(code: str, lang: str, **kw: Any) -> str:
    return i18n.render(f"inventory.panel.{code}", lang, **kw)


def plan_summary_panel(plans: pd.DataFrame, lang: str) -> Panel:
    """Per demand basis (forecast, analogue, recent sales) and planning method (own sales, forecast spread): pairs, target and expected cycle service, average
    stock of the plan and of the rule (bars), pairs to order now; unplanned pairs with their reason."""
    title = _t("summary_title", lang)
    if plans.empty:
        return Panel("inventory.plans", title, missing=_t("missing", lang), order=40)
    import plotly.graph_objects as go

    planned = plans[plans["reorder_point"].notna()]
    method = (
        planned["plan_method"] if "plan_method" in planned else pd.Series("forecast_spread", planned.index)
    )
    # a launch plan's service is the one measured on real launches (launch.measured_service), else the model's
    measured = planned["measured_cycle_service"] if "measured_cycle_service" in planned else None
    service = (
        planned["expected_cycle_service"]
        if measured is None
        else measured.fillna(planned["expected_cycle_service"])
    )
    planned = planned.assign(plan_method=method.fillna("forecast_spread"), expected_cycle_service=service)
    by = planned.groupby(["kind", "plan_method"])
    agg = pd.DataFrame({
        "pairs": by.size(), "target": by["service_target"].mean(), "plan_service": by["expected_cycle_service"].mean(),
        "rule_service": by["baseline_cycle_service"].mean(), "plan_stock": by["average_stock"].sum(),
        "rule_stock": by["baseline_average_stock"].sum(),
        "order_now": by["suggested_order"].apply(lambda s: int((s.fillna(0) > 0).sum())),
    })  # fmt: skip
    kinds = [i18n.render(f"inventory.field.{k}", lang) for k, _ in agg.index]
    methods = [i18n.render(f"inventory.field.{m}", lang) for _, m in agg.index]
    fig = go.Figure()
    short = [
        f"{k.split(' (')[0].split('（')[0]} · {m.split(' (')[0].split('（')[0]}"
        for k, m in zip(kinds, methods, strict=True)
    ]
    fig.add_trace(go.Bar(y=short, x=agg["plan_stock"], name=_t("plan", lang), orientation="h"))
    fig.add_trace(go.Bar(y=short, x=agg["rule_stock"], name=_t("rule", lang), orientation="h"))
    fig.update_layout(barmode="group", xaxis_title=_t("units", lang), legend={"orientation": "h", "y": 1.15},
                      margin={"t": 40})  # fmt: skip
    table = pd.DataFrame({
        _t("col_kind", lang): kinds, _t("col_method", lang): methods, _t("col_pairs", lang): agg["pairs"].to_numpy(),
        _t("col_target", lang): agg["target"].round(3).to_numpy(),
        _t("col_plan_service", lang): agg["plan_service"].round(3).to_numpy(),
        _t("col_rule_service", lang): agg["rule_service"].round(3).to_numpy(),
        _t("col_plan_stock", lang): agg["plan_stock"].round(0).to_numpy(),
        _t("col_rule_stock", lang): agg["rule_stock"].round(0).to_numpy(),
        _t("col_order_now", lang): agg["order_now"].to_numpy(),
    })  # fmt: skip
    tables: list[tuple[str | None, Any]] = [(_t("summary_table", lang), table)]
    if "stock_action" in planned and planned["stock_action"].isin(["cap", "make_to_order"]).any():
        tables.append((_t("cap_table", lang), _decisions(planned, lang)))
    unplanned = plans[plans["reorder_point"].isna()]
    if len(unplanned):
        codes = unplanned["notes"].map(
            lambda n: json.loads(n)[0]["code"] if isinstance(n, str) and n.startswith("[{") else ""
        )
        why = codes.value_counts()
        text = [i18n.render(c, lang, markets=_t("other_markets", lang)) if c else "" for c in why.index]
        tables.append((_t("unplanned_table", lang),
                       pd.DataFrame({_t("col_reason", lang): text, _t("col_pairs", lang): why.to_numpy()})))  # fmt: skip
    intro = _t("summary_intro", lang, pairs=len(planned), unplanned=len(unplanned),
               plan=float(agg["plan_stock"].sum()), rule=float(agg["rule_stock"].sum()))  # fmt: skip
    return Panel("inventory.plans", title, intro=intro, figure=fig, tables=tables, order=40)


def _decisions(planned: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per stock decision: pairs, average stock and mean cycle service before and after the months-of-stock cap."""
    by = planned.groupby("stock_action")
    agg = pd.DataFrame({"pairs": by.size(), "before": by["uncapped_average_stock"].sum(), "after": by["average_stock"].sum(),
                        "rule": by["baseline_average_stock"].sum(), "svc0": by["uncapped_cycle_service"].mean(),
                        "svc": by["expected_cycle_service"].mean()}).reindex(["stock", "cap", "make_to_order"]).dropna(how="all")  # fmt: skip
    return pd.DataFrame({
        _t("col_action", lang): [i18n.render(f"inventory.field.{a}", lang) for a in agg.index],
        _t("col_pairs", lang): agg["pairs"].astype(int).to_numpy(),
        _t("col_stock_before", lang): agg["before"].round(0).to_numpy(),
        _t("col_plan_stock", lang): agg["after"].round(0).to_numpy(),
        _t("col_rule_stock", lang): agg["rule"].round(0).to_numpy(),
        _t("col_service_before", lang): agg["svc0"].round(3).to_numpy(),
        _t("col_plan_service", lang): agg["svc"].round(3).astype(object).where(agg["svc"].notna(), "—").to_numpy(),
    })  # fmt: skip


def projection_panel(plans: pd.DataFrame, lang: str) -> Panel:
    """The expected stock path (on hand, on hand + on order, reorder point) of the plan with the most cash tied
    up, over 26 weeks."""
    title = _t("projection_title", lang)
    planned = plans[plans["reorder_point"].notna()] if len(plans) else plans
    if planned.empty:
        return Panel("inventory.projection", title, missing=_t("missing", lang), order=41)
    import plotly.graph_objects as go

    key = "cash_tied_up" if planned["cash_tied_up"].notna().any() else "average_stock"
    row = {
        str(k): v
        for k, v in planned.sort_values([key, "product_id"], ascending=[False, True]).iloc[0].items()
    }
    path = project_stock(row)
    start = row.get("stock_as_of") if pd.notna(row.get("stock_as_of")) else row.get("plan_start")
    x = (
        (pd.Timestamp(start) + pd.to_timedelta(path["day"], unit="D")).dt.date.astype(str)
        if pd.notna(start)
        else path["day"]
    )
    fig = go.Figure()
    for col, dash in (("on_hand", None), ("position", "dot"), ("reorder_point", "dash")):
        fig.add_trace(go.Scatter(x=x, y=path[col], name=_t(col, lang), mode="lines", line={"dash": dash}))
    fig.update_layout(yaxis_title=_t("units", lang), legend={"orientation": "h", "y": -0.2}, margin={"t": 30})
    intro = _t("projection_intro", lang, product=row["product_id"], market=row["market"], r=row["reorder_point"],
               q=row["order_quantity"], lead=row["lead_time_days"], demand=row["daily_demand"])  # fmt: skip
    fields = ["kind", "plan_method", "distribution", "stock_action", "reorder_point", "order_quantity", "safety_stock", "lead_time_days", "lead_time_sd_days",
              "lead_time_source", "expected_cycle_service", "baseline_cycle_service", "cash_tied_up", "currency"]  # fmt: skip
    table = pd.DataFrame({
        _t("col_field", lang): [i18n.render(f"inventory.field.{f}", lang) for f in fields],
        _t("col_value", lang): [_fmt(row.get(f), lang) for f in fields],
    })  # fmt: skip
    return Panel("inventory.projection", title, intro=intro, figure=fig, tables=[(None, table)], order=41)


def _fmt(v: Any, lang: str) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if v in (
        "forecast",
        "analogue",
        "niche",
        "history",
        "recent_sales",
        "own_sales",
        "forecast_spread",
        "normal",
        "gamma",
        "empirical",
        "stock",
        "cap",
        "make_to_order",
    ):
        return i18n.render(f"inventory.field.{v}", lang)
    return f"{v:,.2f}" if isinstance(v, float) else str(v)


def inventory_panels(plans: pd.DataFrame, lang: str) -> list[Panel]:
    """The inventory panels of a run's ``inventory_plans`` rows in ``lang``."""
    return [plan_summary_panel(plans, lang), projection_panel(plans, lang)]
