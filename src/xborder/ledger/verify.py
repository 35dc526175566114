"""Proving a batch's history (or the whole ledger's): recompute every hash, the chain, the trees, the heads.

Every column of the three ledger tables is covered: an entry's columns must equal the fields of its
document, the document must hash to its leaf hash and be in canonical form, its ``prev`` must be the
previous entry's leaf hash; each head must be the recomputed root of its batch's first ``tree_size``
entries and its ``head_hash`` must seal its columns; each checkpoint must be the recomputed root of the
first ``log_size`` entries, sealed by ``checkpoint_hash``, with a receipt its anchor still accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb
import orjson

from xborder.ledger.anchor import anchor_for, checkpoint, checkpoint_hash
from xborder.ledger.canonical import canonical_json, iso_utc, sha256_hex
from xborder.ledger.events import DOCUMENT_VERSION, ZERO_HASH, event_key, parse_time
from xborder.ledger.heads import check_signed_heads
from xborder.ledger.merkle import leaf_hash, prefix_roots
from xborder.ledger.runs import check_records
from xborder.ledger.signing import check_keys
from xborder.ledger.store import head_document

__all__ = ["Problem", "Verification", "verify"]

_SEQ = re.compile(r"seq (\d+)$")

_ENTRY_COLS = (
    "seq, batch_id, leaf_index, event_type, occurred_at, recorded_at, origin, event_key, prev_hash, document, "
    "leaf_hash"
)
_DOC_KEYS = {"at", "batch", "data", "index", "key", "origin", "prev", "recorded", "seq", "type", "v"}
# column -> (document field, how the column is written there)
_FIELDS: dict[str, tuple[str, Any]] = {
    "seq": ("seq", int),
    "batch_id": ("batch", str),
    "leaf_index": ("index", int),
    "event_type": ("type", str),
    "occurred_at": ("at", iso_utc),
    "recorded_at": ("recorded", iso_utc),
    "origin": ("origin", lambda v: v),
    "event_key": ("key", str),
    "prev_hash": ("prev", str),
}


@dataclass(frozen=True)
class Problem:
    """One thing that does not hold: which table and row, which column, a code and what it means."""

    table: str
    row: str
    column: str | None
    code: str
    message: str

    @property
    def seq(self) -> int | None:
        """The ledger entry the problem is about (``row`` ``seq N``), else None."""
        m = _SEQ.match(self.row)
        return int(m.group(1)) if m else None


@dataclass
class Verification:
    """The outcome of :func:`verify`: what was checked, the recomputed roots, and every problem found."""

    scope: str
    entries: int = 0
    batches: int = 0
    heads: int = 0
    anchors: int = 0
    records_checked: int = 0
    signatures: int = 0
    signed_heads: int = 0
    roots: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return not self.problems

    def add(self, table: str, row: str, column: str | None, code: str, message: str) -> None:
        """Record a problem."""
        self.problems.append(Problem(table, row, column, code, message))

    @property
    def first_tampered(self) -> int | None:
        """The earliest ledger entry (seq) a problem names: where the history stops being the recorded one."""
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON for ``--json`` and the API."""
        return {**asdict(self), "ok": self.ok, "first_tampered": self.first_tampered}


@dataclass
class _Entry:
    seq: int
    batch_id: str
    leaf_index: int
    leaf: bytes  # recomputed from the document


def _check_entry(rep: Verification, row: tuple[Any, ...]) -> _Entry:
    cols = dict(zip([c.strip() for c in _ENTRY_COLS.split(",")], row, strict=True))
    where = f"seq {cols['seq']}"
    doc_text: str = cols["document"]
    computed = leaf_hash(doc_text.encode("utf-8"))
    if computed.hex() != cols["leaf_hash"]:
        rep.add("ledger_entries", where, "leaf_hash", "leaf_hash_mismatch",
                "SHA-256(0x00 || document) is not the stored leaf hash: the document or the hash was changed")  # fmt: skip
    entry = _Entry(int(cols["seq"]), str(cols["batch_id"]), int(cols["leaf_index"]), computed)
    try:
        doc = orjson.loads(doc_text)
    except orjson.JSONDecodeError:
        rep.add("ledger_entries", where, "document", "document_not_json", "the document is not JSON")
        return entry
    if not isinstance(doc, dict) or set(doc) != _DOC_KEYS or doc.get("v") != DOCUMENT_VERSION:
        rep.add("ledger_entries", where, "document", "document_fields",
                f"the document does not have exactly the fields of a version {DOCUMENT_VERSION} entry")  # fmt: skip
        return entry
    for col, (name, show) in _FIELDS.items():
        value = cols[col]
        try:
            stored = show(value) if value is not None else None
        except (TypeError, ValueError):
            stored = value
        if stored != doc[name] or (col in ("seq", "leaf_index") and isinstance(doc[name], bool)):
            rep.add("ledger_entries", where, col, "column_mismatch",
                    f"{col} {stored!r} is not the document's {name} {doc[name]!r}")  # fmt: skip
    if canonical_json(doc) != doc_text.encode("utf-8"):
        rep.add("ledger_entries", where, "document", "not_canonical", "the document is not in canonical form")
    try:
        key = event_key(doc["batch"], doc["type"], parse_time(doc["at"]), doc["data"])
    except Exception:  # a document changed into something that is no event
        key = None
    if key != doc["key"]:
        rep.add("ledger_entries", where, "event_key", "event_key_mismatch",
                "the event key is not the hash of the document's batch, type, time and data")  # fmt: skip
    return entry


def _chain(
    rep: Verification, rows: list[tuple[Any, ...]], before: dict[int, tuple[str, bytes]], full: bool
) -> None:
    """prev_hash of each entry = leaf hash of the entry before it (whose own leaf hash must be genuine)."""
    seqs = [int(r[0]) for r in rows]
    if full and seqs != list(range(1, len(seqs) + 1)):
        gaps = sorted(set(range(1, (max(seqs) if seqs else 0) + 1)) - set(seqs))
        rep.add("ledger_entries", "chain", "seq", "chain_gap",
                f"the chain's positions are not 1..{len(seqs)}: missing {gaps[:10]}")  # fmt: skip
    for r in rows:
        seq, prev = int(r[0]), r[8]
        if seq == 1:
            if prev != ZERO_HASH:
                rep.add(
                    "ledger_entries",
                    "seq 1",
                    "prev_hash",
                    "chain_broken",
                    "the first entry's prev_hash is not 64 zeros",
                )
            continue
        hit = before.get(seq - 1)
        if hit is None:
            rep.add(
                "ledger_entries",
                f"seq {seq}",
                "prev_hash",
                "chain_gap",
                f"entry {seq - 1} before it is missing",
            )
            continue
        stored, computed = hit
        if prev != stored or prev != computed.hex():
            rep.add("ledger_entries", f"seq {seq}", "prev_hash", "chain_broken",
                    f"prev_hash is not the leaf hash of entry {seq - 1}")  # fmt: skip


def _trees(rep: Verification, entries: list[_Entry], heads: list[tuple[Any, ...]]) -> dict[str, list[_Entry]]:
    by_batch: dict[str, list[_Entry]] = {}
    for e in sorted(entries, key=lambda e: e.seq):
        by_batch.setdefault(e.batch_id, []).append(e)
    for batch, items in by_batch.items():
        if [e.leaf_index for e in items] != list(range(len(items))):
            rep.add("ledger_entries", f"batch {batch}", "leaf_index", "tree_order",
                    f"the batch's leaf indexes in chain order are not 0..{len(items) - 1}")  # fmt: skip
    head_sizes: dict[str, list[int]] = {}
    for h in heads:
        head_sizes.setdefault(h[0], []).append(int(h[1]))
    roots = {
        b: prefix_roots([e.leaf for e in items], [*head_sizes.get(b, []), len(items)])
        for b, items in by_batch.items()
    }
    for batch, size, root, last_seq, created_at, head_hash in heads:
        where = f"batch {batch} size {size}"
        items = by_batch.get(batch, [])
        if not 1 <= size <= len(items):
            rep.add("ledger_heads", where, "tree_size", "head_size",
                    f"the head covers {size} events; the batch has {len(items)}")  # fmt: skip
        else:
            if root != roots[batch][size].hex():
                rep.add(
                    "ledger_heads",
                    where,
                    "root_hash",
                    "root_mismatch",
                    "root_hash is not the recomputed tree root",
                )
            if last_seq != items[size - 1].seq:
                rep.add(
                    "ledger_heads",
                    where,
                    "last_seq",
                    "head_seq",
                    "last_seq is not the seq of the head's last event",
                )
        if head_hash != sha256_hex(head_document(batch, size, root, last_seq, created_at)):
            rep.add(
                "ledger_heads",
                where,
                "head_hash",
                "head_hash_mismatch",
                "head_hash does not seal this row's columns",
            )
    for batch, items in by_batch.items():
        sizes = head_sizes.get(batch, [])
        if max(sizes, default=0) != len(items):
            rep.add("ledger_heads", f"batch {batch}", "tree_size", "head_missing",
                    f"no tree head covers all {len(items)} events of the batch (latest covers {max(sizes, default=0)})")  # fmt: skip
        rep.roots[batch] = {"tree_size": len(items), "root": roots[batch][len(items)].hex()}
    return by_batch


def _anchors(rep: Verification, chain: list[_Entry], anchors: list[tuple[Any, ...]]) -> None:
    sizes = [int(a[0]) for a in anchors]
    roots = prefix_roots([e.leaf for e in chain], sizes)
    for log_size, log_root, chain_hash, created_at, name, receipt_json, seal in anchors:
        where = f"log_size {log_size} anchor {name}"
        if log_size not in roots or log_size < 1:
            rep.add("ledger_anchors", where, "log_size", "anchor_size",
                    f"the checkpoint covers {log_size} entries; the ledger has {len(chain)}: entries were removed")  # fmt: skip
        else:
            if log_root != roots[log_size].hex():
                rep.add(
                    "ledger_anchors",
                    where,
                    "log_root",
                    "root_mismatch",
                    "log_root is not the recomputed root",
                )
            if chain_hash != chain[log_size - 1].leaf.hex():
                rep.add(
                    "ledger_anchors",
                    where,
                    "chain_hash",
                    "chain_mismatch",
                    "chain_hash is not entry log_size's leaf hash",
                )
        doc = checkpoint(int(log_size), log_root, chain_hash, created_at)
        if seal != checkpoint_hash(doc, name, receipt_json):
            rep.add("ledger_anchors", where, "checkpoint_hash", "checkpoint_hash_mismatch",
                    "checkpoint_hash does not seal this row's columns")  # fmt: skip
            continue
        try:
            anchor = anchor_for(name)
        except Exception:
            rep.notes.append(f"{where}: no anchor {name!r} is registered here; its receipt was not checked")
            continue
        problem = anchor.check(doc, orjson.loads(receipt_json))
        if problem:
            rep.add("ledger_anchors", where, "receipt", "anchor_rejects", problem)


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    return con.execute(sql, list(params)).fetchall()


def verify(
    con: duckdb.DuckDBPyConnection,
    batch_id: str | None = None,
    *,
    records: bool = True,
    trusted_key: str | None = None,
) -> Verification:
    """Check the whole ledger, or one batch's history (its entries, their links into the chain, its heads).

    Args:
        con: Warehouse connection (read-only is enough).
        batch_id: One batch; None checks every entry, head and checkpoint.
        records: With the whole ledger, also recompute the digests of every recorded run's output rows and
            every recorded ingest's rows (:func:`xborder.ledger.runs.check_records`).
        trusted_key: With the whole ledger, a signing key id the owner wrote down: it must be in the key
            history (:func:`xborder.ledger.signing.check_keys` checks the history and the signed checkpoints).

    Returns:
        The verification: ``ok`` when nothing was changed; otherwise each problem names table, row, column.
    """
    rep = Verification(scope="ledger" if batch_id is None else f"batch {batch_id}")
    if batch_id is None:
        rows = _fetch(con, f"SELECT {_ENTRY_COLS} FROM ledger_entries ORDER BY seq")
        heads = _fetch(
            con, "SELECT batch_id, tree_size, root_hash, last_seq, created_at, head_hash FROM ledger_heads"
        )
    else:
        rows = _fetch(
            con, f"SELECT {_ENTRY_COLS} FROM ledger_entries WHERE batch_id = ? ORDER BY seq", [batch_id]
        )
        heads = _fetch(con, "SELECT batch_id, tree_size, root_hash, last_seq, created_at, head_hash FROM ledger_heads "
                       "WHERE batch_id = ?", [batch_id])  # fmt: skip
    entries = [_check_entry(rep, r) for r in rows]
    before = {e.seq: (r[10], e.leaf) for e, r in zip(entries, rows, strict=True)}
    if batch_id is not None:
        missing = sorted({int(r[0]) - 1 for r in rows} - set(before) - {0})
        if missing:
            prev_rows = _fetch(con, f"SELECT {_ENTRY_COLS} FROM ledger_entries WHERE seq IN (SELECT unnest(CAST(? AS BIGINT[])))",
                               [missing])  # fmt: skip
            for r in prev_rows:
                before[int(r[0])] = (r[10], _check_entry(rep, r).leaf)
    _chain(rep, rows, before, full=batch_id is None)
    by_batch = _trees(rep, entries, heads)
    rep.entries, rep.batches, rep.heads = len(entries), len(by_batch), len(heads)
    rep.signed_heads = check_signed_heads(con, rep.add, batch_id)
    if batch_id is None:
        anchors = _fetch(con, "SELECT log_size, log_root, chain_hash, created_at, anchor, receipt, checkpoint_hash "
                         "FROM ledger_anchors ORDER BY log_size")  # fmt: skip
        _anchors(rep, sorted(entries, key=lambda e: e.seq), anchors)
        rep.anchors = len(anchors)
        rep.signatures = check_keys(con, rep.add, anchors, trusted=trusted_key)
        if records:
            rep.records_checked = check_records(con, rep.add)
    elif not rows:
        rep.notes.append(f"batch {batch_id} has no events in the ledger")
    return rep
