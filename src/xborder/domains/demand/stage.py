"""Warehouse glue for demand: read order lines / sales / search trends, write forecasts, accuracy and signals."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from xborder.core.errors import BadInputError
from xborder.domains.demand import analogue_forecasts, build_series, forecast, order_line_events, sales_events
from xborder.domains.demand.dossier import SECTION
from xborder.domains.demand.engines import EngineSession
from xborder.domains.demand.search import search_lead_signals
from xborder.domains.demand.tables import TABLES
from xborder.domains.demand.trends import trend_signals
from xborder.warehouse.stage import Params, Stage, StageContext

__all__ = ["run_demand", "load_events", "DEFAULT_LEVELS", "OUTPUT_TABLES"]

DEFAULT_LEVELS: tuple[Literal["market_total", "category_market", "product_total", "product_market"], ...] = (
    "market_total",
    "category_market",
    "product_total",
    "product_market",
)
OUTPUT_TABLES = ("forecasts", "forecast_series", "forecast_accuracy", "trend_signals")


def load_events(con: Any, markets: Sequence[str] | None = None) -> pd.DataFrame:
    """Signed demand events from ``order_lines`` (+ ``sales`` of source 'actual'), with product categories."""
    ol = con.execute(
        "SELECT o.product_id, o.country, o.ordered_at, o.quantity, o.status, "
        "o.is_product AND coalesce(p.is_product, TRUE) AS is_product, p.category "
        "FROM order_lines o LEFT JOIN products p USING (product_id)"
    ).df()
    parts = [order_line_events(ol)] if len(ol) else []
    sales = con.execute(
        "SELECT s.product_id, s.country, s.period_start, s.units, p.category FROM sales s "
        "LEFT JOIN products p USING (product_id) WHERE s.source = 'actual' AND coalesce(p.is_product, TRUE)"
    ).df()
    if len(sales):
        ev = sales_events(sales)
        ev["category"] = sales.loc[ev.index, "category"].to_numpy()
        parts.append(ev)
    if not parts:
        return pd.DataFrame(columns=["product_id", "country", "ts", "qty", "category"])
    ev = pd.concat(parts, ignore_index=True)
    if markets:
        ev = ev[ev["country"].isin([m.upper() for m in markets])]
    return ev


def _top(series: pd.DataFrame, max_series: int | None) -> tuple[pd.DataFrame, int]:
    ids = series["unique_id"].unique()
    if not max_series or len(ids) <= max_series:
        return series, 0
    recent = series.groupby("unique_id")["y"].apply(lambda y: y.tail(52).sum()).nlargest(max_series).index
    return series[series["unique_id"].isin(recent)], len(ids) - len(recent)


def _ids(fc: pd.DataFrame, level: str) -> pd.DataFrame:
    parts = fc["unique_id"].str.rsplit("|", n=1)
    entity, market = parts.str[0], parts.str[-1]
    fc = fc.copy()
    fc["product_id"] = entity if level in ("product_market", "product_total") else None
    fc["category"] = entity.str.removeprefix("cat:") if level == "category_market" else None
    fc["market"] = market
    return fc


def _insert(con: Any, table: str, df: pd.DataFrame) -> None:
    if df.empty:
        return
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    df = df.reindex(columns=cols)
    con.register("_demand_rows", df)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _demand_rows")
    finally:
        con.unregister("_demand_rows")


def _search_trends(
    con: Any, markets: Sequence[str] | None, freqs: Sequence[str] | None = None
) -> pd.DataFrame:
    """search_trends rows of ``markets`` (and worldwide ``WW``), optionally only the given freqs."""
    st = con.execute("SELECT keyword, market_code, ds, value, freq FROM search_trends").df()
    if markets:
        st = st[st["market_code"].isin([*(m.upper() for m in markets), "WW"])]
    if freqs is not None:
        st = st[st["freq"].isin(list(freqs))]
    return st


def _search_signals(con: Any, markets: Sequence[str] | None) -> pd.DataFrame:
    st = _search_trends(con, markets)
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
) -> dict[str, Any]:
    """Build series, trend signals and forecasts for each level and write them under ``run_id``.

    Args:
        levels: aggregation levels to forecast (see xborder.domains.demand.LEVELS).
        freq: W or M. horizon: periods ahead (default from settings: 26 weeks / 6 months).
        engine: local | dask | spark | ray. n_jobs: local statsforecast processes.
        max_series: per level, only the series with the most demand in the last 52 periods are
            forecast (all get trend signals); None forecasts everything.
        selection: model-choice strategy (series | level | class | auto; see docs/demand.md).
        analogue_products: top products (by total demand) that get analogue forecasts for the
            requested markets where they have not sold yet (0 = none).

    Returns:
        JSON-able summary: per level the number of series, models chosen and overall backtest accuracy.
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
        return {"status": "skipped", "reason": "no order lines or sales in the warehouse", "levels": {}}
    summary: dict[str, Any] = {"freq": freq, "horizon": horizon, "engine": engine, "levels": {}}
    results: dict[str, Any] = {}
    pm_series = pd.DataFrame()
    with EngineSession(engine, workers=max(2, n_jobs)) as sess:
        for i, level in enumerate(levels):
            base = 0.05 + 0.85 * i / len(levels)
            say(base, f"{level}: building series")
            series = build_series(events, level=level, freq=freq)
            if level == "product_market":
                pm_series = series
            sig = trend_signals(series, freq=freq).assign(run_id=run_id, level=level, freq=freq)
            _insert(con, "trend_signals", sig)
            todo, skipped = _top(series, max_series)
            if todo.empty:
                summary["levels"][level] = {"series": 0}
                continue
            say(
                base + 0.1 / len(levels),
                f"{level}: backtesting and forecasting {todo['unique_id'].nunique():,} series",
            )
            res = forecast(
                todo,
                horizon=horizon,
                freq=freq,
                n_windows=n_windows,
                with_arima=with_arima,
                selection=selection,
                levels=tuple(settings.forecast_levels),
                n_jobs=n_jobs if engine == "local" else 1,
                session=sess,
            )
            results[level] = (series, res)
            _insert(
                con, "forecasts", _ids(res.forecasts, level).assign(run_id=run_id, level=level, freq=freq)
            )
            _insert(con, "forecast_series", res.choice.assign(run_id=run_id, level=level, freq=freq))
            overall = res.overall.assign(unique_id="__overall__", n=res.overall["series"])
            acc = pd.concat([res.accuracy, overall], ignore_index=True)
            _insert(con, "forecast_accuracy", acc.assign(run_id=run_id, level=level, freq=freq))
            ov = res.overall.set_index("model")
            summary["levels"][level] = {
                "series": int(series["unique_id"].nunique()),
                "forecast": int(todo["unique_id"].nunique()),
                "not_forecast_outside_top": skipped,
                "signals": int(len(sig)),
                "models_chosen": res.choice["model"].value_counts().to_dict(),
                "accuracy": {
                    m: {k: _num(ov.loc[m, k]) for k in ("mase", "wape", "bias", "coverage_80", "coverage_95")}
                    for m in ("Chosen", "Naive", "SeasonalNaive", "AutoETS")
                    if m in ov.index
                },
            }
    say(0.92, "analogue forecasts and search-interest signals")
    summary["analogues"] = _analogues(con, run_id, results, markets, analogue_products, freq)
    search = _search_signals(con, markets)
    if len(search):
        _insert(con, "trend_signals", search.assign(run_id=run_id))
    summary["search_signals"] = int(len(search))
    leads = _search_leads(con, pm_series, markets, freq)
    if len(leads):
        _insert(con, "trend_signals", leads.assign(run_id=run_id, level="product_market", freq=freq))
    summary["search_leads"] = int(len(leads))
    say(1.0, "demand done")
    return json.loads(json.dumps(summary, default=_num))


def _search_leads(con: Any, series: pd.DataFrame, markets: Sequence[str] | None, freq: str) -> pd.DataFrame:
    """Lead-lag of search interest vs the sales of the products its keyword covers (demand/search.py).

    ``series``: product × market demand; search data coarser than ``freq`` is left out.
    """
    finer = {"W": ("week", "day"), "M": ("month", "week", "day")}[freq]
    st = _search_trends(con, markets, finer)
    if st.empty or series.empty:
        return pd.DataFrame()
    ids = series["unique_id"].str.rsplit("|", n=1).str[0].unique().tolist()
    products = con.execute(
        "SELECT product_id, title FROM products WHERE product_id IN (SELECT unnest(?))", [ids]
    ).df()
    return search_lead_signals(series, st, products, freq=freq)


def _num(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    return None if isinstance(v, float) and not np.isfinite(v) else v


def _analogues(con: Any, run_id: str, results: dict, markets: list[str] | None, top: int, freq: str) -> int:
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
    _insert(
        con, "forecasts", _ids(an, "product_market").assign(run_id=run_id, level="product_market", freq=freq)
    )
    return int(an["unique_id"].nunique()) if len(an) else 0


class DemandParams(Params):
    """Parameters of the demand stage (see :func:`run_demand`)."""

    levels: tuple[Literal["market_total", "category_market", "product_total", "product_market"], ...] = (
        DEFAULT_LEVELS
    )
    freq: Literal["W", "M"] = "W"
    horizon: int | None = Field(None, ge=1, le=156)
    engine: Literal["local", "dask", "spark", "ray"] = "local"
    n_jobs: int = Field(2, ge=1, le=256)
    max_series: int | None = Field(2000, ge=0, le=1_000_000)
    n_windows: int = Field(3, ge=1, le=24)
    with_arima: bool = False
    selection: Literal["series", "level", "class", "auto"] = "series"
    analogue_products: int = Field(20, ge=0, le=100_000)


def _run(ctx: StageContext, p: DemandParams) -> dict[str, Any]:
    return run_demand(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets, progress=ctx.progress,
                      **p.model_dump())  # fmt: skip


STAGE = Stage(
    "demand", _run, DemandParams, writes=TABLES, weight=0.35, quick={"max_series": 200},
    web=("max_series", "freq"), title="Demand", dossier=SECTION,
)  # fmt: skip
