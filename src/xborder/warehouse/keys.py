"""The pseudonym key of a warehouse: stored with (and bound to) the data, so every machine keys alike."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

import duckdb

from xborder.core.clock import utcnow
from xborder.core.errors import BadInputError
from xborder.core.settings import Settings

__all__ = [
    "PSEUDONYM_COLUMNS",
    "fingerprint",
    "warehouse_key",
    "key_info",
    "key_layers",
    "layered",
    "layer_forms",
    "key_registry",
]

PSEUDONYM_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("order_lines", "customer_key", None),
    ("order_headers", "customer_key", None),
    ("customer_links", "source_customer_key", None),
    ("customer_links", "customer_key", None),
    ("reviews", "reviewer_key", None),
    ("supplier_verifications", "evidence_ref", "check_type = 'legal_representative'"),
    ("customer_scores", "customer_key", None),
    ("privacy_suppressions", "subject_key", None),
    ("privacy_requests", "subject_keys", None),
)
"""Every stored column whose values are keyed pseudonyms, as (table, column, the rows where it holds one):
what a key rotation re-keys and ingest layers. A test checks it against the declarations' personal flags."""

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


def key_layers(con: duckdb.DuckDBPyConnection) -> list[bytes]:
    """The secret keys of the layers rotations added over the base key, oldest first ([] before any rotation)."""
    try:
        rows = con.execute("SELECT key FROM pseudonym_key_layers ORDER BY key_id").fetchall()
    except duckdb.CatalogException:
        return []
    return [str(r[0]).encode("utf-8") for r in rows]


def layered(layers: list[bytes], pseudonym: str) -> str:
    """``pseudonym`` (a base-key pseudonym, 64 hex digits) under every layer: HMAC(Kn, ... HMAC(K2, pseudonym))."""
    for layer in layers:
        pseudonym = hmac.new(layer, pseudonym.encode("ascii"), hashlib.sha256).hexdigest()
    return pseudonym


def layer_forms(layers: list[bytes], pseudonym: str) -> list[str]:
    """Every form ``pseudonym`` has had: under the base key only, then after each rotation (the last is stored)."""
    forms = [pseudonym]
    for layer in layers:
        forms.append(layered([layer], forms[-1]))
    return forms


def key_registry(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The registry (``pseudonym_keys``), oldest first: key id, fingerprint, created, retired, by whom, why.

    Before the first rotation the registry is empty and the base key is described from ``pseudonym_key``.
    """
    cols = [
        "key_id",
        "fingerprint",
        "created_at",
        "retired_at",
        "created_by",
        "reason",
        "rows_rekeyed",
        "seconds",
    ]
    try:
        rows = con.execute(f"SELECT {', '.join(cols)} FROM pseudonym_keys ORDER BY key_id").fetchall()
    except duckdb.CatalogException:
        rows = []
    if rows:
        return [dict(zip(cols, r, strict=True)) for r in rows]
    base = key_info(con)
    if base is None:
        return []
    return [{**dict.fromkeys(cols), "key_id": 1, "fingerprint": base["fingerprint"],
             "created_at": base["created_at"], "created_by": base["origin"]}]  # fmt: skip


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
