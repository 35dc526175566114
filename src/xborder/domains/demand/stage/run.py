"""The demand stage: build series per level, write trend signals, backtest and forecast, add analogues and search signals."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from xborder.core import i18n
from xborder.core.errors import BadInputError
from xborder.domains.demand import analogue_forecasts, build_series, conformal, forecast, trend_signals
from xborder.domains.demand.dossier import SECTION
from xborder.domains.demand.engines import EngineSession
from xborder.domains.demand.events import calendar_frame, series_markets
from xborder.domains.demand.margins import level_margins, margins
from xborder.domains.demand.profiles import season_use
from xborder.domains.demand.search import search_lead_signals
from xborder.domains.demand.stage.inputs import (
    demand_holdings,
    demand_target,
    load_events,
    read_product_titles,
    read_search_keywords,
    read_search_trends,
    read_stockouts,
    why_no_demand,
)
from xborder.domains.demand.stage.outputs import write_forecasts, write_result, write_signals
from xborder.domains.demand.stage.pick import narrowed, scored_pick, top_series
from xborder.domains.demand.stockouts import exclude_stockouts
from xborder.domains.demand.tables import TABLES
from xborder.warehouse.stage import Params, Stage, StageContext

__all__ = ["run_demand", "DemandParams", "STAGE", "DEFAULT_LEVELS"]

Level = Literal["market_total", "category_market", "product_total", "product_market"]
DEFAULT_LEVELS: tuple[Level, ...] = ("market_total", "category_market", "product_total", "product_market")


_ACC = ("mase", "wape", "bias", "bias_mean", "wql", "coverage_80", "coverage_95")
"""Backtest measures in the stage summary (and the CLI's table)."""


def product_groups(events: pd.DataFrame, series: pd.DataFrame) -> pd.Series | None:
    """Product x market series id -> ``cat:<category>|<market>``, the group whose seasonal profile it borrows."""
    if "category" not in events.columns:
        return None
    cat = events.dropna(subset=["category"]).drop_duplicates("product_id").set_index("product_id")["category"]
    ids = pd.Index(series["unique_id"].unique())
    parts = ids.str.rsplit("|", n=1)
    product, market = parts.str[0], parts.str[-1]
    out = pd.Series("cat:" + pd.Series(product, index=ids).map(cat).astype(str) + "|" + market, index=ids)
    return out[pd.Series(product, index=ids).map(cat).notna().to_numpy()]


def _search_signals(con: Any, markets: Sequence[str] | None) -> pd.DataFrame:
    st = read_search_trends(con, markets)
    if st.empty:
        return st
    out = []
    for f, g in st.groupby("freq"):
        code = {"week": "W", "month": "M", "day": "D"}.get(str(f), "W")
        s = (
            pd.DataFrame(
                {
                    "unique_id": "search:" + g["keyword"] + "|" + g["market_code"],
                    "ds": pd.to_datetime(g["ds"]),
                    "y": g["value"].astype(float),
                }
            )
            .groupby(["unique_id", "ds"], as_index=False)["y"]
            .mean()
        )
        out.append(trend_signals(pd.DataFrame(s), freq=code).assign(level="search", freq=code))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def _search_leads(con: Any, series: pd.DataFrame, markets: Sequence[str] | None, freq: str) -> pd.DataFrame:
    """Lead-lag of search interest vs the sales of the products its keyword covers (demand/search.py).

    ``series``: product × market demand; search data coarser than ``freq`` is left out.
    """
    finer = {"W": ("week", "day"), "M": ("month", "week", "day")}[freq]
    st = read_search_trends(con, markets, finer)
    if st.empty or series.empty:
        return pd.DataFrame()
    ids = series["unique_id"].str.rsplit("|", n=1).str[0].unique().tolist()
    return search_lead_signals(series, st, read_product_titles(con, ids), freq=freq)


def _num(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    return None if isinstance(v, float) and not np.isfinite(v) else v


def _analogues(
    con: Any,
    run_id: str,
    results: dict,
    markets: list[str] | None,
    top: int,
    freq: str,
    measure: dict[str, Any],
) -> int:
    if not top or "product_market" not in results or "market_total" not in results:
        return 0
    pm_series, pm = results["product_market"]
    mt_series, _ = results["market_total"]
    sold = pm_series.groupby("unique_id")["y"].sum()
    split = sold.index.str.rsplit("|", n=1)
    by_product = pd.Series(sold.to_numpy(), index=split.str[0]).groupby(level=0).sum().nlargest(top)
    known = set(sold.index)
    target_markets = (
        [m.upper() for m in markets]
        if markets
        else (mt_series.groupby("unique_id")["y"].sum().nlargest(10).index.str.split("|").str[-1].tolist())
    )
    targets = [(p, m) for p in by_product.index for m in target_markets if f"{p}|{m}" not in known]
    an = analogue_forecasts(pm.forecasts, mt_series, targets, size_window=52 if freq == "W" else 12)
    if len(an):
        write_forecasts(con, an, run_id=run_id, level="product_market", freq=freq, **measure)
    return int(an["unique_id"].nunique()) if len(an) else 0


def _skipped(con: Any, markets: Sequence[str] | None) -> dict[str, Any]:
    """The summary of a run with no demand: what the warehouse holds and what would help."""
    holdings = demand_holdings(con, markets)
    reason, hint = why_no_demand(holdings, markets)
    return {
        "status": "skipped",
        "reason": reason,
        "reason_code": "demand.no_demand_data",
        "hint": hint,
        "holdings": holdings,
        "levels": {},
    }


def _target_summary(events: pd.DataFrame) -> dict[str, Any]:
    """What the run forecasts (units or revenue, and in which currency) and why, as a message and its text."""
    t = demand_target(events)
    if t["measure"] == "revenue":
        code = (
            "demand.target_revenue_other_currencies"
            if t["left_out_other_currencies"]
            else "demand.target_revenue"
        )
        args = {"rows": t["rows"], "currency": t["currency"], "left_out": t["left_out_other_currencies"]}
    elif t["left_out_revenue_only"]:
        code, args = "demand.target_units_revenue_left_out", {"left_out": t["left_out_revenue_only"]}
    else:
        code, args = "demand.target_units", {}
    return {
        "target": t["measure"],
        "currency": t.get("currency"),
        "target_message": {"code": code, "args": args},
        "target_text": i18n.render(code, "en", **args),
    }


def _trends_only(
    con: Any,
    events: pd.DataFrame,
    *,
    run_id: str,
    markets: Sequence[str] | None,
    levels: Sequence[str],
    freq: str,
) -> dict[str, Any]:
    """Trend signals of each level (and, at product × market, search interest leading sales); no forecasts."""
    summary: dict[str, Any] = {"freq": freq, "forecast": False, **_target_summary(events), "levels": {}}
    for level in levels:
        series = build_series(events, level=level, freq=freq)
        sig = trend_signals(series, freq=freq)
        if level == "product_market":  # search interest leading a product's sales (demand/search.py)
            leads = _search_leads(con, series, markets, freq)
            sig = pd.concat([sig, leads], ignore_index=True) if len(leads) else sig
            summary["search_leads"] = int(len(leads))
            if leads.empty:
                summary["search_keywords"] = read_search_keywords(con)
        write_signals(con, sig, run_id=run_id, level=level, freq=freq)
        summary["levels"][level] = {"series": int(series["unique_id"].nunique()), "signals": int(len(sig))}
    return summary


def run_demand(
    con: Any,
    settings: Any,
    *,
    run_id: str,
    markets: list[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    levels: Sequence[str] = DEFAULT_LEVELS,
    freq: str = "W",
    horizon: int | None = None,
    engine: str = "local",
    n_jobs: int = 2,
    max_series: int | None = 2000,
    n_windows: int = 3,
    with_arima: bool = False,
    selection: str = "series",
    analogue_products: int = 20,
    forecast_demand: bool = True,
    reseason_products: bool = False,
    market_events: bool = False,
) -> dict[str, Any]:
    """Build series, trend signals and forecasts for each level and write them under ``run_id``.

    Args:
        levels: aggregation levels to forecast (see xborder.domains.demand.LEVELS).
        freq: W or M. horizon: periods ahead (default from settings: 26 weeks / 6 months).
        engine: local | dask | spark | ray. n_jobs: local statsforecast processes.
        max_series: per level, only the series with the most demand in the last 52 periods are
            forecast (all get trend signals; at product × market half the places go to the busiest
            series outside the home market, the pairs selection ranks); None forecasts everything.
        selection: model-choice strategy (series | level | class | auto; see docs/demand.md).
        analogue_products: top products (by total demand) that get analogue forecasts for the
            requested markets where they have not sold yet (0 = none).
        forecast_demand: False writes only the trend signals of ``levels`` (``xborder trends``): no
            forecasts, no search-interest series; at product × market the search leads.
        reseason_products: let product series be re-seasoned with their category's pooled profile
            (off: it lost on UCI products; category and market series are re-seasoned where their
            backtest shows a gain).
        market_events: the market event calendar as regressors, kept per series where the backtest gains
            (demand/events.py; off by default: it gained on no benchmark level, docs/demand.md).

    Returns:
        JSON-able summary: per level the number of series, models chosen and overall backtest accuracy;
        ``status: skipped`` with what the warehouse holds (``reason``, ``hint``) when it has no demand.
    """
    say: Callable[..., None] = progress or (lambda fraction, message="": None)
    if freq not in ("W", "M"):
        raise BadInputError(f"freq must be W or M; got {freq!r}.")
    horizon = horizon or (
        settings.forecast_horizon_weeks if freq == "W" else settings.forecast_horizon_months
    )
    say(0.02, "reading order lines and sales")
    events = load_events(con, markets)
    if events.empty:
        return _skipped(con, markets)
    if not forecast_demand:
        return _trends_only(con, events, run_id=run_id, markets=markets, levels=levels, freq=freq)
    target = _target_summary(events)
    summary: dict[str, Any] = {"freq": freq, "horizon": horizon, "engine": engine, **target, "levels": {}}
    measure = {"target": target["target"], "currency": target["currency"]}
    results: dict[str, Any] = {}
    pm_series = pd.DataFrame()
    stockouts = read_stockouts(con, run_id, markets)
    with EngineSession(engine, workers=max(2, n_jobs)) as sess:
        for i, level in enumerate(levels):
            base = 0.05 + 0.85 * i / len(levels)
            say(base, f"{level}: building series")
            series = build_series(events, level=level, freq=freq)
            if level == "product_market":
                # demand on days without stock was capped by it: those days leave the history
                series, summary["stockouts"] = exclude_stockouts(series, stockouts, freq=freq)
                pm_series = series
            sig = trend_signals(series, freq=freq)
            write_signals(con, sig, run_id=run_id, level=level, freq=freq)
            share = 0.5 if level == "product_market" else 0.0
            todo, skipped = top_series(series, max_series, foreign_share=share)
            scored = scored_pick(series, max_series, horizon, share)
            run_on = todo  # with the series the backtest table scores, forecast to be scored, not written
            if scored is not None:
                run_on = series[
                    series["unique_id"].isin(scored) | series["unique_id"].isin(todo["unique_id"])
                ]
            if todo.empty:
                summary["levels"][level] = {"series": 0}
                continue
            say(
                base + 0.1 / len(levels),
                f"{level}: backtesting and forecasting {run_on['unique_id'].nunique():,} series",
            )
            with (
                conformal.weighted(conformal.level_weight(level, freq)),  # interval width per level and freq
                margins(level_margins(level, freq)),  # the series choice's margin, chosen where it gained
            ):
                res = forecast(
                    run_on,
                    groups=product_groups(events, run_on) if level == "product_market" else None,
                    reseason=season_use(level, freq, reseason_products),
                    horizon=horizon,
                    freq=freq,
                    n_windows=n_windows,
                    with_arima=with_arima,
                    selection=selection,
                    levels=tuple(settings.forecast_levels),
                    n_jobs=n_jobs if engine == "local" else 1,
                    session=sess,
                    events=calendar_frame() if market_events else None,
                    markets=series_markets(run_on["unique_id"]) if market_events else None,
                )
            if scored is not None:
                res = narrowed(res, pd.Index(todo["unique_id"].unique()), scored)
            results[level] = (series, res)
            write_result(con, res, run_id=run_id, level=level, freq=freq, **measure)
            ov = res.overall.set_index("model") if len(res.overall) else pd.DataFrame()  # none backtested
            summary["levels"][level] = {
                "series": int(series["unique_id"].nunique()),
                "forecast": int(todo["unique_id"].nunique()),
                "not_forecast_outside_top": skipped,
                # the table's series: picked by demand before the last backtest origin, not in the scored window
                "scored": int(res.overall["series"].max()) if len(res.overall) else 0,  # the table's series
                "scored_by": "demand before the last backtest origin" if scored is not None else "all",
                "signals": int(len(sig)),
                "models_chosen": res.choice["model"].value_counts().to_dict(),
                "intervals": res.params.get("intervals"),
                "totals": res.params.get("totals"),
                "reseasoned": res.params.get("reseasoned", 0),
                "events": res.params.get("events"),
                # every model is listed: one with no backtest forecasts has None (shown as "–", never 0)
                "accuracy": {
                    m: {k: _num(ov.loc[m, k]) if m in ov.index and k in ov.columns else None for k in _ACC}
                    for m in ("Chosen", "Naive", "SeasonalNaive", "AutoETS")
                }
                if len(ov)
                else {},
            }
    say(0.92, "analogue forecasts and search-interest signals")
    summary["analogues"] = _analogues(con, run_id, results, markets, analogue_products, freq, measure)
    search = _search_signals(con, markets)
    write_signals(con, search, run_id=run_id)
    summary["search_signals"] = int(len(search))
    leads = _search_leads(con, pm_series, markets, freq)
    write_signals(con, leads, run_id=run_id, level="product_market", freq=freq)
    summary["search_leads"] = int(len(leads))
    say(1.0, "demand done")
    return json.loads(json.dumps(summary, default=_num))


class DemandParams(Params):
    """Parameters of the demand stage (see :func:`run_demand`)."""

    levels: tuple[Level, ...] = DEFAULT_LEVELS
    freq: Literal["W", "M"] = "W"
    horizon: int | None = Field(None, ge=1, le=156)
    engine: Literal["local", "dask", "spark", "ray"] = "local"
    n_jobs: int = Field(2, ge=1, le=256)
    max_series: int | None = Field(2000, ge=0, le=1_000_000)
    n_windows: int = Field(3, ge=1, le=24)
    with_arima: bool = False
    selection: Literal["series", "level", "class", "auto"] = "series"
    analogue_products: int = Field(20, ge=0, le=100_000)
    forecast: bool = True
    """False: trend signals only (``xborder trends``)."""
    reseason_products: bool = False
    """Re-season product series with their category's pooled seasonal profile (docs/demand.md)."""
    market_events: bool = False
    """The market event calendar as regressors where the backtest gains (demand/events.py)."""


def _run(ctx: StageContext, p: DemandParams) -> dict[str, Any]:
    values = p.model_dump()
    values["forecast_demand"] = values.pop("forecast")
    return run_demand(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets, progress=ctx.progress,
                      **values)  # fmt: skip


STAGE = Stage(
    "demand", _run, DemandParams, writes=TABLES, weight=0.35, quick={"max_series": 200},
    web=("max_series", "freq"), title="Demand", dossier=SECTION,
)  # fmt: skip
