"""``xborder customers rfm | cohorts | clv | backtest``: segments, cohort retention and lifetime value of keyed customers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.core.errors import BadInputError

__all__ = ["register", "rfm", "cohorts", "clv", "backtest"]

customers_app = typer.Typer(
    help="Customers: RFM segments, cohort retention and lifetime value (BG/NBD + Gamma-Gamma).",
    no_args_is_help=True,
)

MarketOpt = Annotated[list[str] | None, typer.Option("--market", help="Only this ISO2 market (repeatable).")]
SourceOpt = Annotated[list[str] | None, typer.Option("--source", help="Only this order source (repeatable).")]
RunOpt = Annotated[
    str | None,
    typer.Option("--run", help="Show a stored customers run (id or 'latest') instead of running again."),
]
HorizonOpt = Annotated[int, typer.Option("--horizon-days", min=1, help="Forecast period of expected values.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _load(
    ctx: typer.Context, run: str | None, params: dict[str, Any], markets: list[str] | None
) -> dict[str, Any]:
    """Run the customers stage over every market (or open a stored run) and read its tables, shown for
    ``markets`` only (so a later ``--run latest`` of another market finds its rows)."""
    from xborder.cli.privacy import log_cli_reads
    from xborder.core import i18n
    from xborder.domains.customers.stage import STAGE
    from xborder.domains.customers.tables import TABLES
    from xborder.pipeline.runner import run_stage
    from xborder.warehouse.tables import latest_run_id, read_rows

    wanted = [m.upper() for m in markets or []]
    run_id: str | None
    con = open_warehouse(ctx, read_only=run is not None)
    try:
        if run is None:
            with progress(ctx) as bar:
                task = bar.add_task("customers", total=100)
                run_id, summary = run_stage(
                    con, state(ctx).settings, STAGE, params,
                    progress=lambda f, m: bar.update(task, completed=int(100 * f), description=m[:60]),
                )  # fmt: skip
        else:
            run_id = latest_run_id(con, "customer_models") if run == "latest" else run
            summary = {}
            if run_id is None:
                raise BadInputError("No customers run in this warehouse.", hint="Run: xborder customers rfm")
        frames = {t.name: read_rows(con, t, run_id) for t in TABLES}
        log_cli_reads(ctx, con, frames, run_id)  # the access log of personal data (docs/privacy.md)
    finally:
        con.close()
    if summary.get("reason_code") == "customers.no_orders":
        raise BadInputError(i18n.render("customers.no_orders", "en"))
    if wanted:
        for name in ("customer_scores", "customer_segments", "customer_cohorts", "customer_products"):
            frames[name] = frames[name][frames[name]["market"].isin(wanted)]
    models = frames["customer_models"]
    keyless = bool(len(models)) and bool((models["status"] == "no_customer_keys").all())
    return {
        "run_id": run_id,
        "frames": frames,
        "notes": [n for n in models["notes_en"].fillna("") if n],
        "data_support": i18n.render("customers.data_support", "en") if keyless else None,
    }


def _records(df: Any, columns: list[str]) -> Any:
    return df.reindex(columns=columns).reset_index(drop=True)


def _print_notes(d: dict[str, Any]) -> None:
    for n in d["notes"]:
        console.print(f"[dim]{n}[/]", highlight=False)
    if d.get("data_support"):
        console.print(d["data_support"], highlight=False)


_SEGMENT_COLS = ["source", "market", "segment", "currency", "customers", "share", "mean_recency_days",
                 "mean_purchases", "total_value", "mean_p_alive", "mean_p_buy", "expected_value_per_customer"]  # fmt: skip


@customers_app.command("rfm")
def rfm(
    ctx: typer.Context,
    market: MarketOpt = None,
    source: SourceOpt = None,
    run: RunOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """RFM segments (high value, potential, at risk, lost) per market: customers, recency, value bought."""
    if json_out:
        state(ctx).json = True
    d = _load(ctx, run, {"sources": source or None}, market)
    data = {"run_id": d["run_id"], "notes": d["notes"], "data_support": d["data_support"],
            "segments": _records(d["frames"]["customer_segments"], _SEGMENT_COLS)}  # fmt: skip

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"RFM segments per market (run {x['run_id']})")
        for c in (
            "source",
            "market",
            "segment",
            "customers",
            "share",
            "days since last",
            "purchases",
            "value bought",
        ):
            t.add_column(c, justify="left" if c in ("source", "market", "segment") else "right")
        for r in x["segments"].itertuples():
            t.add_row(r.source, str(r.market or "unknown"), r.segment.replace("_", " "), f"{r.customers:,}", f"{r.share:.0%}",
                      _num(r.mean_recency_days, 0), _num(r.mean_purchases, 1), f"{_num(r.total_value, 0)} {r.currency}" if r.customers else "—")  # fmt: skip
        console.print(t)
        _print_notes(x)

    emit(ctx, data, render)


@customers_app.command("cohorts")
def cohorts(
    ctx: typer.Context,
    market: MarketOpt = None,
    source: SourceOpt = None,
    months: Annotated[
        int, typer.Option("--months", min=1, help="Months since the first purchase to show.")
    ] = 12,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write the retention heat map to FILE.html.")
    ] = None,
    run: RunOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Cohort retention: share of each first-purchase month's customers buying again 1, 2, ... months later."""
    if json_out:
        state(ctx).json = True
    d = _load(ctx, run, {"sources": source or None}, market)
    rows = d["frames"]["customer_cohorts"]
    grid = rows.groupby(["cohort_month", "months_since"], as_index=False)[
        ["cohort_customers", "active_customers"]
    ].sum()
    grid["retention"] = grid["active_customers"] / grid["cohort_customers"]
    grid = grid[grid["months_since"] <= months].reset_index(drop=True)
    written = None
    if chart is not None:
        from xborder.report.charts import cohort_heatmap, plotly_html

        scope = ", ".join(m.upper() for m in market) if market else "all markets"
        fig = cohort_heatmap(grid, title=f"Cohort retention, % of first-month customers buying ({scope})",
                             labels={"months_since": "months since first purchase", "cohort": "first purchase",
                                     "retention": "%"})  # fmt: skip
        if fig is not None:
            chart.parent.mkdir(parents=True, exist_ok=True)
            plotly_html(fig, chart)
            written = str(chart)
    data = {"run_id": d["run_id"], "notes": d["notes"], "data_support": d["data_support"], "chart": written,
            "cohorts": grid}  # fmt: skip

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        g = x["cohorts"]
        t = Table(title=f"Cohort retention, % buying k months after the first month (run {x['run_id']})")
        t.add_column("cohort")
        t.add_column("customers", justify="right")
        shown = sorted(k for k in g["months_since"].unique() if k > 0)
        for k in shown:
            t.add_column(f"+{k}", justify="right")
        for cohort, c in g.groupby("cohort_month", sort=True):
            by = dict(zip(c["months_since"], c["retention"], strict=True))
            t.add_row(str(cohort)[:7], f"{int(c['cohort_customers'].iloc[0]):,}",
                      *[f"{by[k]:.0%}" if k in by else "" for k in shown])  # fmt: skip
        console.print(t)
        if x["chart"]:
            console.print(f"Heat map: {x['chart']}")
        _print_notes(x)

    emit(ctx, data, render)


@customers_app.command("clv")
def clv(
    ctx: typer.Context,
    market: MarketOpt = None,
    source: SourceOpt = None,
    horizon_days: HorizonOpt = 365,
    top: Annotated[
        int, typer.Option("--top", min=0, help="Customers with the highest expected value to list.")
    ] = 10,
    run: RunOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Lifetime value: BG/NBD and Gamma-Gamma fits per source, expected purchases and value per segment × market."""
    if json_out:
        state(ctx).json = True
    d = _load(ctx, run, {"sources": source or None, "horizon_days": horizon_days}, market)
    f = d["frames"]
    model_cols = ["source", "status", "customers", "repeat_customers", "r", "alpha", "a", "b", "bgnbd_log_likelihood",
                  "p", "q", "gamma", "spend_log_likelihood", "frequency_spend_correlation", "holdout_days",
                  "holdout_actual", "holdout_predicted", "holdout_correlation"]  # fmt: skip
    seg_cols = ["source", "market", "segment", "currency", "customers", "mean_p_alive", "mean_p_buy", "expected_purchases",
                "expected_value", "expected_value_per_customer", "horizon_days"]  # fmt: skip
    best = f["customer_scores"].sort_values("expected_value", ascending=False, na_position="last").head(top)
    cust_cols = ["customer_key", "source", "market", "segment", "purchases", "recency_days", "total_value",
                 "p_alive", "p_buy", "expected_purchases", "expected_spend", "expected_value", "currency"]  # fmt: skip
    data = {"run_id": d["run_id"], "notes": d["notes"], "data_support": d["data_support"],
            "models": _records(f["customer_models"], model_cols), "segments": _records(f["customer_segments"], seg_cols),
            "top_customers": _records(best, cust_cols)}  # fmt: skip
    emit(ctx, data, _render_clv)


def _num(v: Any, digits: int) -> str:
    import math

    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.{digits}f}"


def _render_clv(x: dict[str, Any]) -> None:
    from rich.table import Table

    for m in x["models"].itertuples():
        line = f"[bold]{m.source}[/]: {m.status}"
        if m.status in ("fitted", "spend_not_fitted"):
            line += (f" — BG/NBD r={m.r:.3f} α={m.alpha:.3f} a={m.a:.3f} b={m.b:.3f} (LL {m.bgnbd_log_likelihood:,.1f}, "
                     f"{m.customers:,} customers)")  # fmt: skip
        if m.status == "fitted":
            line += f"; Gamma-Gamma p={m.p:.3f} q={m.q:.3f} γ={m.gamma:.3f}"
        console.print(line)
        if _num(m.holdout_actual, 0):
            console.print(f"  holdout {int(m.holdout_days)} days: {m.holdout_actual:,.0f} purchases, forecast "
                          f"{m.holdout_predicted:,.0f} (correlation per customer {_num(m.holdout_correlation, 2)})")  # fmt: skip
    t = Table(title="Expected over the horizon per segment × market")
    for c in (
        "source",
        "market",
        "segment",
        "customers",
        "P(alive)",
        "P(buy)",
        "purchases",
        "value",
        "per customer",
    ):
        t.add_column(c, justify="left" if c in ("source", "market", "segment") else "right")
    for r in x["segments"].itertuples():
        if not r.customers:
            continue
        t.add_row(r.source, str(r.market or "unknown"), r.segment.replace("_", " "), f"{r.customers:,}", _num(r.mean_p_alive, 2),
                  _num(r.mean_p_buy, 2), _num(r.expected_purchases, 0), f"{_num(r.expected_value, 0)} {r.currency}",
                  _num(r.expected_value_per_customer, 0))  # fmt: skip
    console.print(t)
    if len(x["top_customers"]):
        t2 = Table(title="Customers with the highest expected value (pseudonymous keys)")
        for c in (
            "key",
            "market",
            "segment",
            "purchases",
            "P(alive)",
            "expected purchases",
            "expected value",
        ):
            t2.add_column(c)
        for r in x["top_customers"].itertuples():
            t2.add_row(str(r.customer_key)[:12] + "…", str(r.market or "unknown"), r.segment.replace("_", " "), str(r.purchases),
                       _num(r.p_alive, 2), _num(r.expected_purchases, 1), f"{_num(r.expected_value, 0)} {r.currency}")  # fmt: skip
        console.print(t2)
    _print_notes(x)


_BACKTEST_MODEL_COLS = ["source", "status", "customers", "holdout_days", "holdout_currency", "holdout_actual",
                        "holdout_predicted", "holdout_purchases_last_period", "holdout_correlation",
                        "holdout_value_actual", "holdout_value_predicted", "holdout_value_last_period",
                        "holdout_top_capture", "holdout_top_capture_last_period", "holdout_top_capture_best"]  # fmt: skip
_BACKTEST_COLS = ["source", "holdout_days", "calibration_until", "segment", "market", "currency", "customers",
                  "buyers", "mean_p_alive", "expected_buyers", "actual_purchases", "model_purchases", "last_period_purchases",
                  "actual_value", "model_value", "last_period_value"]  # fmt: skip


_CALIBRATION_COLS = ["source", "holdout_days", "ranking", "decile", "customers", "one_time_buyers", "mean_p_alive",
                     "mean_p_buy", "buyers", "bought_share", "model_purchases", "actual_purchases"]  # fmt: skip


@customers_app.command("backtest")
def backtest(
    ctx: typer.Context,
    market: MarketOpt = None,
    source: SourceOpt = None,
    holdout_days: Annotated[
        int,
        typer.Option(
            "--holdout-days", min=1, max=730, help="Days held out at the end of each source's data."
        ),
    ] = 365,
    run: RunOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Lifetime value on a held-out period: the models fitted without the last days against what the customers
    bought in them, next to the naive 'same as the period before' forecast."""
    if json_out:
        state(ctx).json = True
    d = _load(ctx, run, {"sources": source or None, "holdout_days": holdout_days}, market)
    f = d["frames"]
    rows = f["customer_backtest"]
    if market:
        rows = rows[rows["market"].isin([m.upper() for m in market])]
    data = {"run_id": d["run_id"], "notes": d["notes"], "data_support": d["data_support"],
            "models": _records(f["customer_models"], _BACKTEST_MODEL_COLS),
            "segments": _records(rows, _BACKTEST_COLS),
            "calibration": _records(f["customer_calibration"], _CALIBRATION_COLS)}  # fmt: skip
    emit(ctx, data, _render_backtest)


def _pct(part: Any, whole: Any) -> str:
    import math

    ok = isinstance(part, int | float) and isinstance(whole, int | float) and whole and not math.isnan(part)
    return f"{part / whole - 1:+.0%}" if ok else ""


def _render_backtest(x: dict[str, Any]) -> None:
    from rich.table import Table

    for m in x["models"].itertuples():
        if not _num(m.holdout_actual, 0):
            console.print(f"[bold]{m.source}[/]: no holdout check (too few customers before the holdout)")
            continue
        cur = m.holdout_currency or ""
        console.print(
            f"[bold]{m.source}[/], last {int(m.holdout_days)} days held out ({m.customers:,} customers fitted on "
            f"all data)\n  purchases: actual {m.holdout_actual:,.0f}; models {m.holdout_predicted:,.0f} "
            f"({_pct(m.holdout_predicted, m.holdout_actual)}); same as before {m.holdout_purchases_last_period:,.0f} "
            f"({_pct(m.holdout_purchases_last_period, m.holdout_actual)})\n  value: actual "
            f"{_num(m.holdout_value_actual, 0)} {cur}; models {_num(m.holdout_value_predicted, 0)} "
            f"({_pct(m.holdout_value_predicted, m.holdout_value_actual)}); same as before "
            f"{_num(m.holdout_value_last_period, 0)} ({_pct(m.holdout_value_last_period, m.holdout_value_actual)})"
            f"\n  value bought by the top 20% of customers: ranked by the models {_num(m.holdout_top_capture, 3)}, "
            f"by the period before {_num(m.holdout_top_capture_last_period, 3)}, at best "
            f"{_num(m.holdout_top_capture_best, 3)}",
            highlight=False,
        )  # fmt: skip
    seg = x["segments"]
    if len(seg):
        t = Table(title="Held-out period per segment (at its start): actual against the two forecasts")
        for c in ("source", "segment", "customers", "bought again", "expected to", "P(alive)", "purchases", "models",
                  "same as before", "value", "models ", "same as before "):  # fmt: skip
            t.add_column(c, justify="left" if c in ("source", "segment") else "right")
        sums = ["customers", "buyers", "expected_buyers", "actual_purchases", "model_purchases", "last_period_purchases",
                "actual_value", "model_value", "last_period_value"]  # fmt: skip
        seg = seg.assign(w=seg["mean_p_alive"] * seg["customers"])
        g = seg.groupby(["source", "segment"], sort=True)[[*sums, "w"]].sum(min_count=1).reset_index()
        for r in g.itertuples():
            t.add_row(r.source, r.segment.replace("_", " "), f"{r.customers:,.0f}", f"{r.buyers / r.customers:.0%}",
                      f"{r.expected_buyers / r.customers:.0%}", _num(r.w / r.customers, 2), _num(r.actual_purchases, 0), _num(r.model_purchases, 0),
                      _num(r.last_period_purchases, 0), _num(r.actual_value, 0), _num(r.model_value, 0),
                      _num(r.last_period_value, 0))  # fmt: skip
        console.print(t)
    _render_calibration(x["calibration"])
    _print_notes(x)


def _render_calibration(cal: Any) -> None:
    """Per source and ranking: the tenths of customers, mean prediction against the share who bought."""
    from rich.table import Table

    names = {"p_buy": "P(a purchase in the held-out days)", "p_alive": "P(alive): not a purchase chance"}
    for (source, ranking), g in cal.groupby(["source", "ranking"], sort=False):
        t = Table(title=f"{source}: calibration, customers in tenths by {names.get(ranking, ranking)}")
        for c in (
            "tenth",
            "customers",
            "one-time",
            "P(alive)",
            "P(buy)",
            "bought",
            "purchases: models",
            "actual",
        ):
            t.add_column(c, justify="right")
        for r in g.itertuples():
            t.add_row(str(r.decile), f"{r.customers:,}", f"{r.one_time_buyers:,}", _num(r.mean_p_alive, 2),
                      _num(r.mean_p_buy, 2), _num(r.bought_share, 2), _num(r.model_purchases, 0),
                      _num(r.actual_purchases, 0))  # fmt: skip
        console.print(t)


def register(app: typer.Typer) -> None:
    app.add_typer(customers_app, name="customers")
