"""Signed tree heads per batch: a batch's RFC 6962 root signed with the ledger's Ed25519 key, kept in the ledger.

A tree head in ``ledger_heads`` is sealed by a SHA-256 only: whoever can write the warehouse can rewrite a batch's
history and its heads consistently. :func:`sign_heads` signs the latest head of each batch (its canonical head
document, the bytes whose SHA-256 is ``head_hash``) with the ledger's current signing key (the private key stays
in the key folder, :mod:`xborder.ledger.signing`) and appends the signature as a ``head`` entry of the batch
:data:`HEADS_BATCH` — the signed tree head of RFC 6962 §3.5, one per batch. :func:`check_signed_heads` (called by
``verify``, for the whole ledger and for one batch) recomputes the batch's root over the signed size, checks the
signature against the key registered in the ledger, and that the key was current when the head was signed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import duckdb
import orjson

from xborder.core.errors import BadInputError, NotFoundError
from xborder.ledger.canonical import iso_utc
from xborder.ledger.events import parse_event, parse_time
from xborder.ledger.merkle import leaf_hash, prefix_roots
from xborder.ledger.signing import ALGORITHM, SignedAnchor, registered_keys, verify_signature
from xborder.ledger.store import append_events, head_document

__all__ = ["HEADS_BATCH", "sign_heads", "signed_heads", "check_signed_heads"]

HEADS_BATCH = "xborder-heads"
"""The batch holding the signed tree heads of every other batch (it is covered by the ledger's checkpoints,
not by a signed head of its own)."""

Add = Callable[[str, str, str | None, str, str], None]


def _head_dict(batch_id: str, size: int, root: str, last_seq: int, at: dt.datetime) -> dict[str, Any]:
    """The head as the dict whose canonical JSON is :func:`xborder.ledger.store.head_document`."""
    return {"at": iso_utc(at), "batch": batch_id, "root": root, "seq": last_seq, "size": size}


def sign_heads(
    con: duckdb.DuckDBPyConnection,
    key_dir: str | Path | None,
    *,
    batch_id: str | None = None,
    among: Collection[str] | None = None,
    actor: str,
) -> list[dict[str, Any]]:
    """Sign the latest tree head of ``batch_id`` (or of every batch) not signed yet at its current size.

    Args:
        con: Writable warehouse connection.
        key_dir: Folder holding the ledger's current private key (None: the default key folder).
        batch_id: One batch; None signs every batch but :data:`HEADS_BATCH`.
        among: Only these batches (those an append just touched).
        actor: Who signs (``cli:<os user>``), stored as the entries' origin.

    Returns:
        One dict per head signed: batch, tree size, root, key id, ledger seq of the ``head`` entry.

    Raises:
        BadInputError: no current key in the folder (see :class:`~xborder.ledger.signing.SignedAnchor`).
        NotFoundError: ``batch_id`` has no events.
    """
    signer = SignedAnchor(key_dir)
    signer.require_current(con)
    if batch_id == HEADS_BATCH:
        raise BadInputError(
            f"{HEADS_BATCH} holds the signed heads themselves; `xborder ledger anchor --to signed` signs it."
        )
    latest = con.execute(
        """SELECT batch_id, tree_size, root_hash, last_seq, created_at FROM ledger_heads
           WHERE batch_id <> ? AND (? IS NULL OR batch_id = ?)
           QUALIFY tree_size = max(tree_size) OVER (PARTITION BY batch_id) ORDER BY batch_id""",
        [HEADS_BATCH, batch_id, batch_id],
    ).fetchall()
    if batch_id is not None and not latest:
        raise NotFoundError(f"Batch {batch_id!r} has no events in the ledger.", hint="`xborder ledger show`.")
    done = {(h["batch"], h["tree_size"]) for h in signed_heads(con)}
    events, out = [], []
    for batch, size, root, last_seq, created_at in latest:
        if (batch, int(size)) in done or (among is not None and batch not in among):
            continue
        receipt = signer.submit(_head_dict(batch, int(size), root, int(last_seq), created_at))
        data = {
            "algorithm": ALGORITHM,
            "batch": batch,
            "head_at": iso_utc(created_at),
            "key_id": receipt["key_id"],
            "last_seq": int(last_seq),
            "root": root,
            "signature": receipt["signature"],
            "tree_size": int(size),
        }
        events.append(
            parse_event(HEADS_BATCH, {"type": "head", "at": created_at, "data": data}, f"head {batch}")
        )
        out.append({"batch": batch, "tree_size": int(size), "root": root, "key_id": receipt["key_id"]})
    if events:
        res = append_events(con, events, origin=actor)
        for item, entry in zip(out, res.entries, strict=True):
            item["seq"] = entry.seq
    return out


def signed_heads(con: duckdb.DuckDBPyConnection, batch_id: str | None = None) -> list[dict[str, Any]]:
    """The signed heads in the ledger (of ``batch_id``, or all), each ``data`` plus its entry's ``seq`` and
    ``leaf_hash``; an entry whose document is no longer JSON is left out (the entry checks name it)."""
    out = []
    for seq, doc, stored in con.execute(
        "SELECT seq, document, leaf_hash FROM ledger_entries WHERE batch_id = ? AND event_type = 'head' "
        "AND (? IS NULL OR json_extract_string(document, '$.data.batch') = ?) ORDER BY seq",
        [HEADS_BATCH, batch_id, batch_id],
    ).fetchall():
        try:
            data = orjson.loads(doc)["data"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            continue
        if isinstance(data, dict):
            out.append({**data, "seq": int(seq), "leaf_hash": stored, "document": doc})
    return out


def _key_current_at(keys: Sequence[Any], key_id: str, seq: int) -> str | None:
    """None when ``key_id`` was the ledger's current key at entry ``seq``; else what is wrong."""
    for i, k in enumerate(keys):
        if k.key_id != key_id:
            continue
        if k.seq > seq:
            return f"signed by {key_id}, which was registered later (seq {k.seq})"
        if i + 1 < len(keys) and keys[i + 1].seq < seq:
            return f"signed by {key_id} after it was replaced by {keys[i + 1].key_id} (seq {keys[i + 1].seq})"
        return None
    return f"signed by {key_id}, which the ledger does not register"


def check_signed_heads(con: duckdb.DuckDBPyConnection, add: Add, batch_id: str | None = None) -> int:
    """Check every signed head (of ``batch_id``, or all): the root over the signed size, the last entry, the
    signature, the key. ``add(table, row, column, code, message)`` each problem; returns how many were checked.

    In one batch's verification the ``head`` entries' own leaf hashes are checked here too (the whole ledger's
    verification checks every entry anyway).
    """
    heads = signed_heads(con, batch_id)
    if not heads:
        return 0
    keys = registered_keys(con)
    batches = sorted({str(h.get("batch")) for h in heads})
    leaves: dict[str, list[tuple[int, bytes]]] = {}
    for b, seq, doc in con.execute(
        "SELECT batch_id, seq, document FROM ledger_entries WHERE batch_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) "
        "ORDER BY seq",
        [batches],
    ).fetchall():
        leaves.setdefault(b, []).append((int(seq), leaf_hash(doc.encode("utf-8"))))
    sizes: dict[str, list[int]] = {}
    for h in heads:
        if isinstance(h.get("tree_size"), int):
            sizes.setdefault(str(h.get("batch")), []).append(h["tree_size"])
    roots = {
        b: prefix_roots(
            [lh for _, lh in leaves.get(b, [])],
            [s for s in sizes.get(b, []) if 1 <= s <= len(leaves.get(b, []))],
        )
        for b in batches
    }
    for h in heads:
        where = f"seq {h['seq']}"
        if batch_id is not None and leaf_hash(h["document"].encode("utf-8")).hex() != h["leaf_hash"]:
            add("ledger_entries", where, "leaf_hash", "leaf_hash_mismatch",
                "SHA-256(0x00 || document) of this signed head is not its stored leaf hash")  # fmt: skip
        batch, size, kid = str(h.get("batch")), h.get("tree_size"), str(h.get("key_id"))
        items = leaves.get(batch, [])
        if not isinstance(size, int) or not 1 <= size <= len(items):
            add("ledger_entries", where, "document", "signed_head_size",
                f"the signed head of batch {batch} covers {size} events; the batch has {len(items)}")  # fmt: skip
            continue
        if roots[batch][size].hex() != h.get("root"):
            add("ledger_entries", where, "document", "signed_head_root",
                f"the signed root of batch {batch} at size {size} is not the recomputed root: its first {size} "
                "events were changed after they were signed")  # fmt: skip
        if items[size - 1][0] != h.get("last_seq"):
            add("ledger_entries", where, "document", "signed_head_seq",
                f"the signed head's last entry is not seq {items[size - 1][0]}, the batch's event {size}")  # fmt: skip
        try:
            doc = head_document(batch, size, str(h.get("root")), int(h.get("last_seq") or 0),
                                parse_time(h.get("head_at")))  # fmt: skip
        except (BadInputError, TypeError, ValueError):
            doc = b""
        key = next((k for k in keys if k.key_id == kid), None)
        if key is None or not verify_signature(key.public_key, str(h.get("signature")), doc):
            add("ledger_entries", where, "document", "signed_head_forged",
                f"the signature of batch {batch}'s head at size {size} is not key {kid}'s over that head")  # fmt: skip
        problem = _key_current_at(keys, kid, int(h["seq"]))
        if problem and key is not None:
            add("ledger_entries", where, "document", "key_retired", problem)
    return len(heads)
