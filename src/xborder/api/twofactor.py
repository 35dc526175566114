"""Two-factor login for accounts: TOTP enrolment, verification at login, recovery codes, reset (warehouse logic).

An account switches TOTP on in two steps — :func:`begin` stores a pending secret and gives its
``otpauth://`` URI, :func:`confirm` checks a first code from the app, switches it on and returns ten
recovery codes shown once — and from then on a login needs a code (or one unused recovery code) as well
as the password (:func:`check_login`). Admins must have it when the server requires it (the default).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb

from xborder.api import totp
from xborder.core.errors import BadInputError

__all__ = ["status", "begin", "confirm", "disable", "check_login"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _row(cur: duckdb.DuckDBPyConnection, user_id: str) -> tuple[Any, ...]:
    row = cur.execute(
        "SELECT totp_secret, totp_enabled_at, totp_last_step, totp_recovery FROM users WHERE user_id = ?",
        [user_id],
    ).fetchone()
    if row is None:
        raise BadInputError("No such account.")
    return row


def _codes(raw: Any) -> list[str]:
    return list(json.loads(raw)) if raw else []


def status(cur: duckdb.DuckDBPyConnection, user_id: str) -> dict[str, Any]:
    """Whether TOTP is on (and since when), pending, and how many recovery codes are left."""
    secret, enabled_at, _, recovery = _row(cur, user_id)
    return {
        "enabled": enabled_at is not None,
        "enabled_at": None if enabled_at is None else enabled_at.isoformat(),
        "pending": secret is not None and enabled_at is None,
        "recovery_codes_left": len(_codes(recovery)) if enabled_at is not None else 0,
    }


def begin(cur: duckdb.DuckDBPyConnection, user_id: str, username: str) -> dict[str, str]:
    """Store a new pending secret; returns ``{"secret", "uri"}`` for the authenticator app.

    Raises:
        BadInputError: TOTP is already on (switch it off or have an admin reset it first).
    """
    if _row(cur, user_id)[1] is not None:
        raise BadInputError(
            "Two-factor login is already on for this account.",
            hint="Switch it off first (or ask an admin to reset it), then set it up again.",
        )
    secret = totp.new_secret()
    cur.execute(
        "UPDATE users SET totp_secret = ?, totp_enabled_at = NULL, totp_last_step = NULL, totp_recovery = NULL, "
        "updated_at = ? WHERE user_id = ?",
        [secret, _now(), user_id],
    )
    return {"secret": secret, "uri": totp.provisioning_uri(secret, username)}


def confirm(cur: duckdb.DuckDBPyConnection, user_id: str, code: str, unix_time: float) -> list[str]:
    """Switch TOTP on when ``code`` matches the pending secret; returns the recovery codes (shown once).

    Raises:
        BadInputError: nothing pending, or the code does not match.
    """
    secret, enabled_at, _, _ = _row(cur, user_id)
    if secret is None or enabled_at is not None:
        raise BadInputError("Nothing to confirm: start the two-factor set-up first.")
    step = totp.accepted_step(secret, code, unix_time)
    if step is None:
        raise BadInputError(
            "That code does not match.",
            hint="Type the 6-digit code your authenticator app shows now for xborder (check the phone's clock).",
        )
    codes = totp.new_recovery_codes()
    cur.execute(
        "UPDATE users SET totp_enabled_at = ?, totp_last_step = ?, totp_recovery = ?, updated_at = ? "
        "WHERE user_id = ?",
        [_now(), step, json.dumps([totp.hash_recovery_code(c) for c in codes]), _now(), user_id],
    )
    return codes


def disable(cur: duckdb.DuckDBPyConnection, user_id: str) -> None:
    """Switch TOTP off and forget the secret and recovery codes (own request, or an admin's reset)."""
    cur.execute(
        "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL, totp_recovery = NULL, "
        "updated_at = ? WHERE user_id = ?",
        [_now(), user_id],
    )


def check_login(cur: duckdb.DuckDBPyConnection, user_id: str, code: str | None, unix_time: float) -> bool:
    """At login: True when the account has no TOTP, or ``code`` is its current code (not used before) or an
    unused recovery code (then used up). A successful code moves the replay guard forward."""
    secret, enabled_at, last_step, recovery = _row(cur, user_id)
    if enabled_at is None:
        return True
    if not code:
        return False
    step = totp.accepted_step(secret, code, unix_time, last_step=last_step)
    if step is not None:
        cur.execute("UPDATE users SET totp_last_step = ? WHERE user_id = ?", [step, user_id])
        return True
    hashes = _codes(recovery)
    h = totp.hash_recovery_code(code)
    if h in hashes:
        hashes.remove(h)
        cur.execute("UPDATE users SET totp_recovery = ? WHERE user_id = ?", [json.dumps(hashes), user_id])
        return True
    return False
