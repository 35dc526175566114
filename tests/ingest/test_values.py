"""Values read right or not at all: date order per column, locales, zones, plausibility rules, limits, re-ingest."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import os
import time
import zipfile

import pytest

from tests.conftest import shared_path
from tests.ingest.helpers import fresh, ingest, settings_for
from xborder.core.errors import BadInputError
from xborder.ingest import ingest_path
from xborder.ingest.limits import IngestLimits, ingest_limits

ORDERS = "order_id,ordered_at,product,quantity,unit_price,currency,country\n"


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def q(con, sql, *args):
    return con.execute(sql, list(args)).fetchall()


def times(con):
    return [str(r[0]) for r in q(con, "SELECT ordered_at FROM order_lines ORDER BY order_id")]


def reasons(con):
    return dict(q(con, "SELECT reason_code, count(*) FROM quarantine GROUP BY 1"))


# --- dates: one order per column -------------------------------------------------------------------


def test_day_first_column_is_read_day_first_in_every_row(tmp_path):
    # Row by row, %m/%d/%Y was tried first: 05/03/2021 became 3 May and 01/12/2021 12 January.
    p = write(tmp_path, "o.csv", ORDERS + "1,13/03/2021,A,1,2.5,EUR,DE\n2,05/03/2021,B,1,2.5,EUR,DE\n"
                                          "3,01/12/2021 10:15,C,1,2,EUR,DE\n")  # fmt: skip
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert (r.rows_stored, r.rows_quarantined) == (3, 0)
    assert times(con) == ["2021-03-13 00:00:00", "2021-03-05 00:00:00", "2021-12-01 10:15:00"]


def test_month_first_column_is_read_month_first(tmp_path):
    p = write(tmp_path, "o.csv", ORDERS + "1,03/13/2021,A,1,2.5,USD,US\n2,05/03/2021,B,1,2.5,USD,US\n")
    con = fresh(tmp_path)
    ingest(con, p, "orders", tmp_path)
    assert times(con) == ["2021-03-13 00:00:00", "2021-05-03 00:00:00"]


def test_ambiguous_column_asks_for_date_format_and_loads_nothing(tmp_path):
    p = write(tmp_path, "shop.csv", ORDERS + "1,05/03/2021,A,1,2.5,EUR,DE\n2,01/12/2021,B,1,2.5,EUR,DE\n")
    con = fresh(tmp_path)
    with pytest.raises(BadInputError) as e:
        ingest_path(con, p, "orders", settings=settings_for(tmp_path))
    msg = str(e.value)
    assert "shop.csv" in msg and "'ordered_at'" in msg and "day first or month first" in msg
    assert 'date_format = "%d/%m/%Y"' in msg and 'date_format = "%m/%d/%Y"' in msg
    assert q(con, "SELECT count(*) FROM ingest_log")[0][0] == 0
    assert q(con, "SELECT count(*) FROM quarantine")[0][0] == 0


def test_mapping_says_the_order_of_an_ambiguous_file(tmp_path):
    p = write(tmp_path, "shop.csv", "Order;Date;SKU;Qty\nA1;05/03/2021;S1;1\nA2;01/12/2021;S1;2\n")
    m = write(tmp_path, "shop.toml", 'kind = "orders"\n[columns]\norder_id = "Order"\nordered_at = "Date"\n'
                                     'product = "SKU"\nquantity = "Qty"\n[constants]\ndate_order = "dmy"\n')  # fmt: skip
    con = fresh(tmp_path)
    ingest(con, p, None, tmp_path, mapping=m)
    assert times(con) == ["2021-03-05 00:00:00", "2021-12-01 00:00:00"]


def test_a_column_mixing_orders_quarantines_the_minority_with_the_reason(tmp_path):
    p = write(tmp_path, "o.csv", ORDERS + "1,13/03/2021,A,1,2,EUR,DE\n2,03/14/2021,B,1,2,EUR,DE\n"
                                          "3,15/03/2021,C,1,2,EUR,DE\n")  # fmt: skip
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert (r.rows_stored, r.rows_quarantined) == (2, 1)
    ((row, value, code, why),) = q(con, "SELECT row_number, value, reason_code, reason FROM quarantine")
    assert (row, value, code) == (2, "03/14/2021", "bad_timestamp")
    assert "day first" in why and "13/03/2021" in why


def test_german_export_semicolons_decimal_commas_and_dotted_dates(tmp_path):
    # Today all rows were quarantined (bad_timestamp): dd.mm.yyyy HH:MM was not a known format.
    p = write(tmp_path, "bestellungen.csv", "order_id;ordered_at;product;quantity;unit_price;currency;country\n"
              "1;13.03.2021 10:15;A;1;1.234,56;EUR;Deutschland\n2;05.03.2021 09:00;B;2;2,50;EUR;DE\n"
              "3;06.03.2021 09:00;C;3;1.234;EUR;DE\n", encoding="cp1252")  # fmt: skip
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert (r.rows_stored, r.rows_quarantined) == (2, 1)  # 'Deutschland' is no country name ingest knows
    assert reasons(con) == {"unknown_country": 1}
    rows = q(con, "SELECT order_id, CAST(ordered_at AS VARCHAR), unit_price FROM order_lines ORDER BY 1")
    # 1.234 is 1234 in a decimal-comma column (2,50 shows the column's decimal mark).
    assert rows == [("2", "2021-03-05 09:00:00", 2.5), ("3", "2021-03-06 09:00:00", 1234.0)]


def test_utf16le_without_bom(tmp_path):
    # Today: 3 rows in, 3 quarantined (the NUL bytes were read as UTF-8).
    p = write(tmp_path, "o.csv", ORDERS + "1,2021-03-05,Tasse ☕,1,2.5,EUR,DE\n2,2021-03-06,B,1,2.5,EUR,FR\n",
              encoding="utf-16-le")  # fmt: skip
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert (r.rows_in, r.rows_stored) == (2, 2)
    assert q(con, "SELECT count(*) FROM order_lines WHERE product_id = 'custom:Tasse ☕'")[0][0] == 1


def test_zone_abbreviations_and_offsets_are_stored_as_utc(tmp_path):
    p = write(tmp_path, "o.csv", ORDERS + '1,"Nov 21, 2019 1:15:54 PM PST",A,1,2,USD,US\n'
              '2,"Oct 2, 2019 12:20:42 PM PDT",B,1,2,USD,US\n3,2019-12-16T08:00:00+00:00,C,1,2,USD,US\n'
              "4,2019-12-16T08:00:00+05:30,D,1,2,INR,IN\n5,2019-12-16 08:00:00,E,1,2,USD,US\n")  # fmt: skip
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert r.rows_stored == 5
    # PST = UTC-8, PDT = UTC-7; an offset is subtracted; a time without zone is kept as written.
    assert times(con) == ["2019-11-21 21:15:54", "2019-10-02 19:20:42", "2019-12-16 08:00:00",
                          "2019-12-16 02:30:00", "2019-12-16 08:00:00"]  # fmt: skip


@pytest.mark.shared_data
def test_amazon_transaction_report_times_in_pdt_pst(tmp_path):
    """The real 'date/time' column of a Seller Central date-range report ("Oct 2, 2019 2:46:08 PM PDT")."""
    f = shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "fees",
                    "2019Oct1-2019Dec31CustomTransaction_no_buyer_location.csv.gz")  # fmt: skip
    m = write(tmp_path, "amazon.toml", 'kind = "orders"\n[columns]\norder_id = "order id"\n'
              'ordered_at = "date/time"\nproduct = "sku"\nquantity = "quantity"\n[constants]\ncurrency = "USD"\n')  # fmt: skip
    con = fresh(tmp_path)
    (r,) = ingest(con, f, None, tmp_path, mapping=m)
    with gzip.open(f, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = sum(1 for x in rows if not all(x[c].strip() for c in ("order id", "sku", "quantity")))
    assert (r.rows_in, r.rows_stored, r.rows_quarantined) == (502, 502 - missing, missing)
    # Rows without an order id or sku (service fees, transfers) are quarantined as missing_required; none
    # for its time (today all 502 were quarantined as bad_timestamp: "PDT" was not understood).
    assert reasons(con) == {"missing_required": missing}
    got = q(con, "SELECT CAST(ordered_at AS VARCHAR) FROM order_lines WHERE order_id = '113-1135635-2595405' "
                 "ORDER BY 1")  # fmt: skip
    # The order "Oct 2, 2019 2:46:08 PM PDT" and its refund "Oct 4, 2019 11:15:47 PM PDT" (+7 h: next day in UTC).
    assert got == [("2019-10-02 21:46:08",), ("2019-10-05 06:15:47",)]
    lo, hi = q(con, "SELECT min(ordered_at), max(ordered_at) FROM order_lines")[0]
    assert lo >= dt.datetime(2019, 10, 1, 7) and hi <= dt.datetime(2020, 1, 1, 8)  # PDT/PST to UTC


# --- plausibility rules ----------------------------------------------------------------------------


def test_implausible_values_are_quarantined_with_the_rule_named(tmp_path):
    p = write(tmp_path, "o.csv", ORDERS + "1,9999-12-31,A,1,2.5,EUR,DE\n2,0001-01-01,B,1,2.5,EUR,DE\n"
              "3,2099-12-31,C,1,2.5,EUR,DE\n4,2021-01-01,D,1e308,2,EUR,DE\n5,2021-01-01,E,1,1e12,EUR,DE\n"
              "6,2021-01-01,F,1,2,ZZZ,DE\n7,2021-01-01,G,1,2,EUR,Narnia\n8,2021-01-01,H,1,2,eur,de\n"
              "9,2021-01-01,I,-3,2,EUR,DE\n")  # fmt: skip
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert (r.rows_in, r.rows_stored, r.rows_quarantined) == (9, 2, 7)
    got = q(con, "SELECT row_number, column_name, value, reason_code FROM quarantine ORDER BY row_number")
    assert got == [
        (1, "ordered_at", "9999-12-31", "date_out_of_range"), (2, "ordered_at", "0001-01-01", "date_out_of_range"),
        (3, "ordered_at", "2099-12-31", "date_out_of_range"), (4, "quantity", "1e308", "too_large"),
        (5, "unit_price", "1e12", "too_large"), (6, "currency", "ZZZ", "unknown_currency"),
        (7, "country", "Narnia", "unknown_country"),
    ]  # fmt: skip
    why = q(con, "SELECT reason FROM quarantine WHERE row_number = 1")[0][0]
    assert "1990-01-01" in why and "fix the date" in why
    # Lower-case codes are read as codes; a negative quantity is a return, stored positive (meaning kept).
    assert q(con, "SELECT order_id, currency, country, quantity, status FROM order_lines ORDER BY 1") == [
        ("8", "EUR", "DE", 1.0, "sold"), ("9", "EUR", "DE", 3.0, "returned"),
    ]  # fmt: skip


def test_sales_products_and_ranks_rules(tmp_path):
    con = fresh(tmp_path)
    s = write(tmp_path, "sales.csv", "product,period_start,units,revenue,country\nA,2021-01-01,-3,10,DE\n"
              "B,2021-01-01,1e308,10,DE\nC,2099-12-31,1,1,DE\nD,2021-01-01,2,1e12,DE\nE,2021-01-01,2,-5,DE\n")  # fmt: skip
    (r,) = ingest(con, s, "sales", tmp_path)
    assert (r.rows_stored, r.rows_quarantined) == (1, 4)  # a negative revenue (net of returns) is kept
    assert reasons(con) == {"negative_quantity": 1, "too_large": 2, "date_out_of_range": 1}
    p = write(tmp_path, "products.csv", "product,title,weight_kg,length_cm\nA,a,0,10\nB,b,-1,10\nC,c,5000,10\n"
              "D,d,1.5,0\nE,e,2,20000\n")  # fmt: skip
    (r,) = ingest(con, p, "products", tmp_path)
    assert (r.rows_stored, r.rows_quarantined) == (2, 3)
    # 0 is how exports say "not given": stored as unknown (NULL), not as a zero weight.
    assert q(con, "SELECT product_id, weight_kg, length_cm FROM products ORDER BY 1") == [
        ("custom:A", None, 10.0), ("custom:D", 1.5, None),
    ]  # fmt: skip
    k = write(tmp_path, "keepa_2025-07-17.csv", "ASIN,Title,Sales Rank: Current,Locale,Buy Box: Current\n"
              "B000000001,Thing,1234,de,19.99\nB000000002,Other,-5,de,9.99\nB000000003,Third,7,de,-1\n")  # fmt: skip
    (r,) = ingest(con, k, "ranks", tmp_path)
    assert (r.rows_stored, r.rows_quarantined) == (1, 2)
    assert q(con, "SELECT reason_code FROM quarantine WHERE file_name = ? ORDER BY row_number", k.name) == [
        ("negative_rank",), ("negative_price",),
    ]  # fmt: skip


def test_keepa_export_without_a_date_asks_for_it(tmp_path):
    # Today it was stored as observed on 1970-01-01.
    k = write(tmp_path, "keepa.csv", "ASIN,Title,Sales Rank: Current,Locale\nB000000001,Thing,1234,de\n")
    con = fresh(tmp_path)
    with pytest.raises(BadInputError, match="no export date.*keepa_2025-07-17"):
        ingest_path(con, k, "ranks", settings=settings_for(tmp_path))
    assert q(con, "SELECT count(*) FROM rank_snapshots")[0][0] == 0


def test_limits_come_from_settings_when_declared(tmp_path):
    s = settings_for(tmp_path)
    s.ingest_max_columns = 10  # type: ignore[attr-defined]
    s.ingest_earliest_date = "2000-01-01"  # type: ignore[attr-defined]
    lim = ingest_limits(s)
    assert (lim.max_columns, lim.earliest_date, lim.max_field_bytes) == (10, dt.date(2000, 1, 1), 1_000_000)
    p = write(tmp_path, "o.csv", ORDERS + "1,1995-06-01,A,1,2,EUR,DE\n2,2005-06-01,B,1,2,EUR,DE\n")
    con = fresh(tmp_path)
    (r,) = ingest_path(con, p, "orders", settings=s)
    assert (r.rows_stored, r.rows_quarantined) == (1, 1)


def test_fast_path_leaves_implausible_files_to_the_general_path(tmp_path):
    p = write(tmp_path, "uci.csv", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
              "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
              "536366,85123A,HEART,6,9999-12-31 08:28:00,2.55,17850,United Kingdom\n"
              "536367,85123A,HEART,6,2010-12-01 08:30:00,2.55,17850,Atlantis\n")  # fmt: skip
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert (r.rows_stored, r.rows_quarantined) == (1, 2)
    assert reasons(con) == {"date_out_of_range": 1, "unknown_country": 1}


# --- limits: hostile files are refused in seconds; a bad row is quarantined, not the file -------------


def test_one_line_of_half_a_million_columns_is_refused_in_seconds(tmp_path):
    # Today: over 400 s and 2.8 GB (1 MB line); 2-10 MB lines ended in a DuckDB out-of-memory error.
    for mb in (1, 10):
        p = tmp_path / f"wide{mb}.csv"
        p.write_bytes(b"," * (mb * 524_288) + b"\n1,2\n")
        con = fresh(tmp_path / str(mb))
        t0 = time.perf_counter()
        with pytest.raises(BadInputError, match="columns; the limit is 2,000") as e:
            ingest_path(con, p, "orders", settings=settings_for(tmp_path))
        assert time.perf_counter() - t0 < 5 and p.name in str(e.value)


def test_bad_rows_are_quarantined_and_the_rest_stored(tmp_path):
    rows = [f"{i},2021-01-{i:02d},P{i},1,2.5,EUR,DE\n" for i in range(1, 9)]
    rows[1] = "x," * 524_288 + "\n"  # a row of half a million fields
    rows[3] = '4,2021-01-04,"P4 unclosed quote,1,2.5,EUR,DE\n'  # runs on over the next lines
    rows[5] = "6,2021-01-06," + "y" * 9_000_000 + ",1,2.5,EUR,DE\n"  # a 9 MB line
    rows[6] = "7,2021-01-07,P7,1,2.5,EUR\n"  # a field short
    p = tmp_path / "o.csv"
    p.write_text(ORDERS + "".join(rows), encoding="utf-8")
    con = fresh(tmp_path)
    t0 = time.perf_counter()
    (r,) = ingest(con, p, "orders", tmp_path)
    assert time.perf_counter() - t0 < 20
    assert (r.rows_in, r.rows_stored, r.rows_quarantined) == (8, 4, 4)
    assert q(con, "SELECT row_number, reason_code FROM quarantine ORDER BY 1") == [
        (2, "malformed_row"), (4, "malformed_row"), (6, "field_too_long"), (7, "malformed_row"),
    ]  # fmt: skip
    assert [x[0] for x in q(con, "SELECT order_id FROM order_lines ORDER BY 1")] == ["1", "3", "5", "8"]
    why = q(con, "SELECT reason FROM quarantine WHERE row_number = 2")[0][0]
    assert "more fields (524,289) than the header (7)" in why


def test_a_field_over_the_limit_quarantines_its_row(tmp_path):
    p = write(tmp_path, "o.csv", ORDERS + "1,2021-01-01,A,1,2,EUR,DE\n2,2021-01-02," + "z" * 1_500_000
              + ",1,2,EUR,DE\n")  # fmt: skip
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert (r.rows_stored, r.rows_quarantined) == (1, 1)
    assert reasons(con) == {"field_too_long": 1}


def test_files_over_the_size_limit_and_zip_bombs_are_refused(tmp_path):
    lim = IngestLimits(max_file_bytes=1_000_000)
    big = write(tmp_path, "big.csv", ORDERS + "1,2021-01-01,A,1,2,EUR,DE\n" * 40_000)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("orders.csv", ORDERS + "1,2021-01-01,A,1,2,EUR,DE\n" * 40_000)
    gz = tmp_path / "bomb.csv.gz"
    gz.write_bytes(gzip.compress((ORDERS + "1,2021-01-01,A,1,2,EUR,DE\n" * 40_000).encode()))
    for path in (big, bomb, gz):
        con = fresh(tmp_path / path.stem)
        with pytest.raises(BadInputError, match="limit is 1,000,000 bytes per file|unpacks to"):
            ingest_path(con, path, "orders", settings=settings_for(tmp_path), limits=lim)
    assert bomb.stat().st_size < 20_000  # it was a bomb: 1.1 MB from a few kB


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_not_read_forever(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    con = fresh(tmp_path)
    with pytest.raises(BadInputError, match="not a regular file"):
        ingest_path(con, fifo, "orders", settings=settings_for(tmp_path))


# --- re-ingest after fixing a mapping --------------------------------------------------------------


def _mapping(tmp_path, fmt):
    return write(tmp_path, "shop.toml", f'kind = "orders"\n[columns]\norder_id = "Order"\nordered_at = "Date"\n'
                 f'product = "SKU"\nquantity = "Qty"\n[constants]\ndate_format = "{fmt}"\n')  # fmt: skip


def test_reingest_after_fixing_the_mapping_loads_what_was_quarantined(tmp_path):
    p = write(tmp_path, "shop.csv", "Order;Date;SKU;Qty\n" + "".join(
        f"A{i};{i % 28 + 1:02d}.03.2021 10:00;S{i % 7};{i % 3 + 1}\n" for i in range(502)))  # fmt: skip
    con = fresh(tmp_path)
    (first,) = ingest(con, p, None, tmp_path, mapping=_mapping(tmp_path, "%Y-%m-%d"))  # wrong format
    assert (first.rows_in, first.rows_stored, first.rows_quarantined) == (502, 0, 502)
    # Today: "skipped, same file (SHA-256) already ingested", 502 rows counted as duplicates, none stored.
    (again,) = ingest(con, p, None, tmp_path, mapping=_mapping(tmp_path, "%d.%m.%Y %H:%M"))
    assert (again.status, again.rows_stored, again.rows_duplicate, again.rows_quarantined) == (
        "ok",
        502,
        0,
        0,
    )
    assert "read again" in again.message
    assert q(con, "SELECT count(*) FROM order_lines")[0][0] == 502
    # The earlier quarantine is superseded, not double counted.
    assert q(con, "SELECT status FROM ingest_log WHERE ingest_id = ?", first.ingest_id) == [("superseded",)]
    assert q(con, "SELECT count(*) FROM quarantine")[0][0] == 0
    assert q(con, "SELECT sum(rows_quarantined) FROM ingest_log WHERE status = 'ok'")[0][0] == 0


def test_same_file_again_is_skipped_with_its_rows_counted_as_they_went(tmp_path):
    p = write(tmp_path, "o.csv", ORDERS + "1,2021-01-01,A,1,2,EUR,DE\n2,2021-01-02,B,1,2,EUR,Narnia\n")
    con = fresh(tmp_path)
    (first,) = ingest(con, p, "orders", tmp_path)
    (again,) = ingest(con, p, "orders", tmp_path)
    assert (again.status, again.rows_in, again.rows_duplicate, again.rows_quarantined) == ("skipped", 2, 1, 1)
    assert "--force" in again.message
    (forced,) = ingest(con, p, "orders", tmp_path, force=True)
    assert (forced.status, forced.rows_stored, forced.rows_duplicate, forced.rows_quarantined) == (
        "ok",
        0,
        1,
        1,
    )
    assert q(con, "SELECT ingest_id FROM quarantine") == [(forced.ingest_id,)]
    assert q(con, "SELECT status FROM ingest_log ORDER BY started_at") == [
        ("superseded",), ("skipped",), ("ok",),
    ]  # fmt: skip
