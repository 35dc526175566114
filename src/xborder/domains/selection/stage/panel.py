"""The selection's run-level panel (read from the warehouse): what a seller must supply to act on the list."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from xborder.core.panels import Panel
from xborder.domains.selection.explain import render_message
from xborder.domains.selection.tables import OPPORTUNITIES
from xborder.warehouse.tables import read_rows, table_exists

__all__ = ["report_panels", "quote_outlook"]

TOP = 50
"""The panel looks at the first 50 places of the list (the issue's top 50)."""
_OUTLOOKS = ("passes", "quote", "no_cost", "unknown")
_COLOURS = {"passes": "#2e7d32", "quote": "#f9a825", "no_cost": "#c62828", "unknown": "#9e9e9e"}


def _t(key: str, lang: str, **args: Any) -> str:
    return render_message({"code": f"selection.panel.{key}", "args": args}, lang)


def quote_outlook(row: Mapping[Any, Any]) -> tuple[str, float | None, str]:
    """(outlook, cost ceiling, currency) of one opportunity from its ``missing`` items and margin: ``passes``
    (margin at the gate on a quote), ``quote`` (passes at a supplier price up to the ceiling), ``no_cost`` (no
    unit cost passes) or ``unknown`` (no landed-cost line, e.g. a niche)."""
    raw = row.get("missing")
    items = json.loads(raw) if isinstance(raw, str) else (raw or [])
    for m in items:
        code, args = m.get("code", ""), m.get("args", {})
        if code == "selection.missing.margin_no_unit_cost":
            return "no_cost", None, str(args.get("currency", ""))
        if code in ("selection.missing.margin_estimate_ceiling", "selection.missing.margin_quote_ceiling"):
            passes = code.endswith("estimate_ceiling") and float(args.get("ceiling", 0)) >= float(
                args.get("cost", 0)
            )
            return ("passes" if passes else "quote"), float(args["ceiling"]), str(args.get("currency", ""))
    if row.get("margin_source") == "quote":
        return "passes", None, ""
    return "unknown", None, ""


def _names(first: pd.DataFrame, lang: str) -> list[str]:
    """Product titles (cut at 40 characters); a niche is named by its category."""
    out = []
    for kind, title, pid, cat in zip(
        first["candidate_kind"], first["title"], first["product_id"], first["category"], strict=True
    ):
        if kind == "niche":
            name = render_message({"code": f"selection.category.{cat}"}, lang)
            out.append(_t("niche", lang, category=name))
        else:
            out.append(str(title if isinstance(title, str) and title else pid)[:40])
    return out


def report_panels(con: Any, run_id: str, lang: str) -> list[Panel]:
    """One panel: of the list's first 50, which pass the margin gate, which would with a supplier price up to
    their cost ceiling, and which no unit cost can make pay; with the first 20 and their time to market."""
    key, title = "selection.quotes", _t("title", lang)
    if not table_exists(con, OPPORTUNITIES.name):
        return [Panel(key=key, title=title, missing=_t("missing", lang), order=20)]
    opp = read_rows(con, OPPORTUNITIES, run_id, order="rank")
    opp = opp[opp["rank"].notna() & (opp["rank"] <= TOP)] if len(opp) else opp
    if opp.empty:
        return [Panel(key=key, title=title, missing=_t("missing", lang), order=20)]
    rows = opp.to_dict(orient="records")
    looks = [quote_outlook(r) for r in rows]
    opp = opp.assign(
        outlook=pd.Series([x[0] for x in looks], index=opp.index, dtype=object),
        ceiling=pd.Series([x[1] for x in looks], index=opp.index, dtype=object),
        cur=pd.Series([x[2] for x in looks], index=opp.index, dtype=object),
    )
    counts = opp["outlook"].value_counts()
    n = {o: int(counts.get(o, 0)) for o in _OUTLOOKS}
    ttm = pd.to_numeric(opp["time_to_market_days"], errors="coerce")
    intro = _t(
        "intro", lang, top=len(opp), **n, ttm_known=int(ttm.notna().sum()), ttm_median=float(ttm.median())
    )
    import plotly.graph_objects as go

    by = (
        opp.groupby(["market", "outlook"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(_OUTLOOKS), fill_value=0)
    )
    by = by.loc[by.sum(axis=1).sort_values(ascending=False).index]
    fig = go.Figure(
        [
            go.Bar(
                name=_t(f"outlook_{o}", lang), x=list(by.index), y=by[o].tolist(), marker_color=_COLOURS[o]
            )
            for o in _OUTLOOKS
            if by[o].sum()
        ]
    )
    fig.update_layout(barmode="stack", yaxis_title=_t("axis", lang), legend={"orientation": "h"})
    first = opp.head(20)
    supply = [
        _t("ceiling", lang, amount=c, currency=cur)
        if o in ("quote", "passes") and c is not None
        else _t(f"outlook_{o}", lang)
        for o, c, cur in zip(first["outlook"], first["ceiling"], first["cur"], strict=True)
    ]
    table = pd.DataFrame(
        {
            _t("col_rank", lang): first["rank"].astype(int).to_numpy(),
            _t("col_product", lang): _names(first, lang),
            _t("col_market", lang): first["market"].to_numpy(),
            _t("col_margin", lang): pd.to_numeric(first["margin_pct"], errors="coerce").round(0).to_numpy(),
            _t("col_supply", lang): supply,
            _t("col_ttm", lang): pd.to_numeric(first["time_to_market_days"], errors="coerce")
            .round(0)
            .to_numpy(),
        }
    )
    return [
        Panel(key=key, title=title, intro=intro, figure=fig, tables=[(_t("caption", lang), table)], order=20)
    ]
