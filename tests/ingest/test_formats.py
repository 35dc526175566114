"""Formats and encodings: the same small order export written every supported way gives the same rows."""

from __future__ import annotations

import gzip
import json
import zipfile

import pandas as pd
import pytest

from tests.ingest.helpers import fresh, ingest

ROWS = [
    # invoice, stock code, description (multi-line, quotes, delimiters, non-ASCII), qty, date, price, customer, country
    (
        "536365",
        "85123A",
        "WHITE HANGING HEART T-LIGHT HOLDER",
        "6",
        "2010-12-01 08:26:00",
        "2.55",
        "17850",
        "United Kingdom",
    ),
    (
        "536366",
        "22633",
        'HAND WARMER "UNION JACK", red;blue|tab\there',
        "6",
        "2010-12-01 08:28:00",
        "1.85",
        "17850",
        "EIRE",
    ),
    (
        "536367",
        "84879",
        "ASSORTED COLOUR BIRD ORNAMENT\nsecond line",
        "32",
        "2010-12-01 08:34:00",
        "1.69",
        "13047",
        "France",
    ),
    ("C536379", "D", "Discount", "-1", "2010-12-01 09:41:00", "27.5", "14527", "RSA"),
    (
        "536370",
        "22728",
        "café crème £ € 茶杯 中文描述",
        "24",
        "2010-12-01 08:45:00",
        "3.75",
        "12583",
        "Germany",
    ),
]
HEADER = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]


def frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=HEADER)


def write_csv(path, sep=",", encoding="utf-8", rows=ROWS):
    df = pd.DataFrame(rows, columns=HEADER)
    df.to_csv(path, sep=sep, index=False, encoding=encoding)
    return path


def check(con, r, n=len(ROWS)):
    assert (r.rows_in, r.rows_stored, r.rows_quarantined) == (n, n, 0), r
    got = dict(con.execute("SELECT product_id, title FROM products").fetchall())
    return got


CASES = {
    "comma": lambda p: write_csv(p / "o.csv"),
    "tab": lambda p: write_csv(p / "o.tsv", sep="\t"),
    "semicolon": lambda p: write_csv(p / "o.csv", sep=";"),
    "pipe": lambda p: write_csv(p / "o.txt", sep="|"),
    "utf8_bom": lambda p: write_csv(p / "o.csv", encoding="utf-8-sig"),
    "gb18030": lambda p: write_csv(p / "o.csv", encoding="gb18030"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_delimiters_and_encodings(tmp_path, case):
    con = fresh(tmp_path)
    (r,) = ingest(con, CASES[case](tmp_path), "orders", tmp_path)
    titles = check(con, r)
    assert titles["uci:22728"] == "café crème £ € 茶杯 中文描述"
    assert titles["uci:84879"] == "ASSORTED COLOUR BIRD ORNAMENT\nsecond line"
    assert titles["uci:22633"] == 'HAND WARMER "UNION JACK", red;blue|tab\there'


def test_cp1252_latin(tmp_path):
    rows = [r if r[1] != "22728" else (*r[:2], "café crème £ € naïve", *r[3:]) for r in ROWS]
    con = fresh(tmp_path)
    (r,) = ingest(con, write_csv(tmp_path / "o.csv", encoding="cp1252", rows=rows), "orders", tmp_path)
    assert check(con, r)["uci:22728"] == "café crème £ € naïve"


def test_latin_bytes_after_a_long_ascii_start(tmp_path):
    """The first 256 kB look like UTF-8; a Latin-1 byte far down the file still decodes (whole-file re-detection)."""
    rows = [
        (f"5{i:05d}", "85123A", "PLAIN ASCII LINE", "1", "2010-12-01 08:26:00", "2.55", "17850", "France")
        for i in range(6000)
    ]
    rows.append(("599999", "22728", "crème brûlée", "1", "2010-12-01 08:26:00", "2.55", "17850", "France"))
    con = fresh(tmp_path)
    (r,) = ingest(con, write_csv(tmp_path / "o.csv", encoding="latin-1", rows=rows), "orders", tmp_path)
    assert r.rows_stored == len(rows) and r.rows_quarantined == 0
    assert (
        con.execute("SELECT title FROM products WHERE product_id = 'uci:22728'").fetchone()[0]
        == "crème brûlée"
    )


def test_gzip_zip_parquet_xlsx_jsonl(tmp_path):
    src = write_csv(tmp_path / "o.csv")
    gz = tmp_path / "o.csv.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    zp = tmp_path / "o.zip"
    with zipfile.ZipFile(zp, "w") as z:
        z.write(src, "inner/o.csv")
        z.writestr("__MACOSX/._o.csv", b"junk")
    pq = tmp_path / "o.parquet"
    frame().to_parquet(pq)
    xl = tmp_path / "o.xlsx"
    frame().to_excel(xl, index=False)
    jl = tmp_path / "o.jsonl"
    jl.write_text(
        "\n".join(json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS) + "\n",
        encoding="utf-8",
    )
    for path in (gz, zp, pq, xl, jl):
        sub = tmp_path / path.suffix.strip(".")
        sub.mkdir()
        con = fresh(sub)
        (r,) = ingest(con, path, "orders", sub)
        assert check(con, r)["uci:22728"] == "café crème £ € 茶杯 中文描述", path.name
        # Same lines whatever the format: the content keys agree with the CSV's.
        con.close()


def test_title_lines_before_header(tmp_path):
    p = tmp_path / "export.csv"
    p.write_text(
        "Category: All categories\n\nWeek,phone case: (Germany),phone case: (France)\n2024-01-07,55,<1\n2024-01-14,60,3\n",
        encoding="utf-8",
    )
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "trends", tmp_path)
    assert (r.rows_in, r.rows_stored) == (2, 2)
    rows = con.execute(
        "SELECT keyword, market_code, ds, value, freq FROM search_trends ORDER BY market_code, ds"
    ).fetchall()
    assert [(k, m, str(d), v, f) for k, m, d, v, f in rows] == [
        ("phone case", "DE", "2024-01-07", 55.0, "week"), ("phone case", "DE", "2024-01-14", 60.0, "week"),
        ("phone case", "FR", "2024-01-07", 0.5, "week"), ("phone case", "FR", "2024-01-14", 3.0, "week"),
    ]  # fmt: skip


def test_bad_rows_are_quarantined_with_file_row_column_reason(tmp_path):
    rows = [*ROWS, ("536999", "85123A", "x", "six", "2010-12-01 08:26:00", "2.55", "", "France"),
            ("537000", "85123A", "x", "1", "31/31/2010", "2.55", "", "France")]  # fmt: skip
    p = write_csv(tmp_path / "bad.csv", rows=rows)
    with open(p, "a", encoding="utf-8") as fh:
        fh.write("537001,85123A,too,many,fields,here,1,2,3\n")
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path, reject_dir=tmp_path / "rej")
    assert (r.rows_in, r.rows_stored, r.rows_quarantined) == (8, 5, 3)
    rej = pd.read_csv(r.rejected_csv, dtype=str)
    assert list(rej.columns) == ["file", "row_number", "column", "value", "reason", "detail"]
    got = {(x.row_number, x.column, x.reason) for x in rej.itertuples()}
    assert ("6", "Quantity", "bad_number") in got
    assert ("7", "InvoiceDate", "bad_timestamp") in got
    assert any(row == "8" and reason == "malformed_row" for row, _, reason in got)


def test_optional_columns_may_be_absent(tmp_path):
    """Found by the property test: a UCI export without Description, CustomerID and Country still loads."""
    p = tmp_path / "minimal.csv"
    p.write_text(
        "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice\n536365,85123A,6,2010-12-01 08:26:00,2.55\n",
        encoding="utf-8",
    )
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert (r.rows_in, r.rows_stored) == (1, 1)
    assert con.execute("SELECT customer_key, country, currency FROM order_lines").fetchone() == (
        None,
        None,
        "GBP",
    )


def test_row_numbers_stay_right_after_a_malformed_row(tmp_path):
    """Rows after a row DuckDB rejects keep their true data-row numbers in quarantine."""
    p = tmp_path / "o.csv"
    lines = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"]
    lines += [
        f"5{i:05d},85123A,HEART,1,2010-12-01 08:26:00,2.55,17850,France" for i in range(1, 4)
    ]  # rows 1-3
    lines += ["536999,too,few"]  # row 4: malformed
    lines += ["537000,85123A,HEART,six,2010-12-01 08:26:00,2.55,17850,France"]  # row 5: bad number
    lines += ["537001,85123A,HEART,1,2010-12-01 08:26:00,2.55,17850,France,extra"]  # row 6: malformed
    lines += ["537002,85123A,HEART,1,not a date,2.55,17850,France"]  # row 7: bad timestamp
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert (r.rows_in, r.rows_stored, r.rows_quarantined) == (7, 3, 4)
    got = con.execute("SELECT row_number, reason_code FROM quarantine ORDER BY row_number").fetchall()
    assert got == [(4, "malformed_row"), (5, "bad_number"), (6, "malformed_row"), (7, "bad_timestamp")]
