"""Time-based one-time passwords (RFC 6238 TOTP over RFC 4226 HOTP) and recovery codes for two-factor login.

Written out from the RFCs (about thirty lines; tests/api/test_totp.py reproduces RFC 6238 Appendix B's
test vectors for SHA-1, SHA-256 and SHA-512) rather than adding a dependency. Defaults are what every
authenticator app understands: SHA-1, 6 digits, 30-second steps, a 160-bit secret (RFC 4226 §4 R6).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

__all__ = [
    "STEP",
    "DIGITS",
    "hotp",
    "totp",
    "time_step",
    "new_secret",
    "secret_bytes",
    "provisioning_uri",
    "accepted_step",
    "new_recovery_codes",
    "hash_recovery_code",
]

STEP = 30
"""Seconds per time step (RFC 6238 §5.2 recommends 30)."""
DIGITS = 6
_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226 HOTP value of ``counter`` under ``key`` (dynamic truncation, zero-padded to ``digits``)."""
    mac = hmac.new(key, struct.pack(">Q", counter), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def time_step(unix_time: float, *, step: int = STEP) -> int:
    """RFC 6238 T: whole steps since the Unix epoch (T0 = 0)."""
    return int(unix_time // step)


def totp(
    key: bytes, unix_time: float, *, digits: int = DIGITS, algorithm: str = "sha1", step: int = STEP
) -> str:
    """RFC 6238 TOTP value at ``unix_time``."""
    return hotp(key, time_step(unix_time, step=step), digits=digits, algorithm=algorithm)


def new_secret() -> str:
    """A fresh 160-bit secret, base32 without padding (what authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def secret_bytes(secret: str) -> bytes:
    """The key bytes of a base32 secret (padding and spaces optional, any case)."""
    clean = secret.replace(" ", "").upper()
    return base64.b32decode(clean + "=" * (-len(clean) % 8))


def provisioning_uri(secret: str, username: str, *, issuer: str = "xborder") -> str:
    """The ``otpauth://totp/...`` URI an authenticator app reads (typed in, or shown as a QR code)."""
    label = quote(f"{issuer}:{username}", safe=":@")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP}
    )
    return f"otpauth://totp/{label}?{query}"


def accepted_step(
    secret: str, code: str, unix_time: float, *, last_step: int | None = None, window: int = 1
) -> int | None:
    """The time step ``code`` is valid for, within ±``window`` steps of now (RFC 6238 §5.2 clock drift),
    and later than ``last_step`` (a code is accepted once); None when it is not valid."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = secret_bytes(secret)
    now = time_step(unix_time)
    for t in range(now - window, now + window + 1):
        if (last_step is None or t > last_step) and hmac.compare_digest(hotp(key, t), code):
            return t
    return None


def new_recovery_codes(n: int = 10) -> list[str]:
    """``n`` one-time recovery codes, 50 random bits each, written ``xxxxx-xxxxx``."""
    out = []
    for _ in range(n):
        raw = secrets.token_hex(5)
        out.append(f"{raw[:5]}-{raw[5:]}")
    return out


def hash_recovery_code(code: str) -> str:
    """SHA-256 (hex) of a recovery code as typed (case, spaces and dashes ignored); only the hash is stored."""
    norm = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return hashlib.sha256(norm.encode("ascii", "ignore")).hexdigest()
