"""The offline RFC 3161 anchor: its request is one OpenSSL reads, a real TSA response (OpenSSL acting as the
TSA) is accepted by ``ledger verify`` and by ``openssl ts -verify``, and a changed file or a response for
another request is caught."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from xborder.ledger.anchor import anchor_checkpoint, anchor_for
from xborder.ledger.batches import add_batch_events, batch_event
from xborder.ledger.timestamp import generalized_time, read_timestamp_response, timestamp_request
from xborder.ledger.verify import verify
from xborder.warehouse import connect

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")

TSA_CONF = """[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
certs = $dir/tsa.crt
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> str:
    res = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 0, res.stderr
    return res.stdout + res.stderr


def _tsa(folder: Path) -> Path:
    folder.mkdir()
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.crt", "-subj",
             "/CN=xborder test TSA", "-days", "2", "-addext", "extendedKeyUsage=critical,timeStamping", cwd=folder)  # fmt: skip
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(TSA_CONF.format(dir=folder))
    return folder


def _stamp(tsa: Path, request: Path, response: Path) -> None:
    _openssl("ts", "-reply", "-config", str(tsa / "tsa.cnf"), "-queryfile", str(request), "-out", str(response),
             cwd=tsa)  # fmt: skip


def test_request_bytes_match_the_rfc_and_openssl_reads_them(tmp_path: Path) -> None:
    digest = bytes(range(32))
    req = timestamp_request(digest, 0x1234)
    # SEQUENCE { INTEGER 1, SEQUENCE { SEQUENCE { sha256 OID, NULL }, OCTET STRING(32) }, INTEGER 0x1234, TRUE }
    assert req.hex() == (
        "303d020101" "3031300d0609608648016503040201" "0500" "0420" + digest.hex() + "02021234" "0101ff"
    )  # fmt: skip
    (tmp_path / "r.tsq").write_bytes(req)
    text = _openssl("ts", "-query", "-in", "r.tsq", "-text", cwd=tmp_path)
    assert (
        "Hash Algorithm: sha256" in text and "Nonce: 0x1234" in text and "Certificate required: yes" in text
    )
    assert "00 01 02 03 04 05 06 07-08 09 0a 0b 0c 0d 0e 0f" in text


def test_a_checkpoint_stamped_by_a_tsa_verifies_and_a_wrong_response_is_caught(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    add_batch_events(con, [batch_event("LOT-1", "material", "2024-03-01", data={"material": "cotton"}),
                           batch_event("LOT-1", "inspection", "2024-03-02", data={"result": "pass"})])  # fmt: skip
    stamps = tmp_path / "stamps"
    res = anchor_checkpoint(con, anchor_for(f"rfc3161:{stamps}"))
    receipt = res["receipt"]
    assert sorted(p.name for p in stamps.iterdir()) == ["checkpoint-2.json", "checkpoint-2.tsq"]
    assert receipt["request_file"] == str(stamps / "checkpoint-2.tsq")
    assert verify(con).ok  # not stamped yet: the files match, nothing more is claimed

    tsa = _tsa(tmp_path / "tsa")
    tsq, tsr = stamps / "checkpoint-2.tsq", stamps / "checkpoint-2.tsr"
    _stamp(tsa, tsq, tsr)
    got = read_timestamp_response(tsr.read_bytes())
    assert (got["status"], got["digest"], got["nonce"]) == (0, receipt["sha256"], receipt["nonce"])
    assert abs((generalized_time(got["gen_time"]) - res["created_at"]).total_seconds()) < 120
    assert verify(con).ok
    # the third party's own check, without xborder: the TSA's signature over this request
    out = _openssl("ts", "-verify", "-queryfile", str(tsq), "-in", str(tsr), "-CAfile", str(tsa / "tsa.crt"),
                   cwd=tmp_path)  # fmt: skip
    assert "Verification: OK" in out

    # a response to another request (another digest) in its place
    other = tmp_path / "other.tsq"
    other.write_bytes(timestamp_request(bytes(32), receipt["nonce"]))
    _stamp(tsa, other, tsr)
    rep = verify(con)
    assert [p.code for p in rep.problems] == ["anchor_rejects"]
    assert "stamps another digest or nonce" in rep.problems[0].message
    # the original response back, then one byte of the checkpoint file changed
    _stamp(tsa, tsq, tsr)
    assert verify(con).ok
    body = (stamps / "checkpoint-2.json").read_bytes()
    (stamps / "checkpoint-2.json").write_bytes(body.replace(b'"size":2', b'"size":3'))
    rep = verify(con)
    assert [p.code for p in rep.problems] == ["anchor_rejects"] and "is not this checkpoint" in rep.problems[
        0
    ].message
    con.close()
