"""The server's read copy for other processes stays openable while another request's transaction is open."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from xborder.api.db import Database


class _CatalogPeek:
    """A cursor that, after each of its statements, lets another open transaction list the tables (as an ingest does)."""

    def __init__(self, cur, other) -> None:
        self._cur, self._other = cur, other

    def execute(self, sql: str, *args):
        out = self._cur.execute(sql, *args)
        self._other.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
        return out

    def sql(self, query: str):
        out = self._cur.sql(query)
        self._other.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
        return out

    def close(self) -> None:
        self._cur.close()


def _opens(path: Path) -> subprocess.CompletedProcess:
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
        "print(c.execute('SELECT count(*) FROM t').fetchone()[0]); "
        "print(c.execute(\"SELECT comment FROM duckdb_columns() WHERE column_name = 'i'\").fetchone()[0])"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False
    )


def test_snapshot_opens_in_another_process_while_an_ingest_transaction_is_open(tmp_path) -> None:
    db = Database(tmp_path / "w.duckdb", cache_size=0)
    with db.write() as cur:
        cur.execute("CREATE TABLE t AS SELECT range AS i FROM range(1000)")
        cur.execute("COMMENT ON COLUMN t.i IS 'an ''id'''")
    ingest = db.cursor()
    ingest.execute("BEGIN")
    ingest.execute("INSERT INTO t SELECT range FROM range(10)")  # not committed: not in the copy
    plain = db.cursor
    db.cursor = lambda: _CatalogPeek(plain(), ingest)  # type: ignore[method-assign]
    try:
        path = db.snapshot(tmp_path / "snapshots")
        opened = _opens(path)
    finally:
        ingest.execute("ROLLBACK")
        ingest.close()
    # was: "Conflicting lock is held in ... (PID of the server)" — the attached copy stayed open
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.split("\n")[:2] == ["1000", "an 'id'"]  # committed rows only, comments kept
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # nothing left behind
