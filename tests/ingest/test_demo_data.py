"""The bundled demo data: small, openly licensed, every file recognised, and reproducible from its script."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, SHARED_DATA, shared_path
from xborder.core.settings import Settings
from xborder.ingest.stage import run_ingest
from xborder.warehouse import connect

DEMO = ROOT / "data" / "demo"


def test_demo_folder_is_small_and_credited():
    files = [p for p in DEMO.iterdir() if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 15_000_000
    licenses = (ROOT / "DATA_LICENSES.md").read_text(encoding="utf-8")
    for p in files:
        if p.suffix != ".md":
            assert p.name in licenses, f"{p.name} is not credited in DATA_LICENSES.md"


def test_demo_holds_no_review_corpus_that_joins_no_product():
    # issue 14: reviews of other things (IMDb, Yelp, another shop's dresses) became fake candidates
    assert not [p.name for p in DEMO.iterdir() if "review" in p.name.lower()]


def test_run_ingest_loads_every_demo_file(tmp_path):
    con = connect(tmp_path / "demo.duckdb")
    s = Settings(pseudonym_key="test-key-not-secret", report_dir=str(tmp_path / "report"))
    out = run_ingest(con, s, run_id="test-run")
    assert {f["status"] for f in out["files"]} == {"ok"}
    assert {f["kind"] for f in out["files"]} == {"orders", "sales", "trends"}
    assert out["rows_in"] == out["rows_stored"] + out["rows_duplicate"] + out["rows_quarantined"]
    # The two UCI files overlap on 2010-12-01..09: those lines are counted once.
    n, distinct = con.execute("SELECT count(*), count(DISTINCT line_key) FROM order_lines").fetchone()
    assert n == distinct and out["rows_duplicate"] > 0
    again = run_ingest(con, s, run_id="test-run-2")
    assert {f["status"] for f in again["files"]} == {"skipped"} and again["rows_stored"] == 0


@pytest.mark.shared_data
@pytest.mark.slow
def test_demo_data_is_reproducible_from_the_script(tmp_path):
    shared_path("uci_online_retail")
    out = tmp_path / "demo"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_demo_data.py"), "--shared", str(SHARED_DATA), "--out", str(out)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    for p in DEMO.iterdir():
        if p.suffix != ".md":
            assert (out / p.name).read_bytes() == p.read_bytes(), p.name
