"""`xborder ingest` as a user runs it: summary, --json, exit codes, clear errors without a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, shared_path
from tests.ingest.test_formats import write_csv


def run(tmp_path, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "XBORDER_PSEUDONYM_KEY": "test-key-not-secret"}
    return subprocess.run(
        [sys.executable, "-c", "from xborder.cli.main import main; main()", "--db", str(tmp_path / "wh.duckdb"), *args],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip


def test_ingest_prints_summary_and_json(tmp_path):
    p = write_csv(tmp_path / "orders.csv")
    r = run(tmp_path, "ingest", str(p), "--as", "orders")
    assert r.returncode == 0, r.stderr
    assert "orders.csv" in r.stdout and "uci_online_retail" in r.stdout
    r2 = run(tmp_path, "--json", "ingest", str(p), "--as", "orders")
    assert r2.returncode == 0
    data = json.loads(r2.stdout)
    (res,) = data["results"]
    assert res["status"] == "skipped" and res["rows_in"] == 5 and res["rows_duplicate"] == 5


@pytest.mark.shared_data
def test_wrong_kind_names_missing_columns_and_closest_matches(tmp_path):
    weekly = shared_path("uci_sales_transactions_weekly", "Sales_Transactions_Dataset_Weekly.csv")
    r = run(tmp_path, "ingest", str(weekly), "--as", "orders")
    assert r.returncode == 2
    err = " ".join(r.stderr.split())
    assert "does not look like a file of kind 'orders'" in err and "missing column(s) 'order_id'" in err
    assert "closest in the file: 'Product_Code'" in err
    assert "Traceback" not in r.stderr
    dbg = run(tmp_path, "--debug", "ingest", str(weekly), "--as", "orders")
    assert dbg.returncode != 0 and "Traceback" in dbg.stderr


def test_bad_input_exit_codes(tmp_path):
    assert run(tmp_path, "ingest", str(tmp_path / "missing.csv"), "--as", "orders").returncode == 2
    p = write_csv(tmp_path / "o.csv")
    r = run(tmp_path, "ingest", str(p), "--as", "bogus")
    assert r.returncode == 2 and "orders" in r.stderr and "Traceback" not in r.stderr
    bad_map = tmp_path / "m.toml"
    bad_map.write_text('kind = "orders"\n[columns]\norder_id = "Nope"\n', encoding="utf-8")
    r = run(tmp_path, "ingest", str(p), "--mapping", str(bad_map))
    assert r.returncode == 2 and "Nope" in r.stderr and "Traceback" not in r.stderr


def test_rejected_csv_and_status(tmp_path):
    rows = [("536999", "85123A", "x", "six", "2010-12-01 08:26:00", "2.55", "", "France")]
    p = write_csv(tmp_path / "bad.csv", rows=rows)
    r = run(tmp_path, "--json", "ingest", str(p), "--as", "orders", "--reject-dir", str(tmp_path / "rej"))
    assert r.returncode == 0
    (res,) = json.loads(r.stdout)["results"]
    assert res["rows_quarantined"] == 1 and res["rejected_csv"].endswith("bad.csv.rejected.csv")
    assert (tmp_path / "rej" / "bad.csv.rejected.csv").read_text(encoding="utf-8").count("\n") == 2
    st = run(tmp_path, "--json", "status")
    assert st.returncode == 0
    assert json.loads(st.stdout)["recent_ingests"][0]["rows_quarantined"] == 1


def _amounts(s):  # "$1,234.5" -> 1234.5
    import pandas as pd

    return pd.to_numeric(s.astype(str).str.replace(r"[$,]", "", regex=True), errors="coerce")


@pytest.mark.shared_data
def test_revised_figures_of_a_later_export_are_counted_and_said(tmp_path):
    """Two campaign exports of the same December days: the second's rows are duplicates, and those whose
    figures differ from the stored ones are counted and said (computed here from the raw files)."""
    import zipfile

    import pandas as pd

    ads = shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "ads")
    first, second = ads / "Campaign 12.1-1.15.csv", ads / "Dec daily Campaign report.zip"
    a = pd.read_csv(first)
    b = pd.read_csv(zipfile.ZipFile(second).open("Dec daily Campaign report.csv"))
    m = b.merge(a, on=["Date", "Campaign Name"], suffixes=("_b", "_a"))
    differs = pd.Series(False, index=m.index)
    for c in ("Impressions", "Clicks", "Spend", "7 Day Total Orders (#)", "7 Day Total Sales ", "Budget"):
        x, y = _amounts(m[c + "_b"]), _amounts(m[c + "_a"])
        differs |= ~((x == y) | (x.isna() & y.isna()))
    assert run(tmp_path, "ingest", str(first)).returncode == 0
    r = run(tmp_path, "ingest", str(second))
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert f"298 rows in = {298 - len(m)} stored + {len(m)} duplicate" in out
    assert f"{int(differs.sum())} of the duplicates have other figures than the rows already stored" in out
    assert int(differs.sum()) == 44
