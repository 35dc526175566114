"""Stock-out days left out of the demand history: a weekly case by hand and a real product whose empty months sold nothing."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.domains.demand.stockouts import exclude_stockouts, stockout_days_per_period


def test_partly_and_mostly_out_weeks_by_hand() -> None:
    ds = pd.date_range("2024-01-01", periods=6, freq="W-MON")
    series = pd.DataFrame({"unique_id": "A|DE", "ds": ds, "y": [7.0, 14.0, 4.0, 0.0, 21.0, 7.0]})
    # out Wed 2024-01-17 .. Thu 2024-01-18 (2 of week 3's days) and Mon 2024-01-22 .. Sat 2024-01-27 (6 of week 4's)
    so = pd.DataFrame(
        {
            "product_id": ["A", "A"],
            "market": ["de", "DE"],
            "first_day": ["2024-01-17", "2024-01-22"],
            "last_day": ["2024-01-18", "2024-01-27"],
        }
    )
    per = stockout_days_per_period(so, "W")
    assert per["out_days"].tolist() == [2, 6]
    got, summary = exclude_stockouts(series, so, freq="W")
    # week 3: 4 units on 5 in-stock days -> 4 * 7 / 5; week 4: the 3 in-stock weeks before, 1, 2, (week 3 is
    # partly out, so not one of them) -> only weeks 1 and 2: (7/7 + 14/7) / 2 per day * 7 = 10.5
    assert got["y"].tolist() == pytest.approx([7.0, 14.0, 5.6, 10.5, 21.0, 7.0])
    assert summary == {
        "series": 1,
        "periods": 2,
        "periods_mostly_out": 1,
        "units_before": 4.0,
        "units_after": 16.1,
    }


def test_no_stockout_leaves_the_history_as_it_is() -> None:
    series = pd.DataFrame(
        {"unique_id": "A|DE", "ds": pd.date_range("2024-01-01", periods=3, freq="MS"), "y": 1.0}
    )
    got, summary = exclude_stockouts(
        series, pd.DataFrame(columns=["product_id", "market", "first_day", "last_day"]), freq="M"
    )
    assert got.equals(series) and summary["periods"] == 0


@pytest.mark.shared_data
def test_real_product_whose_months_without_stock_sold_nothing() -> None:
    """ "Just In Time" case data (monthly warehouse inventory and order lines per product, 2015-2017): the golf
    towel "Glove It Urban Brick Golf Towel" had 0 units in the warehouse in 7 months up to Aug 2017, and in each
    of them it sold nothing (raw files). A month with no stock is a month-long stock-out; its demand becomes the
    daily demand of the 3 in-stock months before it."""
    path = shared_path("supply_chain_just_in_time_inventory", "data.zip")
    with zipfile.ZipFile(path) as z:
        inv = pd.read_csv(z.open("data/inventory.csv"))
        orders = pd.read_csv(z.open("data/orders_and_shipments.csv"))
    inv.columns, orders.columns = inv.columns.str.strip(), orders.columns.str.strip()
    name = "Glove It Urban Brick Golf Towel"
    month = lambda ym: pd.to_datetime(ym.astype(str), format="%Y%m")  # noqa: E731
    mine = orders[orders["Product Name"] == name]
    y = mine.groupby(month(mine["Order YearMonth"]))["Order Quantity"].sum()
    ds = pd.date_range("2015-01-01", "2017-08-01", freq="MS")
    series = pd.DataFrame(
        {"unique_id": "towel|US", "ds": ds, "y": y.reindex(ds, fill_value=0).to_numpy(float)}
    )
    stock = inv[(inv["Product Name"] == name)]
    empty = month(stock.loc[stock["Warehouse Inventory"] == 0, "Year Month"])
    empty = empty[empty <= ds[-1]].sort_values()
    so = pd.DataFrame(
        {
            "product_id": "towel",
            "market": "US",
            "first_day": empty,
            "last_day": empty + pd.offsets.MonthEnd(0),
        }
    )
    assert len(so) == 7 and (series.set_index("ds").loc[empty, "y"] == 0).all()
    got, summary = exclude_stockouts(series, so, freq="M")
    g = got.set_index("ds")["y"]
    # by hand from the raw file: Apr 2017 <- Jan-Mar 2017 (2, 4, 5 units in 31, 28, 31 days) x 30 days;
    # Jul 2017 <- Feb, Mar, Jun 2017 (4, 5, 1 units; Apr and May were empty) x 31 days
    assert g[pd.Timestamp("2017-04-01")] == pytest.approx((2 / 31 + 4 / 28 + 5 / 31) / 3 * 30)
    assert g[pd.Timestamp("2017-07-01")] == pytest.approx((4 / 28 + 5 / 31 + 1 / 30) / 3 * 31)
    assert summary["series"] == 1 and summary["periods"] == summary["periods_mostly_out"] == 7
    assert summary["units_before"] == 0.0 and summary["units_after"] == pytest.approx(
        float(g[empty].sum()), abs=1e-3
    )
    # months with stock are unchanged; the history's total rises by what the empty months now hold
    assert np.array_equal(g.drop(empty).to_numpy(), series.set_index("ds")["y"].drop(empty).to_numpy())


def test_the_stage_reads_the_market_wide_stockouts_of_the_latest_run() -> None:
    from xborder.domains.demand.stage.inputs import read_stockouts
    from xborder.warehouse import connect

    con = connect(":memory:")
    cols = "run_id, source, market, sku, product_id, location, first_day, last_day"
    for row in (
        ("r1", "amazon_daily_inventory", "us", "SKU-1", None, "*", "2019-12-03", "2019-12-05"),
        ("r1", "amazon_daily_inventory", "US", "SKU-1", None, "DEN2", "2019-12-01", "2019-12-09"),
        ("r1", "amazon_daily_inventory", "DE", "SKU-2", "amazon:B01", "*", "2019-12-01", "2019-12-01"),
    ):
        con.execute(f"INSERT INTO inventory_stockouts ({cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(row))
    got = read_stockouts(con, "r2", ["US"])  # r2 has none: the latest run's, location * only, in US
    assert got[["product_id", "market"]].values.tolist() == [["SKU-1", "US"]]
    assert str(got.loc[0, "first_day"])[:10] == "2019-12-03"
    assert len(read_stockouts(con, "r2")) == 2
