"""RFC 3161 time-stamp anchor, offline: a checkpoint file and its time-stamp request for any public TSA.

``--to rfc3161:DIR`` writes ``checkpoint-<size>.json`` (the canonical checkpoint) and
``checkpoint-<size>.tsq`` (a DER ``TimeStampReq`` over its SHA-256, with a nonce, asking for the TSA's
certificate) into DIR; nothing leaves the machine. The owner sends the request to a time-stamping authority
when online (``curl -H 'Content-Type: application/timestamp-query' --data-binary @checkpoint-9.tsq
https://freetsa.org/tsr > checkpoint-9.tsr``) and keeps the ``.tsr`` beside it. ``ledger verify`` then checks
that the files are this checkpoint and that the response grants a token over this checkpoint's digest
and nonce; the TSA's signature is checked by ``openssl ts -verify -queryfile checkpoint-9.tsq -in
checkpoint-9.tsr -CAfile <the TSA's CA>`` (see docs/ledger.md), which anyone can run without xborder.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

from xborder.core.errors import BadInputError
from xborder.ledger.canonical import canonical_json, sha256_hex

__all__ = ["Rfc3161Anchor", "timestamp_request", "read_timestamp_response", "generalized_time", "SHA256_OID"]

SHA256_OID = bytes.fromhex("0609608648016503040201")  # 2.16.840.1.101.3.4.2.1, DER with tag and length
_TST_INFO_OID = bytes.fromhex("060b2a864886f70d0109100104")  # 1.2.840.113549.1.9.16.1.4 id-ct-TSTInfo


def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def timestamp_request(digest: bytes, nonce: int) -> bytes:
    """DER ``TimeStampReq`` (RFC 3161 §2.4.1): version 1, SHA-256 ``digest``, ``nonce``, certReq TRUE."""
    imprint = _tlv(0x30, _tlv(0x30, SHA256_OID + b"\x05\x00") + _tlv(0x04, digest))
    return _tlv(0x30, _int(1) + imprint + _int(nonce) + b"\x01\x01\xff")


def _items(der: bytes) -> list[tuple[int, bytes]]:
    """The (tag, content) of each DER element in ``der`` (definite lengths only, as DER requires)."""
    out, i = [], 0
    while i < len(der):
        if i + 2 > len(der):
            raise ValueError("truncated element")
        tag, first = der[i], der[i + 1]
        i += 2
        if first & 0x80:
            k = first & 0x7F
            if k == 0 or k > 4 or i + k > len(der):
                raise ValueError("bad length")
            n = int.from_bytes(der[i : i + k], "big")
            i += k
        else:
            n = first
        if i + n > len(der):
            raise ValueError("element longer than its container")
        out.append((tag, der[i : i + n]))
        i += n
    return out


def read_timestamp_response(der: bytes) -> dict[str, Any]:
    """The parts of a DER ``TimeStampResp`` (RFC 3161 §2.4.2) xborder checks: ``status`` (0 granted, 1 granted
    with modifications), and from the token's ``TSTInfo``: ``digest`` (hex), ``nonce``, ``gen_time``, ``policy``.
    The signature is not checked here (``openssl ts -verify`` does).

    Raises:
        ValueError: not a time-stamp response.
    """
    ((tag, resp),) = _items(der)
    parts = _items(resp)
    if tag != 0x30 or not parts or parts[0][0] != 0x30:
        raise ValueError("not a TimeStampResp")
    status = int.from_bytes(_items(parts[0][1])[0][1], "big", signed=True)
    out: dict[str, Any] = {"status": status}
    if len(parts) < 2:
        return out
    content_info = _items(parts[1][1])  # OID signedData, [0] SignedData
    signed = _items(_items(content_info[1][1])[0][1])  # version, digestAlgorithms, encapContentInfo, ...
    encap = _items(signed[2][1])
    if _tlv(0x06, encap[0][1]) != _TST_INFO_OID:
        raise ValueError("the token does not hold a TSTInfo")
    tst = _items(_items(_items(encap[1][1])[0][1])[0][1])  # [0] EXPLICIT OCTET STRING -> TSTInfo SEQUENCE
    alg, digest = _items(tst[2][1])
    if _items(alg[1])[0] != (0x06, SHA256_OID[2:]):
        raise ValueError("the token's imprint is not SHA-256")
    out.update(digest=digest[1].hex(), policy=tst[1][1].hex(), gen_time=tst[4][1].decode("ascii"))
    for t, body in tst[5:]:
        if (
            t == 0x02
        ):  # the first INTEGER after genTime is the nonce (accuracy is a SEQUENCE, ordering a BOOLEAN)
            out["nonce"] = int.from_bytes(body, "big", signed=True)
            break
    return out


class Rfc3161Anchor:
    """Writes the checkpoint and an RFC 3161 request for it into a folder; checks a response kept beside it."""

    name = "rfc3161"

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = None if folder is None else Path(folder).expanduser().resolve()

    def submit(self, checkpoint: dict[str, Any]) -> dict[str, Any]:
        """Write ``checkpoint-<size>.json`` and ``.tsq``; the receipt names them, the digest and the nonce."""
        if self.folder is None:
            raise BadInputError(
                "The rfc3161 anchor needs a folder.",
                hint="Use --to rfc3161:/path/timestamps (created if missing).",
            )
        body = canonical_json(checkpoint)
        digest = bytes.fromhex(sha256_hex(body))
        nonce = secrets.randbits(52)  # a JSON-safe integer (the receipt is RFC 8785 JSON)
        stem = self.folder / f"checkpoint-{checkpoint['size']}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stem.with_suffix(".json").write_bytes(body)
            stem.with_suffix(".tsq").write_bytes(timestamp_request(digest, nonce))
        except OSError as exc:
            raise BadInputError(
                f"Cannot write the time-stamp request into {self.folder}: {exc.strerror}.",
                hint="Give a writable folder.",
            ) from None
        return {"anchor": self.name, "checkpoint_file": str(stem.with_suffix(".json")),
                "request_file": str(stem.with_suffix(".tsq")), "sha256": digest.hex(), "nonce": nonce}  # fmt: skip

    def check(self, checkpoint: dict[str, Any], receipt: dict[str, Any]) -> str | None:
        """The files must be this checkpoint and its request; a ``.tsr`` beside the request, when there is one,
        must grant a token over the same digest and nonce. None when all holds."""
        body = canonical_json(checkpoint)
        if sha256_hex(body) != receipt.get("sha256"):
            return "the receipt's digest is not this checkpoint's"
        try:
            kept = Path(str(receipt.get("checkpoint_file"))).read_bytes()
            request = Path(str(receipt.get("request_file"))).read_bytes()
        except OSError as exc:
            return f"cannot read the checkpoint or request file: {exc.strerror}"
        nonce = receipt.get("nonce")
        if kept != body:
            return f"{receipt.get('checkpoint_file')} is not this checkpoint"
        if not isinstance(nonce, int) or request != timestamp_request(
            bytes.fromhex(receipt["sha256"]), nonce
        ):
            return f"{receipt.get('request_file')} is not the request for this checkpoint"
        response = Path(str(receipt["request_file"])).with_suffix(".tsr")
        if not response.exists():
            return None  # not stamped yet: the files still prove nothing beyond this warehouse
        try:
            got = read_timestamp_response(response.read_bytes())
        except (ValueError, IndexError, UnicodeDecodeError) as exc:
            return f"{response} is not an RFC 3161 response ({exc})"
        if got["status"] not in (0, 1):
            return f"{response}: the TSA refused the request (status {got['status']})"
        if got.get("digest") != receipt["sha256"] or got.get("nonce") != nonce:
            return f"{response} stamps another digest or nonce than this checkpoint's request"
        return None


def generalized_time(text: str) -> dt.datetime:
    """A GeneralizedTime of a token (``20261206213000Z``, fractions allowed) as a naive UTC datetime."""
    whole = text.rstrip("Z").split(".")[0]
    return dt.datetime.strptime(whole, "%Y%m%d%H%M%S")
