"""Helpers for ingest tests: a fresh warehouse, ingest with the test key, and the accounting invariant."""

from __future__ import annotations

from pathlib import Path

from xborder.core.settings import Settings
from xborder.ingest import IngestResult, ingest_path
from xborder.warehouse import connect

__all__ = ["settings_for", "ingest", "assert_balanced", "fresh"]


def settings_for(tmp_path: Path) -> Settings:
    return Settings(
        db_path=str(tmp_path / "wh.duckdb"),
        pseudonym_key="test-key-not-secret",
        report_dir=str(tmp_path / "report"),
    )


def fresh(tmp_path: Path):
    return connect(tmp_path / "wh.duckdb")


def assert_balanced(results: list[IngestResult]) -> None:
    for r in results:
        assert r.rows_in == r.rows_stored + r.rows_duplicate + r.rows_quarantined, r


def ingest(con, path, kind, tmp_path: Path, **kw) -> list[IngestResult]:
    res = ingest_path(con, path, kind, settings=settings_for(tmp_path), **kw)
    assert_balanced(res)
    got = con.execute(
        "SELECT sum(rows_in - rows_stored - rows_duplicate - rows_quarantined) FROM ingest_log"
    ).fetchone()[0]
    assert got in (0, None)
    return res
