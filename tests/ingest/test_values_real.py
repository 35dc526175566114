"""Values read right or not at all, on real files: a few damaged lines of UCI Online Retail quarantine
exactly those rows with the rule named, and the rest stores exactly what the undamaged lines store."""

from __future__ import annotations

import csv
import gzip

import pytest

from tests.conftest import shared_path
from tests.ingest.helpers import fresh, ingest
from tests.ingest.test_cli import run

N = 3000
SUMS = "SELECT count(*), sum(quantity), round(sum(quantity * unit_price), 2) FROM order_lines"


def _uci(n: int = N) -> tuple[str, list[str]]:
    path = shared_path("uci_online_retail", "online_retail.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        head, *lines = (next(fh) for _ in range(n + 1))
    return head, lines


def _damage(line: str, how: str) -> str:
    inv, code, desc, qty, when, price, cust, country = line.rstrip("\r\n").split(",")
    return {
        "far_future": f"{inv},{code},{desc},{qty},9999-12-31 08:26:00,{price},{cust},{country}",
        "year_2099": f"{inv},{code},{desc},{qty},2099-12-31 08:26:00,{price},{cust},{country}",
        "year_1": f"{inv},{code},{desc},{qty},0001-01-01 08:26:00,{price},{cust},{country}",
        "huge_quantity": f"{inv},{code},{desc},1e308,{when},{price},{cust},{country}",
        "unknown_country": f"{inv},{code},{desc},{qty},{when},{price},{cust},Atlantis",
        "extra_field": f"{inv},{code},{desc},{qty},{when},{price},{cust},{country},surplus",
        "unclosed_quote": f'{inv},{code},"{desc},{qty},{when},{price},{cust},{country}',
        "huge_field": f"{inv},{code},{'x' * 1_500_000},{qty},{when},{price},{cust},{country}",
    }[how] + "\n"


DAMAGE = {  # data row number (1 = first after the header) -> (damage, reason code, column)
    11: ("far_future", "date_out_of_range", "InvoiceDate"),
    222: ("year_2099", "date_out_of_range", "InvoiceDate"),
    333: ("year_1", "date_out_of_range", "InvoiceDate"),
    1444: ("huge_quantity", "too_large", "Quantity"),
    1555: ("unknown_country", "unknown_country", "Country"),
    2000: ("extra_field", "malformed_row", None),
    2500: ("unclosed_quote", "malformed_row", None),
    2900: ("huge_field", "field_too_long", None),
}


@pytest.mark.shared_data
def test_damaged_lines_of_a_real_file_quarantine_only_their_rows(tmp_path):
    head, lines = _uci()
    assert all(line.count(",") == 7 for r, line in enumerate(lines, 1) if r in DAMAGE)  # no quoted commas
    clean = tmp_path / "clean.csv"
    clean.write_text(head + "".join(x for r, x in enumerate(lines, 1) if r not in DAMAGE), encoding="utf-8")
    damaged = tmp_path / "damaged.csv"
    damaged.write_text(
        head + "".join(_damage(x, DAMAGE[r][0]) if r in DAMAGE else x for r, x in enumerate(lines, 1)),
        encoding="utf-8",
    )
    ref = fresh(tmp_path / "ref")
    (c,) = ingest(ref, clean, "orders", tmp_path)
    con = fresh(tmp_path / "got")
    (r,) = ingest(con, damaged, "orders", tmp_path)
    assert (r.rows_in, r.rows_stored, r.rows_duplicate, r.rows_quarantined) == (
        N, c.rows_stored, c.rows_duplicate, len(DAMAGE),
    )  # fmt: skip
    got = con.execute("SELECT row_number, reason_code FROM quarantine ORDER BY 1").fetchall()
    assert got == [(row, reason) for row, (_, reason, _) in sorted(DAMAGE.items())]
    named = dict(
        con.execute("SELECT row_number, column_name FROM quarantine WHERE column_name IS NOT NULL").fetchall()
    )
    assert named == {row: col for row, (_, _, col) in DAMAGE.items() if col}
    assert con.execute(SUMS).fetchone() == ref.execute(SUMS).fetchone()
    # No implausible value stored: the times are those of the undamaged lines (read by Python's csv).
    times = [row[4] for row in csv.reader(x for r, x in enumerate(lines, 1) if r not in DAMAGE)]
    lo, hi = con.execute("SELECT min(ordered_at), max(ordered_at) FROM order_lines").fetchone()
    assert (str(lo), str(hi)) == (min(times), max(times))


def test_a_device_given_as_input_gets_a_clear_message(tmp_path):
    for dev in ("/dev/zero", "/dev/null"):
        r = run(tmp_path, "ingest", dev, "--as", "orders")
        assert r.returncode == 2 and "not a regular file" in r.stderr and "Traceback" not in r.stderr, (
            r.stderr
        )
        assert dev in r.stderr
