"""The faster UCI order-line load (issue 2) keeps every guarantee: same keys, duplicates, line numbers, quarantine."""

from __future__ import annotations

import hashlib

import pytest

import xborder.ingest.engine as engine
from tests.ingest.helpers import fresh, ingest
from xborder.ingest.pseudonym import pseudonymise

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
R1 = "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER ,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
R2 = "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n"
R3 = "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,,EIRE\n"
R4 = "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom\n"


def write(path, *rows):
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


@pytest.fixture
def fast_used(monkeypatch):
    used: list[bool] = []
    real = engine.fast_stage

    def spy(*a, **kw):
        st = real(*a, **kw)
        used.append(st is not None)
        return st

    monkeypatch.setattr(engine, "fast_stage", spy)
    return used


def test_line_key_is_the_documented_md5(tmp_path, fast_used):
    # Keys persist in warehouses: they must stay md5('uci|invoice|code|DESCRIPTION|qty|time|price|pseudonym').
    con = fresh(tmp_path)
    ingest(con, write(tmp_path / "o.csv", R1, R3), "orders", tmp_path)
    assert fast_used == [True]
    pkey = pseudonymise(b"test-key-not-secret", "uci", "17850")
    want = {
        hashlib.md5(
            f"uci|536365|85123A|WHITE HANGING HEART T-LIGHT HOLDER|6.0|2010-12-01 08:26:00|2.55|{pkey}".encode()
        ).hexdigest(),
        hashlib.md5(b"uci|536366|22633|HAND WARMER UNION JACK|6.0|2010-12-01 08:28:00|1.85|").hexdigest(),
    }
    got = {r[0] for r in con.execute("SELECT line_key FROM order_lines").fetchall()}
    assert got == want
    keys = dict(con.execute("SELECT order_id, customer_key FROM order_lines").fetchall())
    assert keys == {"536365": pkey, "536366": None}


def test_line_key_texts_of_times_and_numbers_match_a_per_row_cast(tmp_path, fast_used):
    # The fast path turns each distinct time (per invoice) and number into text once; the keys must be the
    # md5 of DuckDB's per-row CAST(... AS VARCHAR) of each value, whatever the values: an invoice with two
    # times, a value that is both a quantity and a price, zero, a long fraction.
    rows = [
        "536370,A1,ONE,2,2010-12-01 08:45:00,2,,France\n",
        "536370,A2,TWO,3,2010-12-01 08:46:00,0.1,,France\n",  # a second time in the same invoice
        "536371,B1,THREE,0,2010-12-01 09:00:00,3,,France\n",
        "536372,B2,FOUR,1234,2010-12-01 09:01:00,12.345678901234567,,France\n",
        "536373,B3,FIVE,-7,2010-12-01 09:02:00,2,,France\n",
        "536373,B4,SIX,2.5,2010-12-01 09:02:00,0,,France\n",
    ]
    con = fresh(tmp_path)
    ingest(con, write(tmp_path / "o.csv", *rows), "orders", tmp_path)
    assert fast_used == [True]

    def text(sql_value: str) -> str:
        return con.execute(f"SELECT CAST({sql_value} AS VARCHAR)").fetchone()[0]

    want = []
    for r in rows:
        inv, code, desc, qty, at, price = r.split(",")[:6]
        parts = ["uci", inv, code, desc, text(f"CAST({qty} AS DOUBLE)"), text(f"TIMESTAMP '{at}'")]
        parts.append(text(f"CAST({price} AS DOUBLE)"))
        want.append(hashlib.md5(("|".join(parts) + "|").encode()).hexdigest())
    got = [r[0] for r in con.execute("SELECT line_key FROM order_lines").fetchall()]
    assert sorted(got) == sorted(want)


def test_repeats_and_overlapping_files_are_duplicates(tmp_path, fast_used):
    con = fresh(tmp_path)
    (a,) = ingest(con, write(tmp_path / "a.csv", R1, R2, R1), "orders", tmp_path)
    assert (a.rows_in, a.rows_stored, a.rows_duplicate) == (3, 2, 1)
    # Other bytes (so not skipped by SHA-256), overlapping content: only the new line is stored.
    (b,) = ingest(con, write(tmp_path / "b.csv", R2, R3, R4, R3), "orders", tmp_path)
    assert (b.rows_in, b.rows_stored, b.rows_duplicate) == (4, 2, 2)
    assert fast_used == [True, True]
    n, distinct = con.execute("SELECT count(*), count(DISTINCT line_key) FROM order_lines").fetchone()
    assert n == distinct == 4
    # "17850" and "17850.0" are the same customer.
    assert (
        con.execute(
            "SELECT count(DISTINCT customer_key) FROM order_lines WHERE order_id = '536365'"
        ).fetchone()[0]
        == 1
    )


def test_line_numbers_follow_file_order_even_when_an_invoice_is_split(tmp_path, fast_used):
    con = fresh(tmp_path)
    r1b = R1.replace("85123A", "85123B")
    r1c = R1.replace("85123A", "85123C")
    ingest(con, write(tmp_path / "o.csv", R1, R3, r1b, R4, r1c), "orders", tmp_path)
    got = con.execute(
        "SELECT order_id, product_id, line_no FROM order_lines ORDER BY order_id, line_no"
    ).fetchall()
    assert got == [
        ("536365", "uci:85123A", 1),
        ("536365", "uci:85123B", 2),
        ("536365", "uci:85123C", 3),
        ("536366", "uci:22633", 1),
        ("C536379", "uci:D", 1),
    ]
    assert con.execute("SELECT status, quantity FROM order_lines WHERE order_id = 'C536379'").fetchone() == (
        "cancelled",
        1.0,
    )


def test_a_row_missing_a_required_value_takes_the_general_path(tmp_path, fast_used):
    con = fresh(tmp_path)
    (r,) = ingest(con, write(tmp_path / "o.csv", R1, R3.replace("22633", "  "), R4), "orders", tmp_path)
    assert fast_used == [False]
    assert (r.rows_stored, r.rows_quarantined) == (2, 1)
    row, col, code, raw = con.execute(
        "SELECT row_number, column_name, reason_code, raw FROM quarantine"
    ).fetchone()
    assert (row, col, code) == (2, "StockCode", "missing_required")
    assert "HAND WARMER UNION JACK" in raw


def test_product_title_ties_go_to_the_description_seen_first(tmp_path):
    con = fresh(tmp_path)
    rows = [R1.replace("WHITE HANGING HEART T-LIGHT HOLDER ", d).replace("2.55", p) for d, p in
            [("HEART HOLDER RED", "1"), ("HEART HOLDER WHITE", "2"), ("HEART HOLDER WHITE", "3"),
             ("HEART HOLDER RED", "4"), ("", "5")]]  # fmt: skip
    ingest(con, write(tmp_path / "o.csv", *rows), "orders", tmp_path)
    assert (
        con.execute("SELECT title FROM products WHERE product_id = 'uci:85123A'").fetchone()[0]
        == "HEART HOLDER RED"
    )


def test_the_compression_setting_is_restored(tmp_path):
    con = fresh(tmp_path)
    con.execute("SET disabled_compression_methods = 'bitpacking'")
    ingest(con, write(tmp_path / "o.csv", R1, R3), "orders", tmp_path)
    assert (
        con.execute("SELECT lower(current_setting('disabled_compression_methods'))").fetchone()[0]
        == "bitpacking"
    )
    con.execute("RESET disabled_compression_methods")
    ingest(con, write(tmp_path / "p.csv", R2), "orders", tmp_path)
    assert con.execute("SELECT current_setting('disabled_compression_methods')").fetchone()[0] == ""


def test_a_first_load_skips_repeats_of_the_keyed_text_and_keeps_the_first_row(tmp_path, fast_used):
    """On a first load lines go straight into order_lines; a repeat (same keyed text, also when the customer
    is written "17850.0") is skipped, and the kept line is the first in file order, even in a split invoice."""
    con = fresh(tmp_path)
    r1_float_customer = R1.replace(",17850,", ",17850.0,")
    (r,) = ingest(con, write(tmp_path / "o.csv", R1, R3, r1_float_customer, R2, R1), "orders", tmp_path)
    assert fast_used == [True]
    assert (r.rows_in, r.rows_stored, r.rows_duplicate) == (5, 3, 2)
    got = con.execute(
        "SELECT product_id, line_no FROM order_lines WHERE order_id = '536365' ORDER BY 2"
    ).fetchall()
    assert got == [("uci:85123A", 1), ("uci:71053", 3)]  # line_no: position in its invoice in the file
    n, distinct = con.execute("SELECT count(*), count(DISTINCT line_key) FROM order_lines").fetchone()
    assert n == distinct == 3
