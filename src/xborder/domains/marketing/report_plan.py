"""Report panels of the keyword matrix and the budget reallocation (used by :mod:`.report`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel
from xborder.domains.marketing.keywords import KEYWORD_ACTIONS, MATCH_BUCKETS

__all__ = ["keyword_panel", "budget_panel", "spend_shares"]

_ORDER = ("harvest_exact", "keep", "undecided", "product_target", "cut_bid", "negate")
_COLOURS = {"harvest_exact": "#2ca02c", "keep": "#98df8a", "undecided": "#c7c7c7", "product_target": "#9ecae1",
            "cut_bid": "#ff9896", "negate": "#d62728"}  # fmt: skip


def _k(key: str, lang: str, **args: Any) -> str:
    return i18n.render(f"marketing.kw.{key}", lang, **args)


def _b(key: str, lang: str, **args: Any) -> str:
    return i18n.render(f"marketing.budget.{key}", lang, **args)


def _account(df: pd.DataFrame) -> pd.Series:
    return df["marketplace_id"].astype(str) + " " + df["currency"].astype(str)


def spend_shares(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per account × call: terms, clicks, spend, sales, money at stake and the share of the account's spend."""
    m = matrix.assign(account=_account(matrix))
    out = m.groupby(["account", "action"], as_index=False).agg(
        terms=("action", "size"), clicks=("clicks", "sum"), spend=("spend", "sum"), sales=("sales", "sum"),
        money=("money_at_stake", "sum"),
    )  # fmt: skip
    out["share"] = out["spend"] / out.groupby("account")["spend"].transform("sum")
    rank = {a: i for i, a in enumerate(_ORDER)}
    return out.sort_values(["account", "action"], key=lambda s: s.map(rank) if s.name == "action" else s)


def _review_table(rt: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Review phrases × the search terms naming them (``ad_review_terms`` rows), strongest phrases first."""
    r = rt.assign(strength=rt["z"].abs()).sort_values(["kind", "strength"], ascending=[False, False]).head(20)
    return pd.DataFrame({
        i18n.render("marketing.panel.account", lang): _account(r), _k("adv_product", lang): r["product_id"],
        _k("kind", lang): [_k(f"kind_{k}", lang) for k in r["kind"]], _k("review_phrase", lang): r["phrase"],
        _k("terms", lang): r["terms"], _k("clicks", lang): r["clicks"], _k("orders", lang): r["orders"],
        _k("cvr", lang): (r["cvr"] * 100).round(1), _k("top_term", lang): r["top_term"].fillna("—"),
    })  # fmt: skip


def keyword_panel(
    m: pd.DataFrame, lang: str, target: float, reason: str, review_terms: pd.DataFrame | None = None
) -> Panel:
    """From the run's ``ad_keyword_matrix`` rows: spend share per call (chart), calls per account and the largest
    terms' clicks per match type; from ``ad_review_terms``, the review phrases and the terms naming them."""
    key, title = "marketing.keyword_matrix", _k("title", lang)
    if m.empty:
        return Panel(key=key, title=title, missing=_k("missing", lang, reason=reason), order=62)
    import plotly.graph_objects as go

    sh = spend_shares(m)
    fig = go.Figure()
    for action in _ORDER:
        a = sh[sh["action"] == action]
        if len(a):
            fig.add_trace(go.Bar(y=a["account"], x=a["share"] * 100, orientation="h", name=_k(action, lang),
                                 marker_color=_COLOURS[action]))  # fmt: skip
    fig.update_layout(barmode="stack", height=120 + 50 * sh["account"].nunique(), xaxis={"title": _k("share", lang)},
                      legend={"orientation": "h", "y": -0.3})  # fmt: skip
    calls = sh.assign(action=[_k(a, lang) for a in sh["action"]], money=sh["money"].round(2),
                      share=(sh["share"] * 100).round(1))  # fmt: skip
    calls = calls.rename(columns={"account": i18n.render("marketing.panel.account", lang), **{
        c: _k(c, lang) for c in ("action", "terms", "clicks", "spend", "sales", "money", "share")}})  # fmt: skip
    top = m.assign(account=_account(m)).sort_values("clicks", ascending=False).head(15)
    terms = pd.DataFrame({
        i18n.render("marketing.panel.account", lang): top["account"], _k("term", lang): top["search_term"],
        _k("tier", lang): top["tier"], **{_k(b, lang): top[f"{b}_clicks"] for b in MATCH_BUCKETS},
        _k("orders", lang): top["orders"], _k("cvr", lang): (top["cvr"] * 100).round(1),
        _k("breakeven", lang): (top["breakeven_cvr"] * 100).round(1),
        _k("action", lang): [_k(a, lang) if a in KEYWORD_ACTIONS else a for a in top["action"]],
    })  # fmt: skip
    alpha = float(m["alpha"].iloc[0]) if "alpha" in m and m["alpha"].notna().any() else 0.05
    tables: list[tuple[str | None, Any]] = [(_k("calls", lang), calls), (_k("terms_caption", lang), terms)]
    intro = _k("intro", lang, alpha=alpha, target=target)
    if review_terms is not None and len(review_terms):
        tables.append((_k("review_caption", lang), _review_table(review_terms, lang)))
    else:
        intro = f"{intro} {_k('review_none', lang)}"
    return Panel(key=key, title=title, intro=intro, figure=fig, tables=tables, order=62)


def budget_panel(b: pd.DataFrame, lang: str, params: dict[str, Any]) -> Panel:
    """From the run's ``ad_budget`` rows: current and suggested daily spend of the fitted campaigns, with the
    fit's error."""
    key, title = "marketing.budget", _b("title", lang)
    days, window = int(params.get("budget_min_days", 28)), int(params.get("budget_window_days", 28))
    step = float(params.get("budget_max_step", 0.5))
    fitted = b[b["status"] == "fitted"] if len(b) else b
    if fitted.empty:
        why = (
            ", ".join(f"{s} {n}" for s, n in b["status"].value_counts().items())
            if len(b)
            else _b("no_daily", lang)
        )
        return Panel(
            key=key, title=title, missing=_b("missing", lang, why=why, days=days, orders=10), order=63
        )
    import plotly.graph_objects as go

    f = fitted.assign(account=_account(fitted), label=fitted["campaign"].astype(str).str.slice(0, 40))
    fig = go.Figure()
    fig.add_trace(go.Bar(y=f["label"], x=f["current_daily_spend"], orientation="h", name=_b("now", lang)))
    fig.add_trace(
        go.Bar(y=f["label"], x=f["suggested_daily_spend"], orientation="h", name=_b("suggested", lang))
    )
    fig.update_layout(barmode="group", height=140 + 45 * len(f), legend={"orientation": "h", "y": -0.25},
                      xaxis={"title": "/ " + ", ".join(sorted(f["currency"].astype(str).unique()))})  # fmt: skip
    table = pd.DataFrame({
        i18n.render("marketing.panel.account", lang): f["account"], _b("campaign", lang): f["label"],
        _b("b", lang): [f"{x:.2f} ± {s:.2f}" for x, s in zip(f["elasticity"], f["elasticity_se"], strict=True)],
        _b("holdout", lang): [f"{a:,.0f} / {p:,.0f}" for a, p in zip(f["holdout_actual"], f["holdout_predicted"],
                                                                      strict=True)],
        _b("now", lang): f["current_daily_spend"].round(2), _b("suggested", lang): f["suggested_daily_spend"].round(2),
        _b("mroas_now", lang): f["marginal_roas"], _b("mroas_new", lang): f["suggested_marginal_roas"],
        _b("delta", lang): f["expected_daily_sales_change"].round(2),
        _b("profit", lang): f["expected_daily_profit_change"].round(2) if "expected_daily_profit_change" in f else None,
        _b("margin", lang): [_b(f"margin_{m}", lang) if isinstance(m, str) else "—" for m in f.get("margin_source", [None] * len(f))],
    })  # fmt: skip
    rest = b[b["status"] != "fitted"].assign(account=_account(b[b["status"] != "fitted"]))
    st = rest.groupby(["account", "status"], as_index=False).agg(n=("status", "size"))
    st = st.rename(columns={"account": i18n.render("marketing.panel.account", lang), "status": _b("state", lang),
                            "n": _b("count", lang)})  # fmt: skip
    return Panel(key=key, title=title, intro=_b("intro", lang, days=days, window=window, step=step), figure=fig,
                 tables=[(None, table), (_b("status", lang), st)], order=63)  # fmt: skip
