"""The customers domain's run-level report panels: the cohort retention heat map, retention and RFM per market,
and the held-out check of lifetime value (:mod:`~xborder.domains.customers.report_backtest`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel

__all__ = ["report_panels", "retention_at", "heat_grid"]

_ROWS = 18
"""Cohorts shown in the heat map (the latest ones)."""
_MONTHS = 12
"""Months since the first purchase shown."""
_MARKETS = 8
"""Markets listed in the tables (most customers first)."""


def _t(key: str, lang: str, **args: Any) -> str:
    return i18n.render(f"customers.panel.{key}", lang, **args)


def heat_grid(cohorts: pd.DataFrame, rows: int = _ROWS, months: int = _MONTHS) -> pd.DataFrame:
    """Retention (0..1) of one source × market: the latest ``rows`` cohort months × months 0..``months``."""
    g = cohorts[cohorts["months_since"] <= months]
    grid = g.pivot(index="cohort_month", columns="months_since", values="retention").sort_index()
    return grid.tail(rows)


def retention_at(cohorts: pd.DataFrame, months: tuple[int, ...] = (1, 3, 6, 12)) -> pd.DataFrame:
    """Per source × market: customers, and for each k in ``months`` the share of the customers of the cohorts
    observed k months later who bought in month k (customer-weighted over those cohorts)."""
    out = []
    for (source, market), g in cohorts.groupby(["source", "market"], dropna=False):
        first = g[g["months_since"] == 0]
        row: dict[str, Any] = {
            "source": source,
            "market": market,
            "customers": int(first["cohort_customers"].sum()),
        }
        for k in months:
            at = g[g["months_since"] == k]
            n = at["cohort_customers"].sum()
            row[f"month_{k}"] = at["active_customers"].sum() / n if n else float("nan")
        out.append(row)
    return (
        pd.DataFrame(out).sort_values("customers", ascending=False, ignore_index=True)
        if out
        else pd.DataFrame()
    )


def _reason(f: dict[str, Any], lang: str) -> str:
    """Why the run has no cohorts: its models' notes (no keys, too few) or the stage's skip reason."""
    models = f["customer_models"]
    col = "notes_zh" if lang == "zh" else "notes_en"
    notes = [str(n) for n in models.get(col, pd.Series(dtype=str)).dropna() if str(n).strip()]
    if notes:
        return " ".join(notes)
    code = f["reason_code"]
    if code and i18n.has(code, lang):
        return i18n.render(code, lang)
    return _t("no_reason", lang)


def report_panels(warehouse: Any, run_id: str, lang: str) -> list[Panel]:
    """The customers panels of ``run_id`` in ``lang``: heat map of the largest source × market, tables; the
    held-out check of lifetime value.

    ``warehouse`` is the report's connection; the rows are read by the stage module
    (:func:`xborder.domains.customers.stage.panel_frames`), this module only draws them.
    """
    from xborder.domains.customers.report_backtest import backtest_panel
    from xborder.domains.customers.stage import panel_frames

    key, title = "customers.cohorts", _t("cohort_title", lang)
    f = panel_frames(warehouse, run_id)
    cohorts = f["customer_cohorts"]
    reason = _reason(f, lang)
    held_out = backtest_panel(f, lang, reason)
    if cohorts.empty:
        return [
            Panel(key=key, title=title, missing=_t("cohort_missing", lang, reason=reason), order=55),
            held_out,
        ]
    import plotly.graph_objects as go

    ret = retention_at(cohorts)
    top = ret.iloc[0]
    mine = cohorts[(cohorts["source"] == top["source"]) & (cohorts["market"] == top["market"])]
    grid = heat_grid(mine)
    labels = [str(c)[:7] for c in grid.index]
    later = grid[[c for c in grid.columns if int(c) > 0]]
    zmax = min(100.0, 110.0 * float(later.max().max())) if later.notna().any().any() else 100.0
    fig = go.Figure(
        go.Heatmap(z=grid.to_numpy() * 100, x=list(grid.columns), y=labels, colorscale="Blues", zmin=0, zmax=zmax,
                   texttemplate="%{z:.0f}", colorbar={"title": _t("retention", lang)}, hoverongaps=False)
    )  # fmt: skip
    fig.update_layout(
        height=max(300, 90 + 24 * len(labels)),
        xaxis={"title": _t("months_since", lang), "dtick": 1},
        yaxis={"title": _t("cohort", lang), "autorange": "reversed", "type": "category"},
    )
    intro = _t("cohort_intro", lang, source=top["source"], market=top["market"], customers=int(top["customers"]),
               rows=len(labels), months=int(grid.columns.max()))  # fmt: skip
    shown = ret.head(_MARKETS)
    pct = [c for c in shown.columns if c.startswith("month_")]
    shown = shown.assign(**{c: (shown[c] * 100).round(1) for c in pct})
    names = {
        c: _t(c, lang) for c in ("source", "market", "customers", "month_1", "month_3", "month_6", "month_12")
    }
    tables: list[tuple[str | None, Any]] = [(_t("retention_caption", lang), shown.rename(columns=names))]
    seg = f["customer_segments"]
    if len(seg):
        keep = shown.head(5)[["source", "market"]].merge(seg, on=["source", "market"])
        keep = keep.assign(segment=[i18n.render(f"customers.segment.{s}", lang) for s in keep["segment"]],
                           share=(keep["share"] * 100).round(1))  # fmt: skip
        cols = [
            "source",
            "market",
            "segment",
            "customers",
            "share",
            "expected_value_per_customer",
            "currency",
        ]
        tables.append((_t("segments_caption", lang), keep[cols].rename(
            columns={**names, "segment": _t("segment", lang), "share": _t("share", lang),
                     "expected_value_per_customer": _t("value_per_customer", lang), "currency": _t("currency", lang)}
        )))  # fmt: skip
    return [Panel(key=key, title=title, intro=intro, figure=fig, tables=tables, order=55), held_out]
