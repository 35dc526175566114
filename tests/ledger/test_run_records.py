"""Every ingest and run appends a ledger entry; verify recomputes them and names the first tampered entry.

Real data: two bundled demo exports (UCI Sentiment Labelled Sentences — the Amazon cell-phone reviews — and
UCI Sales Transactions Weekly, both CC BY 4.0, see DATA_LICENSES.md), ingested and analysed by the real
reviews stage.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from tests.conftest import shared_path
from xborder.core.settings import get_settings
from xborder.domains.reviews.stage import STAGE as REVIEWS
from xborder.ingest import ingest_path
from xborder.ingest.demo import demo_data_dir
from xborder.ledger.proof import check_bundle, proof_bundle
from xborder.ledger.runs import RUNS_BATCH, record_ingests, reseal
from xborder.ledger.verify import verify
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect

pytestmark = [
    pytest.mark.slow,
    pytest.mark.shared_data,
]  # # the module ingests two files and runs the reviews stage (about 15 s)

REVIEWS_FILE = "reviews_amazon_cells_labelled.txt"
SALES_FILE = "sales_uci_weekly.csv"
_REVIEWS_COPY = Path(tempfile.mkdtemp(prefix="xborder-ledger-test-")) / REVIEWS_FILE


def _path(name: str) -> Path:
    """The demo's weekly sales file, or the copy of the UCI review sentences."""
    return _REVIEWS_COPY if name == REVIEWS_FILE else demo_data_dir() / name


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Two real files ingested, the ingests recorded, then a real reviews run (recorded by the runner)."""
    tmp = tmp_path_factory.mktemp("ledger")
    db = tmp / "w.duckdb"
    # the demo bundles no review file since issue 14: the same UCI sentences from ../shared/data
    shutil.copy(
        shared_path("uci_sentiment_labelled_sentences", "amazon_cells_labelled.txt"), _path(REVIEWS_FILE)
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XBORDER_PSEUDONYM_KEY", "test-key-not-secret")
        mp.setenv("XBORDER_CONFIG", str(tmp / "no-config.toml"))
        settings = dataclasses.replace(get_settings(), db_path=str(db), report_dir=str(tmp / "report"))
        con = connect(db)
        try:
            for name in (REVIEWS_FILE, SALES_FILE):
                ingest_path(con, _path(name), None, settings=settings)
            record_ingests(con, origin="test")
            run_id, _ = run_stage(con, settings, REVIEWS, {})
        finally:
            con.close()
    return db, run_id


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy.duckdb"
    dst.write_bytes(src.read_bytes())
    return dst


def test_each_ingest_and_the_run_is_one_entry_with_its_facts(recorded: tuple[Path, str]) -> None:
    db, run_id = recorded
    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT seq, batch_id, event_type, document FROM ledger_entries ORDER BY seq"
        ).fetchall()
        log = dict(con.execute("SELECT file_name, sha256 FROM ingest_log").fetchall())
        reviews_rows = con.execute(
            "SELECT count(*) FROM review_analysis WHERE run_id = ?", [run_id]
        ).fetchone()
        rep = verify(con)
    finally:
        con.close()
    # each ingest is recorded at once; the weekly sales (42,172 rows stored, more than DIGEST_AT_INGEST_ROWS)
    # first with row counts only, completed with their digests by record_ingests before the run
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (1, RUNS_BATCH, "ingest"),
        (2, RUNS_BATCH, "ingest"),
        (3, RUNS_BATCH, "ingest"),
        (4, RUNS_BATCH, "run"),
    ]
    docs = [orjson.loads(r[3]) for r in rows]
    assert [Path(d["data"]["file"]).name for d in docs[:3]] == [REVIEWS_FILE, SALES_FILE, SALES_FILE]
    assert [d["origin"] for d in docs[:3]] == ["ingest", "ingest", "test"]
    pending, completed = docs[1]["data"], docs[2]["data"]
    assert pending["row_digests"] == "pending" and "row_digests" not in docs[0]["data"]
    assert completed["completes"] == 2 and "row_digests" not in completed
    assert {t: r["rows"] for t, r in pending["tables"].items()} == {
        t: r["rows"] for t, r in completed["tables"].items()
    }
    assert all("sha256" not in r for r in pending["tables"].values())
    assert all(len(r["sha256"]) == 64 for r in completed["tables"].values())
    by_file = {Path(d["data"]["file"]).name: d["data"] for d in (docs[0], docs[2])}
    # the file's SHA-256 is the one ingest computed, and the 1,000 review sentences are what it stored
    digest = hashlib.sha256(_path(REVIEWS_FILE).read_bytes()).hexdigest()
    assert by_file[REVIEWS_FILE]["file_sha256"] == digest == log[REVIEWS_FILE]
    assert by_file[REVIEWS_FILE]["rows_in"] == 1000
    assert by_file[REVIEWS_FILE]["tables"]["reviews"]["rows"] == by_file[REVIEWS_FILE]["rows_stored"]
    assert by_file[SALES_FILE]["kind"] == "sales"
    run = docs[3]["data"]
    assert run["run_id"] == run_id and run["kind"] == "reviews" and run["status"] == "ok"
    assert run["code"]["xborder"] and run["code"]["duckdb"]
    assert run["inputs"]["fingerprint"] and {Path(f["file"]).name for f in run["inputs"]["files"]} == {
        REVIEWS_FILE, SALES_FILE}  # fmt: skip
    assert run["outputs"]["review_analysis"]["rows"] == reviews_rows[0] > 0
    assert rep.ok, rep.problems
    assert rep.entries == 4 and rep.records_checked == len(run["outputs"]) + sum(
        len(d["data"]["tables"]) for d in (docs[0], docs[2])
    )


def test_a_changed_output_row_is_named_with_its_entry(recorded: tuple[Path, str], tmp_path: Path) -> None:
    db = _copy(recorded[0], tmp_path)
    con = connect(db)
    try:
        con.execute(
            "UPDATE review_analysis SET sentiment_score = 1 - sentiment_score WHERE rowid = (SELECT min(rowid) FROM review_analysis)"
        )
        rep = verify(con)
    finally:
        con.close()
    assert not rep.ok
    assert [(p.table, p.row, p.code) for p in rep.problems] == [
        ("review_analysis", "seq 4", "output_changed")
    ]
    assert rep.first_tampered == 4


def test_a_changed_input_row_and_a_changed_entry_name_the_first_tampered_entry(
    recorded: tuple[Path, str], tmp_path: Path
) -> None:
    db = _copy(recorded[0], tmp_path)
    con = connect(db)
    try:
        con.execute("DELETE FROM reviews WHERE rowid = (SELECT max(rowid) FROM reviews)")
        con.execute("UPDATE ledger_entries SET document = replace(document, '\"status\":\"ok\"', '\"status\":\"OK\"') "
                    "WHERE seq = 3")  # fmt: skip
        rep = verify(con)
    finally:
        con.close()
    codes = {(p.table, p.row, p.code) for p in rep.problems}
    assert ("reviews", "seq 1", "output_changed") in codes or ("reviews", "seq 2", "output_changed") in codes
    assert ("ledger_entries", "seq 3", "leaf_hash_mismatch") in codes
    assert rep.first_tampered in (1, 2)


def test_cli_verify_show_proof_anchor(recorded: tuple[Path, str], tmp_path: Path) -> None:
    from xborder.cli.main import app

    db = _copy(recorded[0], tmp_path)
    run = CliRunner().invoke
    out = run(app, ["--db", str(db), "--json", "ledger", "verify"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["ok"] is True
    shown = json.loads(run(app, ["--db", str(db), "--json", "ledger", "show", "--run", recorded[1]]).stdout)
    assert (
        shown["entries"][0]["seq"] == 4 and shown["entries"][0]["document"]["data"]["run_id"] == recorded[1]
    )
    anchors = tmp_path / "elsewhere" / "checkpoints.jsonl"
    res = run(app, ["--db", str(db), "--json", "ledger", "anchor", "--to", f"file:{anchors}"])
    assert res.exit_code == 0, res.output
    line = json.loads(anchors.read_text().splitlines()[0])
    assert line["size"] == 4 and line["root"] == json.loads(res.stdout)["log_root"]
    bundle_file = tmp_path / "proof.json"
    res = run(app, ["--db", str(db), "--json", "ledger", "proof", "--seq", "2", "--out", str(bundle_file)])
    assert res.exit_code == 0, res.output
    bundle = json.loads(bundle_file.read_text())
    assert bundle["log"]["root"] == line["root"] and bundle["checkpoint"]["log_size"] == 4
    assert run(app, ["--db", str(db), "ledger", "check-proof", str(bundle_file)]).exit_code == 0
    bundle["document"] = bundle["document"].replace('"type":"ingest"', '"type":"run"')
    bundle_file.write_text(json.dumps(bundle))
    res = run(app, ["--db", str(db), "ledger", "check-proof", str(bundle_file)])
    assert res.exit_code == 1 and "the document does not hash to leaf_hash" in res.output

    import duckdb

    con = duckdb.connect(str(db))
    con.execute(
        "UPDATE review_analysis SET sentiment_score = 1 - sentiment_score WHERE rowid = (SELECT min(rowid) FROM review_analysis)"
    )
    con.close()
    res = run(app, ["--db", str(db), "--json", "ledger", "verify"])
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert report["first_tampered"] == 4
    assert "the first tampered entry is seq 4" in str(res.exception)


def test_proof_bundles_of_every_entry_hold_and_a_changed_one_fails(recorded: tuple[Path, str]) -> None:
    con = connect(recorded[0], read_only=True)
    try:
        bundles = [proof_bundle(con, s) for s in (1, 2, 3, 4)]
    finally:
        con.close()
    for b in bundles:
        assert check_bundle(b) == []
    bad = dict(bundles[0], document=bundles[0]["document"].replace("ingest", "ingesT", 1))
    assert "the document does not hash to leaf_hash" in check_bundle(bad)


def test_a_legitimate_change_is_resealed_with_its_reason(recorded: tuple[Path, str], tmp_path: Path) -> None:
    """An erasure changes recorded rows: verify names them until ``reseal`` records why; the old entry stays."""
    db = _copy(recorded[0], tmp_path)
    con = connect(db)
    try:
        review = con.execute("SELECT review_id FROM reviews ORDER BY review_id LIMIT 1").fetchone()[0]
        con.execute("DELETE FROM review_analysis WHERE review_id = ?", [review])
        con.execute("DELETE FROM reviews WHERE review_id = ?", [review])
        before = verify(con)
        done = reseal(con, "erasure request 7")
        after = verify(con)
        docs = [
            orjson.loads(d)
            for (d,) in con.execute("SELECT document FROM ledger_entries ORDER BY seq").fetchall()
        ]
    finally:
        con.close()
    assert {(p.table, p.code) for p in before.problems} == {
        ("reviews", "output_changed"),
        ("review_analysis", "output_changed"),
    }
    assert done.stored == 2 and after.ok, after.problems
    assert [d["data"]["resealed"]["replaces"] for d in docs[4:]] == sorted(p.seq for p in before.problems)
    assert {d["data"]["resealed"]["reason"] for d in docs[4:]} == {"erasure request 7"}
    assert len(docs) == 6  # the four original entries are still there
