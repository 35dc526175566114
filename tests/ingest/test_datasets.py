"""Every real dataset named in issue 2 is recognised without a mapping file and keeps its published facts."""

from __future__ import annotations

import pytest

from tests.conftest import shared_path
from tests.ingest.helpers import fresh, ingest

pytestmark = pytest.mark.shared_data


def q(con, sql):
    return con.execute(sql).fetchone()


def test_amazon_alexa_tsv(tmp_path):
    con = fresh(tmp_path)
    (r,) = ingest(con, shared_path("amazon_alexa_reviews", "amazon_alexa.tsv"), "reviews", tmp_path)
    assert (r.layout, r.rows_in, r.rows_stored) == ("amazon_alexa_tsv", 3150, 3150)
    stars = dict(con.execute("SELECT rating, count(*) FROM reviews GROUP BY 1").fetchall())
    assert stars == {5.0: 2286, 4.0: 455, 3.0: 152, 2.0: 96, 1.0: 161}
    assert q(con, "SELECT sum(label) FROM reviews")[0] == 2893
    assert q(con, "SELECT count(DISTINCT product_id) FROM reviews")[0] == 16
    lo, hi = q(con, "SELECT min(reviewed_at), max(reviewed_at) FROM reviews")
    assert lo.year == hi.year == 2018 and 5 <= lo.month <= hi.month <= 7


def test_datafiniti_zip_and_pseudonymised_reviewers(tmp_path):
    con = fresh(tmp_path)
    (r,) = ingest(
        con, shared_path("datafiniti_amazon_consumer_reviews", "1429_1.csv.zip"), "reviews", tmp_path
    )
    assert r.layout == "datafiniti_amazon" and r.rows_in == 34_660 and r.rows_stored == 34_660
    assert q(con, "SELECT count(*) FROM reviews WHERE rating IS NULL")[0] == 33
    assert q(con, "SELECT count(*) FROM reviews WHERE rating = 5")[0] == 23_775
    # SOURCES.md counts 48 product names; they belong to 42 Datafiniti product ids (products are keyed by id).
    assert q(con, "SELECT count(DISTINCT product_id) FROM reviews")[0] == 42
    assert q(con, "SELECT count(*) FROM reviews WHERE length(reviewer_key) <> 64")[0] == 0


def test_womens_clothing_gz(tmp_path):
    con = fresh(tmp_path)
    (r,) = ingest(
        con,
        shared_path("womens_ecommerce_clothing_reviews", "Womens_Clothing_E-Commerce_Reviews.csv.gz"),
        "reviews",
        tmp_path,
    )
    assert (r.rows_in, r.rows_stored) == (23_486, 23_486)
    assert q(con, "SELECT count(*) FROM reviews WHERE text IS NOT NULL")[0] == 22_641
    assert q(con, "SELECT count(*) FROM reviews WHERE rating = 1")[0] == 842


def test_chinese_10_cats(tmp_path):
    con = fresh(tmp_path)
    (r,) = ingest(
        con,
        shared_path("chinese_online_shopping_10_cats", "online_shopping_10_cats.zip"),
        "reviews",
        tmp_path,
    )
    assert r.rows_in == 62_774
    # One row has a category and label but no review text: quarantined with a reason, not lost.
    assert (r.rows_stored, r.rows_quarantined) == (62_773, 1)
    assert q(con, "SELECT reason_code, column_name FROM quarantine") == ("missing_required", "text")
    assert q(con, "SELECT count(DISTINCT product_id), min(language), min(market_code) FROM reviews") == (
        10,
        "zh",
        "CN",
    )
    assert (
        q(con, "SELECT category FROM products WHERE product_id = 'zh_shopping:手机'")[0]
        == "consumer_electronics"
    )


@pytest.mark.parametrize("name", ["amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt"])
def test_uci_labelled_sentences_headerless(tmp_path, name):
    con = fresh(tmp_path)
    (r,) = ingest(con, shared_path("uci_sentiment_labelled_sentences", name), "reviews", tmp_path)
    assert (r.layout, r.rows_in, r.rows_stored) == ("uci_labelled_sentences", 1000, 1000)
    assert q(con, "SELECT sum(label), count(*) FROM reviews") == (500, 1000)


def test_uci_sales_weekly_wide(tmp_path):
    con = fresh(tmp_path)
    (r,) = ingest(
        con,
        shared_path("uci_sales_transactions_weekly", "Sales_Transactions_Dataset_Weekly.csv"),
        "sales",
        tmp_path,
    )
    assert (r.layout, r.rows_in, r.rows_stored) == ("uci_sales_weekly", 811, 811)
    assert q(con, "SELECT count(*), count(DISTINCT product_id), count(DISTINCT period_start) FROM sales") == (
        811 * 52,
        811,
        52,
    )
    # P1's first weeks as in the file: 11, 12, 10.
    got = [
        r[0]
        for r in con.execute(
            "SELECT units FROM sales WHERE product_id = 'uci_weekly:P1' ORDER BY period_start LIMIT 3"
        ).fetchall()
    ]
    assert got == [11, 12, 10]


@pytest.mark.slow
def test_m5_wide_daily(tmp_path):
    con = fresh(tmp_path)
    (r,) = ingest(
        con, shared_path("m5_walmart_subset", "sales_train_evaluation_1000series.csv.gz"), "sales", tmp_path
    )
    assert (r.layout, r.rows_in, r.rows_stored) == ("m5_sales_wide", 1000, 1000)
    n, lo, hi, mx = q(con, "SELECT count(*), min(period_start), max(period_start), max(units) FROM sales")
    assert n == 1000 * 1941 and str(lo) == "2011-01-29" and str(hi) == "2016-05-22" and mx == 105
    zero = q(con, "SELECT avg(CASE WHEN units = 0 THEN 1.0 ELSE 0 END) FROM sales")[0]
    assert abs(zero - 0.803) < 0.001


@pytest.mark.slow
def test_walmart_weekly(tmp_path):
    con = fresh(tmp_path)
    (r,) = ingest(con, shared_path("walmart_store_sales_weekly", "train.csv.zip"), "sales", tmp_path)
    assert (r.rows_in, r.rows_stored) == (421_570, 421_570)
    assert q(
        con,
        "SELECT count(DISTINCT split_part(listing_id, '_', 1)), min(period_start), max(period_start) FROM sales",
    ) == (45, __import__("datetime").date(2010, 2, 5), __import__("datetime").date(2012, 10, 26))


def test_google_trends_exports_localised(tmp_path):
    con = fresh(tmp_path)
    folder = shared_path("google_trends", "user_exports")
    res = ingest(con, folder, "trends", tmp_path)
    assert {r.layout for r in res} == {"google_trends"} and len(res) == 7
    kw = {
        (k, m, f)
        for k, m, f in con.execute("SELECT DISTINCT keyword, market_code, freq FROM search_trends").fetchall()
    }
    assert ("toilet paper", "JP", "week") in kw  # Chinese category line + French "semaine", "(Japon)"
    assert ("Corona", "US", "month") in kw  # French "Mois", "(États-Unis)"
    assert ("yeezy", "US", "week") in kw
    # "< 1" (with the French thin space) is stored as 0.5, not quarantined.
    assert q(con, "SELECT count(*) FROM search_trends WHERE value = 0.5")[0] >= 2
    assert sum(r.rows_quarantined for r in res) == 0
    assert q(con, "SELECT count(*) FROM search_trends WHERE keyword = 'yeezy'")[0] == 205


def test_olist_folder_in_dependency_order(tmp_path):
    con = fresh(tmp_path)
    res = ingest(
        con, shared_path("olist_brazilian_ecommerce", "sample_4000_orders_techbyhemant"), "orders", tmp_path
    )
    by = {r.layout: r for r in res}
    assert by["olist_orders"].rows_stored == 4000 and by["olist_order_items"].rows_stored == 4519
    assert by["olist_order_reviews"].rows_stored == 3986 and by["olist_products"].rows_stored == 3132
    assert by[None].status == "ignored"  # payments: no canonical table, reported not silently dropped
    assert q(con, "SELECT count(*) FROM order_lines WHERE currency = 'BRL' AND country = 'BR'")[0] == 4519
    lo, hi = q(con, "SELECT min(ordered_at), max(ordered_at) FROM order_headers")
    assert str(lo)[:10] == "2016-10-04" and str(hi)[:10] == "2018-08-29"
    assert (
        q(
            con,
            "SELECT count(*) FROM order_lines l LEFT JOIN products p USING (product_id) WHERE p.product_id IS NULL",
        )[0]
        == 0
    )


def test_olist_products_with_translation(tmp_path):
    con = fresh(tmp_path)
    d = shared_path("olist_brazilian_ecommerce", "complete_tables")
    ingest(con, d / "product_category_name_translation.csv", "products", tmp_path)
    (r,) = ingest(con, d / "olist_products_dataset.csv", "products", tmp_path)
    assert (r.rows_in, r.rows_stored) == (32_951, 32_951)
    assert q(con, "SELECT count(*) FROM products WHERE category_source = 'source'")[0] > 32_000
    w = q(con, "SELECT max(weight_kg) FROM products")[0]
    assert 30 <= w <= 50  # heaviest Olist product 40,425 g


def test_uci_parquet_same_lines_as_csv(tmp_path):
    con = fresh(tmp_path)
    (a,) = ingest(con, shared_path("uci_online_retail", "online_retail.parquet"), "orders", tmp_path)
    (b,) = ingest(con, shared_path("uci_online_retail", "online_retail.csv.gz"), "orders", tmp_path)
    assert a.rows_in == b.rows_in == 541_909
    assert (
        b.rows_stored == 0 and b.rows_duplicate == 541_909
    )  # parquet "nan"/17850.0 normalised to the same keys


def test_keepa_ranks_with_bought_in_past_month(tmp_path):
    con = fresh(tmp_path)
    (r,) = ingest(
        con,
        shared_path("keepa_exports", "italy_2025-07-17_LPTrade994", "keepa_sample.xlsx"),
        "ranks",
        tmp_path,
    )
    # 100 products + Keepa's footer row ("Exported on ..."), which is quarantined, not lost.
    assert (r.rows_in, r.rows_stored, r.rows_quarantined) == (101, 100, 1)
    n, sold, when, cur = q(
        con, "SELECT count(*), count(monthly_sold), min(observed_at), min(currency) FROM rank_snapshots"
    )
    assert (n, sold, str(when), cur) == (100, 100, "2025-07-17 12:11:00", "EUR")
    assert q(con, "SELECT count(*) FROM listings WHERE marketplace_id = 'amazon.IT' AND NOT own")[0] == 100


def test_keepa_japan_product_finder(tmp_path):
    con = fresh(tmp_path)
    res = ingest(
        con, shared_path("keepa_exports", "japan_product_finder_2025-06_oosuoosu"), "ranks", tmp_path
    )
    assert sorted(r.rows_stored for r in res) == [13, 49, 144, 227]
    assert q(
        con,
        "SELECT min(currency), max(currency), min(rank), max(rank) FROM rank_snapshots WHERE observed_at = '2025-06-21'",
    ) == ("JPY", "JPY", 22, 9_880)


def test_seller_central_inventory_health_rank_and_units(tmp_path):
    con = fresh(tmp_path)
    d = shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "inventory")
    (a,) = ingest(con, d / "12.20 inventory health.csv", "ranks", tmp_path)
    (b,) = ingest(con, d / "inventory health.zip", "ranks", tmp_path)
    assert (a.layout, a.rows_in, a.rows_stored, b.rows_stored) == ("amazon_inventory_health", 40, 40, 40)
    # SOURCES.md: 34-35 ranked SKUs per snapshot, ranks 74,638-688,466 (gl_kitchen / gl_home), own listings.
    got = con.execute(
        "SELECT count(rank), min(rank), max(rank) FROM rank_snapshots GROUP BY observed_at ORDER BY 1"
    ).fetchall()
    assert [g[0] for g in got] == [34, 35]
    assert min(g[1] for g in got) == 74_638 and max(g[2] for g in got) == 688_466
    assert q(con, "SELECT bool_and(own), min(marketplace_id) FROM listings") == (True, "amazon.US")
