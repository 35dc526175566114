"""Proof bundles: one entry's document with its RFC 6962 inclusion proofs, checkable without the warehouse.

A bundle proves an entry twice: in its batch's tree (against the batch's current root) and in the whole
ledger's tree (every entry in chain order, the tree a checkpoint anchors), plus — when a checkpoint was
anchored — a consistency proof that the anchored tree is a prefix of today's. :func:`check_bundle` redoes
every hash from the bundle alone, so a bundle handed to a buyer or an auditor proves the entry to anyone who
also holds the root (from the anchor file, a printed checkpoint, a QR payload).
"""

from __future__ import annotations

from typing import Any

import duckdb
import orjson

from xborder.core.errors import BadInputError, NotFoundError
from xborder.ledger.anchor import checkpoint
from xborder.ledger.events import parse_time
from xborder.ledger.heads import signed_heads
from xborder.ledger.merkle import (
    consistency_proof,
    inclusion_path,
    leaf_hash,
    tree_hash,
    verify_consistency,
    verify_inclusion,
)
from xborder.ledger.signing import SignedAnchor, key_id_of, registered_keys, verify_signature
from xborder.ledger.store import head_document

__all__ = ["BUNDLE_FORMAT", "entry_seq_for_run", "proof_bundle", "check_bundle"]

BUNDLE_FORMAT = "xborder.ledger.proof/1"


def entry_seq_for_run(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """The seq of the latest ledger entry recording run (or ingest) ``run_id``."""
    row = con.execute(
        "SELECT max(seq) FROM ledger_entries WHERE json_extract_string(document, '$.data.run_id') = ? "
        "OR json_extract_string(document, '$.data.ingest_id') = ?",
        [run_id, run_id],
    ).fetchone()
    if row is None or row[0] is None:
        raise NotFoundError(
            f"No ledger entry records run or ingest {run_id!r}.",
            hint="List entries with `xborder ledger show`; runs that ended before the ledger existed have none.",
        )
    return int(row[0])


def _hashes(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[bytes]:
    return [bytes.fromhex(h) for (h,) in con.execute(sql, params).fetchall()]


def proof_bundle(con: duckdb.DuckDBPyConnection, seq: int) -> dict[str, Any]:
    """The proof bundle of entry ``seq`` (plain JSON)."""
    row = con.execute(
        "SELECT batch_id, leaf_index, document, leaf_hash FROM ledger_entries WHERE seq = ?", [seq]
    ).fetchone()
    if row is None:
        raise NotFoundError(f"No ledger entry {seq}.", hint="List entries with `xborder ledger show`.")
    batch, index, document, stored = row
    batch_hashes = _hashes(
        con, "SELECT leaf_hash FROM ledger_entries WHERE batch_id = ? ORDER BY leaf_index", [batch]
    )
    log_hashes = _hashes(con, "SELECT leaf_hash FROM ledger_entries ORDER BY seq", [])
    bundle: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "seq": seq,
        "document": document,
        "leaf_hash": stored,
        "batch": {
            "batch_id": batch,
            "leaf_index": int(index),
            "tree_size": len(batch_hashes),
            "root": tree_hash(batch_hashes).hex(),
            "path": [h.hex() for h in inclusion_path(int(index), batch_hashes)],
        },
        "log": {
            "leaf_index": seq - 1,
            "tree_size": len(log_hashes),
            "root": tree_hash(log_hashes).hex(),
            "path": [h.hex() for h in inclusion_path(seq - 1, log_hashes)] if seq <= len(log_hashes) else [],
        },
        "checkpoint": None,
        "signed_head": _signed_head(con, batch, int(index), batch_hashes),
    }
    anchored = con.execute(
        "SELECT log_size, log_root, anchor, receipt, chain_hash, created_at FROM ledger_anchors WHERE log_size = "
        "(SELECT max(log_size) FROM ledger_anchors WHERE log_size <= ?) ORDER BY anchor <> 'signed', anchor",
        [len(log_hashes)],
    ).fetchone()
    if anchored is not None:
        size = int(anchored[0])
        bundle["checkpoint"] = {
            "log_size": size,
            "log_root": anchored[1],
            "anchor": anchored[2],
            "receipt": anchored[3],
            "consistency": [h.hex() for h in consistency_proof(size, log_hashes)],
            "document": checkpoint(size, anchored[1], anchored[4], anchored[5]),
        }
    return bundle


def _signed_head(
    con: duckdb.DuckDBPyConnection, batch: str, index: int, batch_hashes: list[bytes]
) -> dict[str, Any] | None:
    """The latest signed head of ``batch`` that covers leaf ``index``, with the leaf's inclusion path in the signed
    tree and the signing key's public key (so the bundle alone proves the entry under the seller's signature)."""
    keys = {k.key_id: k.public_key for k in registered_keys(con)}
    for h in reversed(signed_heads(con, batch)):
        size = h.get("tree_size")
        if isinstance(size, int) and index < size <= len(batch_hashes) and h.get("key_id") in keys:
            fields = ("tree_size", "root", "last_seq", "head_at", "key_id", "signature")
            return {
                **{f: h.get(f) for f in fields},
                "public_key": keys[h["key_id"]],
                "path": [p.hex() for p in inclusion_path(index, batch_hashes[:size])],
            }
    return None


def _head_signature(bundle: dict[str, Any], leaf: bytes) -> list[str]:
    """The entry is in the signed head's tree, and the head is signed by the key it names."""
    sh, batch = bundle["signed_head"], bundle["batch"]
    size, root, kid = sh["tree_size"], sh["root"], sh["key_id"]
    out = []
    path = [bytes.fromhex(h) for h in sh["path"]]
    if not verify_inclusion(batch["leaf_index"], size, leaf, path, bytes.fromhex(root)):
        out.append("the inclusion proof in the signed batch head does not lead to its root")
    if key_id_of(bytes.fromhex(sh["public_key"])) != kid:
        out.append(f"the signed head's key id {kid} is not its public key's")
    try:
        doc = head_document(batch["batch_id"], size, root, sh["last_seq"], parse_time(sh["head_at"]))
    except BadInputError:
        doc = b""
    if not verify_signature(sh["public_key"], sh["signature"], doc):
        out.append(f"the batch head's signature is not key {kid}'s over that head")
    return out


def _signature(cp: dict[str, Any], trusted_key: str | None) -> list[str]:
    if cp.get("anchor") != SignedAnchor.name:
        return [f"the bundle's checkpoint is not signed (anchor {cp.get('anchor')})"] if trusted_key else []
    doc, receipt = cp["document"], orjson.loads(cp["receipt"])
    if doc.get("size") != cp["log_size"] or doc.get("root") != cp["log_root"]:
        return ["the signed checkpoint document is not the bundle's checkpoint"]
    problem = SignedAnchor().check(doc, receipt)
    if problem:
        return [problem]
    if trusted_key and receipt.get("key_id") != trusted_key:
        return [f"the checkpoint is signed by {receipt.get('key_id')}, not by the trusted key {trusted_key}"]
    return []


def check_bundle(bundle: dict[str, Any], *, trusted_key: str | None = None) -> list[str]:
    """Every hash of a bundle redone from the bundle alone; the problems (empty when it proves its entry).

    A signed checkpoint's signature is checked too (its public key is in the receipt), and so is the batch's
    signed tree head (:mod:`xborder.ledger.heads`) with the entry's inclusion in it; ``trusted_key``, when given,
    must be the key that signed them (the id the seller publishes): either one signed by it proves the entry.
    """
    problems = []
    try:
        leaf = leaf_hash(str(bundle["document"]).encode("utf-8"))
        if leaf.hex() != bundle["leaf_hash"]:
            problems.append("the document does not hash to leaf_hash")
        for name in ("batch", "log"):
            part = bundle[name]
            path = [bytes.fromhex(h) for h in part["path"]]
            if not verify_inclusion(
                part["leaf_index"], part["tree_size"], leaf, path, bytes.fromhex(part["root"])
            ):
                problems.append(f"the {name} inclusion proof does not lead to the {name} root")
        sh = bundle.get("signed_head")
        if sh:
            problems += _head_signature(bundle, leaf)
            if trusted_key and sh["key_id"] != trusted_key:
                problems.append(
                    f"the batch head is signed by {sh['key_id']}, not by the trusted key {trusted_key}"
                )
        cp = bundle.get("checkpoint")
        if cp:
            proof = [bytes.fromhex(h) for h in cp["consistency"]]
            log = bundle["log"]
            if not verify_consistency(
                cp["log_size"],
                log["tree_size"],
                bytes.fromhex(cp["log_root"]),
                bytes.fromhex(log["root"]),
                proof,
            ):
                problems.append("the anchored checkpoint is not a prefix of the log the bundle proves")
            if cp.get("anchor") == SignedAnchor.name or not sh:
                problems += _signature(cp, trusted_key)  # else the signed batch head carries the trusted key
        elif trusted_key and not sh:
            problems.append(f"the bundle has no checkpoint signed by {trusted_key}")
    except (KeyError, TypeError, ValueError) as exc:
        problems.append(f"the bundle is malformed: {exc}")
    return problems
