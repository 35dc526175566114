"""Suppliers' run-level report panel (frames in; read by the stage, found by the report): the spend Pareto (share per supplier, cumulative share, the alert line)
next to each supplier's tier, score and the evidence behind it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel

__all__ = ["concentration_panel", "TOP"]

TOP = 15


def _t(code: str, lang: str, **kw: Any) -> str:
    return i18n.render(f"suppliers.panel.{code}", lang, **kw)


def concentration_panel(scores: pd.DataFrame, conc: pd.DataFrame, lang: str) -> Panel:
    """Bars: each supplier's share of spend (the first :data:`TOP`, the rest as one bar), a line: the cumulative
    share, a dashed line: the alert share; without spend, the ranking by score alone (table)."""
    title = _t("title", lang)
    if scores.empty:
        return Panel("suppliers.concentration", title, missing=_t("missing", lang), order=50)
    sup = conc[conc["dimension"] == "supplier"] if len(conc) else conc
    sup = sup[sup["spend_share"].notna()] if len(sup) else sup
    s = scores.set_index("supplier_id")
    cols = {"name": "col_supplier", "tier": "col_tier", "rank": "col_rank", "score": "col_score",
            "deliveries": "col_deliveries", "on_time_observed": "col_on_time_seen", "on_time": "col_on_time",
            "verified": "col_verified"}  # fmt: skip
    if sup.empty:
        top = scores.sort_values(["rank", "name"], na_position="last").head(TOP)
        table = top[list(cols)].rename(columns={k: _t(v, lang) for k, v in cols.items()})
        return Panel("suppliers.concentration", title, intro=_t("intro_no_spend", lang, suppliers=len(scores)),
                     tables=[(None, table.round(3))], order=50)  # fmt: skip
    import plotly.graph_objects as go

    sup = sup.sort_values(["spend_share", "key"], ascending=[False, True]).reset_index(drop=True)
    head = sup.head(TOP)
    names = [str(n)[:28] for n in head["name"].fillna(head["key"])]
    shares = head["spend_share"].tolist()
    rest = float(sup["spend_share"].iloc[TOP:].sum())
    if rest > 0:
        names.append(_t("others", lang, n=len(sup) - TOP))
        shares.append(rest)
    cumulative = pd.Series(shares).cumsum()
    threshold = float(sup["threshold"].dropna().iloc[0]) if sup["threshold"].notna().any() else 0.3
    fig = go.Figure()
    fig.add_trace(go.Bar(x=names, y=shares, name=_t("share", lang),
                         marker={"color": ["firebrick" if a else "steelblue" for a in [*head["alert"], False][: len(names)]]}))  # fmt: skip
    fig.add_trace(go.Scatter(x=names, y=cumulative, name=_t("cumulative", lang), mode="lines+markers"))
    fig.add_trace(go.Scatter(x=names, y=[threshold] * len(names), name=_t("alert_line", lang), mode="lines",
                             line={"dash": "dash", "color": "firebrick"}))  # fmt: skip
    fig.update_layout(yaxis={"tickformat": ".0%", "title": _t("share", lang)}, margin={"t": 30, "b": 140},
                      legend={"orientation": "h", "y": -0.6}, xaxis={"tickangle": -40})  # fmt: skip
    table = head[["key", "spend_usd", "spend_share"]].assign(
        cumulative=cumulative.iloc[: len(head)].to_numpy()
    )
    table = table.join(s[list(cols)], on="key").drop(columns="key")
    table["spend_usd"] = table["spend_usd"].round(0)
    table = table.rename(columns={"spend_usd": _t("col_spend", lang), "spend_share": _t("share", lang),
                                  "cumulative": _t("cumulative", lang), **{k: _t(v, lang) for k, v in cols.items()}})  # fmt: skip
    alerts = sup[sup["alert"].fillna(False).astype(bool)]
    intro = _t("intro", lang, suppliers=len(scores), spend=float(sup["spend_usd"].sum()), top=names[0],
               share=shares[0], alerts=len(alerts), threshold=threshold,
               thin=int((scores["deliveries"].fillna(0) <= 2).sum()))  # fmt: skip
    return Panel("suppliers.concentration", title, intro=intro, figure=fig,
                 tables=[(_t("table", lang), table.round(3))], order=50)  # fmt: skip
