"""The marketing domain's run-level report panels: ACoS/TACoS over time, suggestions and the rules' replay."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel

__all__ = ["report_panels", "weekly_acos", "weekly_tacos"]

_DEFAULT_TARGET = 0.35


def _t(key: str, lang: str, **args: Any) -> str:
    return i18n.render(f"marketing.panel.{key}", lang, **args)


def _reason(code: str | None, lang: str) -> str:
    if code and i18n.has(code, lang):
        return i18n.render(code, lang)
    return i18n.render("marketing.no_ads", lang)


def _account(df: pd.DataFrame) -> pd.Series:
    return df["marketplace_id"].astype(str) + " " + df["currency"].astype(str)


def weekly_acos(day_rows: pd.DataFrame) -> pd.DataFrame:
    """Weekly spend, sales and ACoS per account from ``ad_metrics`` rows of the ``day`` grain.

    Weeks start on Monday; ACoS = summed spend / summed sales (empty when no sales).
    """
    if day_rows.empty:
        return pd.DataFrame(columns=["account", "week", "spend", "sales", "days", "acos"])
    d = day_rows.assign(account=_account(day_rows), day=pd.to_datetime(day_rows["period_start"]))
    d["week"] = d["day"] - pd.to_timedelta(d["day"].dt.weekday, unit="D")
    w = d.groupby(["account", "week"], as_index=False).agg(
        spend=("spend", "sum"), sales=("sales", "sum"), days=("day", "nunique")
    )
    w["acos"] = w["spend"] / w["sales"].where(w["sales"] > 0)
    return w


def weekly_tacos(tacos_rows: pd.DataFrame) -> pd.DataFrame:
    """Weekly TACoS per account from the ``day`` rows of ``ad_tacos``: weeks with all seven days only."""
    day = tacos_rows[tacos_rows["period"] == "day"] if len(tacos_rows) else tacos_rows
    if day.empty:
        return pd.DataFrame(columns=["account", "week", "ad_spend", "total_sales", "tacos"])
    d = day.assign(account=_account(day), day=pd.to_datetime(day["period_start"]))
    d["week"] = d["day"] - pd.to_timedelta(d["day"].dt.weekday, unit="D")
    w = d.groupby(["account", "week"], as_index=False).agg(
        ad_spend=("ad_spend", "sum"), total_sales=("total_sales", "sum"), days=("day", "nunique")
    )
    w = w[w["days"] == 7]
    w["tacos"] = w["ad_spend"] / w["total_sales"].where(w["total_sales"] > 0)
    return w.drop(columns="days").reset_index(drop=True)


def _acos_panel(f: dict[str, Any], lang: str, target: float, reason: str | None) -> Panel:
    key, title = "marketing.acos_over_time", _t("acos_title", lang)
    days = f["ad_metrics"]
    if days.empty:
        return Panel(
            key=key, title=title, missing=_t("acos_missing", lang, reason=_reason(reason, lang)), order=60
        )
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    wa = weekly_acos(days)
    wt = weekly_tacos(f["ad_tacos"])
    fees = f.get("ad_fee_ceilings", pd.DataFrame())
    ceiling = dict(zip(_account(fees), fees["fee_ceiling_acos"], strict=True)) if len(fees) else {}
    accounts = sorted(wa["account"].unique())
    # One row per account: the accounts' periods (2019 ... 2025) do not overlap, a shared time axis hides them.
    fig = make_subplots(
        rows=len(accounts), cols=1, subplot_titles=accounts, vertical_spacing=0.35 / len(accounts)
    )
    top = wa["acos"].quantile(0.95) * 100 if wa["acos"].notna().any() else 100.0
    for row, account in enumerate(accounts, start=1):
        g = wa[wa["account"] == account]
        fig.add_trace(go.Scatter(x=g["week"], y=g["acos"] * 100, mode="lines+markers", line={"color": "#1f77b4"},
                                 name=f"{_t('acos', lang)} {account}"), row=row, col=1)  # fmt: skip
        t = wt[wt["account"] == account]
        if len(t):
            fig.add_trace(go.Scatter(x=t["week"], y=t["tacos"] * 100, mode="lines", line={"dash": "dash", "color": "#ff7f0e"},
                                     name=f"{_t('tacos', lang)} {account}"), row=row, col=1)  # fmt: skip
        fig.add_hline(y=target * 100, line={"dash": "dot", "color": "grey"}, row=row, col=1)  # type: ignore[arg-type]
        if pd.notna(ceiling.get(account)):
            fig.add_hline(
                y=ceiling[account] * 100, line={"dash": "dashdot", "color": "#d62728"}, row=row, col=1
            )  # type: ignore[arg-type]
        fig.update_yaxes(title_text="%", range=[0, max(top * 1.1, target * 150)], row=row, col=1)
    fig.update_layout(height=120 + 210 * len(accounts), showlegend=False)
    tot = (
        days.assign(account=_account(days))
        .groupby("account", as_index=False)
        .agg(days=("period_start", "nunique"), spend=("spend", "sum"), sales=("sales", "sum"))
    )
    tot["acos"] = tot["spend"] / tot["sales"].where(tot["sales"] > 0)
    tac = f["ad_tacos"]
    tac = tac[tac["period"] == "day"]
    if len(tac):
        tt = (
            tac.assign(account=_account(tac))
            .groupby("account", as_index=False)[["ad_spend", "total_sales"]]
            .sum()
        )
        tt["tacos"] = tt["ad_spend"] / tt["total_sales"].where(tt["total_sales"] > 0)
        tot = tot.merge(tt[["account", "total_sales", "tacos"]], on="account", how="left")
    else:
        tot = tot.assign(total_sales=float("nan"), tacos=float("nan"))
    tot["fee_ceiling"] = tot["account"].map(ceiling)
    table = tot.rename(columns={c: _t(c, lang) for c in ("account", "days", "spend", "sales", "acos", "total_sales", "tacos", "fee_ceiling")})  # fmt: skip
    return Panel(key=key, title=title, intro=_t("acos_intro", lang, target=target), figure=fig,
                 tables=[(_t("totals", lang), table)], order=60)  # fmt: skip


def _suggestions_panel(f: dict[str, Any], lang: str, reason: str | None) -> Panel:
    key, title = "marketing.suggestions", _t("sugg_title", lang)
    sug = f["ad_suggestions"]
    if sug.empty:
        return Panel(
            key=key, title=title, missing=_t("sugg_missing", lang, reason=_reason(reason, lang)), order=61
        )
    sug = sug.assign(account=_account(sug))
    by = sug.groupby(["action", "account", "currency"], as_index=False).agg(
        n=("action", "size"), money=("money_at_stake", "sum")
    )
    by["money"] = by["money"].round(2)
    by["action"] = [i18n.render(f"marketing.action.{a}", lang) for a in by["action"]]
    summary = by.drop(columns="currency").rename(
        columns={
            "action": _t("action", lang),
            "account": _t("account", lang),
            "n": _t("suggestions", lang),
            "money": _t("money", lang),
        }  # fmt: skip
    )
    text = "text_zh" if lang == "zh" else "text_en"
    top = sug.sort_values("money_at_stake", ascending=False).groupby("account").head(3)
    largest = pd.DataFrame({_t("account", lang): top["account"], _t("suggestion", lang): top[text]})
    tables: list[tuple[str | None, Any]] = [(None, summary), (_t("largest", lang), largest)]
    rep = f["ad_rule_replay"]
    if len(rep):
        r = pd.DataFrame(
            {
                _t("account", lang): _account(rep),
                _t("grain", lang): [i18n.render(f"marketing.action.{g}", lang) for g in rep["grain"]],
                _t("rule", lang): [i18n.render(f"marketing.action.{g}", lang) for g in rep["rule"]],
                _t("min_clicks", lang): rep["min_clicks"],
                _t("stopped", lang): rep["keys_stopped"],
                _t("of", lang): rep["keys"],
                _t("saved", lang): rep["spend_saved"],
                _t("at_risk", lang): rep["sales_at_risk"],
                _t("stopped_acos", lang): rep["stopped_acos"],
            }
        )
        tables.append((_t("replay", lang), r))
    intro = f"{_t('sugg_intro', lang)} {i18n.render('marketing.no_hourly', lang)}"
    return Panel(key=key, title=title, intro=intro, tables=tables, order=61)


def report_panels(warehouse: Any, run_id: str, lang: str) -> list[Panel]:
    """The marketing panels of ``run_id`` in ``lang`` (each says why when the run has nothing to show).

    ``warehouse`` is the report's connection; the rows are read by the stage module
    (:func:`xborder.domains.marketing.stage.panel_frames`), this module only draws them.
    """
    from xborder.domains.marketing.report_plan import budget_panel, keyword_panel
    from xborder.domains.marketing.stage import panel_frames

    f = panel_frames(warehouse, run_id)
    reason = f["reason_code"]
    if not f["ad_rows"]:
        return [Panel(key="marketing.none", title=_t("none_title", lang),
                      missing=_t("none_missing", lang, reason=_reason(reason, lang)), order=60)]  # fmt: skip
    params = f["params"]
    target = float(params.get("target_acos", _DEFAULT_TARGET))
    return [
        _acos_panel(f, lang, target, reason),
        _suggestions_panel(f, lang, reason),
        keyword_panel(f["ad_keyword_matrix"], lang, target, _reason(reason, lang), f.get("ad_review_terms")),
        budget_panel(f["ad_budget"], lang, params),
    ]
