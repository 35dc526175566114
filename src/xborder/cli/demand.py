"""``xborder forecast`` and ``xborder trends``: demand forecasts with backtest accuracy, and readable trend signals.

Both run the demand stage (:mod:`xborder.domains.demand.stage`) as a recorded run of kind ``demand``
through :func:`xborder.pipeline.runner.run_stage`; the commands parse options, call it and render.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.core.errors import BadInputError

__all__ = ["register"]

LevelOpt = Annotated[
    str, typer.Option("--level", help="product_market | category_market | market_total | product_total")
]
FreqOpt = Annotated[str, typer.Option("--freq", help="W (weekly) or M (monthly).")]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Machine-readable JSON on stdout (same as the global --json).")
]
MarketsOpt = Annotated[
    str | None, typer.Option("--markets", help="Comma-separated ISO2 markets, e.g. DE,FR.")
]


def _markets(value: str | None) -> list[str] | None:
    return [m.strip().upper() for m in value.split(",") if m.strip()] if value else None


def _check(level: str, freq: str) -> None:
    from xborder.domains.demand.series import LEVELS

    if level not in LEVELS:
        raise BadInputError(f"--level {level!r} is not a level.", hint=f"Use one of: {', '.join(LEVELS)}.")
    if freq not in ("W", "M"):
        raise BadInputError(f"--freq {freq!r} is not supported.", hint="Use W (weekly) or M (monthly).")


def _run_stage(
    con: Any, ctx: typer.Context, params: dict[str, Any], markets: list[str] | None, *, bar: bool
) -> tuple[str, dict[str, Any]]:
    """Run the demand stage as a recorded run (kind ``demand``); returns (run id, summary)."""
    from xborder.domains.demand.stage import STAGE
    from xborder.pipeline.runner import run_stage

    settings = state(ctx).settings
    if not bar:
        return run_stage(con, settings, STAGE, params, markets=markets)
    with progress(ctx) as p:
        task = p.add_task("forecast", total=100)
        return run_stage(con, settings, STAGE, params, markets=markets, progress=_bar_progress(p, task))


def _no_demand(what: str, summary: dict[str, Any]) -> BadInputError:
    """The error for a warehouse without demand: what it holds and what would make the command work."""
    return BadInputError(f"{what}: {summary['reason']}.", hint=summary.get("hint"))


def _charts(
    con: Any, run_id: str, level: str, freq: str, out: Path, top: int
) -> tuple[list[str], str | None]:
    """HTML (interactive) and PNG charts of the ``top`` busiest forecast series, drawn by the report's charts.

    Returns the files written and, when no PNG could be made (no Chromium), the reason.
    """
    from xborder.domains.demand import build_series
    from xborder.domains.demand.stage import load_events
    from xborder.domains.demand.tables import FORECASTS
    from xborder.report.charts import demand_chart, plotly_html
    from xborder.report.data import forecast_frame
    from xborder.report.png import write_png
    from xborder.warehouse.tables import read_rows

    fc = read_rows(con, FORECASTS, run_id, where="level = ?", params=[level], order="unique_id, ds")
    if fc.empty or top <= 0:
        return [], None
    ids = fc[fc["kind"] == "forecast"].groupby("unique_id")["point"].sum().nlargest(top).index.tolist()
    hist = build_series(load_events(con), level=level, freq=freq)
    out.mkdir(parents=True, exist_ok=True)
    labels = {"history": "history", "forecast": "forecast", "units": "units", "interval": "{level}% interval"}
    written: list[str] = []
    pngs = []
    for uid in ids:
        h, f = hist[hist["unique_id"] == uid].tail(104), fc[fc["unique_id"] == uid]
        stem = out / uid.replace("|", "__").replace(":", "_").replace("/", "_")
        title = f"{uid} — {f['model'].iloc[0]} ({f['kind'].iloc[0]}) with 80/95% intervals"
        chart = demand_chart(h[["ds", "y"]], forecast_frame(f), title=title, labels=labels)
        if chart is None:
            continue
        plotly_html(chart, Path(f"{stem}.html"))
        written.append(f"{stem}.html")
        pngs.append((chart.plotly, Path(f"{stem}.png")))
    reason = write_png(pngs)
    if reason is None:
        written += [str(p) for _, p in pngs]
    return written, reason


def _signals(con: Any, run_id: str) -> Any:
    """The trend signals a run wrote, in the order written."""
    from xborder.domains.demand.tables import TREND_SIGNALS
    from xborder.warehouse.tables import read_rows

    return read_rows(
        con, TREND_SIGNALS, run_id, columns=["unique_id", "signal", "value", "text_en", "text_zh"]
    )


def _search_lead_note(summary: dict[str, Any]) -> str:
    """Why no search_lead signal was found, from the search keywords the stage saw."""
    kws = summary.get("search_keywords") or []
    if not kws:
        return (
            "No search_lead signal: the warehouse has no search_trends (ingest a Google Trends "
            "export with --as trends)."
        )
    return (
        "No search_lead signal: search keywords "
        + ", ".join(kws)
        + " — a keyword counts for a product only when all its words are in the product's "
        "title, in the same market (or WW), with search data as fine as --freq, and a lead "
        "only when it clears the correlation bound (docs/demand.md)."
    )


def register(app: typer.Typer) -> None:
    """Add ``forecast`` and ``trends`` to the main app."""

    @app.command("forecast")
    def forecast_cmd(
        ctx: typer.Context,
        level: LevelOpt = "product_market",
        freq: FreqOpt = "W",
        horizon: Annotated[
            int | None, typer.Option("--horizon", help="Periods ahead (default 26 weeks / 6 months).")
        ] = None,
        engine: Annotated[str, typer.Option("--engine", help="local | dask | spark | ray")] = "local",
        markets: MarketsOpt = None,
        max_series: Annotated[
            int, typer.Option("--max-series", help="Forecast the N series with most recent demand (0 = all).")
        ] = 2000,
        arima: Annotated[
            bool, typer.Option("--arima", help="Add AutoARIMA to the model set (slower).")
        ] = False,
        selection: Annotated[
            str,
            typer.Option(
                "--selection", help="Model choice: series (default) | level | class | auto (docs/demand.md)."
            ),
        ] = "series",
        events: Annotated[
            bool,
            typer.Option(
                "--events",
                help="Market event calendar as regressors, kept per series where the backtest gains.",
            ),
        ] = False,
        charts: Annotated[
            int, typer.Option("--charts", help="Write PNG + HTML charts for the top N series.")
        ] = 10,
        out: Annotated[
            Path | None, typer.Option("--out", help="Chart folder (default <report_dir>/forecast-<run>).")
        ] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Forecast demand with per-series model choice by rolling-origin backtest; prints its accuracy."""
        from xborder.domains.demand.engines import check_engine

        _check(level, freq)
        check_engine(engine)
        st = state(ctx)
        st.json = st.json or json_out
        if horizon is not None and horizon < 1:
            raise BadInputError(f"--horizon must be at least 1; got {horizon}.")
        if max_series < 0:
            raise BadInputError(f"--max-series must be 0 (all) or more; got {max_series}.")
        if selection not in ("series", "level", "class", "auto"):
            raise BadInputError(
                f"Unknown --selection {selection!r}.", hint="Choose from series, level, class, auto."
            )
        params = {
            "levels": [level],
            "freq": freq,
            "horizon": horizon,
            "engine": engine,
            "max_series": max_series or None,
            "with_arima": arima,
            "selection": selection,
            "analogue_products": 0,
            "market_events": events,
        }
        con = open_warehouse(ctx)
        try:
            run_id, summary = _run_stage(con, ctx, params, _markets(markets), bar=True)
            if summary.get("status") == "skipped":
                raise _no_demand("Nothing to forecast", summary)
            folder = out or Path(st.settings.report_dir) / f"forecast-{run_id}"
            files, png_missing = _charts(con, run_id, level, freq, folder, charts)
        finally:
            con.close()
        lv = summary["levels"][level]
        data = {
            "run_id": run_id,
            "level": level,
            "freq": freq,
            "horizon": summary["horizon"],
            "engine": engine,
            "series": lv.get("series", 0),
            "forecast": lv.get("forecast", 0),
            "scored": lv.get("scored", lv.get("forecast", 0)),
            "scored_by": lv.get("scored_by", "all"),
            "models_chosen": lv.get("models_chosen", {}),
            "backtest_accuracy": lv.get("accuracy", {}),
            "intervals": lv.get("intervals"),
            "reseasoned": lv.get("reseasoned", 0),
            "events": lv.get("events"),
            "charts": files,
            "png_missing": png_missing,
        }
        emit(ctx, data, _render_forecast)

    @app.command("trends")
    def trends_cmd(
        ctx: typer.Context,
        level: LevelOpt = "market_total",
        freq: FreqOpt = "W",
        markets: MarketsOpt = None,
        signal: Annotated[
            str, typer.Option("--signal", help="Signal to rank by, e.g. growth_8, yoy, changepoint.")
        ] = "",
        limit: Annotated[int, typer.Option("--limit", help="Rows to show.")] = 20,
        lang: Annotated[str, typer.Option("--lang", help="en or zh.")] = "en",
        json_out: JsonOpt = False,
    ) -> None:
        """Readable trend signals (growth, YoY, acceleration, changepoints, seasonality) per series.

        At product_market level also search_lead: search interest (ingested Google Trends) that
        leads a product's sales, where the keyword's words are all in the product's title.
        """
        _check(level, freq)
        state(ctx).json = state(ctx).json or json_out
        if lang not in ("en", "zh"):
            raise BadInputError(f"--lang {lang!r}: use en or zh.")
        params = {"levels": [level], "freq": freq, "forecast": False}
        con = open_warehouse(ctx)
        try:
            run_id, summary = _run_stage(con, ctx, params, _markets(markets), bar=False)
            if summary.get("status") == "skipped":
                raise _no_demand("No trends to show", summary)
            sig = _signals(con, run_id)
        finally:
            con.close()
        known = ", ".join(sorted(set(sig["signal"]))) or "none"
        if signal:
            sig = sig[sig["signal"] == signal].sort_values("value", ascending=False)
        rows = sig.head(limit)[["unique_id", "signal", "value", f"text_{lang}"]].rename(
            columns={f"text_{lang}": "text"}
        )
        out: dict = {"run_id": run_id, "signals": rows}
        if rows.empty:
            out["note"] = (
                _search_lead_note(summary)
                if signal == "search_lead" and level == "product_market"
                else f"No {signal or 'trend'} signals for --level {level} --freq {freq} (signals found: {known})."
            )
        emit(ctx, out, _render_trends)


_COLUMNS = ("model", "MASE", "WAPE", "bias", "bias of mean", "pinball (wQL)", "80% cover", "95% cover")
_MEASURES = ("mase", "wape", "bias", "bias_mean", "wql", "coverage_80", "coverage_95")
NO_VALUE = "–"
"""Shown for a measure a model has no forecasts for (never 0)."""


def _cell(value: Any) -> str:
    """A measure to 3 decimals, or "–" when the model had no forecasts to score."""
    return NO_VALUE if value is None else f"{value:.3f}"


def _render_forecast(d: dict) -> None:
    from rich.table import Table

    picked = (
        f"{d['forecast']} series forecast; scored: the {d['scored']} picked by {d['scored_by']}"
        if d.get("scored_by", "all") != "all"
        else f"{d['forecast']} series"
    )
    t = Table(title=f"Backtest accuracy, {d['level']} {d['freq']} ({picked}, run {d['run_id']})")
    for c in _COLUMNS:
        t.add_column(c, justify="left" if c == "model" else "right")
    for m, a in d["backtest_accuracy"].items():
        t.add_row(m, *(_cell(a.get(k)) for k in _MEASURES))
    console.print(t)
    if d.get("intervals"):
        console.print(
            f"Intervals: {d['intervals']} (pooled scale-free backtest errors, or the models' own; chosen on the "
            f"backtest). Re-seasoned with the pooled profile: {d.get('reseasoned', 0)} series. "
            "Totals: sum forecasts.mean (bias of mean above), or read forecast_totals.",
            highlight=False,
        )
    console.print("Models chosen: " + ", ".join(f"{k} {v}" for k, v in d["models_chosen"].items()))
    if ev := d.get("events"):
        moved = {k: v for k, v in ev["factors"].items() if v != 1.0}
        scored = (
            f"kept on {ev['series_on']} of {ev['series_scored']} backtested series (where they lowered the backtest error)"
            if ev["series_scored"]
            else "no backtest window touched a researched event, so no series could be checked and none uses them"
        )
        console.print(
            f"Market events (--events): {scored}; factors "
            + (
                ", ".join(f"{k} x{v:.2f}" for k, v in moved.items())
                or "none learnt (no researched event in the history)"
            )
            + ". Series with events say '[+ market events]' in forecast_series.reason.",
            highlight=False,
        )
    if d["charts"]:
        console.print(f"Charts: {Path(d['charts'][0]).parent}")
    if d.get("png_missing"):
        console.print(
            f"[yellow]PNG charts not written[/]: {escape(d['png_missing'])} (the HTML charts are there)."
        )


def _render_trends(d: dict) -> None:
    from rich.table import Table

    t = Table(title=f"Trend signals (run {d['run_id']})")
    for c in ("series", "signal", "text"):
        t.add_column(c)
    if d.get("note"):
        console.print(d["note"], highlight=False, soft_wrap=True, markup=False)
        return
    for r in d["signals"].itertuples():
        t.add_row(r.unique_id, r.signal, r.text)
    console.print(t)


def _bar_progress(bar: Any, task: Any) -> Callable[[float, str], None]:
    """A progress callback that moves one Rich progress task."""

    def update(fraction: float, message: str = "") -> None:
        bar.update(task, completed=int(fraction * 100), description=message[:60])

    return update
