"""Variant experiments on a project, on a real Seller Central business report (two child ASINs of one parent)."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from tests.conftest import shared_path
from xborder.core.errors import BadInputError

BATHMAT = (
    "amazon_seller_central_us_bathmat_seller_2018_2020",
    "business_reports",
    "BusinessReport-11-21-19.csv",
)


def _arms() -> tuple[tuple[int, int, float], tuple[int, int, float]]:
    """Sessions, order items and sales of two colours of the Desiderare bath mat (parent B07JH5RJYF)."""
    df = pd.read_csv(shared_path(*BATHMAT), encoding="utf-8-sig", thousands=",", dtype=str)

    def arm(asin: str) -> tuple[int, int, float]:
        # one row per SKU of the child ASIN: sessions are the ASIN's (repeated), order items and sales per SKU
        rows = df[df["(Child) ASIN"] == asin]
        sales = rows["Ordered Product Sales"].str.replace("[$,]", "", regex=True).astype(float).sum()
        return (
            int(rows["Sessions"].str.replace(",", "").astype(int).max()),
            int(rows["Total Order Items"].str.replace(",", "").astype(int).sum()),
            round(float(sales), 2),
        )

    return arm("B07JJC4NTT"), arm("B07JJ3HGSN")  # Moroccan Craftman (A), Moroccan Wooden House (B)


def _project(db: Path) -> str:
    from xborder.domains.launch.stage.io import create_project
    from xborder.warehouse import connect
    from xborder.warehouse.tables import write_frame

    con = connect(db)
    try:
        pick = {"run_id": "run-pick", "product_id": "amz:B07JH5RJYF", "market": "US", "title": "BATH MAT",
                "score": 0.6, "rank": 1, "demand_6m": 900.0, "demand_6m_lo": 400.0, "demand_6m_hi": 1500.0}  # fmt: skip
        write_frame(con, "opportunities", pd.DataFrame([pick]))
        return str(create_project(con, "amz:B07JH5RJYF", "US", start=dt.datetime(2019, 9, 1))["project_id"])
    finally:
        con.close()


@pytest.mark.shared_data
def test_variant_experiment_recorded_on_a_project(db_path: Path) -> None:
    from xborder.cli.launch_experiment import experiment_row

    a, b = _arms()
    # the report's rows, summed over SKUs (a parallel sum's order moves the last bit of the money: approx)
    assert a[:2] == (3395, 128) and a[2] == pytest.approx(6166.85, abs=1e-6)
    assert b[:2] == (5216, 95) and b[2] == pytest.approx(4581.8, abs=1e-6)
    pid = _project(db_path)
    out = subprocess.run(
        [sys.executable, "-m", "xborder.cli.main", "--db", str(db_path), "--json", "projects", "experiment", pid,
         "colour", "--control", ",".join(map(str, a)), "--variant", ",".join(map(str, b)),
         "--control-label", "Moroccan Craftman", "--variant-label", "Moroccan Wooden House", "--mde", "0.2"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert row["counts_source"] == "control: typed | variant: typed"
    # by hand: pooled two-proportion z test
    p1, p2 = 128 / 3395, 95 / 5216
    pooled = (128 + 95) / (3395 + 5216)
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / 3395 + 1 / 5216))
    assert row["difference"] == pytest.approx(p2 - p1) and row["z"] == pytest.approx(z)
    assert row["significant"] is True and row["difference_hi"] < 0  # the second colour converts worse
    # power to detect +20% over 3.77% with 3,395 and 5,216 sessions (Cohen's h, normal approximation)
    h = 2 * math.asin(math.sqrt(p1 * 1.2)) - 2 * math.asin(math.sqrt(p1))
    crit = stats.norm.ppf(0.975)
    se = math.sqrt(1 / 3395 + 1 / 5216)
    power = stats.norm.sf(crit - h / se) + stats.norm.cdf(-crit - h / se)
    assert row["power"] == pytest.approx(power, rel=1e-6)
    assert row["power"] < 0.8 < 1  # under-powered for +20%
    again = experiment_row(a, b, mde=0.2, alpha=0.05, look=1, looks=1)
    assert again["visitors_needed"] > 5216


def test_experiment_on_a_stopped_or_unknown_project_is_refused(db_path: Path) -> None:
    from xborder.domains.launch.stage.io import record_experiment, record_gate
    from xborder.warehouse import connect

    pid = _project(db_path)
    con = connect(db_path)
    try:
        with pytest.raises(BadInputError, match="No project prj-none"):
            record_experiment(con, "prj-none", {"experiment": "x"})
        record_gate(con, pid, "stop", "stop", at=dt.datetime(2019, 9, 2))
        with pytest.raises(BadInputError, match=f"Project {pid} is stopped"):
            record_experiment(con, pid, {"experiment": "x"})
    finally:
        con.close()


ADS = ("amazon_seller_central_us_bathmat_seller_2018_2020", "ads", "Dec daily Advertised product report.zip")


def _ads_by_hand(sku: str, since: str, until: str) -> tuple[int, int, float]:
    """Clicks, 7-day orders and 7-day sales of one advertised SKU over the days, from the raw report."""
    import io
    import warnings
    import zipfile

    with zipfile.ZipFile(shared_path(*ADS)) as z, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl: the export has no default style
        df = pd.read_excel(io.BytesIO(z.read(z.namelist()[0])))
    rows = df[(df["Advertised SKU"] == sku) & df["Date"].between(since, until)]
    return (
        int(rows["Clicks"].sum()),
        int(rows["7 Day Total Orders (#)"].sum()),
        round(float(rows["7 Day Total Sales "].sum()), 2),
    )


@pytest.mark.shared_data
@pytest.mark.slow
def test_experiment_counts_read_from_the_warehouse_not_typed(db_path: Path, tmp_path: Path) -> None:
    from tests.ingest.helpers import ingest
    from xborder.warehouse import connect

    pid = _project(db_path)
    con = connect(db_path)
    try:
        ingest(con, shared_path(*BATHMAT), None, tmp_path)
        ingest(con, shared_path(*ADS), None, tmp_path)
    finally:
        con.close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "xborder.cli.main", "--db", str(db_path), "--json", "projects", "experiment",
             pid, *args], capture_output=True, text=True, timeout=180,
        )  # fmt: skip

    # business report: the same two colours as typed in above, now summed from listing_traffic
    out = run(
        "colour", "--control-data", "traffic:asin=B07JJC4NTT", "--variant-data", "traffic:asin=B07JJ3HGSN"
    )
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    a, b = _arms()
    # revenue summed by the warehouse: a parallel sum's order moves its last bit (6166.849999999999)
    assert (row["control_visitors"], row["control_conversions"]) == a[:2]
    assert row["control_revenue"] == pytest.approx(a[2], abs=1e-6)
    assert (row["variant_visitors"], row["variant_conversions"]) == b[:2]
    assert row["variant_revenue"] == pytest.approx(b[2], abs=1e-6)
    assert row["control_label"] == "traffic:asin=B07JJC4NTT"
    assert row["counts_source"].startswith(
        "control: listing_traffic (sessions once per child ASIN and report): asin = 'B07JJC4NTT', period not "
        "stated, 3 rows; visitors = sessions"
    )
    # ad report: clicks, orders and sales of the two colours' advertised SKUs over 1-11 December 2019
    days = "@2019-12-01..2019-12-11"
    out = run("ads", "--control-data", f"ads:advertised_sku=1-mc-18{days}",
              "--variant-data", f"ads:advertised_sku=1-mwh-18{days}")  # fmt: skip
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert (row["control_visitors"], row["control_conversions"]) == _ads_by_hand("1-mc-18", "2019-12-01",
                                                                                 "2019-12-11")[:2]  # fmt: skip
    hand_b = _ads_by_hand("1-mwh-18", "2019-12-01", "2019-12-11")
    assert (row["variant_visitors"], row["variant_conversions"]) == hand_b[:2]
    assert row["variant_revenue"] == pytest.approx(hand_b[2])
    assert "ad_performance (advertised_product report)" in row["counts_source"]
    # no data for the arm: unknown, with what would fill it, exit 2 and nothing recorded
    out = run("ads", "--control-data", "ads:advertised_sku=1-mc-18@2020-01-01..2020-01-31",
              "--variant-data", f"ads:advertised_sku=1-mwh-18{days}")  # fmt: skip
    said = " ".join((out.stdout + out.stderr).split())  # the console wraps long lines
    assert out.returncode == 2
    assert (
        "counts unknown (ad_performance: no row matches with advertised_sku = '1-mc-18' within the dates)"
        in said
    )
    assert "What would fill them: Sponsored Products reports covering the arm" in said
    both = run("x", "--control", "10,1,5", "--control-data", "traffic:asin=B07JJC4NTT", "--variant", "10,1,5")
    assert both.returncode == 2 and "not both or neither" in " ".join((both.stdout + both.stderr).split())
    con = connect(db_path)
    try:
        looks = con.execute(
            "SELECT experiment, counts_source FROM project_experiments ORDER BY recorded_at"
        ).df()
    finally:
        con.close()
    assert list(looks["experiment"]) == ["colour", "ads"]
