"""Signed checkpoints and key rotation: keys outside the warehouse, the old public key kept for verification.

Real data: the first 200 invoice lines of UCI Online Retail ingested (the ingest is recorded in the ledger at
once); the signatures are also checked by OpenSSL from the key's public bytes alone.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from tests.conftest import shared_path
from xborder.core.errors import BadInputError
from xborder.core.settings import get_settings
from xborder.ingest import ingest_path
from xborder.ledger.anchor import anchor_checkpoint, checkpoint, checkpoint_hash
from xborder.ledger.canonical import canonical_json
from xborder.ledger.events import parse_event
from xborder.ledger.proof import check_bundle, proof_bundle
from xborder.ledger.signing import KEYS_BATCH, SignedAnchor, create_key, registered_keys, rotate_key
from xborder.ledger.store import append_events
from xborder.ledger.verify import verify
from xborder.warehouse import connect

pytestmark = [pytest.mark.shared_data]


@pytest.fixture()
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse holding a real ingest (recorded at once) and no key yet."""
    monkeypatch.setenv("XBORDER_PSEUDONYM_KEY", "test-key-not-secret")
    monkeypatch.setenv("XBORDER_CONFIG", str(tmp_path / "none.toml"))
    lines = gzip.decompress(
        shared_path("uci_online_retail", "online_retail.csv.gz").read_bytes()
    ).splitlines()
    sample = tmp_path / "online_retail_head.csv"
    sample.write_bytes(b"\n".join(lines[:201]) + b"\n")
    db = tmp_path / "w.duckdb"
    settings = dataclasses.replace(get_settings(), db_path=str(db), report_dir=str(tmp_path / "rej"))
    con = connect(db)
    try:
        (res,) = ingest_path(con, sample, "orders", settings=settings)
        assert res.rows_in == 200
    finally:
        con.close()
    return db


def _anchor_row(con, size: int) -> tuple:  # noqa: ANN001
    return con.execute(
        "SELECT log_size, log_root, chain_hash, created_at, receipt FROM ledger_anchors "
        "WHERE log_size = ? AND anchor = 'signed'",
        [size],
    ).fetchone()


def test_sign_rotate_and_the_old_signature_still_verifies(ledger: Path, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    con = connect(ledger)
    try:
        # the ingest was recorded at once (200 rows: with its row digests), without a run
        assert con.execute("SELECT event_type, origin FROM ledger_entries").fetchall() == [
            ("ingest", "ingest")
        ]
        first = create_key(con, keys, actor="cli:test")
        signed_1 = anchor_checkpoint(con, SignedAnchor(keys))
        rotated = rotate_key(con, keys, reason="yearly rotation", actor="cli:test")
        signed_2 = anchor_checkpoint(con, SignedAnchor(keys))
        rep = verify(con, trusted_key=first["key_id"])
        history = registered_keys(con)
        row_1 = _anchor_row(con, 2)
    finally:
        con.close()
    assert rep.ok, rep.problems
    assert rep.signatures == 2 and rep.entries == 3
    assert [k.key_id for k in history] == [first["key_id"], rotated["key_id"]]
    assert history[0].retired_at == history[1].at and history[1].retired_at is None
    assert rotated["replaces"] == first["key_id"] and rotated["reason"] == "yearly rotation"
    assert (
        signed_1["receipt"]["key_id"] == first["key_id"]
        and signed_2["receipt"]["key_id"] == rotated["key_id"]
    )
    # the old private key left the folder; nothing private is in the warehouse
    assert sorted(p.name for p in keys.glob("*.pem")) == [f"{rotated['key_id']}.pem"]
    assert (keys / "retired" / f"{first['key_id']}.pem").exists()
    assert oct((keys / f"{rotated['key_id']}.pem").stat().st_mode & 0o777) == "0o600"
    assert "PRIVATE" not in ledger.read_bytes().decode("latin-1")
    # OpenSSL checks the first checkpoint's signature with the old public key alone
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    receipt = orjson.loads(row_1[4])
    doc = canonical_json(checkpoint(row_1[0], row_1[1], row_1[2], row_1[3]))
    spki = bytes.fromhex("302a300506032b6570032100") + bytes.fromhex(receipt["public_key"])  # RFC 8410 prefix
    (tmp_path / "pub.der").write_bytes(spki)
    (tmp_path / "cp.json").write_bytes(doc)
    (tmp_path / "cp.sig").write_bytes(bytes.fromhex(receipt["signature"]))
    args = ["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", str(tmp_path / "pub.der"),
            "-rawin", "-in", str(tmp_path / "cp.json"), "-sigfile", str(tmp_path / "cp.sig")]  # fmt: skip
    out = subprocess.run(args, capture_output=True, text=True, check=False)
    assert out.returncode == 0 and "Signature Verified Successfully" in out.stdout, out.stderr
    (tmp_path / "cp.json").write_bytes(doc.replace(b'"size":2', b'"size":3'))
    assert subprocess.run(args, capture_output=True, check=False).returncode != 0


def test_forged_signature_retired_key_and_a_key_without_endorsement_are_named(
    ledger: Path, tmp_path: Path
) -> None:
    keys = tmp_path / "keys"
    con = connect(ledger)
    try:
        first = create_key(con, keys, actor="cli:test")
        anchor_checkpoint(con, SignedAnchor(keys))  # size 2, by the first key
        rotate_key(con, keys, reason="laptop lost", actor="cli:test")
        # the retired key signs again after the rotation (someone kept the old file)
        with pytest.raises(Exception, match="not this ledger's current signing key"):
            SignedAnchor(keys / "retired").require_current(con)
        anchor_checkpoint(con, SignedAnchor(keys / "retired"))  # size 3, by the retired key
        # one hex digit of the first signature changed, the row's seal recomputed: only the signature tells
        size, root, chain, at, receipt_json = _anchor_row(con, 2)
        receipt = orjson.loads(receipt_json)
        sig = receipt["signature"]
        receipt["signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]
        forged = canonical_json(receipt).decode()
        con.execute(
            "UPDATE ledger_anchors SET receipt = ?, checkpoint_hash = ? WHERE log_size = 2 AND anchor = 'signed'",
            [forged, checkpoint_hash(checkpoint(size, root, chain, at), "signed", forged)],
        )
        # someone with write access registers their own key: it is not endorsed by the one it claims to replace
        intruder = create_key.__globals__["_new_private"]()
        raw = create_key.__globals__["_raw_public"](intruder)
        kid = create_key.__globals__["key_id_of"](raw)
        data = {"action": "rotate", "algorithm": "ed25519", "key_id": kid, "public_key": raw.hex(),
                "replaces": registered_keys(con)[-1].key_id, "endorsement": "00" * 64, "reason": "x"}  # fmt: skip
        append_events(con, [parse_event(KEYS_BATCH, {"type": "key", "at": "2030-01-01", "data": data})])
        rep = verify(con, trusted_key="0123456789abcdef", records=False)
        fine = verify(con, trusted_key=first["key_id"], records=False)
    finally:
        con.close()
    got = {(p.table, p.row, p.code) for p in rep.problems}
    assert ("ledger_anchors", "log_size 2 anchor signed", "anchor_rejects") in got
    assert ("ledger_anchors", "log_size 3 anchor signed", "key_retired") in got
    assert any(p.code == "key_not_endorsed" and p.row == "seq 4" for p in rep.problems)
    assert ("ledger_entries", f"batch {KEYS_BATCH}", "untrusted_keys") in got
    assert "untrusted_keys" not in {p.code for p in fine.problems} and not fine.ok


def test_a_bundle_carries_the_signed_checkpoint(ledger: Path, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    con = connect(ledger)
    try:
        first = create_key(con, keys, actor="cli:test")
        anchor_checkpoint(con)  # local, same size: the bundle prefers the signed one
        anchor_checkpoint(con, SignedAnchor(keys))
        bundle = proof_bundle(con, 1)
    finally:
        con.close()
    assert bundle["checkpoint"]["anchor"] == "signed"
    assert check_bundle(bundle) == [] and check_bundle(bundle, trusted_key=first["key_id"]) == []
    assert check_bundle(bundle, trusted_key="0123456789abcdef") == [
        f"the checkpoint is signed by {first['key_id']}, not by the trusted key 0123456789abcdef"
    ]
    bad = json.loads(json.dumps(bundle))
    bad["checkpoint"]["document"]["at"] = "2020-01-01T00:00:00Z"
    assert check_bundle(bad) == [f"the signature is not key {first['key_id']}'s over this checkpoint"]


def test_cli_key_new_rotate_list_audited(ledger: Path, tmp_path: Path) -> None:
    from xborder.cli.main import app

    run = CliRunner().invoke
    env = {"XBORDER_LEDGER_KEY_DIR": str(tmp_path / "keys")}
    base = ["--db", str(ledger)]
    out = run(app, [*base, "--json", "ledger", "key", "new"], env=env)
    assert out.exit_code == 0, out.output
    kid = json.loads(out.stdout)["key_id"]
    again = run(app, [*base, "ledger", "key", "new"], env=env)
    # app invoked directly: the BadInputError surfaces (main() prints it and exits 2)
    assert isinstance(again.exception, BadInputError) and "already has a signing key" in str(again.exception)
    blank = run(app, [*base, "ledger", "key", "rotate", "--reason", " "], env=env)
    assert isinstance(blank.exception, BadInputError) and "Say why the key is rotated" in str(blank.exception)
    out = run(app, [*base, "--json", "ledger", "key", "rotate", "--reason", "yearly rotation"], env=env)
    assert out.exit_code == 0, out.output
    new = json.loads(out.stdout)["key_id"]
    assert run(app, [*base, "ledger", "anchor", "--to", "signed"], env=env).exit_code == 0
    listed = json.loads(run(app, [*base, "--json", "ledger", "key", "list"], env=env).stdout)["keys"]
    assert [k["key_id"] for k in listed] == [kid, new] and listed[1]["replaces"] == kid
    out = run(app, [*base, "--json", "ledger", "verify", "--trusted-key", kid], env=env)
    assert out.exit_code == 0 and json.loads(out.stdout)["signatures"] == 1
    con = connect(ledger, read_only=True)
    try:
        audit = con.execute(
            "SELECT action, target, outcome, detail FROM audit_log WHERE action LIKE 'ledger.key.%' ORDER BY occurred_at"
        ).fetchall()
    finally:
        con.close()
    assert [(a, t, o) for a, t, o, _ in audit] == [
        ("ledger.key.new", kid, "ok"),
        ("ledger.key.rotate", new, "ok"),
    ]
    assert (
        json.loads(audit[1][3])["reason"] == "yearly rotation" and json.loads(audit[1][3])["replaces"] == kid
    )
