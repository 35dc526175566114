"""Checkpoints of the whole ledger and where they are anchored: a pluggable interface, offline by default.

A checkpoint is the RFC 6962 root over every entry's leaf hash in chain order, with the chain's head. An
:class:`Anchor` publishes it somewhere the warehouse's owner cannot rewrite and returns a receipt;
:func:`anchor_checkpoint` stores the checkpoint, the anchor's name and the receipt in ``ledger_anchors``
(its only writer). Built in: ``local`` (records it here only — the default, works offline) and ``file``
(appends it as a JSON line to a file elsewhere: a USB key, a mounted share, a git repository that is
pushed) and ``rfc3161`` (writes the checkpoint and an RFC 3161 time-stamp request for any public TSA, offline;
:mod:`xborder.ledger.timestamp`). An external public log (a transparency log, a timestamping service) is one more class with
``submit`` and ``check`` registered by :func:`register_anchor`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import duckdb
import orjson
import pandas as pd

from xborder.core.clock import utcnow
from xborder.core.errors import BadInputError
from xborder.ledger.canonical import canonical_json, iso_utc, sha256_hex
from xborder.ledger.merkle import tree_hash
from xborder.ledger.signing import SignedAnchor
from xborder.ledger.store import transaction
from xborder.ledger.timestamp import Rfc3161Anchor
from xborder.schema.ledger import LEDGER_ANCHORS
from xborder.warehouse.tables import write_frame

__all__ = [
    "Anchor",
    "LocalAnchor",
    "FileAnchor",
    "register_anchor",
    "anchor_for",
    "checkpoint",
    "checkpoint_hash",
    "anchor_checkpoint",
]


class Anchor(Protocol):
    """Where a checkpoint is published. ``submit`` returns a receipt (plain JSON) saying where it went;
    ``check`` returns None when the receipt still proves the checkpoint, else what is wrong."""

    name: str

    def submit(self, checkpoint: dict[str, Any]) -> dict[str, Any]:
        """Publish ``checkpoint``; the receipt."""
        ...

    def check(self, checkpoint: dict[str, Any], receipt: dict[str, Any]) -> str | None:
        """None when ``receipt`` proves ``checkpoint`` was published, else the problem."""
        ...


class LocalAnchor:
    """The offline default: the checkpoint is recorded in ``ledger_anchors`` and nowhere else. It lets a later
    ``verify`` see that entries were changed or removed after the checkpoint, but not a rewrite of the whole
    warehouse — export the root (the bundle, the QR payload) or use another anchor for that."""

    name = "local"
    RECEIPT = {"anchor": "local", "note": "recorded in this warehouse only"}

    def submit(self, checkpoint: dict[str, Any]) -> dict[str, Any]:
        """The fixed local receipt."""
        return dict(self.RECEIPT)

    def check(self, checkpoint: dict[str, Any], receipt: dict[str, Any]) -> str | None:
        """The receipt must be the local one."""
        return None if receipt == self.RECEIPT else "the local receipt was changed"


class FileAnchor:
    """Appends each checkpoint as one canonical JSON line to ``path`` (opened for appending, synced)."""

    name = "file"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path).expanduser().resolve()

    def submit(self, checkpoint: dict[str, Any]) -> dict[str, Any]:
        """Append the checkpoint; the receipt names the file, the line number and the line's SHA-256."""
        if self.path is None:
            raise BadInputError(
                "The file anchor needs a path.", hint="Use --anchor file:/path/checkpoints.jsonl."
            )
        line = canonical_json(checkpoint)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            existing = _count_lines(self.path) if self.path.exists() else 0
            with open(self.path, "ab") as fh:
                fh.write(line + b"\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise BadInputError(
                f"Cannot append the checkpoint to {self.path}: {exc.strerror}.",
                hint="Give a writable file (the folder is created when missing).",
            ) from None
        return {"anchor": "file", "path": str(self.path), "line": existing + 1, "sha256": sha256_hex(line)}

    def check(self, checkpoint: dict[str, Any], receipt: dict[str, Any]) -> str | None:
        """The receipt's line of the receipt's file must be this checkpoint."""
        path, line = receipt.get("path"), receipt.get("line")
        if not isinstance(path, str) or not isinstance(line, int) or line < 1:
            return "the file receipt has no path or line"
        try:
            with open(path, "rb") as fh:
                for i, text in enumerate(fh, start=1):
                    if i == line:
                        got = text.rstrip(b"\n")
                        break
                else:
                    return f"{path} has no line {line}"
        except OSError as exc:
            return f"cannot read {path}: {exc.strerror}"
        if got != canonical_json(checkpoint) or sha256_hex(got) != receipt.get("sha256"):
            return f"line {line} of {path} is not this checkpoint"
        return None


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


_FACTORIES: dict[str, Callable[[str | None], Anchor]] = {
    "local": lambda spec: LocalAnchor(),
    "file": lambda spec: FileAnchor(spec),
    "rfc3161": lambda spec: Rfc3161Anchor(spec),
    "signed": lambda spec: SignedAnchor(spec),
}


def register_anchor(name: str, factory: Callable[[str | None], Anchor]) -> None:
    """Make ``--anchor name[:spec]`` build ``factory(spec)`` (``spec`` None when verifying a receipt)."""
    _FACTORIES[name] = factory


def anchor_for(spec: str = "local") -> Anchor:
    """The anchor ``name`` or ``name:argument`` (``local``, ``file:/path/checkpoints.jsonl``, ...)."""
    name, _, arg = spec.partition(":")
    factory = _FACTORIES.get(name)
    if factory is None:
        raise BadInputError(f"Unknown anchor {name!r}.", hint=f"Use one of: {', '.join(sorted(_FACTORIES))}.")
    return factory(arg or None)


def checkpoint(log_size: int, log_root: str, chain_hash: str, created_at: dt.datetime) -> dict[str, Any]:
    """The checkpoint document an anchor publishes."""
    return {
        "at": iso_utc(created_at),
        "chain": chain_hash,
        "format": "xborder.ledger.checkpoint/1",
        "root": log_root,
        "size": log_size,
    }


def checkpoint_hash(doc: dict[str, Any], anchor: str, receipt_json: str) -> str:
    """SHA-256 sealing a ``ledger_anchors`` row: the checkpoint, the anchor's name and the receipt."""
    return sha256_hex(canonical_json({"anchor": anchor, "checkpoint": doc, "receipt": receipt_json}))


def anchor_checkpoint(con: duckdb.DuckDBPyConnection, anchor: Anchor | None = None) -> dict[str, Any]:
    """Make a checkpoint of the whole ledger as it is now, publish it through ``anchor`` (default local) and
    record it; the same size already anchored there is returned as it was (``"new": False``)."""
    anchor = anchor or LocalAnchor()
    hashes = [
        bytes.fromhex(h)
        for (h,) in con.execute("SELECT leaf_hash FROM ledger_entries ORDER BY seq").fetchall()
    ]
    if not hashes:
        raise BadInputError("The ledger is empty: nothing to anchor.", hint="Append events first.")
    size = len(hashes)
    old = con.execute(
        "SELECT log_root, chain_hash, created_at, receipt FROM ledger_anchors WHERE log_size = ? AND anchor = ?",
        [size, anchor.name],
    ).fetchone()
    if old is not None:
        return {"log_size": size, "log_root": old[0], "chain_hash": old[1], "created_at": old[2],
                "anchor": anchor.name, "receipt": orjson.loads(old[3]), "new": False}  # fmt: skip
    now = utcnow()
    doc = checkpoint(size, tree_hash(hashes).hex(), hashes[-1].hex(), now)
    receipt = anchor.submit(doc)
    receipt_json = canonical_json(receipt).decode("utf-8")
    row = {
        "log_size": size,
        "log_root": doc["root"],
        "chain_hash": doc["chain"],
        "created_at": now,
        "anchor": anchor.name,
        "receipt": receipt_json,
        "checkpoint_hash": checkpoint_hash(doc, anchor.name, receipt_json),
    }
    with transaction(con):
        write_frame(con, LEDGER_ANCHORS, pd.DataFrame([row]))
    return {**{k: row[k] for k in ("log_size", "log_root", "chain_hash", "created_at", "anchor")},
            "receipt": receipt, "new": True}  # fmt: skip
