"""Accounts: users with roles, argon2 password hashes, expiring sessions and tokens, login rate limiting, audit.

Pure warehouse logic (no HTTP) shared by the web app and ``xborder users``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from xborder.api import twofactor
from xborder.core.errors import BadInputError, NotFoundError

__all__ = [
    "ROLES",
    "ROLE_RANK",
    "Principal",
    "LoginError",
    "utcnow",
    "hash_token",
    "add_user",
    "list_users",
    "set_role",
    "set_disabled",
    "set_password",
    "ensure_admin",
    "authenticate",
    "login_lock",
    "issue",
    "resolve",
    "revoke",
    "audit",
    "MAX_FAILURES",
    "LOCK_MINUTES",
]

ROLES = ("admin", "analyst", "viewer")
ROLE_RANK = {"viewer": 1, "analyst": 2, "admin": 3}
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# argon2-cffi's defaults are RFC 9106's low-memory profile: argon2id, t=3, m=64 MiB, p=4.
_PROD_HASHER = PasswordHasher()
_hasher = _PROD_HASHER
# Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-xborder")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the account and how it authenticated."""

    user_id: str
    username: str
    role: str
    must_change_password: bool
    kind: str  # session | token
    token_hash: str
    csrf_token: str | None
    expires_at: dt.datetime
    totp_enabled: bool = False

    def can(self, role: str) -> bool:
        """Whether this principal has at least ``role``."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


class LoginError(Exception):
    """Login refused: wrong name/password, disabled account, or locked by rate limiting."""

    def __init__(self, message: str, *, locked_seconds: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.locked_seconds = locked_seconds


def utcnow() -> dt.datetime:
    """Naive UTC now (DuckDB TIMESTAMP columns hold UTC)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def hash_token(secret: str) -> str:
    """SHA-256 hex of a session cookie or bearer token (only the hash is stored)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _check_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise BadInputError(
            f"User name {username!r} is not allowed.",
            hint="Use 2-64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.",
        )
    return name


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise BadInputError(f"The password must have at least {MIN_PASSWORD} characters.")
    if len(password) > 1024:
        raise BadInputError("The password must have at most 1024 characters.")


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise BadInputError(f"Role {role!r} does not exist.", hint=f"Choose one of: {', '.join(ROLES)}.")
    return role


def add_user(
    cur: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    role: str,
    *,
    must_change_password: bool = True,
) -> dict[str, Any]:
    """Create an account; BadInputError when the name is taken or a value is invalid."""
    name = _check_username(username)
    _check_role(role)
    _check_password(password)
    if cur.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
        raise BadInputError(f"User {name!r} already exists.", hint="Pick another name, or use set-role.")
    uid = secrets.token_hex(8)
    cur.execute(
        "INSERT INTO users (user_id, username, password_hash, role, must_change_password, disabled, created_at) "
        "VALUES (?, ?, ?, ?, ?, FALSE, ?)",
        [uid, name, _hasher.hash(password), role, must_change_password, utcnow()],
    )
    return {"user_id": uid, "username": name, "role": role, "must_change_password": must_change_password}


def list_users(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every account without its password hash."""
    rows = cur.execute(
        "SELECT username, role, disabled, must_change_password, created_at, last_login_at FROM users ORDER BY username"
    ).fetchall()
    keys = ("username", "role", "disabled", "must_change_password", "created_at", "last_login_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _user_id(cur: duckdb.DuckDBPyConnection, username: str) -> str:
    row = cur.execute(
        "SELECT user_id FROM users WHERE username = ?", [(username or "").strip().lower()]
    ).fetchone()
    if row is None:
        raise NotFoundError(f"No user {username!r}.", hint="List accounts with `xborder users list`.")
    return row[0]


def _revoke_all(cur: duckdb.DuckDBPyConnection, user_id: str, *, except_hash: str | None = None) -> None:
    cur.execute(
        "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND token_hash <> ?",
        [utcnow(), user_id, except_hash or ""],
    )


def _admins_left(cur: duckdb.DuckDBPyConnection, excluding: str) -> int:
    row = cur.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled AND user_id <> ?", [excluding]
    ).fetchone()
    return int(row[0]) if row else 0


def set_role(cur: duckdb.DuckDBPyConnection, username: str, role: str) -> None:
    """Change a user's role; the last active admin cannot be demoted."""
    _check_role(role)
    uid = _user_id(cur, username)
    current = cur.execute("SELECT role, disabled FROM users WHERE user_id = ?", [uid]).fetchone()
    assert current is not None  # _user_id raised if the user does not exist
    if role != "admin" and current[0] == "admin" and not current[1] and _admins_left(cur, uid) == 0:
        raise BadInputError("That is the last active admin; make someone else admin first.")
    cur.execute("UPDATE users SET role = ?, updated_at = ? WHERE user_id = ?", [role, utcnow(), uid])


def set_disabled(cur: duckdb.DuckDBPyConnection, username: str, disabled: bool = True) -> None:
    """Disable (or re-enable) an account; disabling ends its sessions and tokens."""
    uid = _user_id(cur, username)
    if disabled and _admins_left(cur, uid) == 0:
        row = cur.execute("SELECT role FROM users WHERE user_id = ?", [uid]).fetchone()
        if row and row[0] == "admin":
            raise BadInputError("That is the last active admin; make someone else admin first.")
    cur.execute("UPDATE users SET disabled = ?, updated_at = ? WHERE user_id = ?", [disabled, utcnow(), uid])
    if disabled:
        _revoke_all(cur, uid)


def set_password(
    cur: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    *,
    must_change: bool,
    keep_session: str | None = None,
) -> None:
    """Set a new password; other sessions and tokens of the user end (except ``keep_session``)."""
    _check_password(password)
    uid = _user_id(cur, username)
    cur.execute(
        "UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE user_id = ?",
        [_hasher.hash(password), must_change, utcnow(), uid],
    )
    _revoke_all(cur, uid, except_hash=keep_session)


def ensure_admin(cur: duckdb.DuckDBPyConnection) -> str | None:
    """On first start (no accounts) create ``admin`` with a one-time password and return it; else None."""
    row = cur.execute("SELECT count(*) FROM users").fetchone()
    if row and row[0]:
        return None
    password = secrets.token_urlsafe(15)
    add_user(cur, "admin", password, "admin", must_change_password=True)
    audit(cur, None, "user.add", "admin", "ok", {"role": "admin", "reason": "first start"}, username="system")
    return password


def login_lock(cur: duckdb.DuckDBPyConnection, username: str, ip: str) -> int:
    """Seconds the (user name, address) pair stays locked: MAX_FAILURES failures within LOCK_MINUTES."""
    now = utcnow()
    since = now - dt.timedelta(minutes=LOCK_MINUTES)
    rows = cur.execute(
        "SELECT attempted_at FROM login_attempts WHERE username = ? AND ip = ? AND NOT success "
        "AND attempted_at > ? AND attempted_at > coalesce((SELECT max(attempted_at) FROM login_attempts "
        "WHERE username = ? AND ip = ? AND success), TIMESTAMP '1970-01-01') ORDER BY attempted_at",
        [username, ip, since, username, ip],
    ).fetchall()
    if len(rows) < MAX_FAILURES:
        return 0
    unlock = rows[-MAX_FAILURES][0] + dt.timedelta(minutes=LOCK_MINUTES)
    return max(1, int((unlock - now).total_seconds()))


def authenticate(
    cur: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    ip: str,
    totp_code: str | None = None,
    *,
    check_totp: bool = True,
) -> dict[str, Any]:
    """Check a login; returns the user row or raises LoginError (attempt recorded, audited).

    An account with two-factor login on also needs ``totp_code``: its authenticator's current code or an
    unused recovery code. A missing or wrong code is a failed attempt like a wrong password, with the same
    answer (the answer never tells that the password alone was right). ``check_totp=False`` checks the
    password only (re-entering it to change it, within a session that passed both).
    """
    name = (username or "").strip().lower()[:64]
    locked = login_lock(cur, name, ip)
    if locked:
        audit(cur, None, "login", name, "locked", {"retry_after_s": locked}, username=name, ip=ip)
        raise LoginError(
            f"Too many failed logins. Try again in {locked // 60 + 1} minutes.", locked_seconds=locked
        )
    row = cur.execute(
        "SELECT user_id, username, password_hash, role, must_change_password, disabled FROM users WHERE username = ?",
        [name],
    ).fetchone()
    ok = False
    try:
        ok = _hasher.verify(row[2] if row else _DUMMY_HASH, password or "") and row is not None and not row[5]
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if ok and row is not None and check_totp:
        ok = twofactor.check_login(cur, row[0], totp_code, time.time())
    cur.execute("INSERT INTO login_attempts VALUES (?, ?, ?, ?)", [name, ip, utcnow(), ok])
    if not ok or row is None:
        audit(cur, row[0] if row else None, "login", name, "failed", None, username=name, ip=ip)
        raise LoginError("Wrong user name, password or two-factor code (or the account is disabled).")
    if _hasher.check_needs_rehash(row[2]):
        cur.execute("UPDATE users SET password_hash = ? WHERE user_id = ?", [_hasher.hash(password), row[0]])
    cur.execute("UPDATE users SET last_login_at = ? WHERE user_id = ?", [utcnow(), row[0]])
    audit(cur, row[0], "login", name, "ok", None, username=name, ip=ip)
    keys = ("user_id", "username", "password_hash", "role", "must_change_password", "disabled")
    return {k: v for k, v in zip(keys, row, strict=True) if k != "password_hash"}


def issue(
    cur: duckdb.DuckDBPyConnection,
    user_id: str,
    *,
    kind: str,
    ttl: dt.timedelta,
    name: str | None = None,
    ip: str | None = None,
) -> tuple[str, str | None, dt.datetime]:
    """Create a session (kind='session', with CSRF token) or bearer token; returns (secret, csrf, expires_at)."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == "session" else None
    expires = utcnow() + ttl
    cur.execute(
        "INSERT INTO sessions (token_hash, user_id, kind, name, csrf_token, created_at, expires_at, ip) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [hash_token(secret), user_id, kind, name, csrf, utcnow(), expires, ip],
    )
    return secret, csrf, expires


def resolve(cur: duckdb.DuckDBPyConnection, secret: str, *, kind: str) -> Principal | None:
    """The principal of a live (not expired, not revoked, enabled user) session or token; else None."""
    th = hash_token(secret)
    row = cur.execute(
        "SELECT u.user_id, u.username, u.role, u.must_change_password, s.kind, s.token_hash, s.csrf_token, s.expires_at, "
        "u.totp_enabled_at IS NOT NULL "
        "FROM sessions s JOIN users u USING (user_id) WHERE s.token_hash = ? AND s.kind = ? "
        "AND s.revoked_at IS NULL AND s.expires_at > ? AND NOT u.disabled",
        [th, kind, utcnow()],
    ).fetchone()
    return Principal(*row) if row else None


def revoke(cur: duckdb.DuckDBPyConnection, token_hash: str) -> None:
    """End one session or token."""
    cur.execute(
        "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        [utcnow(), token_hash],
    )


def audit(
    cur: duckdb.DuckDBPyConnection,
    user_id: str | None,
    action: str,
    target: str | None,
    outcome: str,
    detail: Any = None,
    *,
    username: str | None = None,
    ip: str | None = None,
) -> None:
    """Append one entry to audit_log."""
    cur.execute(
        "INSERT INTO audit_log (audit_id, occurred_at, user_id, username, ip, action, target, outcome, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            secrets.token_hex(8),
            utcnow(),
            user_id,
            username,
            ip,
            action,
            target,
            outcome,
            None if detail is None else json.dumps(detail, default=str, ensure_ascii=False),
        ],
    )
