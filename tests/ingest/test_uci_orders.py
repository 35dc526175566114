"""UCI Online Retail and Online Retail II: real facts survive ingest (counts, cancellations, overlap, pseudonyms)."""

from __future__ import annotations

import duckdb
import pytest

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def wh(retail_warehouse):
    con = duckdb.connect(str(retail_warehouse), read_only=True)
    yield con
    con.close()


def one(con, sql, *params):
    return con.execute(sql, list(params)).fetchone()


def test_ingest_log_accounts_for_every_line(wh):
    rows = wh.execute(
        "SELECT file_name, rows_in, rows_stored, rows_duplicate, rows_quarantined, status FROM ingest_log ORDER BY file_name"
    ).fetchall()
    by_file = {r[0]: r[1:] for r in rows}
    # Online Retail: 541,909 lines of which 5,268 are exact repeats of another line of the file.
    assert by_file["online_retail.csv.gz"] == (541_909, 536_641, 5_268, 0, "ok")
    ii = by_file["online_retail_II_2009-2010.csv.gz"]
    assert ii[0] == 525_461 and ii[4] == "ok"
    assert ii[0] == ii[1] + ii[2] + ii[3]
    # The 22,523 lines of 2010-12-01..09 are in both files: all recognised as duplicates of the first file.
    assert ii[2] >= 22_523


def test_online_retail_facts(wh):
    first = one(wh, "SELECT ingest_id FROM ingest_log WHERE file_name = 'online_retail.csv.gz'")[0]
    n_inv, n_codes, n_cust, lo, hi = one(
        wh,
        "SELECT count(DISTINCT order_id), count(DISTINCT product_id), count(DISTINCT customer_key), "
        "min(ordered_at), max(ordered_at) FROM order_lines WHERE ingest_id = ?",
        first,
    )
    assert n_inv == 25_900
    assert n_cust == 4_372
    assert str(lo) == "2010-12-01 08:26:00" and str(hi) == "2011-12-09 12:50:00"
    # 38 country names: 35 map to ISO codes; Channel Islands, European Community and Unspecified stay NULL.
    assert one(wh, "SELECT count(DISTINCT country) FROM order_lines WHERE ingest_id = ?", first)[0] == 35
    assert (
        one(wh, "SELECT count(*) FROM order_lines WHERE country = 'IE' AND ingest_id = ?", first)[0] > 7_000
    )


def test_cancellations_are_positive_quantities_with_status(wh):
    assert one(wh, "SELECT count(*) FROM order_lines WHERE quantity < 0")[0] == 0
    n_c = one(wh, "SELECT count(*) FROM order_lines WHERE order_id LIKE 'C%' AND status <> 'cancelled'")[0]
    assert n_c == 0
    assert one(wh, "SELECT count(*) FROM order_lines WHERE status = 'cancelled'")[0] > 9_000


def test_non_product_lines_are_kept_but_flagged(wh):
    rows = dict(
        wh.execute(
            "SELECT split_part(product_id, ':', 2), bool_or(is_product) FROM order_lines "
            "WHERE product_id IN ('uci:POST', 'uci:DOT', 'uci:M', 'uci:BANK CHARGES', 'uci:AMAZONFEE', 'uci:85123A') "
            "GROUP BY 1"
        ).fetchall()
    )
    assert rows["85123A"] is True
    assert not any(v for k, v in rows.items() if k != "85123A") and len(rows) == 6
    assert one(wh, "SELECT is_product FROM products WHERE product_id = 'uci:POST'")[0] is False


def test_prices_keep_currency_and_customers_are_pseudonymised(wh):
    assert one(wh, "SELECT DISTINCT currency FROM order_lines")[0] == "GBP"
    keys = [r[0] for r in wh.execute("SELECT DISTINCT customer_key FROM order_lines LIMIT 50").fetchall()]
    assert all(k is None or (len(k) == 64 and not k.isdigit()) for k in keys)
    assert one(wh, "SELECT count(*) FROM order_lines WHERE customer_key IN ('17850', '17850.0')")[0] == 0


def test_products_have_categories_from_the_taxonomy(wh):
    from xborder.catalog import CATEGORY_IDS

    cats = {r[0] for r in wh.execute("SELECT DISTINCT category FROM products WHERE is_product").fetchall()}
    assert cats <= set(CATEGORY_IDS)
    heart = one(
        wh,
        "SELECT category, category_source, category_confidence FROM products WHERE product_id = 'uci:85123A'",
    )
    assert heart[0] == "home_kitchen" and heart[1] == "rules" and 0 < heart[2] <= 0.95


def test_line_keys_are_unique(wh):
    # order_lines has no PRIMARY KEY index (migration 003): the ingest keeps line_key unique itself.
    n, distinct = one(wh, "SELECT count(*), count(DISTINCT line_key) FROM order_lines")
    assert (
        n
        == distinct
        == 536_641 + one(wh, "SELECT rows_stored FROM ingest_log WHERE file_name LIKE '%II%'")[0]
    )
