"""An erased person stays erased: a later ingest of an export holding them stores their sales unlinked (UCI Online
Retail customer 17850) and quarantines their own rows (a Datafiniti reviewer), with the row accounting exact."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import zipfile
from pathlib import Path

import pytest
from tests.conftest import shared_path

from xborder.core.errors import BadInputError, NotFoundError
from xborder.core.settings import Settings
from xborder.ingest import ingest_path
from xborder.ingest.pseudonym import pseudonymise
from xborder.privacy import erase_subject
from xborder.warehouse import connect
from xborder.warehouse.keys import warehouse_key

pytestmark = pytest.mark.shared_data

NOW = dt.datetime(2026, 12, 6, 12, 0)


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        db_path=str(tmp_path / "w.duckdb"),
        pseudonym_key_file=str(tmp_path / "a.key"),
        report_dir=str(tmp_path / "rej"),
        pseudonym_key="suppression-test-key",
    )


def _uci(tmp_path: Path, name: str, first: int, last: int) -> Path:
    """Data rows first..last (1-based) of UCI Online Retail with the header."""
    with gzip.open(shared_path("uci_online_retail", "online_retail.csv.gz"), "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(last + 1)]
    p = tmp_path / name
    p.write_text(lines[0] + "".join(lines[first : last + 1]), encoding="utf-8")
    return p


def _balanced(r) -> bool:  # noqa: ANN001
    return r.rows_in == r.rows_stored + r.rows_duplicate + r.rows_quarantined


def test_an_erased_customer_does_not_come_back_with_a_later_export(tmp_path) -> None:
    s = _settings(tmp_path)
    con = connect(tmp_path / "w.duckdb")
    first = ingest_path(con, _uci(tmp_path, "first.csv", 1, 200), "orders", settings=s)[0]
    assert first.rows_stored == 200
    key = warehouse_key(con, s)
    k17850 = pseudonymise(key, "uci", "17850")
    assert con.execute("SELECT count(*) FROM order_lines WHERE customer_key = ?", [k17850]).fetchone() == (
        45,
    )
    res = erase_subject(con, key, ["uci"], "17850", received_at=NOW, deadline_hours=48, done_by="t", now=NOW)
    assert res.rows["order_lines"]["unlinked"] == 45
    assert res.suppressed == 2  # "17850" in the namespaces uci and uci_order_customer
    assert con.execute(
        "SELECT count(*) FROM privacy_suppressions WHERE request_id = ?", [res.request_id]
    ).fetchone()[0] == len(res_keys := con.execute("SELECT subject_keys FROM privacy_requests").fetchone()[0])
    assert k17850 in res_keys

    # the same 200 rows again (CRLF: another SHA-256, so really re-read) and the next 1,800 rows (39 of 17850's)
    again = tmp_path / "again.csv"
    again.write_bytes((tmp_path / "first.csv").read_bytes().replace(b"\n", b"\r\n"))
    r_again = ingest_path(con, again, "orders", settings=s)[0]
    assert (r_again.rows_stored, r_again.rows_duplicate, r_again.rows_quarantined) == (0, 200, 0)
    later = ingest_path(con, _uci(tmp_path, "later.csv", 201, 2000), "orders", settings=s)[0]
    assert _balanced(later) and later.rows_in == 1800
    # sales are stored anonymous, as erasure left the earlier ones: nothing of 17850's is lost or linked
    assert con.execute("SELECT count(*) FROM order_lines WHERE customer_key = ?", [k17850]).fetchone() == (0,)
    assert con.execute(
        "SELECT count(*) FROM order_lines WHERE ingest_id = ? AND customer_key IS NULL", [later.ingest_id]
    ).fetchone() == (533 + 39,)  # 533 rows without a customer id in the file + 17850's 39
    assert con.execute("SELECT count(*) FROM order_lines").fetchone()[0] == 200 + later.rows_stored
    # the control: without the erasure the same later file links 39 rows to 17850
    con2 = connect(tmp_path / "w2.duckdb")
    ingest_path(con2, _uci(tmp_path, "later2.csv", 201, 2000), "orders", settings=s)
    assert con2.execute("SELECT count(*) FROM order_lines WHERE customer_key = ?", [k17850]).fetchone() == (
        39,
    )
    con2.close()
    con.close()


def _datafiniti_rows(n: int) -> tuple[list[str], list[list[str]]]:
    path = shared_path("datafiniti_amazon_consumer_reviews", "1429_1.csv.zip")
    with zipfile.ZipFile(path) as z:
        with z.open(z.namelist()[0]) as fh:
            reader = csv.reader(io.TextIOWrapper(fh, encoding="utf-8"))
            header = next(reader)
            return header, [row for _, row in zip(range(n), reader, strict=False)]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


@pytest.mark.slow
def test_an_erased_reviewers_new_reviews_are_quarantined_not_stored(tmp_path) -> None:
    s = _settings(tmp_path)
    header, rows = _datafiniti_rows(3000)
    user = header.index("reviews.username")
    names = [r[user] for r in rows]
    # the reviewer of the first 1,000 rows with the most reviews in rows 1,001..3,000
    person = max(set(names[:1000]) - {""}, key=lambda u: names[1000:].count(u))
    later_count = names[1000:].count(person)
    assert later_count >= 1
    con = connect(tmp_path / "w.duckdb")
    r1 = ingest_path(con, _write(tmp_path / "a.csv", header, rows[:1000]), "reviews", settings=s)[0]
    key = warehouse_key(con, s)
    res = erase_subject(
        con, key, ["datafiniti"], person, received_at=NOW, deadline_hours=48, done_by="t", now=NOW
    )
    assert (
        res.rows["reviews"]["deleted"]
        == r1.rows_stored - con.execute("SELECT count(*) FROM reviews").fetchone()[0]
        and res.rows["reviews"]["deleted"] >= 1
    )
    r2 = ingest_path(con, _write(tmp_path / "b.csv", header, rows[1000:]), "reviews", settings=s)[0]
    assert _balanced(r2)
    q = con.execute(
        "SELECT count(*), any_value(raw) FROM quarantine WHERE ingest_id = ? AND reason_code = 'erased_person'",
        [r2.ingest_id],
    ).fetchone()
    assert q[0] == later_count
    assert person not in q[1] and "review_id" in q[1]  # the row's non-personal columns, nothing of the person
    assert con.execute(
        "SELECT count(*) FROM reviews WHERE reviewer_key IN (SELECT unnest(?))", [res_keys(con)]
    ).fetchone() == (0,)
    con.close()


def res_keys(con) -> list[str]:  # noqa: ANN001
    return con.execute("SELECT subject_keys FROM privacy_requests").fetchone()[0]


def test_a_lifted_suppression_links_later_rows_again_and_is_recorded(tmp_path) -> None:
    """UCI customer 17850: erased (45 lines unlinked), suppression lifted with a reason, then rows 201..2,000
    are ingested: their 39 lines of 17850 are linked again, the 45 erased ones stay unlinked; a second
    erasure suppresses the person again."""
    from xborder.privacy.suppressions import lift_suppression, list_suppressions

    s = _settings(tmp_path)
    con = connect(tmp_path / "w.duckdb")
    ingest_path(con, _uci(tmp_path, "first.csv", 1, 200), "orders", settings=s)
    key = warehouse_key(con, s)
    k17850 = pseudonymise(key, "uci", "17850")
    res = erase_subject(con, key, ["uci"], "17850", received_at=NOW, deadline_hours=48, done_by="t", now=NOW)
    assert list_suppressions(con)[0]["active"] == 2
    with pytest.raises(BadInputError, match="needs a reason"):
        lift_suppression(con, res.request_id, reason=" ", lifted_by="cli:t", now=NOW)
    with pytest.raises(NotFoundError, match="nobody on the suppression list"):
        lift_suppression(con, "nope", reason="x", lifted_by="cli:t", now=NOW)
    later_at = NOW + dt.timedelta(days=3)
    assert (
        lift_suppression(con, res.request_id, reason="consent, ticket 4711", lifted_by="cli:t", now=later_at)
        == 2
    )
    assert lift_suppression(con, res.request_id, reason="again", lifted_by="cli:t", now=later_at) == 0
    assert list_suppressions(con) == []
    (row,) = list_suppressions(con, include_lifted=True)
    assert (row["active"], row["lifted"], row["lifted_by"], row["lift_reason"]) == (
        0, 2, "cli:t", "consent, ticket 4711",
    )  # fmt: skip
    later = ingest_path(con, _uci(tmp_path, "later.csv", 201, 2000), "orders", settings=s)[0]
    assert _balanced(later)
    assert con.execute(
        "SELECT count(*) FROM order_lines WHERE customer_key = ? AND ingest_id = ?", [k17850, later.ingest_id]
    ).fetchone() == (39,)
    assert con.execute("SELECT count(*) FROM order_lines WHERE customer_key = ?", [k17850]).fetchone() == (
        39,
    )
    # erased again: on the list again under the new request, lift cleared
    res2 = erase_subject(
        con, key, ["uci"], "17850", received_at=NOW, deadline_hours=48, done_by="t", now=later_at
    )
    assert res2.rows["order_lines"]["unlinked"] == 39
    (row2,) = list_suppressions(con)
    assert (row2["request_id"], row2["active"], row2["lifted"]) == (res2.request_id, 2, 0)
    con.close()


def test_the_cli_lists_and_lifts_a_suppression_with_an_audit_entry(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    import json

    from typer.testing import CliRunner

    from xborder.cli.main import app

    monkeypatch.setenv("XBORDER_PSEUDONYM_KEY", "suppression-test-key")
    db = str(tmp_path / "w.duckdb")
    run = CliRunner().invoke
    assert (
        run(app, ["--db", db, "ingest", str(_uci(tmp_path, "first.csv", 1, 200)), "--as", "orders"]).exit_code
        == 0
    )
    r = run(app, ["--db", db, "--json", "privacy", "erase", "17850", "--source", "uci"])
    assert r.exit_code == 0, r.output
    request_id = json.loads(r.output)["request_id"]
    r = run(app, ["--db", db, "--json", "privacy", "suppression", "list"])
    assert [(x["request_id"], x["active"]) for x in json.loads(r.output)] == [(request_id, 2)]
    r = run(app, ["--db", db, "privacy", "suppression", "lift", request_id])
    assert r.exit_code == 2 and "--reason" in r.output  # the reason is required
    r = run(
        app, ["--db", db, "--json", "privacy", "suppression", "lift", request_id, "--reason", "ticket 4711"]
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == {"request_id": request_id, "lifted": 2}
    con = connect(db)
    assert con.execute(
        "SELECT action, target, outcome, username LIKE 'cli:%', detail::JSON->>'reason' FROM audit_log "
        "WHERE action = 'privacy.suppression.lift'"
    ).fetchall() == [("privacy.suppression.lift", request_id, "ok", True, "ticket 4711")]
    assert con.execute(
        "SELECT count(*) FROM privacy_suppressions WHERE lifted_by LIKE 'cli:%' AND lift_reason = 'ticket 4711'"
    ).fetchone() == (2,)
    con.close()
