"""One batch is one transaction: a killed ingest leaves the warehouse as it was; the same file twice adds nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.conftest import ROOT, shared_path
from tests.ingest.helpers import fresh, ingest, settings_for
from tests.ingest.test_formats import write_csv
from xborder.warehouse import connect, table_counts

CHILD = textwrap.dedent(
    """
    import sys
    from xborder.ingest import ingest_path
    from xborder.core.settings import Settings
    from xborder.warehouse import connect
    con = connect(sys.argv[1])
    s = Settings(pseudonym_key="test-key-not-secret", report_dir=sys.argv[3])
    def progress(frac, msg):
        print(f"{frac:.2f} {msg}", flush=True)
    ingest_path(con, sys.argv[2], "orders", settings=s, progress=progress)
    print("DONE", flush=True)
    """
)


def snapshot(db):
    con = connect(db, read_only=True)
    try:
        counts = {t["table"]: t["rows"] for t in table_counts(con)}
        log = con.execute("SELECT ingest_id, rows_in, status FROM ingest_log ORDER BY ingest_id").fetchall()
        return counts, log
    finally:
        con.close()


@pytest.mark.shared_data
@pytest.mark.slow
def test_killed_ingest_leaves_the_warehouse_unchanged(tmp_path):
    db = tmp_path / "wh.duckdb"
    con = fresh(tmp_path)
    ingest(con, write_csv(tmp_path / "small.csv"), "orders", tmp_path)
    con.close()
    before = snapshot(db)
    big = shared_path("uci_online_retail", "online_retail.csv.gz")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(big), str(tmp_path / "rej")],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    # Wait until the child is writing (the "loading" stage), then kill it without warning.
    assert proc.stdout is not None
    for line in proc.stdout:
        if "loading" in line:
            break
    time.sleep(0.3)
    assert proc.poll() is None, "the ingest finished before it could be killed; the test proves nothing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(db) == before


def test_same_file_twice_adds_nothing(tmp_path):
    con = fresh(tmp_path)
    p = write_csv(tmp_path / "o.csv")
    (first,) = ingest(con, p, "orders", tmp_path)
    counts = {t["table"]: t["rows"] for t in table_counts(con) if t["table"] != "ingest_log"}
    (again,) = ingest(con, p, "orders", tmp_path)
    assert first.status == "ok" and again.status == "skipped"
    assert again.rows_stored == 0 and again.rows_duplicate == again.rows_in == first.rows_in
    assert {t["table"]: t["rows"] for t in table_counts(con) if t["table"] != "ingest_log"} == counts
    # A renamed copy (same bytes) is recognised by its SHA-256 too; an edited copy by its line keys.
    p2 = tmp_path / "copy.csv"
    p2.write_bytes(p.read_bytes() + b"\n")
    (edited,) = ingest(con, p2, "orders", tmp_path)
    assert edited.status == "ok" and edited.rows_stored == 0 and edited.rows_duplicate == first.rows_in


def test_failed_file_rolls_back_the_whole_folder(tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    write_csv(folder / "a_orders.csv")
    (folder / "b_broken.csv.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    con = fresh(tmp_path)
    from xborder.core.errors import BadInputError
    from xborder.ingest import ingest_path

    with pytest.raises(BadInputError, match="b_broken.csv.gz"):
        ingest_path(con, folder, "orders", settings=settings_for(tmp_path))
    assert con.execute("SELECT count(*) FROM order_lines").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM ingest_log").fetchone()[0] == 0
