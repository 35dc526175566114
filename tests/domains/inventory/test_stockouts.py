"""Stock-out periods from inventory snapshots: a made-up case by hand and the bathmat seller's FBA daily inventory."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.domains.inventory.stockouts import stockout_days, stockout_periods

D = dt.date


def _snap(rows: list[tuple[str, str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "source": "amazon_daily_inventory",
                "market_code": "US",
                "marketplace_id": "amazon.US",
                "snapshot_date": d,
                "snapshot_date_source": "report",
                "sku": sku,
                "location": loc,
                "disposition": disp,
                "fulfillable": None,
                "on_hand": q,
                "product_id": None,
            }
            for d, sku, loc, q, disp in rows
        ]  # fmt: skip
    )


def test_periods_per_location_and_market_wide_by_hand() -> None:
    rows = [("2019-12-01", "A", "X1", 2, "SELLABLE"), ("2019-12-01", "A", "X2", 1, "SELLABLE"),
            ("2019-12-02", "A", "X2", 1, "SELLABLE"),  # A gone from X1 on the 2nd
            ("2019-12-03", "A", "X1", 1, "CUSTOMER_DAMAGED"),  # only damaged units: out everywhere on the 3rd
            ("2019-12-04", "A", "X1", 3, "SELLABLE"), ("2019-12-04", "B", "X9", 1, "SELLABLE"),
            ("2019-12-05", "B", "*XFR", 2, "SELLABLE")]  # fmt: skip  # B in transfer: in stock market-wide
    p = stockout_periods(_snap(rows))
    got = {(r.sku, r.location, r.first_day, r.last_day, r.observed_days) for r in p.itertuples()}
    assert got == {
        ("A", "X1", D(2019, 12, 2), D(2019, 12, 3), 2),
        ("A", "X1", D(2019, 12, 5), D(2019, 12, 5), 1),
        ("A", "X2", D(2019, 12, 3), D(2019, 12, 5), 3),
        ("A", "*", D(2019, 12, 3), D(2019, 12, 3), 1),
        ("A", "*", D(2019, 12, 5), D(2019, 12, 5), 1),
        ("B", "X9", D(2019, 12, 5), D(2019, 12, 5), 1),
    }


def test_a_report_dated_by_the_day_of_ingest_says_nothing_about_when() -> None:
    s = _snap([("2026-12-06", "A", "*", 0, "SELLABLE")]).assign(snapshot_date_source="ingest_day")
    assert stockout_periods(s).empty and stockout_days(s).empty


@pytest.mark.shared_data
def test_bathmat_daily_inventory() -> None:
    from xborder.core.settings import get_settings
    from xborder.ingest import ingest_path
    from xborder.warehouse import connect

    path = shared_path(
        "amazon_seller_central_us_bathmat_seller_2018_2020", "inventory", "12.1-12.20 daily inventory.csv.gz"
    )
    raw = pd.read_csv(path, encoding="cp1252")
    con = connect(":memory:")
    ingest_path(con, path, settings=get_settings())
    snaps = con.execute("SELECT * FROM inventory_snapshots").df().assign(product_id=None)
    p = stockout_periods(snaps)
    # every SKU had sellable stock somewhere on each of the 18 days: no market-wide stock-out
    assert raw["snapshot-date"].nunique() == 18 and not (p["location"] == "*").any()
    mine = p[p["sku"] == "1-mwh-18"]
    # raw file: DEN2 sellable only on 12-01; SAT1 on 12-01 and 12-03..05; TUS1 from 12-07 only
    assert {(r.location, str(r.first_day), str(r.last_day), r.observed_days) for r in mine.itertuples()} == {
        ("DEN2", "2019-12-02", "2019-12-18", 17), ("SAT1", "2019-12-02", "2019-12-02", 1),
        ("SAT1", "2019-12-06", "2019-12-18", 13), ("TUS1", "2019-12-08", "2019-12-18", 11),
    }  # fmt: skip
    assert (len(p), p["sku"].nunique(), int(p["observed_days"].sum())) == (33, 12, 280)
