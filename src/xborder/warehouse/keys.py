"""The pseudonym key of a warehouse: stored with (and bound to) the data, so every machine keys alike."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import duckdb

from xborder.core.clock import utcnow
from xborder.core.errors import BadInputError
from xborder.core.settings import Settings

__all__ = ["fingerprint", "warehouse_key", "key_info"]

# Tables whose rows carry pseudonyms made with the key: a warehouse holding any was keyed before keys were stored
# with it (by the user's key file), and adopts that file's key rather than a new one.
_KEYED = (("order_lines", "customer_key"), ("order_headers", "customer_key"), ("reviews", "reviewer_key"))


def fingerprint(key: bytes) -> str:
    """First 16 hex digits of SHA-256 of ``key``: safe to show, enough to tell two keys apart."""
    return hashlib.sha256(key).hexdigest()[:16]


def key_info(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The stored key's fingerprint, creation time and origin (never the key), or None when not keyed yet."""
    try:
        row = con.execute("SELECT fingerprint, created_at, origin FROM pseudonym_key").fetchone()
    except duckdb.CatalogException:
        return None
    return None if row is None else {"fingerprint": row[0], "created_at": row[1], "origin": row[2]}


def _has_pseudonyms(con: duckdb.DuckDBPyConnection) -> bool:
    for table, column in _KEYED:
        try:
            if con.execute(f"SELECT 1 FROM {table} WHERE {column} IS NOT NULL LIMIT 1").fetchone():
                return True
        except duckdb.CatalogException:
            continue
    return False


def warehouse_key(con: duckdb.DuckDBPyConnection, settings: Settings) -> bytes:
    """The key pseudonyms of this warehouse are made with; stores one on first use.

    A new warehouse takes ``settings.pseudonym_key`` when set, else a random 256-bit key. A warehouse made
    before keys were stored with it, which already holds pseudonyms, adopts the user's key file (the key those
    were made with). Once stored, the key is the warehouse's: a different ``pseudonym_key`` setting is refused
    (two keys would store the same customer twice), whatever machine or account opens it.

    Raises:
        BadInputError: ``settings.pseudonym_key`` differs from the key the warehouse holds.
    """
    try:
        row = con.execute("SELECT key FROM pseudonym_key").fetchone()
    except duckdb.CatalogException:
        row = None
    if row is not None:
        key = str(row[0]).encode("utf-8")
        given = settings.pseudonym_key.encode("utf-8")
        if given and given != key:
            raise BadInputError(
                f"This warehouse's pseudonyms are made with the key {fingerprint(key)}; the pseudonym_key setting "
                f"({settings.source_of('pseudonym_key')}) is another key ({fingerprint(given)}), under which the "
                "same customers would be stored a second time.",
                hint="Unset XBORDER_PSEUDONYM_KEY (the warehouse keeps its own key); `xborder privacy key` shows it.",
            )
        return key
    origin = "generated"
    if settings.pseudonym_key:
        text, origin = settings.pseudonym_key, "setting"
    else:
        path = Path(settings.pseudonym_key_file).expanduser()
        if _has_pseudonyms(con) and path.is_file():
            text, origin = path.read_text(encoding="utf-8").strip(), "key file"
        else:
            text = secrets.token_hex(32)
    key = text.encode("utf-8")
    con.execute("INSERT INTO pseudonym_key VALUES (?, ?, ?, ?)", [text, fingerprint(key), utcnow(), origin])
    return key
