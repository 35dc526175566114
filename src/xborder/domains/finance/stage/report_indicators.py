"""Finance's warning-indicators panel: each money indicator now and the period before, against its threshold."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel
from xborder.domains.finance.indicators import DIRECTIONS
from xborder.warehouse.tables import read_rows, table_exists

__all__ = ["indicators_panel", "SHARES", "relative_to_threshold"]

SHARES = {"ad_share_of_sales", "acos", "acos_over_break_even", "refund_rate", "fee_share_of_sales",
          "storage_share_of_sales", "payout_reserve_share", "logistics_share_of_price", "margin_pct",
          "margin_erosion", "single_country_supply_share", "fx_move_90d", "hedge_cover", "refund_rate_trend",
          "aged_stock_share", "supplier_concentration", "fx_open_exposure_share"}  # fmt: skip
"""Indicators that are shares (shown as percentages); the others are days or weeks."""


def _t(code: str, lang: str, **kw: Any) -> str:
    return i18n.render(f"finance.{code}", lang, **kw)


def _fmt(indicator: str, value: float) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:+.1%}" if indicator in ("margin_erosion", "fx_move_90d", "acos_over_break_even",
                                            "refund_rate_trend") else (
        f"{value:.1%}" if indicator in SHARES else f"{value:,.1f}")  # fmt: skip


CHART_PER_INDICATOR = 3
"""Subjects (currencies) of one indicator the chart shows besides those that warn: the closest to the threshold."""


def _chart_rows(own: pd.DataFrame) -> pd.DataFrame:
    """Seller and currency rows the chart shows: every warning, and per indicator the ``CHART_PER_INDICATOR``
    subjects closest to the threshold (35 currencies of ``fx_move_90d`` would hide the rest)."""
    if own.empty:
        return own
    gap = [
        relative_to_threshold(i, v, t)
        for i, v, t in zip(own["indicator"], own["value"], own["threshold"], strict=True)
    ]
    ranked = own.assign(_gap=gap).sort_values("_gap", ascending=False)
    keep = (ranked["status"] == "warn") | (ranked.groupby("indicator").cumcount() < CHART_PER_INDICATOR)
    return ranked[keep].drop(columns="_gap").sort_values(["indicator", "subject"])


def _short(names: pd.Series) -> pd.Series:
    """An indicator's name without its explanation in brackets (the chart's labels)."""
    return names.astype(str).str.split(r" \(|（", regex=True).str[0]


def relative_to_threshold(indicator: str, value: float, threshold: float) -> float:
    """How far ``value`` is on the warning side of ``threshold``: ``value - threshold`` for a ``max`` indicator,
    ``threshold - value`` for a ``min`` one, over ``|threshold|`` (or 1 when the threshold is 0). Positive =
    warning; 0 = at the threshold. Shares, days and weeks thereby share one axis."""
    if pd.isna(value) or pd.isna(threshold):
        return float("nan")
    gap = value - threshold if DIRECTIONS.get(indicator, "max") == "max" else threshold - value
    return float(gap / (abs(threshold) or 1.0))


def indicators_panel(con: Any, run_id: str, lang: str) -> Panel:
    """Seller and currency indicators one by one, plan indicators summarised (plans, warned, median now and
    before); the chart sets each one's value now and in the period before against its threshold."""
    title = _t("panel_ind_title", lang)
    rows = (
        read_rows(con, "warning_indicators", run_id)
        if table_exists(con, "warning_indicators")
        else pd.DataFrame()
    )
    unknown = _unknown(rows, lang)
    rows = rows[rows["status"] != "no_data"] if len(rows) else rows
    if rows.empty:
        return Panel("finance.indicators", title, missing=_t("panel_ind_missing", lang), order=61)
    import plotly.graph_objects as go

    text = "text_zh" if lang == "zh" else "text_en"
    own = rows[rows["scope"] != "plan"]
    own = (
        own.assign(_ok=own["status"] != "warn")
        .sort_values(["_ok", "indicator", "subject"])
        .drop(columns="_ok")
    )
    plans = rows[rows["scope"] == "plan"]
    summary = (
        plans.groupby("indicator")
        .agg(name=(text, "first"), plans=("value", "size"), warned=("status", lambda s: int((s == "warn").sum())),
             value=("value", "median"), previous=("previous", "median"), threshold=("threshold", "first"))
        .reset_index()
    )  # fmt: skip
    shown = _chart_rows(own)
    points = pd.concat([
        shown.assign(label=_short(shown[text]) + " · " + shown["subject"].astype(str))[["indicator", "label", "value", "previous", "threshold", "status"]],
        summary.assign(label=_short(summary["name"]) + " · " + _t("panel_ind_plans_median", lang),
                       status=np.where(summary["warned"] > summary["plans"] / 2, "warn", "ok"))[
            ["indicator", "label", "value", "previous", "threshold", "status"]],
    ], ignore_index=True)  # fmt: skip
    now = [
        relative_to_threshold(i, v, t)
        for i, v, t in zip(points["indicator"], points["value"], points["threshold"], strict=True)
    ]
    before = [relative_to_threshold(i, v, t) for i, v, t in zip(points["indicator"], points["previous"], points["threshold"], strict=True)]  # fmt: skip
    colours = ["firebrick" if s == "warn" else "seagreen" for s in points["status"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=before, y=points["label"], mode="markers", name=_t("col_previous", lang),
                             marker={"symbol": "circle-open", "size": 10, "color": "grey"}))  # fmt: skip
    fig.add_trace(go.Scatter(x=now, y=points["label"], mode="markers", name=_t("col_value", lang),
                             marker={"size": 11, "color": colours}))  # fmt: skip
    fig.add_vline(x=0, line={"color": "firebrick", "dash": "dash"})
    fig.update_layout(xaxis_title=_t("panel_ind_axis", lang), height=max(320, 26 * len(points) + 120),
                      legend={"orientation": "h", "y": -0.15}, margin={"t": 30, "l": 10})  # fmt: skip
    fig.update_xaxes(tickformat=".0%")
    warned = int((own["status"] == "warn").sum())
    intro = _t("panel_ind_intro", lang, n=len(own), warned=warned)
    if len(plans):
        intro += " " + _t("panel_ind_intro_plans", lang, plans=int(plans["subject"].nunique()),
                          plan_warned=int((plans["status"] == "warn").sum()), plan_rows=len(plans))  # fmt: skip
    intro += " " + _t("panel_ind_how", lang)
    if len(shown) < len(own):
        intro += " " + _t("panel_ind_chart_some", lang, shown=len(shown), n=len(own), per=CHART_PER_INDICATOR)
    status = {s: _t(f"status_{s}", lang) for s in ("ok", "warn")}
    seller = pd.DataFrame({
        _t("col_indicator", lang): own[text].to_numpy(), _t("col_subject", lang): own["subject"].to_numpy(),
        _t("col_period", lang): own["period"].fillna("").astype(str).to_numpy(),
        _t("col_value", lang): [_fmt(i, v) for i, v in zip(own["indicator"], own["value"], strict=True)],
        _t("col_previous", lang): [_fmt(i, v) for i, v in zip(own["indicator"], own["previous"], strict=True)],
        _t("col_threshold", lang): [("≤ " if DIRECTIONS.get(i) == "max" else "≥ ") + _fmt(i, t)
                                     for i, t in zip(own["indicator"], own["threshold"], strict=True)],
        _t("col_status", lang): own["status"].map(status).to_numpy(),
    })  # fmt: skip
    tables: list[tuple[str | None, Any]] = [(_t("panel_ind_seller_table", lang), seller)] if len(own) else []
    if len(summary):
        tables.append((_t("panel_ind_plan_table", lang), pd.DataFrame({
            _t("col_indicator", lang): summary["name"], _t("col_plans", lang): summary["plans"],
            _t("col_warned", lang): summary["warned"],
            _t("col_value", lang): [_fmt(i, v) for i, v in zip(summary["indicator"], summary["value"], strict=True)],
            _t("col_previous", lang): [_fmt(i, v) for i, v in zip(summary["indicator"], summary["previous"], strict=True)],
            _t("col_threshold", lang): [("≤ " if DIRECTIONS.get(i) == "max" else "≥ ") + _fmt(i, t)
                                         for i, t in zip(summary["indicator"], summary["threshold"], strict=True)],
        })))  # fmt: skip
    if unknown is not None:
        intro += " " + _t("panel_ind_unknown", lang, n=len(unknown))
        tables.append((_t("panel_ind_unknown_table", lang), unknown))
    return Panel("finance.indicators", title, intro=intro, figure=fig, tables=tables, order=61)


def _unknown(rows: pd.DataFrame, lang: str) -> pd.DataFrame | None:
    """The indicators with no value at all in the run (no subject has one), each with the tables it is computed
    from and what fills it; None when every indicator has a value somewhere."""
    if rows.empty or "source_tables" not in rows:
        return None
    known = set(rows.loc[rows["status"] != "no_data", "indicator"])
    none = rows[~rows["indicator"].isin(known)].drop_duplicates("indicator").sort_values("indicator")
    if none.empty:
        return None
    text = "text_zh" if lang == "zh" else "text_en"
    return pd.DataFrame({
        _t("col_indicator", lang): none[text].to_numpy(),
        _t("col_source_tables", lang): none["source_tables"].fillna("").to_numpy(),
        _t("col_fill", lang): [_t(f"fill_{i}", lang) for i in none["indicator"]],
    })  # fmt: skip
