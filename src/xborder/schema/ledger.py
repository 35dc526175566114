"""Traceability ledger tables: supply-chain events per batch, their tree heads and the ledger's checkpoints."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["LEDGER_ENTRIES", "LEDGER_HEADS", "LEDGER_ANCHORS", "TABLES"]

_HEX = "lower-case hex"

LEDGER_ENTRIES = Table(
    "ledger_entries",
    "One supply-chain event of a batch, append-only: its canonical JSON document (the RFC 6962 leaf), the leaf "
    "hash, and the leaf hash of the entry before it (the hash chain). Every column is also inside the document.",
    owner="ledger",
    role="system",
    primary_key=("seq",),
    unique=(("batch_id", "leaf_index"),),
    dated_by="occurred_at",
    columns=(
        Column(
            "seq", "BIGINT", "Position in the ledger's hash chain (1 = the first entry ever).", nullable=False
        ),
        Column(
            "batch_id", "VARCHAR", "Batch (lot) the event belongs to, as the seller names it.", nullable=False
        ),
        Column(
            "leaf_index",
            "BIGINT",
            "Position of the event in its batch's Merkle tree (0 = the batch's first event).",
            nullable=False,
        ),
        Column(
            "event_type",
            "VARCHAR",
            "material | production | inspection | shipment | customs | warehouse | sale.",
            nullable=False,
        ),
        Column(
            "occurred_at", "TIMESTAMP", "When the event happened (UTC), as the event says.", nullable=False
        ),
        Column("recorded_at", "TIMESTAMP", "When it was appended to the ledger (UTC).", nullable=False),
        Column(
            "origin",
            "VARCHAR",
            "Who appended it: ingest:<ingest_id> | stage:<name> | cli | api | a caller's own label.",
        ),
        Column(
            "event_key",
            "VARCHAR",
            f"SHA-256 ({_HEX}) of the canonical {{batch, type, at, data}}: the same event appended again is "
            "recognised by it and not stored twice.",
            nullable=False,
        ),
        Column(
            "prev_hash",
            "VARCHAR",
            f"leaf_hash of entry seq - 1 ({_HEX}; 64 zeros for the first entry): the hash chain.",
            nullable=False,
        ),
        Column(
            "document",
            "VARCHAR",
            "The entry as canonical JSON (RFC 8785: sorted keys, UTF-8, no whitespace): the leaf data of the tree.",
            nullable=False,
        ),
        Column(
            "leaf_hash",
            "VARCHAR",
            f"SHA-256(0x00 || document), the RFC 6962 leaf hash ({_HEX}).",
            nullable=False,
        ),
    ),
)

LEDGER_HEADS = Table(
    "ledger_heads",
    "Tree head of a batch after each append: the RFC 6962 root over its first tree_size events (unsigned; "
    "head_hash seals the row).",
    owner="ledger",
    role="system",
    primary_key=("batch_id", "tree_size"),
    dated_by="created_at",
    columns=(
        Column("batch_id", "VARCHAR", "ledger_entries.batch_id.", nullable=False),
        Column("tree_size", "BIGINT", "Events of the batch the head covers.", unit="events", nullable=False),
        Column(
            "root_hash", "VARCHAR", f"RFC 6962 Merkle tree hash of those events ({_HEX}).", nullable=False
        ),
        Column("last_seq", "BIGINT", "ledger_entries.seq of the last event the head covers.", nullable=False),
        Column("created_at", "TIMESTAMP", "When the head was made (UTC).", nullable=False),
        Column(
            "head_hash",
            "VARCHAR",
            f"SHA-256 ({_HEX}) of the canonical head {{at, batch, root, seq, size}}: a changed column is seen.",
            nullable=False,
        ),
    ),
)

LEDGER_ANCHORS = Table(
    "ledger_anchors",
    "Checkpoints of the whole ledger (the RFC 6962 root over every entry in chain order) and where each was "
    "anchored; the default anchor 'local' only records it here.",
    owner="ledger",
    role="system",
    primary_key=("log_size", "anchor"),
    dated_by="created_at",
    columns=(
        Column(
            "log_size",
            "BIGINT",
            "Entries of the ledger the checkpoint covers.",
            unit="events",
            nullable=False,
        ),
        Column(
            "log_root",
            "VARCHAR",
            f"RFC 6962 root over their leaf hashes in seq order ({_HEX}).",
            nullable=False,
        ),
        Column(
            "chain_hash",
            "VARCHAR",
            f"leaf_hash of entry log_size, the head of the chain ({_HEX}).",
            nullable=False,
        ),
        Column("created_at", "TIMESTAMP", "When the checkpoint was made (UTC).", nullable=False),
        Column(
            "anchor",
            "VARCHAR",
            "Where it was anchored: local (recorded here only) | file (a line in an append-only file elsewhere) | "
            "the name of a registered external anchor.",
            nullable=False,
        ),
        Column(
            "receipt",
            "VARCHAR",
            "What the anchor returned, as canonical JSON (location, entry id, ...).",
            nullable=False,
        ),
        Column(
            "checkpoint_hash",
            "VARCHAR",
            f"SHA-256 ({_HEX}) of the canonical checkpoint with its anchor and receipt: a changed column is seen.",
            nullable=False,
        ),
    ),
)

TABLES: tuple[Table, ...] = (LEDGER_ENTRIES, LEDGER_HEADS, LEDGER_ANCHORS)
