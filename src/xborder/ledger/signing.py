"""Signed checkpoints: Ed25519 keys kept outside the warehouse, registered in the ledger, rotated with the old key
kept for verification.

A checkpoint in ``ledger_anchors`` is only as good as the warehouse file: whoever can write it can rewrite the
whole ledger consistently. A signing key kept *outside* the warehouse (a key folder, mode 0600) closes that: the
anchor ``signed`` signs the checkpoint document, and ``verify`` checks the signature against the public key
registered in the ledger itself (batch :data:`KEYS_BATCH`, hash-chained like every entry). Rotation registers a
new key **endorsed by the old one** (the old key signs the new key's id and public key), so the key history is a
chain of signatures from the first key, whose id the owner writes down (``verify --trusted-key ID``). Old public
keys stay in the ledger: checkpoints signed before a rotation still verify; one signed by a key after its
successor was registered is named (``key_retired``). The private key files never enter the warehouse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import orjson

from xborder.core.clock import utcnow
from xborder.core.errors import BadInputError
from xborder.ledger.canonical import canonical_json
from xborder.ledger.events import parse_event
from xborder.ledger.store import append_events

__all__ = [
    "KEYS_BATCH",
    "ALGORITHM",
    "KEY_DIR_ENV",
    "KeyRecord",
    "default_key_dir",
    "key_id_of",
    "registered_keys",
    "create_key",
    "rotate_key",
    "SignedAnchor",
    "check_keys",
    "verify_signature",
]

KEYS_BATCH = "xborder-keys"
"""The batch (Merkle tree) holding the ledger's signing keys: one ``key`` entry per key, in order of use."""

ALGORITHM = "ed25519"
KEY_DIR_ENV = "XBORDER_LEDGER_KEY_DIR"


def default_key_dir() -> Path:
    """``$XBORDER_LEDGER_KEY_DIR``, else ``~/.config/xborder/ledger-keys`` (beside the user's other xborder files)."""
    return Path(os.environ.get(KEY_DIR_ENV) or "~/.config/xborder/ledger-keys").expanduser()


def key_id_of(public_raw: bytes) -> str:
    """First 16 hex digits of SHA-256 of the raw 32-byte public key: the name the key goes by."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


@dataclass(frozen=True)
class KeyRecord:
    """A key registered in the ledger: its id, public key (hex), entry, when, the key it replaced and when it
    was itself replaced (None while current)."""

    key_id: str
    public_key: str
    seq: int
    at: dt.datetime
    replaces: str | None
    endorsement: str | None
    retired_at: dt.datetime | None = None


def registered_keys(con: duckdb.DuckDBPyConnection) -> list[KeyRecord]:
    """The keys of the ledger in order of registration; each is retired by the next one."""
    out: list[KeyRecord] = []
    for seq, at, doc in con.execute(
        "SELECT seq, occurred_at, document FROM ledger_entries WHERE batch_id = ? AND event_type = 'key' "
        "ORDER BY seq",
        [KEYS_BATCH],
    ).fetchall():
        try:
            data = orjson.loads(doc)["data"]
            rec = KeyRecord(str(data["key_id"]), str(data["public_key"]), int(seq), at,
                            data.get("replaces"), data.get("endorsement"))  # fmt: skip
        except (orjson.JSONDecodeError, KeyError, TypeError):
            continue  # a changed document: the entry checks name it
        if out:
            prev = out[-1]
            out[-1] = KeyRecord(prev.key_id, prev.public_key, prev.seq, prev.at, prev.replaces,
                                prev.endorsement, at)  # fmt: skip
        out.append(rec)
    return out


def _require_cryptography() -> None:
    try:
        import cryptography  # noqa: F401
    except ImportError:
        raise BadInputError(
            "Signed checkpoints need the cryptography package (PyCA), which is not installed.",
            hint="pip install 'xborder[web]' (the default install), or pip install cryptography.",
        ) from None


def _new_private() -> Any:
    _require_cryptography()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


def _raw_public(private: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(
        private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def _write_private(key_dir: Path, private: Any) -> tuple[str, Path]:
    from cryptography.hazmat.primitives import serialization

    kid = key_id_of(_raw_public(private))
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = key_dir / f"{kid}.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
    except OSError as exc:
        raise BadInputError(
            f"Cannot write the signing key into {key_dir}: {exc.strerror}.",
            hint=f"Give a writable folder outside the warehouse (--key-dir or {KEY_DIR_ENV}).",
        ) from None
    return kid, path


def _load_private(key_dir: Path, kid: str) -> Any:
    _require_cryptography()
    from cryptography.hazmat.primitives import serialization

    path = key_dir / f"{kid}.pem"
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError:
        raise BadInputError(
            f"The private key of the ledger's signing key {kid} is not in {key_dir}.",
            hint=f"Point --key-dir (or {KEY_DIR_ENV}) at the folder holding {kid}.pem.",
        ) from None
    if key_id_of(_raw_public(private)) != kid:
        raise BadInputError(f"{path} does not hold the key {kid} (its public key has another id).")
    return private


def _append_key(con: duckdb.DuckDBPyConnection, data: dict[str, Any], actor: str) -> int:
    event = parse_event(KEYS_BATCH, {"type": "key", "at": utcnow(), "data": data}, f"key {data['key_id']}")
    return append_events(con, [event], origin=actor).entries[0].seq


def create_key(con: duckdb.DuckDBPyConnection, key_dir: Path, *, actor: str) -> dict[str, Any]:
    """Make the ledger's first signing key: the private key into ``key_dir`` (0600), the public key into the
    ledger. Write the returned ``key_id`` down: ``verify --trusted-key`` checks the key history starts there.

    Raises:
        BadInputError: the ledger has a key already (rotate it instead), or the folder is not writable.
    """
    if registered_keys(con):
        raise BadInputError(
            "The ledger already has a signing key.", hint="Use `xborder ledger key rotate` to replace it."
        )
    private = _new_private()
    kid, path = _write_private(key_dir, private)
    data = {"action": "new", "algorithm": ALGORITHM, "key_id": kid, "public_key": _raw_public(private).hex()}
    seq = _append_key(con, data, actor)
    return {**data, "seq": seq, "private_key_file": str(path)}


def _endorsed(kid: str, public_hex: str, replaces: str) -> bytes:
    return canonical_json({"key_id": kid, "public_key": public_hex, "replaces": replaces})


def rotate_key(con: duckdb.DuckDBPyConnection, key_dir: Path, *, reason: str, actor: str) -> dict[str, Any]:
    """Replace the current signing key: a new key pair, endorsed by the current key (which must be in
    ``key_dir``), registered in the ledger with the reason; the old private key moves to ``key_dir/retired/``.

    The old public key stays in the ledger, so checkpoints it signed still verify; ``verify`` names any
    checkpoint it signs after this rotation.

    Raises:
        BadInputError: no reason, no key yet, or the current private key is not in ``key_dir``.
    """
    if not reason.strip():
        raise BadInputError("Say why the key is rotated.", hint='e.g. --reason "yearly rotation"')
    keys = registered_keys(con)
    if not keys:
        raise BadInputError(
            "The ledger has no signing key yet.", hint="Make one with `xborder ledger key new`."
        )
    old = keys[-1]
    old_private = _load_private(key_dir, old.key_id)
    private = _new_private()
    kid, path = _write_private(key_dir, private)
    public_hex = _raw_public(private).hex()
    data = {
        "action": "rotate",
        "algorithm": ALGORITHM,
        "key_id": kid,
        "public_key": public_hex,
        "replaces": old.key_id,
        "endorsement": old_private.sign(_endorsed(kid, public_hex, old.key_id)).hex(),
        "reason": reason.strip(),
    }
    try:
        seq = _append_key(con, data, actor)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    retired = key_dir / "retired"
    retired.mkdir(exist_ok=True, mode=0o700)
    (key_dir / f"{old.key_id}.pem").rename(retired / f"{old.key_id}.pem")
    return {
        **data,
        "seq": seq,
        "private_key_file": str(path),
        "retired_file": str(retired / f"{old.key_id}.pem"),
    }


def verify_signature(public_hex: str, signature_hex: str, message: bytes) -> bool:
    """True when ``signature_hex`` is the Ed25519 signature of ``public_hex``'s key over ``message``."""
    _require_cryptography()
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(
            bytes.fromhex(signature_hex), message
        )
    except (InvalidSignature, ValueError):
        return False
    return True


class SignedAnchor:
    """``--to signed``: the checkpoint signed with the one current key in the key folder; the receipt holds the
    key id, its public key and the signature, so a proof bundle carrying it is checkable without the warehouse."""

    name = "signed"

    def __init__(self, key_dir: str | Path | None = None) -> None:
        self.key_dir = Path(key_dir).expanduser() if key_dir else default_key_dir()

    def _key_file(self) -> Path:
        found = sorted(self.key_dir.glob("*.pem")) if self.key_dir.is_dir() else []
        if len(found) != 1:
            raise BadInputError(
                f"The key folder {self.key_dir} holds {len(found)} signing keys; a signed checkpoint needs exactly one.",
                hint="Make one with `xborder ledger key new`; after a rotation the old key is in retired/.",
            )
        return found[0]

    def require_current(self, con: duckdb.DuckDBPyConnection) -> None:
        """Refuse to sign with a key that is not the ledger's current one (verify would name the checkpoint).

        Raises:
            BadInputError: no key registered, or the folder's key is another (retired, another warehouse's).
        """
        keys = registered_keys(con)
        kid = self._key_file().stem
        if not keys or keys[-1].key_id != kid:
            raise BadInputError(
                f"The key {kid} in {self.key_dir} is not this ledger's current signing key "
                f"({keys[-1].key_id if keys else 'none registered'}).",
                hint="Point --to signed:/folder at the folder of the current key, or `xborder ledger key new`.",
            )

    def submit(self, checkpoint: dict[str, Any]) -> dict[str, Any]:
        """Sign ``checkpoint`` (its canonical JSON) with the single ``*.pem`` of the key folder."""
        private = _load_private(self.key_dir, self._key_file().stem)
        public = _raw_public(private)
        return {
            "algorithm": ALGORITHM,
            "anchor": "signed",
            "key_id": key_id_of(public),
            "public_key": public.hex(),
            "signature": private.sign(canonical_json(checkpoint)).hex(),
        }

    def check(self, checkpoint: dict[str, Any], receipt: dict[str, Any]) -> str | None:
        """The signature is the receipt's key's over this checkpoint, and the key id is its public key's."""
        public, sig = receipt.get("public_key"), receipt.get("signature")
        if not isinstance(public, str) or not isinstance(sig, str):
            return "the signed receipt has no public key or signature"
        try:
            kid = key_id_of(bytes.fromhex(public))
        except ValueError:
            return "the receipt's public key is not hex"
        if kid != receipt.get("key_id"):
            return f"the receipt's key id {receipt.get('key_id')} is not its public key's ({kid})"
        if not verify_signature(public, sig, canonical_json(checkpoint)):
            return f"the signature is not key {kid}'s over this checkpoint"
        return None


Add = Callable[[str, str, str | None, str, str], None]


def check_keys(
    con: duckdb.DuckDBPyConnection, add: Add, anchors: list[tuple[Any, ...]], *, trusted: str | None = None
) -> int:
    """Check the key history and the signed checkpoints; ``add(table, row, column, code, message)`` each problem.

    Every key's id is its public key's; every rotation is endorsed by the key it replaces; a signed checkpoint's
    key is registered, and was current when the checkpoint was made; ``trusted`` (a key id the owner wrote
    down), when given, is in the history. ``anchors`` are ``ledger_anchors`` rows (log_size, ..., created_at,
    anchor, receipt, ...). Returns how many signatures were checked.
    """
    keys = registered_keys(con)
    by_id = {k.key_id: k for k in keys}
    for i, k in enumerate(keys):
        where = f"seq {k.seq}"
        try:
            own = key_id_of(bytes.fromhex(k.public_key))
        except ValueError:
            own = ""
        if own != k.key_id:
            add(
                "ledger_entries",
                where,
                "document",
                "key_id_mismatch",
                f"key {k.key_id} is not its public key's id",
            )
        if i == 0:
            continue
        prev = keys[i - 1]
        if (
            k.replaces != prev.key_id
            or not k.endorsement
            or not verify_signature(
                prev.public_key, k.endorsement, _endorsed(k.key_id, k.public_key, prev.key_id)
            )
        ):
            add("ledger_entries", where, "document", "key_not_endorsed",
                f"key {k.key_id} is not endorsed by the key it replaces ({prev.key_id})")  # fmt: skip
    if trusted and trusted not in by_id:
        add("ledger_entries", f"batch {KEYS_BATCH}", None, "untrusted_keys",
            f"the trusted key {trusted} is not in the ledger's key history "
            f"({', '.join(by_id) or 'no key'}): the keys may have been replaced wholesale")  # fmt: skip
    signed = 0
    for row in anchors:
        log_size, created_at, name, receipt_json = row[0], row[3], row[4], row[5]
        if name != SignedAnchor.name:
            continue
        signed += 1
        where = f"log_size {log_size} anchor signed"
        try:
            kid = orjson.loads(receipt_json).get("key_id")
        except (orjson.JSONDecodeError, AttributeError):
            continue  # the receipt check names it
        key = by_id.get(kid)
        if key is None:
            add(
                "ledger_anchors",
                where,
                "receipt",
                "key_unknown",
                f"signed by {kid}, which the ledger does not register",
            )
        elif key.public_key != orjson.loads(receipt_json).get("public_key"):
            add(
                "ledger_anchors",
                where,
                "receipt",
                "key_mismatch",
                f"the receipt's public key is not key {kid}'s",
            )
        elif key.retired_at is not None and created_at > key.retired_at:
            add("ledger_anchors", where, "receipt", "key_retired",
                f"signed by {kid} after it was replaced ({key.retired_at:%Y-%m-%d %H:%M:%S})")  # fmt: skip
    return signed
