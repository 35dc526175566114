"""Signed tree heads per batch: every batch's RFC 6962 root signed with the ledger's Ed25519 key, checked by verify.

Real data: the first 40 shipment lines of Aurobindo Unit III in the USAID SCMS delivery history (3 material lots
and 40 product batches, 163 events, as in test_batches.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from tests.ledger.test_batches import _scms_rows, scms_chain
from xborder.core.errors import BadInputError
from xborder.ledger.batches import add_batch_events
from xborder.ledger.canonical import canonical_json
from xborder.ledger.consumer import consumer_page
from xborder.ledger.events import parse_event, parse_time
from xborder.ledger.heads import HEADS_BATCH, sign_heads, signed_heads
from xborder.ledger.merkle import leaf_hash
from xborder.ledger.proof import check_bundle, proof_bundle
from xborder.ledger.signing import SignedAnchor, create_key, rotate_key, verify_signature
from xborder.ledger.store import append_events, head_document
from xborder.ledger.verify import verify
from xborder.warehouse import connect

pytestmark = [pytest.mark.shared_data]


@pytest.fixture()
def chain(tmp_path: Path) -> tuple[Path, Path]:
    """A warehouse holding 43 supply-chain batches (163 events) and a signing key."""
    db, keys = tmp_path / "w.duckdb", tmp_path / "keys"
    con = connect(db)
    try:
        res = add_batch_events(con, scms_chain(_scms_rows()[:40]), origin="test")
        assert res.stored == 3 + 4 * 40
        create_key(con, keys, actor="cli:test")
    finally:
        con.close()
    return db, keys


def test_every_batch_head_is_signed_once_and_verifies(chain: tuple[Path, Path]) -> None:
    db, keys = chain
    con = connect(db)
    try:
        signed = sign_heads(con, keys, actor="cli:test")
        again = sign_heads(con, keys, actor="cli:test")
        rep = verify(con, records=False)
        one = verify(con, "SCMS-3")
        heads = signed_heads(con, "SCMS-3")
    finally:
        con.close()
    # 43 supply-chain batches and the key batch; the signed-heads batch is covered by checkpoints instead
    assert len(signed) == 44 and again == []
    assert HEADS_BATCH not in {h["batch"] for h in signed}
    assert rep.ok, rep.problems[:3]
    assert rep.signed_heads == 44 and one.ok and one.signed_heads == 1
    (h,) = heads
    assert (h["batch"], h["tree_size"]) == ("SCMS-3", 4) and h["root"] == one.roots["SCMS-3"]["root"]
    # the signature is Ed25519 over the head document whose SHA-256 seals the ledger_heads row
    doc = head_document("SCMS-3", 4, h["root"], h["last_seq"], parse_time(h["head_at"]))
    assert verify_signature(_public(keys), h["signature"], doc)
    assert not verify_signature(_public(keys), h["signature"], doc.replace(b'"size":4', b'"size":3'))


def _public(keys: Path) -> str:
    from cryptography.hazmat.primitives import serialization

    (pem,) = keys.glob("*.pem")
    private = serialization.load_pem_private_key(pem.read_bytes(), password=None)
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def test_a_rewritten_event_a_forged_head_and_a_retired_key_are_named(chain: tuple[Path, Path]) -> None:
    db, keys = chain
    con = connect(db)
    try:
        sign_heads(con, keys, batch_id="SCMS-3", actor="cli:test")
        # someone with write access appends a head of their own: a signature by nobody's key
        (h,) = signed_heads(con, "SCMS-3")
        fake = {k: h[k] for k in ("algorithm", "batch", "head_at", "key_id", "last_seq", "root", "tree_size")}
        fake["signature"] = "ab" * 64
        fake["head_at"] = "2031-01-01T00:00:00Z"
        append_events(con, [parse_event(HEADS_BATCH, {"type": "head", "at": "2031-01-01", "data": fake})])
        # after a rotation, the retired key (someone kept the file) signs the head of another batch
        rotate_key(con, keys, reason="laptop lost", actor="cli:test")
        with pytest.raises(BadInputError, match="not this ledger's current signing key"):
            sign_heads(con, keys / "retired", actor="cli:test")
        other, *row = con.execute(
            "SELECT batch_id, tree_size, root_hash, last_seq, created_at FROM ledger_heads "
            "WHERE batch_id LIKE 'SCMS-%' AND batch_id <> 'SCMS-3' ORDER BY batch_id, tree_size DESC LIMIT 1"
        ).fetchone()
        old = SignedAnchor(keys / "retired").submit(orjson.loads(head_document(other, *row)))
        data = {"algorithm": "ed25519", "batch": other, "head_at": orjson.loads(head_document(other, *row))["at"],
                "key_id": old["key_id"], "last_seq": row[2], "root": row[1], "signature": old["signature"],
                "tree_size": row[0]}  # fmt: skip
        append_events(con, [parse_event(HEADS_BATCH, {"type": "head", "at": row[3], "data": data})])
        clean = verify(con, records=False)
        # then one event of SCMS-3 is rewritten with its leaf hash recomputed (a consistent local edit)
        seq, document = con.execute(
            "SELECT seq, document FROM ledger_entries WHERE batch_id = 'SCMS-3' AND event_type = 'shipment'"
        ).fetchone()
        doc = orjson.loads(document)
        doc["data"]["to"] = "Kenya"
        text = canonical_json(doc)
        con.execute(
            "UPDATE ledger_entries SET document = ?, leaf_hash = ? WHERE seq = ?",
            [text.decode(), leaf_hash(text).hex(), seq],
        )
        one = verify(con, "SCMS-3")
    finally:
        con.close()
    got = {(p.row, p.code) for p in clean.problems}
    fake_seq = next(p.seq for p in clean.problems if p.code == "signed_head_forged")
    assert got == {(f"seq {fake_seq}", "signed_head_forged"), (f"seq {fake_seq + 2}", "key_retired")}, got
    assert any(p.code == "signed_head_root" for p in one.problems)
    assert {p.code for p in one.problems} >= {"signed_head_root", "signed_head_forged"}


def test_cli_sign_then_verify(chain: tuple[Path, Path]) -> None:
    from xborder.cli.main import app

    db, keys = chain
    run = CliRunner().invoke
    base = ["--db", str(db), "--json"]
    out = run(app, [*base, "ledger", "sign", "--batch", "SCMS-3", "--key-dir", str(keys)])
    assert out.exit_code == 0, out.output
    (h,) = json.loads(out.stdout)["signed"]
    assert (h["batch"], h["tree_size"]) == ("SCMS-3", 4)
    out = run(app, [*base, "ledger", "verify", "--batch", "SCMS-3"])
    assert out.exit_code == 0 and json.loads(out.stdout)["signed_heads"] == 1
    missing = run(app, [*base, "ledger", "sign", "--batch", "NO-SUCH", "--key-dir", str(keys)])
    assert "has no events" in str(missing.exception)
    con = connect(db, read_only=True)
    try:
        audit = con.execute(
            "SELECT action, target FROM audit_log WHERE action = 'ledger.heads.sign'"
        ).fetchall()
    finally:
        con.close()
    assert audit == [("ledger.heads.sign", "SCMS-3")]


def test_a_batch_proof_carries_the_signed_head_and_the_consumer_page_names_it(
    chain: tuple[Path, Path],
) -> None:
    db, keys = chain
    con = connect(db)
    try:
        kid = sign_heads(con, keys, batch_id="SCMS-3", actor="cli:test")[0]["key_id"]
        seq = con.execute(
            "SELECT seq FROM ledger_entries WHERE batch_id = 'SCMS-3' AND event_type = 'shipment'"
        ).fetchone()[0]
        bundle = proof_bundle(con, seq)
        page = consumer_page(con, "SCMS-3")
        unsigned = proof_bundle(con, con.execute("SELECT min(seq) FROM ledger_entries").fetchone()[0])
    finally:
        con.close()
    sh = bundle["signed_head"]
    assert (sh["tree_size"], sh["key_id"]) == (4, kid) and bundle["checkpoint"] is None
    # a consumer holding the seller's key id checks the entry from the bundle alone, no checkpoint needed
    assert check_bundle(bundle) == [] and check_bundle(bundle, trusted_key=kid) == []
    assert check_bundle(bundle, trusted_key="0123456789abcdef") == [
        f"the batch head is signed by {kid}, not by the trusted key 0123456789abcdef"
    ]
    bad = json.loads(json.dumps(bundle))
    bad["signed_head"]["root"] = bundle["batch"]["root"][::-1]
    assert check_bundle(bad) == [
        "the inclusion proof in the signed batch head does not lead to its root",
        f"the batch head's signature is not key {kid}'s over that head",
    ]
    assert unsigned["signed_head"] is None  # a material lot whose head was not signed
    from xborder.api.routers.ledger import BatchPage

    assert BatchPage.model_validate(page).signed is not None  # what GET /api/ledger/batches/{id} answers
    assert page["verified"] and page["signed"] == {
        "key_id": kid, "tree_size": 4, "root": sh["root"], "head_at": sh["head_at"]
    }  # fmt: skip


def test_batch_add_with_sign_signs_the_touched_batch_or_appends_nothing(chain: tuple[Path, Path]) -> None:
    from xborder.cli.main import app

    db, keys = chain
    row = _scms_rows()[40]  # the 41st Aurobindo line: a batch not in the ledger yet
    batch = f"SCMS-{row['ID']}"
    facts = json.dumps(
        {"from": "Aurobindo Unit III, India", "to": row["Country"], "mode": row["Shipment Mode"]}
    )
    args = ["--db", str(db), "--json", "ledger", "batch", "add", batch, "--type", "shipment", "--at", "2008-01-15",
            "--actor", row["Managed By"], "--data", facts, "--sign"]  # fmt: skip
    run = CliRunner().invoke
    refused = run(app, [*args, "--key-dir", str(keys.parent / "nokeys")])
    assert isinstance(refused.exception, BadInputError) and "holds 0 signing keys" in str(refused.exception)
    out = run(app, [*args, "--key-dir", str(keys)])
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    assert got["stored"] == 1 and [(h["batch"], h["tree_size"]) for h in got["signed"]] == [(batch, 1)]
    con = connect(db, read_only=True)
    try:
        rep = verify(con, batch)
        events = con.execute("SELECT count(*) FROM ledger_entries WHERE batch_id = ?", [batch]).fetchone()[0]
    finally:
        con.close()
    assert rep.ok and rep.signed_heads == 1 and events == 1  # the refused call appended nothing


def test_heads_are_signed_at_each_append_when_a_signing_key_is_configured(
    chain: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the ``ledger_signing_key_dir`` setting, an append signs the heads of the batches it touched, in its
    own transaction; an append that cannot be signed (no key in the folder) stores nothing."""
    db, keys = chain
    customs = {"type": "customs", "at": "2016-03-01T00:00:00Z", "data": {"country": "US", "cleared": True}}
    con = connect(db)
    try:
        append_events(con, [parse_event("SCMS-3", customs)], origin="test")
        assert signed_heads(con, "SCMS-3") == []  # not configured: signed on command only
        monkeypatch.setenv("XBORDER_LEDGER_SIGNING_KEY_DIR", str(keys))
        warehouse = {"type": "warehouse", "at": "2016-03-02T00:00:00Z", "data": {"warehouse": "US DC"}}
        res = append_events(con, [parse_event("SCMS-3", warehouse)], origin="test")
        heads = signed_heads(con, "SCMS-3")
        size = con.execute("SELECT count(*) FROM ledger_entries WHERE batch_id = 'SCMS-3'").fetchone()[0]
        assert [(h["tree_size"], h["root"]) for h in heads] == [(size, res.heads["SCMS-3"][1])]
        assert verify(con, "SCMS-3").ok and verify(con, records=False).ok
        # the other 42 batches were not touched: still unsigned, signed on command as before
        assert len(sign_heads(con, keys, actor="cli:test")) == 43
        before = con.execute("SELECT count(*) FROM ledger_entries").fetchone()[0]
        monkeypatch.setenv("XBORDER_LEDGER_SIGNING_KEY_DIR", str(keys.parent / "no-keys-here"))
        stock = {"type": "warehouse", "at": "2016-03-03T00:00:00Z", "data": {"warehouse": "US DC 2"}}
        with pytest.raises(BadInputError):
            append_events(con, [parse_event("SCMS-3", stock)], origin="test")
        assert con.execute("SELECT count(*) FROM ledger_entries").fetchone()[0] == before
    finally:
        con.close()
