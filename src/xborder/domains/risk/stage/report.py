"""Risk's run-level report panels: stress-test margin distributions and the risk heat map (likelihood x impact)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xborder.core import i18n
from xborder.core.panels import Panel
from xborder.core.settings import Settings, get_settings
from xborder.reference.fx import load_fx
from xborder.warehouse.tables import latest_run_id, read_rows, table_exists

__all__ = [
    "report_panels",
    "stress_panel",
    "stress_rows",
    "selection_picks",
    "break_even_panel",
    "survives_extreme",
    "heat_map_panel",
    "LIKELIHOOD_BANDS",
    "IMPACT_BANDS_USD",
]

LIKELIHOOD_BANDS = (0.0, 0.05, 0.15, 0.35, 0.65, 1.0000001)
"""Probability bands of the heat map's columns: < 5%, 5-15%, 15-35%, 35-65%, >= 65% (in the next 12 months)."""
IMPACT_BANDS_USD = (0.0, 100.0, 1_000.0, 10_000.0, 100_000.0, np.inf)
"""Impact bands of the heat map's rows, in USD at today's ECB rate: < 100, 100-1k, 1k-10k, 10k-100k, >= 100k."""
_TOP = 15


def _t(code: str, lang: str, **kw: Any) -> str:
    return i18n.render(f"risk.{code}", lang, **kw)


def _rows(con: Any, table: str, run_id: str) -> pd.DataFrame:
    return read_rows(con, table, run_id) if table_exists(con, table) else pd.DataFrame()


def _pct(value: float) -> str:
    """A margin in percent with one decimal; a dash for the missing figure of an untested pick."""
    return "–" if value != value else f"{value:.1f}"


def selection_picks(con: Any, run_id: str) -> pd.DataFrame:
    """The selection's ranked picks (``opportunities`` with status ``ranked``) in rank order: ``product_id``,
    ``market``, ``rank``; of this run's selection, else the latest one; empty without a selection."""
    if not table_exists(con, "opportunities"):
        return pd.DataFrame(columns=["product_id", "market", "rank"])
    cols = ["product_id", "market", "rank"]
    picks = read_rows(con, "opportunities", run_id, columns=cols, where="status = 'ranked'")
    if picks.empty:
        latest = latest_run_id(con, "opportunities")
        picks = (
            read_rows(con, "opportunities", latest, columns=cols, where="status = 'ranked'")
            if latest
            else picks
        )
    picks = picks.assign(market=picks["market"].astype(str).str.upper())
    return picks.sort_values("rank", kind="stable").reset_index(drop=True)


def stress_rows(stress: pd.DataFrame, picks: pd.DataFrame, room: int = _TOP) -> pd.DataFrame:
    """The plans the stress panel shows: the selection's picks first, in rank order (``pick`` = their rank; a pick
    without a stress test is kept with NaN figures), then, if room is left, other paying plans spread evenly over
    the range of margin without shocks (``pick`` NaN)."""
    top = picks.head(room)[["product_id", "market", "rank"]].rename(columns={"rank": "pick"})
    shown = top.merge(stress, on=["product_id", "market"], how="left")
    rest = stress[stress["base_margin"] > 0].merge(top[["product_id", "market"]], how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"].drop(columns="_merge")
    left = room - len(shown)
    if left > 0 and len(rest):
        ranked = rest.sort_values(["base_margin", "product_id", "market"]).reset_index(drop=True)
        at = np.unique(np.linspace(0, len(ranked) - 1, min(left, len(ranked))).round().astype(int))
        shown = pd.concat([shown, ranked.iloc[at].iloc[::-1].assign(pick=np.nan)], ignore_index=True)
    return shown.reset_index(drop=True)


def stress_panel(con: Any, run_id: str, lang: str) -> Panel:
    """Plan-margin distributions (5th, 25th, 50th, 75th, 95th percentiles) of the selection's top picks, each with
    its probability of loss, then of other paying plans spread over the range of margin."""
    title = _t("panel_stress_title", lang)
    st = _rows(con, "stress_tests", run_id)
    if st.empty:
        return Panel("risk.stress", title, missing=_t("panel_stress_missing", lang), order=70)
    import plotly.graph_objects as go

    paying = st[st["base_margin"] > 0]
    picks = selection_picks(con, run_id)
    top = stress_rows(st, picks)
    is_pick = top["pick"].notna()
    names = [
        (f"#{int(k)} " if k == k else "") + f"{p} · {m}"
        for k, p, m in zip(top["pick"], top["product_id"], top["market"], strict=True)
    ]
    box = top["p50"].notna().to_numpy()
    fig = go.Figure(
        go.Box(
            y=[n for n, b in zip(names, box, strict=True) if b], q1=top.loc[box, "p25"] * 100,
            median=top.loc[box, "p50"] * 100, q3=top.loc[box, "p75"] * 100, lowerfence=top.loc[box, "p05"] * 100,
            upperfence=top.loc[box, "p95"] * 100, mean=top.loc[box, "mean_margin"] * 100, orientation="h",
            name=_t("panel_stress_margin", lang), boxpoints=False,
        )
    )  # fmt: skip
    fig.add_vline(x=0, line={"color": "firebrick", "dash": "dash"})
    fig.update_layout(xaxis_title=_t("panel_stress_axis", lang), yaxis={"autorange": "reversed"},
                      margin={"t": 30}, showlegend=False, height=120 + 28 * int(box.sum()))  # fmt: skip
    args = {"plans": len(st), "paying": len(paying), "draws": int(st["draws"].iloc[0]),
            "median_p_loss": float(paying["p_loss"].median()) if len(paying) else float("nan")}  # fmt: skip
    if len(picks):
        tested = top[is_pick & top["p_loss"].notna()]
        intro = _t("panel_stress_intro_picks", lang, **args, picks=int(is_pick.sum()), ranked=len(picks),
                   untested=int(is_pick.sum() - len(tested)),
                   picks_p_loss=float(tested["p_loss"].median()) if len(tested) else float("nan"))  # fmt: skip
        if (~is_pick).any():
            intro += " " + _t("panel_stress_intro_others", lang, others=int((~is_pick).sum()))
        intro += " " + _t("panel_stress_box", lang)
    else:
        intro = _t("panel_stress_intro", lang, **args, top=len(top))
    table = pd.DataFrame({
        _t("col_plan", lang): names,
        _t("col_p_loss", lang): ["–" if p != p else f"{p:.1%} ± {e:.1%}" for p, e in zip(top["p_loss"], top["mc_error"], strict=True)],
        _t("col_base_margin", lang): [_pct(v) for v in top["base_margin"] * 100],
        _t("col_p05", lang): [_pct(v) for v in top["p05"] * 100],
        _t("col_p50", lang): [_pct(v) for v in top["p50"] * 100],
        _t("col_p95", lang): [_pct(v) for v in top["p95"] * 100],
    })  # fmt: skip
    return Panel("risk.stress", title, intro=intro, figure=fig, tables=[(None, table)], order=70)


def survives_extreme(drivers: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Per driver: the paying plans, the median break-even, the stress extreme and the share beyond it.

    A plan survives a driver's extreme when its break-even (the driver alone) lies at or beyond the most the
    stress test moves it: freight multiplier >= ``stress_freight_max``, FX move <= ``stress_fx_min``, duty
    change >= ``stress_duty_max``, sold share <= ``stress_demand_min``, fee rise >= ``stress_fee_max``, delay
    >= ``stress_delay_max_weeks`` (rows without a break-even, plans that lose already, are left out).
    """
    s = settings
    extreme = {"freight": (s.stress_freight_max, 1), "fx": (s.stress_fx_min, -1), "duty": (s.stress_duty_max, 1),
               "demand": (s.stress_demand_min, -1), "fee": (s.stress_fee_max, 1),
               "delay": (s.stress_delay_max_weeks, 1)}  # fmt: skip
    rows = []
    for driver, (limit, sign) in extreme.items():
        be = drivers.loc[drivers["driver"] == driver, "break_even"].dropna().astype(float)
        beyond = (sign * (be - limit) >= -1e-12).mean() if len(be) else float("nan")
        rows.append({"driver": driver, "plans": int(len(be)), "median_break_even": float(be.median()) if len(be)
                     else float("nan"), "extreme": float(limit), "survives": float(beyond),
                     "median_first_order": float(drivers.loc[drivers["driver"] == driver, "first_order"].median())})  # fmt: skip
    return pd.DataFrame(rows)


def _unit(driver: str, value: float) -> str:
    if value != value:
        return "-"
    return {"freight": f"×{value:.2f}", "fx": f"{value:+.1%}", "duty": f"{value * 100:+.1f} pt",
            "demand": f"{value:.1%}", "fee": f"{value:+.0%}", "delay": f"{value:.1f}"}[driver]  # fmt: skip


def break_even_panel(con: Any, run_id: str, lang: str) -> Panel:
    """Per stress driver: the share of paying plans that survive its extreme alone, and the median break-even."""
    title = _t("panel_break_even_title", lang)
    dr = _rows(con, "stress_drivers", run_id)
    if dr.empty or dr["break_even"].notna().sum() == 0:
        return Panel("risk.break_even", title, missing=_t("panel_stress_missing", lang), order=71)
    import plotly.graph_objects as go

    table = survives_extreme(dr, get_settings())
    names = [_t(f"driver.{d}", lang) for d in table["driver"]]
    fig = go.Figure(go.Bar(x=table["survives"] * 100, y=names, orientation="h",
                           text=[f"{v:.0%}" for v in table["survives"]], textposition="auto"))  # fmt: skip
    fig.update_layout(xaxis_title=_t("panel_break_even_axis", lang), xaxis={"range": [0, 100]},
                      yaxis={"autorange": "reversed"}, margin={"t": 30}, height=300)  # fmt: skip
    shown = pd.DataFrame({
        _t("col_driver", lang): names,
        _t("col_median_break_even", lang): [_unit(d, v) for d, v in zip(table["driver"], table["median_break_even"], strict=True)],
        _t("col_extreme", lang): [_unit(d, v) for d, v in zip(table["driver"], table["extreme"], strict=True)],
        _t("col_survives", lang): [f"{v:.1%}" for v in table["survives"]],
        _t("col_first_order", lang): [f"{v:.0%}" for v in table["median_first_order"]],
    })  # fmt: skip
    intro = _t("panel_break_even_intro", lang, plans=int(table["plans"].max()))
    return Panel("risk.break_even", title, intro=intro, figure=fig, tables=[(None, shown)], order=71)


def heat_cells(register: pd.DataFrame, usd: dict[str, float]) -> pd.DataFrame:
    """Risks counted per likelihood band x impact band (impact converted to USD with ``usd[currency]``).

    Returns:
        A 5 x 5 frame of counts: rows the impact bands (lowest first), columns the likelihood bands.
    """
    impact = register["impact"].to_numpy(float) * register["currency"].map(usd).to_numpy(float)
    li = np.digitize(register["probability"].fillna(0).to_numpy(float), LIKELIHOOD_BANDS[1:-1])
    im = np.digitize(np.nan_to_num(impact), IMPACT_BANDS_USD[1:-1])
    cells = np.zeros((5, 5), dtype=int)
    np.add.at(cells, (im, li), 1)
    return pd.DataFrame(cells)


def heat_map_panel(con: Any, run_id: str, lang: str) -> Panel:
    """Count of register risks per likelihood x impact cell, with the most urgent risks listed."""
    title = _t("panel_heat_title", lang)
    reg = _rows(con, "risk_register", run_id)
    if reg.empty:
        return Panel("risk.heat_map", title, missing=_t("panel_heat_missing", lang), order=72)
    import plotly.graph_objects as go

    fx = load_fx(con)
    day = pd.Timestamp.today().date()
    usd = {c: fx.factor(str(c), "USD", day).rate for c in reg["currency"].dropna().unique()}
    cells = heat_cells(reg, usd)
    xs = [_t(f"likelihood_{i}", lang) for i in range(5)]
    ys = [_t(f"impact_{i}", lang) for i in range(5)]
    # the cell's colour is its severity (likelihood band x impact band, as in a risk matrix), its text the count
    severity = np.outer(np.arange(1, 6), np.arange(1, 6))
    fig = go.Figure(go.Heatmap(z=severity, x=xs, y=ys, text=cells.to_numpy(), texttemplate="%{text}",
                               colorscale=[[0, "#2e7d32"], [0.3, "#fdd835"], [0.6, "#fb8c00"], [1, "#c62828"]],
                               showscale=False, hovertemplate="%{x} · %{y}: %{text}<extra></extra>"))  # fmt: skip
    fig.update_layout(
        xaxis_title=_t("panel_heat_x", lang), yaxis_title=_t("panel_heat_y", lang), margin={"t": 30}
    )
    levels = reg["level"].value_counts().reindex(["L1", "L2", "L3", "L4"], fill_value=0)
    intro = _t("panel_heat_intro", lang, risks=len(reg), plans=reg[["product_id", "market"]].drop_duplicates().shape[0],
               l1=int(levels["L1"]), l2=int(levels["L2"]), l3=int(levels["L3"]), l4=int(levels["L4"]))  # fmt: skip
    by_cat = (
        reg.groupby("category")
        .agg(n=("level", "size"), p=("probability", "median"), l1=("level", lambda s: int((s == "L1").sum())))
        .reset_index()
        .sort_values("category")
    )
    cat_table = pd.DataFrame({
        _t("col_category", lang): [_t(f"category.{c}", lang) for c in by_cat["category"]],
        _t("col_risks", lang): by_cat["n"].to_numpy(),
        _t("col_median_probability", lang): [f"{v:.1f}" for v in by_cat["p"] * 100],
        _t("col_l1", lang): by_cat["l1"].to_numpy(),
    })  # fmt: skip
    return Panel("risk.heat_map", title, intro=intro, figure=fig, tables=[(_t("panel_heat_table", lang), cat_table)],
                 order=72)  # fmt: skip


def report_panels(con: Any, run_id: str, lang: str) -> list[Panel]:
    """The risk panels of ``run_id`` in ``lang``."""
    return [
        stress_panel(con, run_id, lang),
        break_even_panel(con, run_id, lang),
        heat_map_panel(con, run_id, lang),
    ]
