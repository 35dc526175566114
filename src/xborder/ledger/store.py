"""Appending to the ledger: the only writer of ``ledger_entries`` and ``ledger_heads``.

Each entry commits to the one before it (its document holds the previous leaf hash) and gets the next
position in its batch's tree; after an append each touched batch gets a tree head (its RFC 6962 root).
Appends run in one transaction (or inside the caller's, e.g. an ingest's) and are idempotent: an event
already in the ledger (same batch, type, time and data) is recognised by its key and not stored again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb

from xborder.core.clock import utcnow
from xborder.ledger.canonical import canonical_json, iso_utc, sha256_hex
from xborder.ledger.events import ZERO_HASH, Event, entry_document, parse_event
from xborder.ledger.merkle import leaf_hash, tree_hash
from xborder.schema.ledger import LEDGER_ENTRIES, LEDGER_HEADS
from xborder.schema.table import Table

__all__ = [
    "Appended",
    "AppendResult",
    "append",
    "append_many",
    "append_events",
    "head_document",
    "transaction",
]


@dataclass(frozen=True)
class Appended:
    """Where an event sits in the ledger (``duplicate``: it was already there, nothing was written)."""

    seq: int
    batch_id: str
    leaf_index: int
    leaf_hash: str
    duplicate: bool = False


@dataclass
class AppendResult:
    """What one append call did: the entries (new or already there) and the new head of each batch."""

    entries: list[Appended] = field(default_factory=list)
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)  # batch -> (tree size, root hex)

    @property
    def stored(self) -> int:
        """Events written."""
        return sum(1 for e in self.entries if not e.duplicate)

    @property
    def duplicates(self) -> int:
        """Events recognised as already in the ledger."""
        return sum(1 for e in self.entries if e.duplicate)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON: stored, duplicates, each entry's place, each batch's new head (CLI --json and the API)."""
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "entries": [{"seq": e.seq, "batch_id": e.batch_id, "index": e.leaf_index, "duplicate": e.duplicate}
                        for e in self.entries],
            "heads": {b: {"tree_size": s, "root": r} for b, (s, r) in self.heads.items()},
        }  # fmt: skip


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """A transaction of its own, or the caller's when one is open (the caller then commits or rolls back).

    An open transaction is told by two reads of ``txid_current()`` giving the same id (each statement outside a
    transaction gets a new one): a ``BEGIN`` inside one would abort the caller's transaction (DuckDB 2.0).
    """
    if _in_transaction(con):
        yield
        return
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """True when ``con`` is inside an explicit transaction (BEGIN ... COMMIT)."""
    first = con.execute("SELECT txid_current()").fetchone()
    return first == con.execute("SELECT txid_current()").fetchone()


def _insert(con: duckdb.DuckDBPyConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts keyed by declared column names) as one statement of column lists.

    No data-frame library: an ingest appends its entry at once, and an orders ingest imports no pandas.
    """
    cols = table.column_names
    select = ", ".join(f'unnest(${i + 1}) AS "{c}"' for i, c in enumerate(cols))
    quoted = ", ".join(f'"{c}"' for c in cols)
    con.execute(
        f'INSERT INTO "{table.name}" ({quoted}) SELECT {quoted} FROM (SELECT {select})',
        [[r.get(c) for r in rows] for c in cols],
    )


def head_document(batch_id: str, size: int, root: str, last_seq: int, created_at: dt.datetime) -> bytes:
    """The canonical head whose SHA-256 is ``ledger_heads.head_hash``."""
    return canonical_json(
        {"at": iso_utc(created_at), "batch": batch_id, "root": root, "seq": last_seq, "size": size}
    )


def append(
    con: duckdb.DuckDBPyConnection, batch_id: str, event: Mapping[str, Any], *, origin: str | None = None
) -> Appended:
    """Append one event to a batch's ledger (what a stage or a script calls).

    Args:
        con: Writable warehouse connection.
        batch_id: The batch (lot).
        event: ``{"type", "at", "data"}`` (see :data:`xborder.ledger.events.EVENT_TYPES`).
        origin: Who appends it (``stage:<name>``, ``cli``, ...), stored with the entry.

    Returns:
        Its place in the ledger; ``duplicate`` when the same event was already there.

    Raises:
        BadInputError: the event is not valid (the message says which field and what to do).
    """
    return append_events(con, [parse_event(batch_id, event)], origin=origin).entries[0]


def append_many(
    con: duckdb.DuckDBPyConnection, events: Iterable[Mapping[str, Any]], *, origin: str | None = None
) -> AppendResult:
    """Append events of any batches in one transaction; each event also names its ``batch_id``.

    Raises:
        BadInputError: an event is not valid; nothing is written then.
    """
    parsed = [parse_event(e.get("batch_id"), e, f"event {i + 1}") for i, e in enumerate(events)]
    return append_events(con, parsed, origin=origin)


def _existing(con: duckdb.DuckDBPyConnection, batches: list[str]) -> list[tuple[str, int, int, str, str]]:
    return con.execute(
        "SELECT batch_id, leaf_index, seq, event_key, leaf_hash FROM ledger_entries "
        "WHERE batch_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) ORDER BY batch_id, leaf_index",
        [batches],
    ).fetchall()


def append_events(
    con: duckdb.DuckDBPyConnection,
    events: Sequence[Event],
    *,
    origin: str | None = None,
    recorded_at: dt.datetime | None = None,
) -> AppendResult:
    """Append checked events (from :func:`~xborder.ledger.events.parse_event`) in the order given."""
    result = AppendResult()
    if not events:
        return result
    recorded = (recorded_at or utcnow()).replace(tzinfo=None)
    with transaction(con):
        # an aggregate, not ORDER BY seq DESC LIMIT 1: DuckDB 2.0.1's top-N with its dynamic filter returned no
        # row here after rows of the table were deleted and others appended on the same connection
        tail = con.execute("SELECT max(seq), arg_max(leaf_hash, seq) FROM ledger_entries").fetchone()
        seq, prev = (int(tail[0]), str(tail[1])) if tail and tail[0] is not None else (0, ZERO_HASH)
        old = _existing(con, sorted({e.batch_id for e in events}))
        hashes: dict[str, list[bytes]] = {}
        known: dict[tuple[str, str], Appended] = {}
        for batch_id, leaf_index, old_seq, key, old_hash in old:
            hashes.setdefault(batch_id, []).append(bytes.fromhex(old_hash))
            known[(batch_id, key)] = Appended(int(old_seq), batch_id, int(leaf_index), old_hash, True)
        rows: list[dict[str, Any]] = []
        last_seq: dict[str, int] = {}
        for ev in events:
            hit = known.get((ev.batch_id, ev.key))
            if hit is not None:  # already in the ledger, or earlier in this call
                result.entries.append(hit)
                continue
            seq += 1
            tree = hashes.setdefault(ev.batch_id, [])
            index = len(tree)
            doc = entry_document(
                ev, seq=seq, leaf_index=index, prev_hash=prev, recorded_at=recorded, origin=origin
            )
            lh = leaf_hash(doc)
            rows.append(
                {
                    "seq": seq,
                    "batch_id": ev.batch_id,
                    "leaf_index": index,
                    "event_type": ev.type,
                    "occurred_at": ev.at,
                    "recorded_at": recorded,
                    "origin": origin,
                    "event_key": ev.key,
                    "prev_hash": prev,
                    "document": doc.decode("utf-8"),
                    "leaf_hash": lh.hex(),
                }
            )
            prev = lh.hex()
            tree.append(lh)
            result.entries.append(Appended(seq, ev.batch_id, index, prev))
            known[(ev.batch_id, ev.key)] = Appended(seq, ev.batch_id, index, prev, True)
            last_seq[ev.batch_id] = seq
        if rows:
            _insert(con, LEDGER_ENTRIES, rows)
            heads = []
            for batch, s in last_seq.items():
                size, root = len(hashes[batch]), tree_hash(hashes[batch]).hex()
                heads.append(
                    {
                        "batch_id": batch,
                        "tree_size": size,
                        "root_hash": root,
                        "last_seq": s,
                        "created_at": recorded,
                        "head_hash": sha256_hex(head_document(batch, size, root, s, recorded)),
                    }
                )
                result.heads[batch] = (size, root)
            _insert(con, LEDGER_HEADS, heads)
            _sign_appended(con, sorted(last_seq), origin)
    return result


def _sign_appended(con: duckdb.DuckDBPyConnection, batches: list[str], origin: str | None) -> None:
    """Sign the new heads of ``batches`` when the ``ledger_signing_key_dir`` setting names a key folder.

    Raises:
        BadInputError: the folder holds no current key of this ledger (the append is rolled back).
    """
    from xborder.core.settings import get_settings

    key_dir = get_settings().ledger_signing_key_dir
    if not key_dir:
        return
    from xborder.ledger.heads import HEADS_BATCH, sign_heads

    touched = [b for b in batches if b != HEADS_BATCH]
    if touched:
        sign_heads(con, key_dir, among=touched, actor=origin or "append")
