"""Settings every warehouse connection gets."""

from __future__ import annotations

from pathlib import Path

from xborder.warehouse import connect


def test_duckdb_draws_no_progress_bar_on_stdout(tmp_path: Path) -> None:
    # its bar went to stdout in the middle of `xborder --json status` on a loaded machine (invalid JSON)
    for read_only in (False, True):
        con = connect(tmp_path / "w.duckdb", read_only=read_only)
        try:
            assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False
        finally:
            con.close()
