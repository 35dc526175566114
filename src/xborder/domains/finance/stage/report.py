"""Finance's run-level report panels: the 13-week cash runway (weekly lines, balance and floor), the indicators, the
hedges' mark-to-market."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel
from xborder.domains.finance.cashplan import LINES
from xborder.warehouse.tables import read_rows, table_exists

__all__ = ["report_panels", "cash_runway_panel", "cash_capacity_panel", "hedges_panel", "run_day"]


def _t(code: str, lang: str, **kw: Any) -> str:
    return i18n.render(f"finance.{code}", lang, **kw)


def cash_runway_panel(con: Any, run_id: str, lang: str) -> Panel:
    """Weekly cash lines as stacked bars, the closing balance as a line and the floor as a dashed line."""
    title = _t("panel_cash_title", lang)
    rows = read_rows(con, "cash_flows", run_id) if table_exists(con, "cash_flows") else pd.DataFrame()
    if rows.empty:
        return Panel("finance.cash_runway", title, missing=_t("panel_cash_missing", lang), order=60)
    import plotly.graph_objects as go

    wide = rows.pivot_table(index="week", columns="line", values="amount", aggfunc="sum").sort_index()
    weeks = [str(pd.Timestamp(w).date()) for w in wide.index]
    ccy = str(rows["currency"].iloc[0])
    floor = float(rows["floor"].iloc[0])
    opening = rows["opening_balance"].iloc[0]
    shown = [line for line in LINES if line in wide and wide[line].abs().sum() > 0]
    estimated = dict(zip(rows["line"], rows["estimated"], strict=False))
    label = {line: _t(f"line_{line}", lang) + (" *" if estimated.get(line) else "") for line in shown}
    fig = go.Figure()
    for line in shown:
        fig.add_trace(go.Bar(x=weeks, y=wide[line], name=label[line]))
    balance = wide["balance"]
    fig.add_trace(go.Scatter(x=weeks, y=balance, name=_t("line_balance", lang), mode="lines+markers",
                             line={"color": "black", "width": 3}))  # fmt: skip
    fig.add_trace(go.Scatter(x=weeks, y=[floor] * len(weeks), name=_t("line_floor", lang), mode="lines",
                             line={"color": "firebrick", "dash": "dash"}))  # fmt: skip
    fig.update_layout(barmode="relative", yaxis_title=ccy, legend={"orientation": "h", "y": -0.2},
                      margin={"t": 30})  # fmt: skip
    below = balance[balance < floor]
    breach = str(pd.Timestamp(below.index[0]).date()) if len(below) else None
    intro = _t(
        "panel_cash_intro", lang, currency=ccy, start=weeks[0], floor=floor, lowest=float(balance.min())
    )
    if "plan_scope" in rows and rows["plan_scope"].notna().any():
        scope = str(rows["plan_scope"].dropna().iloc[0])
        intro += " " + _t(f"panel_cash_scope_{'picks' if scope == 'picks' else 'all'}", lang,
                          n=int(rows["plans_included"].iloc[0]))  # fmt: skip
    if int(rows["plans_included"].iloc[0] or 0) and "supplier_terms_basis" in rows:
        basis = rows["supplier_terms_basis"].iloc[0]
        if basis in ("quotes", "mixed"):
            intro += " " + _t(f"panel_cash_terms_{basis}", lang, n=int(rows["plans_with_quote_terms"].iloc[0]),
                              plans=int(rows["plans_included"].iloc[0]))  # fmt: skip
        elif basis == "settings":
            intro += " " + _t("panel_cash_terms_settings", lang)
    intro += " " + (
        _t("panel_cash_breach", lang, week=breach) if breach else _t("panel_cash_no_breach", lang)
    )
    if breach and table_exists(con, "cash_capacity"):
        cap = read_rows(con, "cash_capacity", run_id)
        if len(cap):
            from xborder.domains.finance.stage.capacity import capacity_answer

            a = capacity_answer(cap)
            intro += " " + _t("panel_cash_capacity_hint", lang, carried=a["carried"], picks=a["picks"])
    if pd.isna(opening):
        intro += " " + _t("cash_flow_no_opening", lang)
    table = pd.DataFrame({_t("col_week", lang): weeks})
    for line in [*shown, "net", "balance"]:
        table[_t(f"line_{line}", lang) + (" *" if estimated.get(line) and line in shown else "")] = (
            wide[line].round(0).to_numpy()
        )
    tables: list[tuple[str | None, Any]] = [(_t("panel_cash_table", lang), table)]
    modes = _modes_table(con, run_id, lang)
    if modes is not None:
        intro += " " + modes[0]
        tables.append((_t("panel_modes_table", lang), modes[1]))
    return Panel("finance.cash_runway", title, intro=intro, figure=fig, tables=tables, order=60)


def cash_capacity_panel(con: Any, run_id: str, lang: str) -> Panel:
    """How many picks in rank order the cash carries: the opening balance the top k need against the one set,
    the binding week and pick, and the flow at the counts that matter (``stage/capacity.py``)."""
    from xborder.domains.finance.capacity import MILESTONES
    from xborder.domains.finance.stage.capacity import capacity_answer, capacity_sentences

    title = _t("panel_capacity_title", lang)
    rows = read_rows(con, "cash_capacity", run_id) if table_exists(con, "cash_capacity") else pd.DataFrame()
    if rows.empty:
        return Panel("finance.cash_capacity", title, missing=_t("panel_capacity_missing", lang), order=61)
    import plotly.graph_objects as go

    rows = rows.sort_values("picks").reset_index(drop=True)
    ccy, floor = str(rows["currency"].iloc[0]), float(rows["floor"].iloc[0])
    opening = rows["opening_balance"].iloc[0]
    opening = None if pd.isna(opening) else float(opening)
    a = capacity_answer(rows)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=rows["picks"], y=rows["opening_needed"], name=_t("col_opening_needed", lang),
                             mode="lines", line={"color": "black", "width": 3}))  # fmt: skip
    fig.add_trace(go.Scatter(x=rows["picks"], y=[opening or 0.0] * len(rows), mode="lines",
                             name=_t("line_opening" if opening is not None else "line_opening_unset", lang),
                             line={"color": "firebrick", "dash": "dash"}))  # fmt: skip
    fig.add_vline(x=a["carried"], line={"color": "seagreen", "dash": "dot"})
    # The legend above the plot: below it, it ran into the x-axis title.
    fig.update_layout(xaxis_title=_t("col_picks", lang), yaxis_title=ccy, margin={"t": 40},
                      legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"})  # fmt: skip
    intro = " ".join(capacity_sentences(rows, currency=ccy, floor=floor, opening=opening, lang=lang))
    n = a["picks"]
    show = sorted({0, *(k for k in MILESTONES if k < n), n, a["carried"], min(a["carried"] + 1, n)})
    t = rows.iloc[show]
    table = pd.DataFrame({
        _t("col_picks", lang): t["picks"].to_numpy(),
        _t("col_pick", lang): ["" if pd.isna(p) else f"#{'' if pd.isna(r) else int(r)} {p} → {m}"
                               for p, m, r in zip(t["product_id"], t["market"], t["rank"], strict=True)],
        _t("col_opening_needed", lang): t["opening_needed"].round(0).to_numpy(),
        _t("col_lowest", lang): t["lowest_balance"].round(0).to_numpy(),
        _t("col_lowest_week", lang): [str(w)[:10] for w in t["lowest_week"]],
        _t("col_breach_week", lang): ["" if pd.isna(w) else str(w)[:10] for w in t["breach_week"]],
    })  # fmt: skip
    return Panel("finance.cash_capacity", title, intro=intro, figure=fig,
                 tables=[(_t("panel_capacity_table", lang), table)], order=61)  # fmt: skip


def _modes_table(con: Any, run_id: str, lang: str, top: int = 12) -> tuple[str, pd.DataFrame] | None:
    """The run's shipping-mode options (chosen switches first, then the largest cash gain) and a sentence."""
    if not table_exists(con, "cash_mode_options"):
        return None
    m = read_rows(con, "cash_mode_options", run_id)
    if m.empty:
        return None
    chosen = m["chosen"].fillna(False).astype(bool)
    ccy = str(m["currency"].iloc[0])
    if chosen.any():
        text = _t("panel_modes_some", lang, n=int(chosen.sum()), currency=ccy,
                  gain=float(m.loc[chosen, "cash_gain"].sum()))  # fmt: skip
    else:
        text = _t("panel_modes_none", lang)
    m = m.assign(_c=chosen).sort_values(["_c", "cash_gain"], ascending=[False, False]).head(top)
    table = pd.DataFrame({
        _t("col_product", lang): m["product_id"], _t("col_market", lang): m["market"],
        _t("col_mode", lang): m["mode"] + " → " + m["alt_mode"] + m["_c"].map({True: " ✓", False: ""}),
        _t("col_margin", lang): [f"{a:,.2f} → {b:,.2f}" for a, b in zip(m["unit_margin"], m["alt_unit_margin"], strict=True)],
        _t("col_margin_pct", lang): [f"{a:.0%} → {b:.0%}" for a, b in zip(m["margin_pct"], m["alt_margin_pct"], strict=True)],
        _t("col_lead", lang): [f"{a:.0f} → {b:.0f}" for a, b in zip(m["lead_time_days"], m["alt_lead_time_days"], strict=True)],
        _t("col_lowest", lang): [f"{a:,.0f} → {b:,.0f}" for a, b in zip(m["lowest_cash"], m["alt_lowest_cash"], strict=True)],
        _t("col_gain", lang): m["cash_gain"].round(0).to_numpy(),
    })  # fmt: skip
    return text, table


def run_day(con: Any, run_id: str) -> dt.date | None:
    """The day a run stands for: its finance stage's ``as_of`` when given, else the day it started (None: no
    such run)."""
    from xborder.warehouse.runs import load_run

    try:
        rec = load_run(con, run_id)
    except Exception:  # not a run of this warehouse (a report of a bare run id)
        return None
    params = rec.get("params") or {}
    given = ((params.get("stage_params") or {}).get("finance") or {}).get("as_of")
    if given:
        return dt.date.fromisoformat(str(given)[:10])
    started = rec.get("started_at")
    return pd.Timestamp(started).date() if started is not None else None


def hedges_panel(con: Any, run_id: str, lang: str, *, day: dt.date | None = None) -> Panel:
    """The recorded FX hedges valued on ``day`` (default the run's day, ``run_day``; today without a run) in the
    cash currency: one row per contract, the totals, the FX day used and a warning when it is stale
    (``stage/hedges.py``). Hedges are not per run: the run's day keeps a re-rendered report's values."""
    from xborder.core.clock import today
    from xborder.core.settings import get_settings
    from xborder.domains.finance.hedge_value import valuation_sentences
    from xborder.domains.finance.stage.hedges import hedge_valuation, read_hedges

    title = _t("panel_hedges_title", lang)
    if read_hedges(con).empty:
        return Panel("finance.hedges", title, missing=_t("panel_hedges_missing", lang), order=62)
    v = hedge_valuation(con, get_settings(), day or run_day(con, run_id) or today())
    rows = v["rows"]
    ccy = v["currency"]
    table = pd.DataFrame({
        _t("col_currency", lang): rows["currency"], _t("col_direction", lang): rows["direction"],
        _t("col_amount", lang): [f"{a:,.2f}" for a in rows["amount"]],
        _t("col_maturity", lang): [str(m)[:10] for m in rows["maturity"]],
        _t("col_forward_rate", lang): ["?" if pd.isna(k) else f"{k:.4f}" for k in rows["forward_rate"]],
        _t("col_market_rate", lang): ["" if pd.isna(m) else f"{m:.4f}" for m in rows["market_rate"]],
        _t("col_hedge_status", lang): rows["status"],
        f"{_t('col_hedge_value', lang)} ({ccy})": ["?" if pd.isna(x) else f"{x:+,.2f}" for x in rows["value"]],
    })  # fmt: skip
    intro = " ".join(valuation_sentences(v, lang))
    return Panel("finance.hedges", title, intro=intro, tables=[(None, table)], order=62)


def report_panels(con: Any, run_id: str, lang: str) -> list[Panel]:
    """The finance panels of ``run_id`` in ``lang``."""
    from xborder.domains.finance.stage.report_indicators import indicators_panel

    return [
        cash_runway_panel(con, run_id, lang),
        cash_capacity_panel(con, run_id, lang),
        indicators_panel(con, run_id, lang),
        hedges_panel(con, run_id, lang),
    ]
