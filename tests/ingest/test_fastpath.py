"""The typed CSV fast path stores exactly what the general text path stores (it only changes the speed)."""

from __future__ import annotations

import pytest

import xborder.ingest.engine as engine
from tests.conftest import ROOT
from tests.ingest.helpers import fresh, ingest

DEMO = ROOT / "data" / "demo" / "orders_uci_online_retail_2010-2011.csv.gz"
COLS = "line_key, order_id, line_no, ordered_at, customer_key, product_id, country, quantity, unit_price, status, is_product"


def load(tmp_path, monkeypatch, *, fast: bool):
    used = []
    real = engine.fast_stage

    def spy(*a, **kw):
        st = real(*a, **kw)
        used.append(st is not None)
        return st

    monkeypatch.setattr(engine, "fast_stage", spy if fast else (lambda *a, **kw: None))
    con = fresh(tmp_path)
    (r,) = ingest(con, DEMO, "orders", tmp_path)
    rows = con.execute(f"SELECT {COLS} FROM order_lines ORDER BY line_key").fetchall()
    prods = con.execute("SELECT product_id, title, category, is_product FROM products ORDER BY 1").fetchall()
    return r, rows, prods, used


@pytest.mark.slow
def test_fast_and_general_paths_store_the_same(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ra, rows_a, prods_a, used = load(tmp_path / "a", monkeypatch, fast=True)
    assert used == [True]
    rb, rows_b, prods_b, _ = load(tmp_path / "b", monkeypatch, fast=False)
    assert (ra.rows_in, ra.rows_stored, ra.rows_duplicate) == (rb.rows_in, rb.rows_stored, rb.rows_duplicate)
    assert rows_a == rows_b
    assert prods_a == prods_b


def test_a_messy_file_falls_back_to_the_general_path(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        '536365,85123A,HEART,"1,000",2010-12-01 08:26:00,"2,55",17850,United Kingdom\n'
        "536366,85123A,HEART,6,12/01/2010 08:28,2.55,17850,United Kingdom\n",
        encoding="utf-8",
    )
    con = fresh(tmp_path)
    (r,) = ingest(con, p, "orders", tmp_path)
    assert (r.rows_stored, r.rows_quarantined) == (2, 0)
    got = con.execute(
        "SELECT quantity, unit_price, CAST(ordered_at AS VARCHAR) FROM order_lines ORDER BY ordered_at"
    ).fetchall()
    assert got == [(1000.0, 2.55, "2010-12-01 08:26:00"), (6.0, 2.55, "2010-12-01 08:28:00")]


def test_a_gzip_file_is_unpacked_for_the_parallel_read_when_it_fits(tmp_path):
    """DuckDB reads a gzip stream on one thread; the fast path unpacks it first (same bytes) and reads the
    plain copy. A stream whose size is not declared (truncated) is read as it is."""
    import gzip

    from xborder.ingest.fastpath import Probe, _unpacked
    from xborder.ingest.sniff import Dialect

    text = b"a,b\n1,2\n3,4\n" * 1000
    gz = tmp_path / "f.csv.gz"
    gz.write_bytes(gzip.compress(text))
    d = Dialect(",", '"', 0, True)
    out = _unpacked(Probe(gz, d, "utf-8", ["a", "b"], tmp_path / "plain.csv"))
    assert out == tmp_path / "plain.csv" and out.read_bytes() == text
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress(text)[:-4])
    assert _unpacked(Probe(cut, d, "utf-8", ["a", "b"], tmp_path / "plain2.csv")) == cut
    assert _unpacked(Probe(gz, d, "utf-8", ["a", "b"], None)) == gz


def test_the_cli_starts_unpacking_a_gzip_file_early_and_the_fast_path_reads_that_copy(tmp_path):
    """``start_unpack`` (called by ``xborder ingest`` before it opens the warehouse) makes a plain copy that
    ``_unpacked`` returns; plain files and truncated streams get none."""
    import gzip

    from xborder.core.unpack import start_unpack, unpacked
    from xborder.ingest.fastpath import Probe, _unpacked
    from xborder.ingest.sniff import Dialect

    text = b"a,b\n1,2\n" * 5000
    gz = tmp_path / "early.csv.gz"
    gz.write_bytes(gzip.compress(text))
    start_unpack(gz)
    copy = unpacked(gz)
    assert copy is not None and copy.read_bytes() == text and copy.parent != tmp_path
    d = Dialect(",", '"', 0, True)
    assert _unpacked(Probe(gz, d, "utf-8", ["a", "b"], tmp_path / "late.csv")) == copy
    assert not (tmp_path / "late.csv").exists()
    plain = tmp_path / "p.csv"
    plain.write_bytes(text)
    start_unpack(plain)
    assert unpacked(plain) is None
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(gzip.compress(text)[:200] + gzip.compress(text)[-8:])  # declares a size, stream cut short
    start_unpack(bad)
    assert unpacked(bad) is None


def test_the_early_hash_is_the_files_sha256_and_is_not_used_after_the_file_changed(tmp_path):
    """``start_unpack`` hashes the file beside the command's start; ``file_sha256`` takes that hash only while
    the file has the size and modification time it was hashed at."""
    import gzip
    import hashlib
    import os

    from xborder.core.unpack import known_sha256, start_unpack
    from xborder.ingest.formats import file_sha256

    for name, data in (("h.csv.gz", gzip.compress(b"a,b\n1,2\n" * 3000)), ("h.csv", b"a,b\n1,2\n" * 3000)):
        f = tmp_path / name
        f.write_bytes(data)
        start_unpack(f)
        assert known_sha256(f) == hashlib.sha256(data).hexdigest() == file_sha256(f)
        f.write_bytes(data + b"3,4\n")  # changed after the early hash: the early one must not be used
        os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 1_000_000))
        assert known_sha256(f) is None
        assert file_sha256(f) == hashlib.sha256(data + b"3,4\n").hexdigest()
