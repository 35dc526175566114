"""The operational warning indicators: hand-computed cases, and the bathmat seller's real reports checked by hand."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.core.settings import Settings
from xborder.domains.finance.indicators import DIRECTIONS
from xborder.domains.finance.indicators_ops import (
    SOURCES,
    aged_stock_share,
    fx_open_exposure_share,
    payout_gap_days,
    refund_rate_trend,
    stock_cover_days,
    supplier_concentration,
)
from xborder.domains.finance.stage import run_finance, thresholds
from xborder.domains.finance.stage.report_indicators import indicators_panel
from xborder.ingest.engine import ingest_path
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows

SELLER = "amazon_seller_central_us_bathmat_seller_2018_2020"


def test_every_indicator_has_a_source_a_threshold_setting_and_a_fill_hint() -> None:
    from xborder.core import i18n

    assert len(DIRECTIONS) == 23 and set(SOURCES) == set(DIRECTIONS)
    limits = thresholds(Settings())
    assert set(DIRECTIONS) - set(limits) == {
        "cash_runway_weeks",
        "hedge_cover",
    }  # judged against the flow / cover
    assert limits["supplier_concentration"] == 0.5 and limits["stock_cover_days"] == 30.0
    for code in DIRECTIONS:
        assert i18n.render(f"finance.fill_{code}", "en") and i18n.render(f"finance.ind_{code}", "zh")


def test_hand_computed_cases() -> None:
    months = pd.Series([0.05, 0.06, 0.07, 0.08, 0.09, 0.13, 0.10], index=[f"2020-0{i}" for i in range(1, 8)])
    r = refund_rate_trend(months)
    # (0.13 + 0.09 + 0.10) / 3 - (0.06 + 0.07 + 0.08) / 3 = 0.0366...; before: (0.08 + 0.09 + 0.13) / 3 - 0.06
    assert r["value"] == pytest.approx(0.11 / 3) and r["previous"] == pytest.approx(0.04)
    assert np.isnan(refund_rate_trend(months.head(5))["value"])  # 5 months: unknown, not 0
    g = payout_gap_days(pd.Series(pd.to_datetime(["2020-01-01", "2020-01-15", "2020-02-12", "2020-02-26"])))
    assert (g["period"], g["value"], g["previous"]) == ("2020-02", 21.0, 14.0)  # (28 + 14) / 2; January: 14
    snaps = pd.DataFrame({"snapshot_date": ["2020-01-01", "2020-01-01", "2020-02-01"], "fulfillable": [100, 50, 90],
                          "units_shipped_30d": [20, 10, np.nan], "age_0_90": [80, 40, 90], "age_91_180": [10, 5, 0],
                          "age_181_270": [5, 5, 0], "age_271_365": [0, 0, 0], "age_365_plus": [5, 0, 0]})  # fmt: skip
    assert stock_cover_days(snaps)["value"] == pytest.approx(
        150 / (30 / 30)
    )  # the February day reports no sales
    aged = aged_stock_share(snaps)
    assert aged["value"] == 0.0 and aged["previous"] == pytest.approx(
        15 / 150
    )  # 02-01: all young; 01-01: 15 of 150
    d = pd.DataFrame({"supplier_id": ["a", "b", "a", "c"], "value_usd": [100.0, 300.0, 500.0, 50.0],
                      "day": ["2020-06-01", "2020-05-01", "2019-03-01", "2020-01-10"]})  # fmt: skip
    s = supplier_concentration(d)
    assert (s["subject"], s["value"], s["previous"]) == ("b", pytest.approx(300 / 450), 1.0)
    assert np.isnan(supplier_concentration(d.iloc[:0])["value"])
    rows = pd.DataFrame({"currency": ["USD", "EUR", "CNY"], "net_base": [1000.0, -300.0, 200.0],
                         "net_unhedged_base": [1000.0, -100.0, 200.0]})  # fmt: skip
    assert fx_open_exposure_share(rows, "USD")["value"] == pytest.approx((100 + 200) / 1500)


def _raw(name: str) -> pd.DataFrame:
    raw = pd.read_csv(shared_path(SELLER, "fees", name), thousands=",")
    raw["when"] = pd.to_datetime(raw["date/time"].str.replace(r" P[SD]T$", "", regex=True),
                                 format="%b %d, %Y %I:%M:%S %p")  # fmt: skip
    return raw


@pytest.mark.shared_data
@pytest.mark.slow
def test_the_bathmat_seller_by_hand(db_path: Path) -> None:
    files = {"a": "2018Oct1-2019Oct1CustomTransaction_no_buyer_location.csv.gz",
             "b": "2019Oct1-2019Dec31CustomTransaction_no_buyer_location.csv.gz",
             "c": "2019Dec1-2020Feb1CustomTransaction_no_buyer_location.csv.gz",
             "d": "2020Feb1-2020Feb29CustomTransaction_no_buyer_location.csv.gz"}  # fmt: skip
    age = shared_path(SELLER, "inventory", "inventory age.zip")
    settings = Settings(db_path=str(db_path))
    con = connect(db_path)
    for f in [*files.values()]:
        ingest_path(con, shared_path(SELLER, "fees", f), settings=settings, reject_dir=db_path.parent)
    ingest_path(con, age, settings=settings, reject_dir=db_path.parent)
    out = run_finance(con, settings, run_id="f1")
    ind = read_rows(con, "warning_indicators", "f1").set_index("indicator")
    panel = indicators_panel(con, "f1", "en")
    con.close()
    assert out["warning_indicators"] == len(ind) == 23
    # refund rate per month (refunds / order product sales), each month from a file that covers it whole
    raw = {k: _raw(f) for k, f in files.items()}
    month_file = {"2019-08": "a", "2019-09": "a", "2019-10": "b", "2019-11": "b", "2019-12": "c", "2020-01": "c",
                  "2020-02": "d"}  # fmt: skip
    rate = {}
    for month, k in month_file.items():
        r = raw[k][raw[k]["when"].dt.strftime("%Y-%m") == month]
        rate[month] = (
            -r.loc[r["type"] == "Refund", "total"].sum() / r.loc[r["type"] == "Order", "product sales"].sum()
        )
    v = list(rate.values())
    trend = ind.loc["refund_rate_trend"]
    assert trend["period"] == "2020-02" and trend["value"] == pytest.approx(np.mean(v[4:7]) - np.mean(v[1:4]))
    assert trend["previous"] == pytest.approx(np.mean(v[3:6]) - np.mean(v[0:3]))
    assert (round(trend["value"], 4), trend["status"]) == (
        0.0043,
        "ok",
    )  # under the 2-point rise of the setting
    # payouts: February's two transfers each came 14 days after the one before
    t = pd.concat([raw["c"], raw["d"]]).query("type == 'Transfer'")["when"].drop_duplicates().sort_values()
    feb = t[t.dt.strftime("%Y-%m") == "2020-02"]
    gaps = [(w - t[t < w].max()) / pd.Timedelta(days=1) for w in feb]
    gap = ind.loc["payout_gap_days"]
    assert gap["value"] == pytest.approx(np.mean(gaps), rel=1e-9) and round(gap["value"], 2) == 14.0
    # the inventory age report of 2019-12-18: sellable units over the last 30 days' daily shipments; units aged 181+
    with zipfile.ZipFile(age) as z:
        rep = pd.read_csv(z.open(z.namelist()[0]), encoding="latin-1")
    cover = ind.loc["stock_cover_days"]
    want = rep["avaliable-quantity(sellable)"].sum() / (rep["units-shipped-last-30-days"].sum() / 30)
    assert cover["period"] == "2019-12-18" and cover["value"] == pytest.approx(want, rel=1e-9)
    assert round(cover["value"], 1) == 213.1 and cover["status"] == "ok"
    buckets = rep[[c for c in rep.columns if c.startswith("inv-age-")]].sum()
    aged = ind.loc["aged_stock_share"]
    assert aged["value"] == pytest.approx(buckets.iloc[2:].sum() / buckets.sum(), rel=1e-9)
    assert aged["status"] == "warn"  # 14.6% of the units are over 180 days old, above 10%
    # no supplier deliveries, no landed costs: unknown (never a neutral value), with what fills them
    sup = ind.loc["supplier_concentration"]
    assert pd.isna(sup["value"]) and sup["status"] == "no_data" and sup["source_tables"] == "supplier_events"
    unknown = panel.tables[-1][1].set_index("Indicator")
    assert unknown.loc["Largest supplier's share of purchase spend", "Fill with"] == (
        "supplier delivery records with their value (xborder ingest of a supplier-events file)."
    )
    assert "landed_costs" in unknown.loc["Unit margin", "Computed from"]
    assert f"{len(unknown)} indicators are unknown" in panel.intro
