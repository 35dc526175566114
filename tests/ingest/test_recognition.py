"""A file's kind is recognised from its columns, without --as: for one file, for a folder, with a clear
message naming the two closest layouts of any kind when nothing fits; seller reports are no product lists."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, shared_path
from tests.ingest.helpers import fresh, ingest
from xborder.core.errors import BadInputError
from xborder.ingest.layouts.base import match_layout

BATHMAT = "amazon_seller_central_us_bathmat_seller_2018_2020"

# Header rows exactly as Amazon writes them (copied from the real exports in ../shared/data).
DATE_RANGE = ["date/time", "settlement id", "type", "order id", "sku", "description", "quantity", "marketplace",
              "fulfillment", "tax collection model", "product sales", "product sales tax", "shipping credits",
              "shipping credits tax", "gift wrap credits", "giftwrap credits tax", "promotional rebates",
              "promotional rebates tax", "marketplace withheld tax", "selling fees", "fba fees",
              "other transaction fees", "other", "total"]  # fmt: skip
BY_ASIN = ["(Parent) ASIN", "(Child) ASIN", "Title", "SKU", "Sessions", "Session Percentage", "Page Views",
           "Page Views Percentage", "Buy Box Percentage", "Units Ordered", "Unit Session Percentage",
           "Ordered Product Sales", "Total Order Items"]  # fmt: skip
# Amazon's "All Orders" flat file (an order ledger): no layout reads it yet, and it must not become a product list.
ALL_ORDERS = ["amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
              "fulfillment-channel", "sales-channel", "product-name", "sku", "asin", "item-status", "quantity",
              "currency", "item-price", "item-tax", "shipping-price", "ship-country"]  # fmt: skip
SEARCH_TERM = ["Date", "Portfolio name", "Currency", "Campaign Name", "Ad Group Name", "Targeting", "Match Type",
               "Customer Search Term", "Impressions", "Clicks", "Click-Thru Rate (CTR)", "Cost Per Click (CPC)",
               "Spend", "7 Day Total Sales ", "Total Advertising Cost of Sales (ACoS) ",
               "Total Return on Advertising Spend (RoAS)", "7 Day Total Orders (#)", "7 Day Total Units (#)"]  # fmt: skip
PURCHASED = ["Date", "Portfolio name", "Currency", "Campaign Name", "Ad Group Name", "Advertised SKU",
             "Advertised ASIN", "Targeting", "Match Type", "Purchased ASIN", "7 Day Other SKU Units (#)",
             "7 Day Other SKU Orders (#)", "7 Day Other SKU Sales "]  # fmt: skip


def run(tmp_path, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "XBORDER_PSEUDONYM_KEY": "test-key-not-secret"}
    return subprocess.run(
        [sys.executable, "-c", "from xborder.cli.main import main; main()", "--db", str(tmp_path / "wh.duckdb"), *args],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("headers", "layout"),
    [
        (DATE_RANGE, "amazon_date_range_report"),
        (BY_ASIN, "amazon_business_report_by_asin"),
        (SEARCH_TERM, "amazon_sp_search_term"),
        (PURCHASED, "amazon_sp_purchased_product"),
    ],
)
def test_the_layout_explaining_most_columns_wins(headers, layout):
    lay, mapping = match_layout(None, headers, "f.csv")
    assert lay.name == layout
    # It explains more columns than any other layout that also matches (targeting for a search term report,
    # advertised product for a purchased product report, canonical_products for the SKU column).
    assert len(set(mapping.values())) >= 5


@pytest.mark.parametrize("headers", [DATE_RANGE, BY_ASIN, ALL_ORDERS])
def test_seller_reports_are_not_loaded_as_product_lists(headers):
    try:
        lay, _ = match_layout(None, headers, "report.csv")
    except BadInputError as exc:  # the All Orders ledger: not recognised, with the closest layouts named
        assert "does not look like any known layout" in str(exc)
        return
    assert lay.kind != "products"


def test_a_lone_sku_column_is_no_product_list_without_as():
    with pytest.raises(BadInputError) as exc:
        match_layout(None, ["sku", "qty"], "stock.csv")
    msg = str(exc.value)
    assert (
        "canonical_products" in msg
        and "finds only 1 of its columns ('sku'); without --as products it needs 2" in msg
    )
    assert "--as KIND" in exc.value.hint
    lay, mapping = match_layout("products", ["sku", "qty"], "stock.csv")  # --as still loads it
    assert lay.name == "canonical_products" and mapping == {"product": "sku"}
    lay, _ = match_layout(None, ["sku", "title"], "catalogue.csv")
    assert lay.name == "canonical_products"


def test_no_match_names_the_two_closest_layouts_of_any_kind(tmp_path):
    p = tmp_path / "ledger.csv"
    p.write_text(
        ",".join(DATE_RANGE[:-1])
        + "\n"
        + "Oct 4 2018,1,Order,o-1,sku-1,d,1,amazon.com,Amazon,,1,0,0,0,0,0,0,0,0,0,0,0,0\n"
    )
    r = run(tmp_path, "ingest", str(p))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    err = " ".join(r.stderr.split())
    assert "ledger.csv does not look like any known layout. Closest layouts: amazon_date_range_report" in err
    assert "needs the missing column(s) 'total'" in err
    assert err.count("needs the missing column(s)") == 2  # two layouts, each with what it misses
    assert "--as KIND" in err


@pytest.mark.shared_data
def test_one_file_without_as_is_recognised(tmp_path):
    report = shared_path(BATHMAT, "business_reports", "BusinessReport-11-21-19.csv")
    r = run(tmp_path, "--json", "ingest", str(report))
    assert r.returncode == 0, r.stderr
    (res,) = json.loads(r.stdout)["results"]
    assert (res["kind"], res["layout"], res["rows_in"], res["rows_stored"]) == (
        "traffic", "amazon_business_report_by_asin", 49, 49,
    )  # fmt: skip


@pytest.mark.shared_data
def test_a_folder_without_as_recognises_each_file(tmp_path):
    folder = shared_path(BATHMAT, "fees")
    r = run(tmp_path, "--json", "ingest", str(folder))
    assert r.returncode == 0, r.stderr
    results = json.loads(r.stdout)["results"]
    assert len(results) == 4
    assert {(x["kind"], x["layout"], x["status"]) for x in results} == {
        ("transactions", "amazon_date_range_report", "ok")
    }


@pytest.mark.shared_data
def test_as_overrides_the_recognised_kind(tmp_path):
    health = shared_path(BATHMAT, "inventory", "12.20 inventory health.csv")
    con = fresh(tmp_path)
    (auto,) = ingest(con, health, None, tmp_path)
    assert (auto.kind, auto.layout) == ("ranks", "amazon_inventory_health")
    con2 = fresh(tmp_path / "second")
    (forced,) = ingest(con2, health, "inventory", tmp_path / "second")
    assert (forced.kind, forced.layout) == ("inventory", "amazon_inventory_health")
    # Either way both its rank pairs and its stock columns are loaded.
    for c in (con, con2):
        assert c.execute("SELECT count(*) FROM inventory_snapshots").fetchone()[0] == 40
        assert c.execute("SELECT count(*) FROM rank_snapshots").fetchone()[0] > 0


@pytest.mark.shared_data
def test_description_lines_above_the_header_are_skipped(tmp_path):
    """Amazon's date-range report starts with description lines (the copy in ../shared/data had them removed):
    put them back and the same rows are read."""
    src = shared_path(BATHMAT, "fees", "2020Feb1-2020Feb29CustomTransaction_no_buyer_location.csv.gz")
    body = gzip.decompress(src.read_bytes()).decode("utf-8")
    preamble = (
        '"Includes Amazon Marketplace, Fulfillment by Amazon (FBA), and Amazon Webstore transactions"\n'
        '"All amounts in USD, unless specified"\n"Definitions:"\n'
        '"Sales tax collected: Includes sales tax collected from buyers for product sales, shipping, and gift wrap."\n'
        '"Selling fees: Includes variable closing fees and referral fees."\n'
        '"Other transaction fees: Includes sales tax collection fees."\n'
        '"Other: Includes non-order transaction amounts. For more details, see the ""Type"" and ""Description"" '
        'columns for each order ID."\n'
    )
    newline = "\r\n" if "\r\n" in body else "\n"  # Amazon writes CRLF throughout
    p = tmp_path / "2020Feb1-2020Feb29CustomTransaction.csv"
    p.write_bytes((preamble.replace("\n", newline) + body).encode("utf-8"))
    con = fresh(tmp_path)
    (r,) = ingest(con, p, None, tmp_path)
    data_lines = len(body.strip().splitlines()) - 1
    assert (r.layout, r.rows_in, r.rows_stored) == ("amazon_date_range_report", data_lines, data_lines)
