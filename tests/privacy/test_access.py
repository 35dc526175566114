"""The access log of personal data on real UCI Online Retail rows: `xborder customers` reads per-customer rows and
is logged (who, command, table, columns, rows), from a writable and from a read-only connection alike, and
`xborder privacy access` lists it."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from tests.clirun import run_cli
from tests.conftest import shared_path

from xborder.privacy.access import list_reads, log_reads, pending_path, reads_of
from xborder.warehouse import connect

pytestmark = pytest.mark.shared_data


def _cli(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    code, out, err = run_cli(argv, monkeypatch, capsys)
    return code, out + err


def test_customer_reads_are_logged_and_listed(tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("XBORDER_PSEUDONYM_KEY", "access-test-key")
    with gzip.open(shared_path("uci_online_retail", "online_retail.csv.gz"), "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(2001)]
    f = tmp_path / "o.csv"
    f.write_text("".join(lines), encoding="utf-8")
    invoices: dict[str, set[str]] = {}
    for r in csv.reader(lines[1:]):
        if r[6]:
            invoices.setdefault(r[6], set()).add(r[0])
    # 72 customers, 4 of whom only cancelled (invoices C...): 68 customers with a purchase
    buyers = [c for c, inv in invoices.items() if not all(i.startswith("C") for i in inv)]
    db = str(tmp_path / "w.duckdb")
    assert _cli(["--db", db, "ingest", str(f)], monkeypatch, capsys)[0] == 0
    code, out = _cli(
        ["--db", db, "--json", "customers", "rfm"], monkeypatch, capsys
    )  # runs the stage: writable
    assert code == 0, out
    code, out = _cli(
        ["--db", db, "--json", "customers", "clv", "--run", "latest"], monkeypatch, capsys
    )  # read-only
    assert code == 0, out
    assert pending_path(
        db
    ).is_file()  # the read-only command could not write the table: the side file holds it
    code, out = _cli(["--db", db, "--json", "privacy", "access"], monkeypatch, capsys)
    assert code == 0, out
    rows = json.loads(out)
    assert not pending_path(db).exists()  # moved into personal_reads
    assert [r["command"] for r in rows] == ["xborder customers clv", "xborder customers rfm"]
    for r in rows:
        assert r["actor"] == f"cli:{getpass.getuser()}" and r["channel"] == "cli"
        assert r["table_name"] == "customer_scores" and r["columns"] == ["customer_key"]
        assert r["rows_read"] == len(buyers) == 68  # every customer with a purchase in the 2,000 rows
        assert not r["pending"]
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM personal_reads").fetchone() == (2,)
    con.close()
    # a command that reads no per-customer row logs nothing
    _cli(["--db", db, "privacy", "key"], monkeypatch, capsys)
    assert len(json.loads(_cli(["--db", db, "--json", "privacy", "access"], monkeypatch, capsys)[1])) == 2


def test_reads_of_counts_only_rows_holding_personal_values(tmp_path: Path) -> None:
    frames = {
        "customer_scores": pd.DataFrame({"customer_key": ["a", None, "c"], "segment": ["x", "y", "z"]}),
        "customer_segments": pd.DataFrame({"segment": ["x"], "customers": [3]}),  # no personal column
        "reviews": pd.DataFrame({"text": [None], "title": [None], "reviewer_key": [None]}),  # all empty
    }
    assert reads_of(frames) == {"customer_scores": (["customer_key"], 2)}
    db = tmp_path / "w.duckdb"
    con = connect(db)
    when = dt.datetime(2026, 12, 6, 9, 0)
    n = log_reads(con, db, actor="ana", channel="api", command="GET /x", frames=frames, now=when)
    assert n == 1 and list_reads(con, db)[0]["read_at"] == when and not pending_path(db).exists()
    assert list_reads(con, db, since=when + dt.timedelta(seconds=1)) == []
    con.close()
