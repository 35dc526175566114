"""Finance's run-level report panels: the 13-week cash runway (weekly lines, balance and floor)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel
from xborder.domains.finance.cashplan import LINES
from xborder.warehouse.tables import read_rows, table_exists

__all__ = ["report_panels", "cash_runway_panel"]


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
    intro += " " + (
        _t("panel_cash_breach", lang, week=breach) if breach else _t("panel_cash_no_breach", lang)
    )
    if pd.isna(opening):
        intro += " " + _t("cash_flow_no_opening", lang)
    table = pd.DataFrame({_t("col_week", lang): weeks})
    for line in [*shown, "net", "balance"]:
        table[_t(f"line_{line}", lang) + (" *" if estimated.get(line) and line in shown else "")] = (
            wide[line].round(0).to_numpy()
        )
    return Panel("finance.cash_runway", title, intro=intro, figure=fig,
                 tables=[(_t("panel_cash_table", lang), table)], order=60)  # fmt: skip


def report_panels(con: Any, run_id: str, lang: str) -> list[Panel]:
    """The finance panels of ``run_id`` in ``lang``."""
    return [cash_runway_panel(con, run_id, lang)]
