"""Request authentication for the web app: session cookie or bearer token, the role table, CSRF, held accounts.

Every route passes :func:`enforce_role_table` (an app-wide dependency): the least role of the route in
:data:`xborder.api.roles.ROLE_TABLE`, refused (403, audited) below it and for a route the table does not
list. An account with a one-time password, or an admin without two-factor login when the server requires
it, is held to its account pages until that is done.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hmac
import os
import threading
import time
from typing import Any

from fastapi import HTTPException, Request

from xborder.api import accounts
from xborder.api.accounts import Principal
from xborder.api.db import Database
from xborder.api.roles import ANONYMOUS, LOCAL, required_role

__all__ = [
    "SESSION_COOKIE",
    "CSRF_HEADER",
    "Auth",
    "get_db",
    "get_auth",
    "current_user",
    "require_role",
    "enforce_role_table",
    "client_ip",
    "audit_request",
    "security_headers",
]

SESSION_COOKIE = "xborder_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = {"GET", "HEAD", "OPTIONS"}
# Paths a user who must change the password may still use (exact paths: /account/tokens is not one).
_PASSWORD_PATHS = frozenset(
    {"/api/auth/password", "/api/auth/me", "/api/auth/logout", "/account", "/account/password", "/logout"}
)
# Account routes, never for the command line's local token (it has analyst rights over data and runs only).
_ACCOUNT_PATHS = ("/account", "/admin", "/api/auth", "/api/users", "/api/audit", "/logout")
# ... and an admin who must set up two-factor login.
_TOTP_PATHS = _PASSWORD_PATHS | {
    "/api/auth/totp",
    "/api/auth/totp/setup",
    "/api/auth/totp/enable",
    "/account/totp/setup",
    "/account/totp/enable",
}
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def security_headers(path: str, *, cache: bool = True) -> list[tuple[bytes, bytes]]:
    """Headers added to every answer (the API docs pages included): CSP, framing, sniffing, referrer, and
    (``cache``, not under /static/) ``Cache-Control: no-store``."""
    out = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"content-security-policy", _CSP.encode()),
    ]
    if cache and not path.startswith("/static/"):
        out.append((b"cache-control", b"no-store"))
    return out


class Auth:
    """Session/token look-ups with a short in-memory cache (cleared on any account change)."""

    def __init__(
        self,
        db: Database,
        *,
        session_hours: float = 8,
        token_days_max: int = 365,
        cache_s: float = 5,
        require_admin_totp: bool = True,
        local_token: str | None = None,
    ) -> None:
        self.db = db
        self.require_admin_totp = require_admin_totp
        self.local_token = local_token
        self.session_ttl = dt.timedelta(hours=session_hours)
        self.token_days_max = token_days_max
        self.cache_s = cache_s
        self._cache: dict[str, tuple[Principal | None, float]] = {}
        self._lock = threading.Lock()
        self._generation = 0

    def forget(self) -> None:
        """Drop cached principals (after logout, password/role change, disabling)."""
        with self._lock:
            self._cache.clear()
            self._generation += 1

    def needs_totp(self, p: Principal) -> bool:
        """Whether ``p`` is an admin who must set up two-factor login before anything else."""
        return self.require_admin_totp and p.role == "admin" and not p.totp_enabled and p.kind != "local"

    def lookup(self, secret: str, kind: str) -> Principal | None:
        """The principal for a cookie/token secret, or None (the local token gives the command line's)."""
        if kind == "token" and self.local_token and hmac.compare_digest(secret, self.local_token):
            return _local_principal()
        key = kind + ":" + secret
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[1] < self.cache_s:
            p = hit[0]
        else:
            gen = self._generation
            with self.db.read() as cur:
                p = accounts.resolve(cur, secret, kind=kind)
            with self._lock:
                # not if an account changed while we read: that answer may be stale
                if gen == self._generation:
                    if len(self._cache) > 10_000:
                        self._cache.clear()
                    self._cache[key] = (p, now)
        if p is not None and p.expires_at <= accounts.utcnow():
            return None
        return p


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or password database
        return os.environ.get("USER", "unknown")


def _local_principal() -> Principal:
    """The command line on the server's machine (it read the local token file): analyst rights + local routes."""
    return Principal(
        user_id="local",
        username="cli:" + _os_user(),
        role="analyst",
        must_change_password=False,
        kind="local",
        token_hash="local",
        csrf_token=None,
        expires_at=dt.datetime(9999, 1, 1),
    )


def get_db(request: Request) -> Database:
    """The app's Database."""
    return request.app.state.db


def get_auth(request: Request) -> Auth:
    """The app's Auth."""
    return request.app.state.auth


def client_ip(request: Request) -> str:
    """Client address: the socket peer, or what a configured trusted proxy forwarded (``trusted_proxies``)."""
    return request.client.host if request.client else "unknown"


def _principal(request: Request) -> Principal | None:
    auth = get_auth(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return auth.lookup(header[7:].strip(), "token")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return auth.lookup(cookie, "session")
    return None


async def _check_csrf(request: Request, p: Principal) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not p.csrf_token or not hmac.compare_digest(sent, p.csrf_token):
        audit_request(request, p, "csrf", request.url.path, "denied", None)
        raise HTTPException(403, "Missing or wrong CSRF token. Reload the page and try again.")


async def current_user(request: Request) -> Principal:
    """Dependency: the logged-in principal (401 when none; CSRF checked on cookie-authenticated writes;
    403 for a held account outside its account pages). Checked once per request."""
    done = getattr(request.state, "principal", None)
    if done is not None:
        return done
    p = _principal(request)
    if p is None:
        raise HTTPException(
            401,
            "Log in first (session cookie) or send 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if request.method not in _SAFE and p.kind == "session":
        await _check_csrf(request, p)
    path = request.url.path
    if p.must_change_password and path not in _PASSWORD_PATHS:
        raise HTTPException(
            403, "Change your one-time password first (POST /api/auth/password or the Account page)."
        )
    if get_auth(request).needs_totp(p) and path not in _TOTP_PATHS:
        raise HTTPException(
            403,
            "Set up two-factor login first: admins must use it (the Account page, or "
            "POST /api/auth/totp/setup then POST /api/auth/totp/enable).",
        )
    request.state.principal = p
    return p


def _refuse(request: Request, p: Principal, role: str) -> None:
    if request.method not in _SAFE:
        audit_request(
            request,
            p,
            f"{request.method} {request.url.path}",
            request.url.path,
            "denied",
            {"role": p.role, "needs": role},
        )
    if role == LOCAL:
        raise HTTPException(403, "Only the command line on the server's machine may use this.")
    raise HTTPException(403, f"This needs the {role} role; you are {p.role}.")


async def enforce_role_table(request: Request) -> None:
    """App-wide dependency: the route's least role from the role table, before the route's own checks.

    A route the table does not list is refused (the app also refuses to start with one, see create_app).
    """
    route = request.scope.get("route")
    role = required_role(request.method, getattr(route, "path", ""))
    if role == ANONYMOUS:
        return
    p = await current_user(request)
    if role is None:
        _refuse(request, p, "admin")
    elif role == LOCAL:
        if p.kind != "local":
            _refuse(request, p, LOCAL)
    elif p.kind == "local" and request.url.path.startswith(_ACCOUNT_PATHS):
        raise HTTPException(403, "The command line's local access is for data and runs, not accounts.")
    elif not p.can(role):
        _refuse(request, p, role)


def require_role(role: str) -> Any:
    """Dependency factory: the principal, if it has at least ``role`` (403 and an audit entry otherwise)."""

    async def dep(request: Request) -> Principal:
        p = await current_user(request)
        if not p.can(role):
            _refuse(request, p, role)
        return p

    dep.__name__ = f"require_{role}"
    return dep


def audit_request(
    request: Request, p: Principal | None, action: str, target: str | None, outcome: str, detail: Any
) -> None:
    """Write an audit entry for this request's principal and address."""
    db = get_db(request)
    with db.write() as cur:
        accounts.audit(
            cur,
            p.user_id if p else None,
            action,
            target,
            outcome,
            detail,
            username=p.username if p else None,
            ip=client_ip(request),
        )
