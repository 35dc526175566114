"""Revenue-only sales (weekly store x department sales, real Walmart file) are forecast in revenue, and say so."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import shared_path
from xborder.cli.main import app
from xborder.core.errors import BadInputError
from xborder.domains.demand.stage.inputs import demand_target, load_events
from xborder.warehouse import connect


@pytest.fixture
def walmart_subset(tmp_path: Path) -> pd.DataFrame:
    """Stores 1-2 x departments 1-3 of the real Walmart weekly file (Store, Dept, Date, Weekly_Sales)."""
    df = pd.read_csv(shared_path("walmart_store_sales_weekly", "train.csv.zip"))
    sub = df[df["Store"].isin([1, 2]) & df["Dept"].isin([1, 2, 3])]
    sub.to_csv(tmp_path / "walmart_subset.csv", index=False)
    return sub


def _ingest(db: Path, file: Path) -> None:
    r = CliRunner().invoke(app, ["--db", str(db), "ingest", str(file), "--as", "sales"])
    assert r.exit_code == 0, r.output
    assert "858 rows in = 858 stored + 0 duplicate + 0 quarantined" in r.output


def _last_demand_summary(db: Path) -> dict:
    con = connect(db, read_only=True)
    (stages,) = con.execute("SELECT stages FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    con.close()
    return json.loads(stages)["demand"]["summary"]


@pytest.mark.slow
@pytest.mark.shared_data
def test_revenue_only_sales_are_forecast_in_revenue(db_path: Path, tmp_path: Path, walmart_subset) -> None:
    _ingest(db_path, tmp_path / "walmart_subset.csv")
    assert len(walmart_subset) == 858  # 2 stores x 3 departments x 143 weeks
    con = connect(db_path, read_only=True)
    ev = load_events(con)
    con.close()
    # the events are the file's revenue, row for row: 28,018,470.20 USD over Feb 2010 - Oct 2012
    assert len(ev) == 858
    assert ev["qty"].sum() == pytest.approx(walmart_subset["Weekly_Sales"].sum(), rel=1e-12)
    assert ev["qty"].sum() == pytest.approx(28_018_470.20, abs=0.01)
    assert demand_target(ev) == {
        "measure": "revenue",
        "currency": "USD",
        "rows": 858,
        "left_out_other_currencies": 0,
    }

    r = CliRunner().invoke(
        app,
        [
            "--db",
            str(db_path),
            "--json",
            "forecast",
            "--freq",
            "M",
            "--level",
            "market_total",
            "--charts",
            "0",
        ],
    )
    assert r.exit_code == 0, r.output
    summary = _last_demand_summary(db_path)
    assert (summary["target"], summary["currency"]) == ("revenue", "USD")
    assert summary["target_message"] == {
        "code": "demand.target_revenue",
        "args": {"rows": 858, "currency": "USD", "left_out": 0},
    }
    assert summary["target_text"] == (
        "demand forecast in revenue (USD): no order line or sales row has units, 858 sales rows have revenue"
    )
    con = connect(db_path, read_only=True)
    fc = con.execute("SELECT unique_id, ds, mean, target, currency FROM forecasts ORDER BY ds").df()
    tot = con.execute("SELECT unique_id, mean, target, currency FROM forecast_totals").df()
    con.close()
    assert set(fc["unique_id"]) == {"total|US"} and len(fc) == 6
    assert set(zip(fc["target"], fc["currency"], strict=True)) == {("revenue", "USD")}
    assert tuple(tot.loc[0, ["target", "currency"]]) == ("revenue", "USD")
    assert tot.loc[0, "mean"] == pytest.approx(fc["mean"].sum())
    # the same six months a year earlier sold (by hand from the file, weeks by their start date's month):
    # the revenue forecast is of that size, not of a unit count
    w = walmart_subset.assign(month=pd.to_datetime(walmart_subset["Date"]).dt.to_period("M"))
    months = [p - 12 for p in pd.PeriodIndex(pd.to_datetime(fc["ds"]), freq="M")]
    year_before = w[w["month"].isin(months)]["Weekly_Sales"].sum()
    assert 0.7 * year_before < fc["mean"].sum() < 1.3 * year_before


def test_units_win_over_revenue_and_the_rest_is_stated(db_path: Path) -> None:
    con = connect(db_path)
    con.execute(
        "INSERT INTO sales (product_id, country, period, period_start, units, revenue, currency, source) "
        "SELECT 'p1', 'DE', 'month', d::DATE, 5, 100.0, 'EUR', 'actual' "
        "FROM range(DATE '2023-01-01', DATE '2023-04-01', INTERVAL 1 MONTH) t(d) UNION ALL "
        "SELECT 'p2', 'DE', 'month', d::DATE, NULL, 80.0, 'EUR', 'actual' "
        "FROM range(DATE '2023-01-01', DATE '2023-03-01', INTERVAL 1 MONTH) t(d)"
    )
    units = load_events(con)
    revenue_in_fr = load_events(con, ["FR"])
    con.close()
    assert units["qty"].tolist() == [5.0, 5.0, 5.0]
    assert demand_target(units) == {"measure": "units", "left_out_revenue_only": 2}
    assert revenue_in_fr.empty


def test_revenue_in_two_currencies_keeps_the_main_one(db_path: Path) -> None:
    con = connect(db_path)
    con.execute(
        "INSERT INTO sales (product_id, country, period, period_start, units, revenue, currency, source) "
        "SELECT 'p1', 'DE', 'month', d::DATE, NULL, 100.0, 'EUR', 'actual' "
        "FROM range(DATE '2023-01-01', DATE '2023-04-01', INTERVAL 1 MONTH) t(d) UNION ALL "
        "SELECT 'p1', 'GB', 'month', DATE '2023-01-01', NULL, 90.0, 'GBP', 'actual'"
    )
    ev = load_events(con)
    con.close()
    assert ev["qty"].tolist() == [100.0, 100.0, 100.0] and set(ev["country"]) == {"DE"}
    assert demand_target(ev) == {
        "measure": "revenue",
        "currency": "EUR",
        "rows": 3,
        "left_out_other_currencies": 1,
    }


def _forecast_error(db: Path, *extra: str) -> BaseException | None:
    r = CliRunner().invoke(app, ["--db", str(db), "forecast", "--freq", "M", *extra])
    assert r.exit_code != 0
    return r.exception


def test_nothing_to_forecast_in_revenue_says_what_is_held_and_what_to_do(db_path: Path) -> None:
    con = connect(db_path)
    con.execute(
        "INSERT INTO sales (product_id, country, period, period_start, units, revenue, currency, source) "
        "SELECT 'p1', 'US', 'week', d::DATE, NULL, 10.0, 'USD', 'actual' "
        "FROM range(DATE '2023-01-02', DATE '2023-01-23', INTERVAL 7 DAY) t(d) UNION ALL "
        "SELECT NULL, 'US', 'week', DATE '2023-01-02', NULL, 10.0, 'USD', 'actual'"
    )
    con.close()
    elsewhere = _forecast_error(db_path, "--markets", "DE")
    assert isinstance(elsewhere, BadInputError)
    assert elsewhere.message == (
        "Nothing to forecast: the warehouse holds no order lines, 3 sales rows with revenue but no units and "
        "1 sales row with no product or with neither units nor revenue, none of it in DE."
    )
    assert elsewhere.hint == "Run without --markets, or with markets that have demand: US."
    con = connect(db_path)
    con.execute("DELETE FROM sales WHERE product_id IS NOT NULL")
    con.close()
    no_product = _forecast_error(db_path)
    assert isinstance(no_product, BadInputError)
    assert no_product.message == (
        "Nothing to forecast: the warehouse holds no order lines and 1 sales row with no product or with "
        "neither units nor revenue."
    )
    assert no_product.hint is not None and "--as sales --mapping" in no_product.hint
    assert "forecast in revenue when no row has units" in no_product.hint
