"""Request authentication for the web app: session cookie or bearer token, roles, CSRF, must-change-password."""

from __future__ import annotations

import datetime as dt
import hmac
import threading
import time
from typing import Any

from fastapi import HTTPException, Request

from xborder.api import accounts
from xborder.api.accounts import Principal
from xborder.api.db import Database

__all__ = [
    "SESSION_COOKIE",
    "CSRF_HEADER",
    "Auth",
    "get_db",
    "get_auth",
    "current_user",
    "require_role",
    "client_ip",
    "audit_request",
    "security_headers",
]

SESSION_COOKIE = "xborder_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = {"GET", "HEAD", "OPTIONS"}
# Paths a user who must change the password may still use.
_PASSWORD_PATHS = ("/api/auth/password", "/api/auth/me", "/api/auth/logout", "/account", "/logout")
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def security_headers(path: str, *, cache: bool = True) -> list[tuple[bytes, bytes]]:
    """Headers added to every answer: CSP (not on the API docs pages), framing, sniffing, referrer, and
    (``cache``, not under /static/) ``Cache-Control: no-store``."""
    out = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    ]
    if not path.startswith(("/docs", "/redoc")):
        out.append((b"content-security-policy", _CSP.encode()))
    if cache and not path.startswith("/static/"):
        out.append((b"cache-control", b"no-store"))
    return out


class Auth:
    """Session/token look-ups with a short in-memory cache (cleared on any account change)."""

    def __init__(
        self, db: Database, *, session_hours: float = 8, token_days_max: int = 365, cache_s: float = 5
    ) -> None:
        self.db = db
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

    def lookup(self, secret: str, kind: str) -> Principal | None:
        """The principal for a cookie/token secret, or None."""
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


def get_db(request: Request) -> Database:
    """The app's Database."""
    return request.app.state.db


def get_auth(request: Request) -> Auth:
    """The app's Auth."""
    return request.app.state.auth


def client_ip(request: Request) -> str:
    """Client address (loopback deployments: the socket peer; no proxy headers are trusted)."""
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
    """Dependency: the logged-in principal (401 when none; CSRF checked on cookie-authenticated writes)."""
    p = _principal(request)
    if p is None:
        raise HTTPException(
            401,
            "Log in first (session cookie) or send 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if request.method not in _SAFE and p.kind == "session":
        await _check_csrf(request, p)
    if p.must_change_password and not request.url.path.startswith(_PASSWORD_PATHS):
        raise HTTPException(
            403, "Change your one-time password first (POST /api/auth/password or the Account page)."
        )
    request.state.principal = p
    return p


def require_role(role: str) -> Any:
    """Dependency factory: the principal, if it has at least ``role`` (403 and an audit entry otherwise)."""

    async def dep(request: Request) -> Principal:
        p = await current_user(request)
        if not p.can(role):
            if request.method not in _SAFE:
                audit_request(
                    request,
                    p,
                    f"{request.method} {request.url.path}",
                    request.url.path,
                    "denied",
                    {"role": p.role, "needs": role},
                )
            raise HTTPException(403, f"This needs the {role} role; you are {p.role}.")
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
