"""`xborder forecast` / `xborder trends` end to end on a small warehouse: tables, runs record, JSON, charts, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from xborder.cli.main import app
from xborder.warehouse import connect


@pytest.fixture
def warehouse(db_path: Path) -> Path:
    """Three products sold in DE/FR over 30 months (monthly seasonality), plus a postage line."""
    rng = np.random.default_rng(5)
    rows = []
    for month in pd.date_range("2021-01-01", periods=30, freq="MS"):
        for p, c, base in (("t:A", "DE", 40), ("t:B", "DE", 10), ("t:A", "FR", 15), ("t:C", "FR", 3)):
            q = int(rng.poisson(base * (1.6 if month.month == 11 else 1.0)))
            if q:
                rows.append(
                    (
                        f"{p}{c}{month:%Y%m}",
                        "test",
                        f"o{len(rows)}",
                        month + pd.Timedelta(days=3),
                        p,
                        c,
                        q,
                        "sold",
                        True,
                    )
                )
        rows.append(
            (
                f"post{month:%Y%m}",
                "test",
                "o-post",
                month + pd.Timedelta(days=4),
                "t:POST",
                "DE",
                1,
                "sold",
                False,
            )
        )
    ol = pd.DataFrame(
        rows,
        columns=[
            "line_key",
            "source",
            "order_id",
            "ordered_at",
            "product_id",
            "country",
            "quantity",
            "status",
            "is_product",
        ],
    )
    con = connect(db_path)
    con.register("ol", ol)
    con.execute("INSERT INTO order_lines BY NAME SELECT * FROM ol")
    con.close()
    return db_path


def test_forecast_json_writes_tables_run_and_charts(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "charts"
    r = CliRunner().invoke(
        app,
        [
            "--db",
            str(warehouse),
            "forecast",
            "--level",
            "product_market",
            "--freq",
            "M",
            "--horizon",
            "6",
            "--charts",
            "1",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["forecast"] == 4 and data["horizon"] == 6
    assert {"Chosen", "Naive", "SeasonalNaive", "AutoETS"} <= set(data["backtest_accuracy"])
    assert all(v["mase"] is not None and v["wape"] is not None for v in data["backtest_accuracy"].values())
    assert sorted(Path(f).suffix for f in data["charts"]) == [".html", ".png"]
    assert all(Path(f).stat().st_size > 1000 for f in data["charts"])
    con = connect(warehouse, read_only=True)
    fc = con.execute("SELECT * FROM forecasts WHERE run_id = ?", [data["run_id"]]).df()
    run = con.execute(
        "SELECT kind, status, fingerprint, params FROM runs WHERE run_id = ?", [data["run_id"]]
    ).fetchone()
    acc = con.execute(
        "SELECT model, mase FROM forecast_accuracy WHERE run_id = ? AND unique_id = '__overall__'",
        [data["run_id"]],
    ).df()
    con.close()
    con = connect(warehouse, read_only=True)
    totals = con.execute("SELECT * FROM forecast_totals WHERE run_id = ?", [data["run_id"]]).df()
    wql = con.execute(
        "SELECT wql FROM forecast_accuracy WHERE run_id = ? AND model = 'Chosen' AND unique_id = '__overall__'",
        [data["run_id"]],
    ).fetchone()
    con.close()
    # the exported distribution: ordered quantiles, a mean, and 6-month totals summed from the means
    q = fc[["q025", "q05", "q10", "q25", "q50", "q75", "q90", "q95", "q975"]].to_numpy()
    assert (q[:, 1:] >= q[:, :-1] - 1e-9).all() and fc["mean"].notna().all()
    assert len(totals) == 4 and (totals["periods"] == 6).all()
    per = fc.groupby("unique_id")["mean"].sum()
    assert totals.set_index("unique_id")["mean"].to_numpy() == pytest.approx(
        per.reindex(totals["unique_id"]).to_numpy()
    )
    assert wql is not None and wql[0] > 0
    assert len(fc) == 4 * 6 and "t:POST|DE" not in set(fc["unique_id"])
    assert set(fc["market"]) == {"DE", "FR"} and (fc["kind"] == "forecast").all()
    assert run[0] == "demand" and run[1] == "ok" and len(run[2]) == 64
    assert json.loads(run[3])["stage_params"]["demand"]["freq"] == "M"
    assert "Chosen" in set(acc["model"])


def test_a_model_without_forecasts_shows_a_dash_never_zero() -> None:
    """SeasonalNaive has no backtest forecast before a full season of history: "–" in every column."""
    from xborder.cli.common import console
    from xborder.cli.demand import _render_forecast

    none = dict.fromkeys(("mase", "wape", "bias", "bias_mean", "wql", "coverage_80", "coverage_95"))
    chosen = {"mase": 0.812, "wape": 0.3, "bias": -0.05, "bias_mean": 0.02, "wql": 0.2, "coverage_80": 0.8,
              "coverage_95": 0.95}  # fmt: skip
    width = console.width
    console.width = 200
    try:
        with console.capture() as cap:
            _render_forecast(
                {"level": "market_total", "freq": "M", "forecast": 3, "run_id": "r1", "charts": [],
                 "models_chosen": {"Naive": 3}, "backtest_accuracy": {"Chosen": chosen, "SeasonalNaive": none}}
            )  # fmt: skip
    finally:
        console.width = width
    out = cap.get()
    row = next(line for line in out.splitlines() if "SeasonalNaive" in line)
    assert row.count("–") == 7 and "0.000" not in row
    assert "0.812" in next(line for line in out.splitlines() if "Chosen" in line)


def test_trends_and_bad_options(warehouse: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(
        app, ["--db", str(warehouse), "--json", "trends", "--level", "market_total", "--freq", "M"]
    )
    assert r.exit_code == 0, r.output
    signals = json.loads(r.stdout)["signals"]
    assert any(
        s["signal"] == "growth_3" and s["text"].startswith(("rising", "declining", "flat")) for s in signals
    )
    bad = runner.invoke(app, ["--db", str(warehouse), "forecast", "--level", "galaxy"])
    assert bad.exit_code != 0
    from xborder.core.errors import BadInputError

    assert isinstance(bad.exception, BadInputError) and "level" in str(bad.exception)


def _product_trends(db: Path, signal: str) -> list[str]:
    """`xborder --json trends` at product x market level, monthly, for one signal."""
    return [
        "--db",
        str(db),
        "--json",
        "trends",
        "--level",
        "product_market",
        "--freq",
        "M",
        "--signal",
        signal,
    ]


def test_trends_at_product_level_name_search_interest_that_leads_sales(warehouse: Path) -> None:
    con = connect(warehouse)
    con.execute(
        "INSERT INTO products (product_id, source, title) VALUES ('t:A', 'test', 'RED RETROSPOT LUNCH BAGS')"
    )
    # interest in "lunch bag" (DE) one month ahead of t:A's German sales: the month's value = next month's units
    con.execute(
        "INSERT INTO search_trends (keyword, market_code, ds, value, freq, source) "
        "SELECT 'lunch bag', 'DE', (date_trunc('month', ordered_at) - INTERVAL 1 MONTH)::DATE, sum(quantity), "
        "'month', 'test' FROM order_lines WHERE product_id = 't:A' AND country = 'DE' GROUP BY 3"
    )
    con.close()
    r = CliRunner().invoke(app, _product_trends(warehouse, "search_lead"))
    assert r.exit_code == 0, r.output
    (lead,) = json.loads(r.stdout)["signals"]
    assert lead["unique_id"] == "t:A|DE" and lead["value"] == 1.0
    assert lead["text"].startswith("search interest in 'lunch bag' (DE) leads sales by 1 month (r = 1.00")


def test_trends_say_why_a_signal_is_missing(warehouse: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, _product_trends(warehouse, "search_lead"))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["signals"] == [] and "no search_trends" in out["note"]
    con = connect(warehouse)
    con.execute(
        "INSERT INTO search_trends (keyword, market_code, ds, value, freq, source) "
        "VALUES ('ventilateur', 'FR', DATE '2021-01-01', 40, 'month', 'test')"
    )
    con.close()
    note = json.loads(runner.invoke(app, _product_trends(warehouse, "search_lead")).stdout)["note"]
    assert "ventilateur (FR, month)" in note and "title" in note
    bogus = json.loads(runner.invoke(app, _product_trends(warehouse, "nope")).stdout)["note"]
    assert bogus.startswith("No nope signals") and "growth_3" in bogus


def _forecast_error(db: Path, *extra: str) -> BaseException | None:
    r = CliRunner().invoke(app, ["--db", str(db), "forecast", "--freq", "M", *extra])
    assert r.exit_code != 0
    return r.exception


def test_nothing_to_forecast_says_what_the_warehouse_holds(db_path: Path) -> None:
    from xborder.core.errors import BadInputError

    empty = _forecast_error(db_path)
    assert isinstance(empty, BadInputError)
    assert empty.message == "Nothing to forecast: the warehouse has no order lines and no sales."
    assert "xborder ingest" in (empty.hint or "")
    con = connect(db_path)
    con.execute(
        "INSERT INTO sales (product_id, country, period, period_start, units, revenue, currency, source) "
        "SELECT 'p1', 'DE', 'month', d::DATE, 40, NULL, 'EUR', 'keepa_estimate' "
        "FROM range(DATE '2023-01-01', DATE '2023-04-01', INTERVAL 1 MONTH) t(d)"
    )
    con.close()
    estimated = _forecast_error(db_path)
    assert isinstance(estimated, BadInputError)
    assert estimated.message == (
        "Nothing to forecast: the warehouse holds no order lines and 3 estimated sales rows (not the seller's demand)."
    )
    assert "Estimated sales are not used as demand" in (estimated.hint or "")
    con = connect(db_path, read_only=True)
    kind, status, stages = con.execute(
        "SELECT kind, status, stages FROM runs ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    con.close()
    rec = json.loads(stages)["demand"]
    assert (kind, status, rec["status"], rec["reason_code"]) == (
        "demand",
        "ok",
        "skipped",
        "demand.no_demand_data",
    )
    assert rec["summary"]["holdings"]["estimated"] == 3


def test_markets_without_demand_name_the_markets_that_have_it(warehouse: Path) -> None:
    from xborder.core.errors import BadInputError

    err = _forecast_error(warehouse, "--markets", "JP")
    assert isinstance(err, BadInputError) and "none of it in JP" in err.message
    assert err.hint is not None and "DE, FR" in err.hint
    trends = CliRunner().invoke(app, ["--db", str(warehouse), "trends", "--markets", "JP"])
    assert isinstance(trends.exception, BadInputError)
    assert trends.exception.message.startswith("No trends to show: the warehouse holds ")


def test_trends_are_a_demand_run_whose_rows_carry_their_message(warehouse: Path) -> None:
    from xborder.core import i18n

    r = CliRunner().invoke(
        app,
        [
            "--db",
            str(warehouse),
            "--json",
            "trends",
            "--level",
            "market_total",
            "--freq",
            "M",
            "--lang",
            "zh",
        ],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    con = connect(warehouse, read_only=True)
    kind, params = con.execute("SELECT kind, params FROM runs WHERE run_id = ?", [out["run_id"]]).fetchone()
    rows = con.execute(
        "SELECT unique_id, level, message, text_en, text_zh FROM trend_signals WHERE run_id = ?",
        [out["run_id"]],
    ).fetchall()
    forecasts = con.execute("SELECT count(*) FROM forecasts WHERE run_id = ?", [out["run_id"]]).fetchone()
    con.close()
    assert kind == "demand" and json.loads(params)["stage_params"]["demand"]["forecast"] is False
    assert forecasts == (0,) and {r[1] for r in rows} == {"market_total"}
    assert [s["text"] for s in out["signals"]] == [r[4] for r in rows][: len(out["signals"])]
    for _, _, msg, en, zh in rows:
        assert i18n.message(json.loads(msg), "en") == en and i18n.message(json.loads(msg), "zh") == zh


def test_series_too_short_to_backtest_are_forecast_without_accuracy(db_path: Path) -> None:
    con = connect(db_path)
    con.execute(
        "INSERT INTO sales (product_id, country, period, period_start, units, source) "
        "SELECT 'p1', 'DE', 'month', d::DATE, 4.0, 'actual' "
        "FROM range(DATE '2023-01-01', DATE '2023-04-01', INTERVAL 1 MONTH) t(d)"
    )
    con.close()
    r = CliRunner().invoke(app, ["--db", str(db_path), "--json", "forecast", "--freq", "M", "--charts", "0"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["forecast"] == 1 and data["models_chosen"] == {"Naive": 1} and data["backtest_accuracy"] == {}
