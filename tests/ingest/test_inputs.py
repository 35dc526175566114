"""What `xborder ingest` reads: folders with sub-folders, the same file again with --force (real files)."""

from __future__ import annotations

import csv
import gzip
import json

import duckdb
import pytest

from tests.conftest import shared_path
from tests.ingest.helpers import fresh, ingest
from tests.ingest.test_cli import run

TRANSACTIONS = ("amazon_seller_central_us_bathmat_seller_2018_2020", "fees",
                "2019Oct1-2019Dec31CustomTransaction_no_buyer_location.csv.gz")  # fmt: skip
MAPPING = ('kind = "orders"\n[columns]\norder_id = "order id"\nordered_at = "date/time"\nproduct = "sku"\n'
           'quantity = "quantity"\n[constants]\ncurrency = "USD"\n')  # fmt: skip


def _uci_lines(n: int) -> list[str]:
    with gzip.open(
        shared_path("uci_online_retail", "online_retail.csv.gz"), "rt", encoding="utf-8", newline=""
    ) as fh:
        return [next(fh) for _ in range(n + 1)]  # header + n data lines


@pytest.mark.shared_data
def test_a_folder_is_read_with_its_sub_folders(tmp_path):
    """The first 2,000 lines of UCI Online Retail split over sub-folders load exactly as the file whole."""
    head, *lines = _uci_lines(2000)
    whole = tmp_path / "whole.csv"
    whole.write_text(head + "".join(lines), encoding="utf-8")
    folder = tmp_path / "exports"
    for rel, part in (("2010/orders.csv", lines[:700]), ("2011/q1/orders.csv", lines[700:]),
                      (".cache/orders.csv", lines[:50])):  # fmt: skip
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(head + "".join(part), encoding="utf-8")
    (folder / "2011" / "notes.md").write_text("not data\n", encoding="utf-8")
    con = fresh(tmp_path / "a")
    res = ingest(con, folder, "orders", tmp_path)
    # Hidden folders are skipped; a name keeps its sub-folder, so the two orders.csv stay apart.
    assert [(r.file_name, r.rows_in) for r in res] == [("2010/orders.csv", 700), ("2011/q1/orders.csv", 1300)]
    ref = fresh(tmp_path / "b")
    (one,) = ingest(ref, whole, "orders", tmp_path)
    assert one.rows_in == 2000
    assert sum(r.rows_stored for r in res) == one.rows_stored
    sql = "SELECT count(*), sum(quantity), round(sum(quantity * unit_price), 2) FROM order_lines"
    assert con.execute(sql).fetchone() == ref.execute(sql).fetchone()


@pytest.mark.shared_data
def test_force_reads_the_same_file_again_with_exact_accounting(tmp_path):
    """A Seller Central transaction report (502 rows): again = skipped; --force = read again, nothing twice."""
    f = shared_path(*TRANSACTIONS)
    with gzip.open(f, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = sum(1 for x in rows if not all(x[c].strip() for c in ("order id", "sku", "quantity")))
    m = tmp_path / "amazon.toml"
    m.write_text(MAPPING, encoding="utf-8")

    def go(*extra):
        r = run(tmp_path, "--json", "ingest", str(f), "--mapping", str(m), *extra)
        assert r.returncode == 0, r.stderr
        (res,) = json.loads(r.stdout)["results"]
        return (
            res["status"],
            res["rows_in"],
            res["rows_stored"],
            res["rows_duplicate"],
            res["rows_quarantined"],
        )

    assert go() == ("ok", 502, 502 - missing, 0, missing)
    assert go() == ("skipped", 502, 0, 502 - missing, missing)
    # Read again: the rows stored the first time are duplicates now, the quarantined ones quarantined again.
    assert go("--force") == ("ok", 502, 0, 502 - missing, missing)
    con = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM order_lines").fetchone()[0] == 502 - missing
    # The quarantine holds each input row once: the first ingest's rows were superseded, not added to.
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == missing
    assert con.execute("SELECT status, count(*) FROM ingest_log GROUP BY 1 ORDER BY 1").fetchall() == [
        ("ok", 1), ("skipped", 1), ("superseded", 1),
    ]  # fmt: skip
