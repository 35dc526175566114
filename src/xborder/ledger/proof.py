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

from xborder.core.errors import NotFoundError
from xborder.ledger.anchor import checkpoint
from xborder.ledger.merkle import (
    consistency_proof,
    inclusion_path,
    leaf_hash,
    tree_hash,
    verify_consistency,
    verify_inclusion,
)
from xborder.ledger.signing import SignedAnchor

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

    A signed checkpoint's signature is checked too (its public key is in the receipt); ``trusted_key``, when
    given, must be the key that signed it (the id the seller publishes).
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
            problems += _signature(cp, trusted_key)
        elif trusted_key:
            problems.append(f"the bundle has no checkpoint signed by {trusted_key}")
    except (KeyError, TypeError, ValueError) as exc:
        problems.append(f"the bundle is malformed: {exc}")
    return problems
