"""The customers report panel of the held-out check: value bought against the models' and the naive forecast."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel

__all__ = ["backtest_panel"]

KEY = "customers.backtest"
_ORDER = 56


def _t(key: str, lang: str, **args: Any) -> str:
    return i18n.render(f"customers.panel.{key}", lang, **args)


def _err(forecast: Any, actual: Any) -> str:
    ok = forecast is not None and actual and not (isinstance(forecast, float) and math.isnan(forecast))
    return f"{forecast / actual - 1:+.0%}" if ok else "-"


def _money(v: Any) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.0f}"


def backtest_panel(frames: dict[str, Any], lang: str, reason: str) -> Panel:
    """The held-out panel from the run's ``customer_models`` and ``customer_backtest`` rows (or why it is empty).

    The figure shows, per segment of the largest checked source, the value bought in the held-out days next to
    the models' and the naive forecast; the tables give every checked source's totals and the segments.
    """
    models = frames["customer_models"]
    rows = frames.get("customer_backtest", pd.DataFrame())
    title = _t("backtest_title", lang)
    checked = models[models["holdout_actual"].notna()] if "holdout_actual" in models else models.iloc[0:0]
    if checked.empty or rows.empty:
        return Panel(key=KEY, title=title, missing=_t("backtest_missing", lang, reason=reason), order=_ORDER)
    import plotly.graph_objects as go

    top = checked.sort_values("customers", ascending=False).iloc[0]
    mine = rows[
        (rows["source"] == top["source"]) & (rows["currency"].fillna("") == (top["holdout_currency"] or ""))
    ]
    seg = mine.groupby("segment", sort=False)[["customers", "buyers", "actual_value", "model_value",
                                              "last_period_value"]].sum(min_count=1)  # fmt: skip
    seg = seg.assign(p_alive=(mine["mean_p_alive"] * mine["customers"]).groupby(mine["segment"]).sum()
                     / seg["customers"])  # fmt: skip
    seg = seg.reindex([s for s in ("high_value", "potential", "at_risk", "lost") if s in seg.index])
    names = [i18n.render(f"customers.segment.{s}", lang) for s in seg.index]
    fig = go.Figure()
    for col, key, color in (("actual_value", "actual", "#1f77b4"), ("model_value", "models", "#ff7f0e"),
                            ("last_period_value", "naive", "#9e9e9e")):  # fmt: skip
        fig.add_bar(x=names, y=seg[col], name=_t(key, lang), marker_color=color)
    fig.update_layout(
        barmode="group", height=340, yaxis={"title": f"{_t('value', lang)} ({top['holdout_currency']})"}
    )
    intro = _t("backtest_intro", lang, source=top["source"], cut=str(mine["calibration_until"].iloc[0])[:10],
               days=int(top["holdout_days"]), customers=int(seg["customers"].sum()),
               model_value=_money(top["holdout_value_predicted"]),
               model_error=_err(top["holdout_value_predicted"], top["holdout_value_actual"]),
               actual_value=_money(top["holdout_value_actual"]), currency=top["holdout_currency"] or "",
               naive_value=_money(top["holdout_value_last_period"]),
               naive_error=_err(top["holdout_value_last_period"], top["holdout_value_actual"]))  # fmt: skip
    per_source = pd.DataFrame({
        _t("source", lang): checked["source"],
        _t("holdout_days", lang): checked["holdout_days"],
        f"{_t('purchases', lang)}: {_t('actual', lang)}": checked["holdout_actual"].round(0),
        f"{_t('purchases', lang)}: {_t('models', lang)}": checked["holdout_predicted"].round(0),
        f"{_t('purchases', lang)}: {_t('naive', lang)}": checked["holdout_purchases_last_period"].round(0),
        f"{_t('value', lang)}: {_t('actual', lang)}": checked["holdout_value_actual"].round(0),
        f"{_t('value', lang)}: {_t('models', lang)}": checked["holdout_value_predicted"].round(0),
        f"{_t('value', lang)}: {_t('naive', lang)}": checked["holdout_value_last_period"].round(0),
        _t("currency", lang): checked["holdout_currency"],
        _t("top_models", lang): (checked["holdout_top_capture"] * 100).round(1),
        _t("top_naive", lang): (checked["holdout_top_capture_last_period"] * 100).round(1),
        _t("top_best", lang): (checked["holdout_top_capture_best"] * 100).round(1),
    })  # fmt: skip
    segments = pd.DataFrame({
        _t("segment", lang): names,
        _t("customers", lang): seg["customers"].astype(int).to_numpy(),
        _t("bought_again", lang): (seg["buyers"] / seg["customers"] * 100).round(1).to_numpy(),
        _t("p_alive", lang): seg["p_alive"].round(2).to_numpy(),
        f"{_t('value', lang)}: {_t('actual', lang)}": seg["actual_value"].round(0).to_numpy(),
        f"{_t('value', lang)}: {_t('models', lang)}": seg["model_value"].round(0).to_numpy(),
        f"{_t('value', lang)}: {_t('naive', lang)}": seg["last_period_value"].round(0).to_numpy(),
    })  # fmt: skip
    tables: list[tuple[str | None, Any]] = [
        (_t("backtest_caption", lang), per_source.reset_index(drop=True)),
        (_t("backtest_segments_caption", lang), segments),
    ]
    cal = frames.get("customer_calibration", pd.DataFrame())
    if len(cal):
        tables.append(
            (_t("calibration_caption", lang), _calibration(cal[cal["source"] == top["source"]], lang))
        )
    return Panel(key=KEY, title=title, intro=intro, figure=fig, tables=tables, order=_ORDER)


def _calibration(cal: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The calibration tenths of one source, labelled."""
    return pd.DataFrame({
        _t("ranking", lang): cal["ranking"].map({"p_buy": _t("p_buy", lang), "p_alive": _t("p_alive", lang)}),
        _t("decile", lang): cal["decile"],
        _t("customers", lang): cal["customers"],
        _t("one_time", lang): cal["one_time_buyers"],
        _t("p_alive", lang): cal["mean_p_alive"].round(2),
        _t("expected_bought", lang): (cal["mean_p_buy"] * 100).round(1),
        _t("bought_again", lang): (cal["bought_share"] * 100).round(1),
    }).reset_index(drop=True)  # fmt: skip
