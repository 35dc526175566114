"""Login, logout, password change, bearer tokens, user administration and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from xborder.api import accounts
from xborder.api.accounts import LoginError, Principal
from xborder.api.models import (
    Account,
    AccountChanged,
    AccountCreated,
    AuditEntry,
    Done,
    Me,
    Problem,
    Session,
    TokenCreated,
    error_responses,
)
from xborder.api.queries.base import records
from xborder.api.security import (
    SESSION_COOKIE,
    client_ip,
    current_user,
    get_auth,
    get_db,
    require_role,
)
from xborder.core.errors import BadInputError, NotFoundError

__all__ = ["router", "login_session", "set_session_cookie", "change_password"]

router = APIRouter(prefix="/api", tags=["accounts"], responses=error_responses(422))

_LOGGED_IN = error_responses(401, 403)
"""The refusals of every route but login: not logged in, or not allowed."""


class LoginBody(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)
    totp: str | None = Field(
        None, max_length=32, description="Two-factor code (or a recovery code) when the account has it on."
    )


class PasswordBody(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=1024)


class TokenBody(BaseModel):
    name: str = Field(min_length=1, max_length=80, description="What the token is for.")
    days: int = Field(30, ge=1, le=365, description="Days until it expires.")


class UserBody(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(
        min_length=accounts.MIN_PASSWORD,
        max_length=1024,
        description="Initial password; the user must change it at first login.",
    )
    role: Literal["admin", "analyst", "viewer"] = "viewer"


class UserPatch(BaseModel):
    role: Literal["admin", "analyst", "viewer"] | None = None
    disabled: bool | None = None


def set_session_cookie(request: Request, response: Response, secret: str, expires: dt.datetime) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure under HTTPS, expiring with the session."""
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=int((expires - accounts.utcnow()).total_seconds()),
        path="/",
    )


def login_session(
    request: Request, username: str, password: str, totp: str | None = None
) -> tuple[dict[str, Any], str, str, dt.datetime]:
    """Check the password (and two-factor code) and open a session: (user, secret, csrf, expires); LoginError
    when refused."""
    db, auth = get_db(request), get_auth(request)
    with db.write() as cur:
        user = accounts.authenticate(cur, username, password, client_ip(request), totp)
        secret, csrf, expires = accounts.issue(
            cur, user["user_id"], kind="session", ttl=auth.session_ttl, ip=client_ip(request)
        )
    return user, secret, csrf or "", expires


@router.post(
    "/auth/login",
    summary="Log in; sets the session cookie and returns the CSRF token",
    response_model=Session,
    responses={401: {"model": Problem, "description": "Wrong user name or password"}, **error_responses(429)},
)
def login(body: LoginBody, request: Request, response: Response) -> dict[str, Any]:
    try:
        user, secret, csrf, expires = login_session(request, body.username, body.password, body.totp)
    except LoginError as exc:
        if exc.locked_seconds:
            raise HTTPException(429, exc.message, headers={"Retry-After": str(exc.locked_seconds)}) from None
        raise HTTPException(401, exc.message) from None
    set_session_cookie(request, response, secret, expires)
    return {
        "username": user["username"],
        "role": user["role"],
        "csrf_token": csrf,
        "must_change_password": user["must_change_password"],
        "expires_at": expires.isoformat(),
    }


@router.post(
    "/auth/logout",
    summary="End the current session or revoke the bearer token used",
    response_model=Done,
    responses=_LOGGED_IN,
)
def logout(
    request: Request, response: Response, p: Annotated[Principal, Depends(current_user)]
) -> dict[str, Any]:
    with get_db(request).write() as cur:
        accounts.revoke(cur, p.token_hash)
        accounts.audit(
            cur, p.user_id, "logout", p.kind, "ok", None, username=p.username, ip=client_ip(request)
        )
    get_auth(request).forget()
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"ok": True}


@router.get("/auth/me", summary="Who is logged in", response_model=Me, responses=_LOGGED_IN)
def me(p: Annotated[Principal, Depends(current_user)]) -> dict[str, Any]:
    return {
        "username": p.username,
        "role": p.role,
        "must_change_password": p.must_change_password,
        "auth": p.kind,
        "csrf_token": p.csrf_token,
        "expires_at": p.expires_at.isoformat(),
    }


def change_password(request: Request, p: Principal, current: str, new: str) -> None:
    """Verify the current password, set the new one, end the user's other sessions and tokens (audited)."""
    if current == new:
        raise HTTPException(422, "The new password must differ from the current one.")
    db = get_db(request)
    with db.write() as cur:
        try:
            accounts.authenticate(cur, p.username, current, client_ip(request), check_totp=False)
        except LoginError as exc:
            accounts.audit(
                cur,
                p.user_id,
                "password.change",
                p.username,
                "failed",
                None,
                username=p.username,
                ip=client_ip(request),
            )
            raise HTTPException(
                429 if exc.locked_seconds else 403,
                "The current password is wrong." if not exc.locked_seconds else exc.message,
            ) from None
        accounts.set_password(cur, p.username, new, must_change=False, keep_session=p.token_hash)
        accounts.audit(
            cur,
            p.user_id,
            "password.change",
            p.username,
            "ok",
            None,
            username=p.username,
            ip=client_ip(request),
        )
    get_auth(request).forget()


@router.post(
    "/auth/password",
    summary="Change your password (required after a one-time password)",
    response_model=Done,
    responses={**_LOGGED_IN, **error_responses(429)},
)
def password(
    body: PasswordBody, request: Request, p: Annotated[Principal, Depends(current_user)]
) -> dict[str, Any]:
    change_password(request, p, body.current_password, body.new_password)
    return {"ok": True}


@router.post(
    "/auth/tokens",
    status_code=201,
    summary="Create a bearer token for scripts (shown once)",
    response_model=TokenCreated,
    responses=_LOGGED_IN,
)
def create_token(
    body: TokenBody, request: Request, p: Annotated[Principal, Depends(require_role("analyst"))]
) -> dict[str, Any]:
    with get_db(request).write() as cur:
        secret, _, expires = accounts.issue(
            cur,
            p.user_id,
            kind="token",
            ttl=dt.timedelta(days=body.days),
            name=body.name,
            ip=client_ip(request),
        )
        accounts.audit(
            cur,
            p.user_id,
            "token.create",
            body.name,
            "ok",
            {"days": body.days},
            username=p.username,
            ip=client_ip(request),
        )
    return {
        "token": secret,
        "name": body.name,
        "expires_at": expires.isoformat(),
        "use": "Authorization: Bearer <token>",
    }


@router.get(
    "/users",
    summary="List accounts (admin)",
    response_model=list[Account],  # type: ignore[valid-type]
    responses=_LOGGED_IN,
)
def users(request: Request, p: Annotated[Principal, Depends(require_role("admin"))]) -> list[dict[str, Any]]:
    from xborder.core.jsonable import to_jsonable

    with get_db(request).read() as cur:
        return to_jsonable(accounts.list_users(cur))


def _admin_write(request: Request, p: Principal, action: str, target: str, detail: Any, fn: Any) -> None:
    with get_db(request).write() as cur:
        try:
            fn(cur)
        except BadInputError as exc:
            accounts.audit(
                cur,
                p.user_id,
                action,
                target,
                "failed",
                {"error": exc.message},
                username=p.username,
                ip=client_ip(request),
            )
            raise HTTPException(404 if isinstance(exc, NotFoundError) else 422, exc.message) from None
        accounts.audit(
            cur, p.user_id, action, target, "ok", detail, username=p.username, ip=client_ip(request)
        )
    get_auth(request).forget()


@router.post(
    "/users",
    status_code=201,
    summary="Create an account (admin)",
    response_model=AccountCreated,
    responses=_LOGGED_IN,
)
def add_user(
    body: UserBody, request: Request, p: Annotated[Principal, Depends(require_role("admin"))]
) -> dict[str, Any]:
    _admin_write(
        request,
        p,
        "user.add",
        body.username,
        {"role": body.role},
        lambda cur: accounts.add_user(cur, body.username, body.password, body.role),
    )
    return {"username": body.username.strip().lower(), "role": body.role, "must_change_password": True}


@router.patch(
    "/users/{username}",
    summary="Change an account's role or disable it (admin)",
    response_model=AccountChanged,
    responses={**_LOGGED_IN, **error_responses(404)},
)
def patch_user(
    username: str, body: UserPatch, request: Request, p: Annotated[Principal, Depends(require_role("admin"))]
) -> dict[str, Any]:
    if body.role is not None:
        _admin_write(
            request,
            p,
            "user.set_role",
            username,
            {"role": body.role},
            lambda cur: accounts.set_role(cur, username, body.role),
        )
    if body.disabled is not None:
        _admin_write(
            request,
            p,
            "user.disable" if body.disabled else "user.enable",
            username,
            None,
            lambda cur: accounts.set_disabled(cur, username, body.disabled),
        )
    return {"username": username, "role": body.role, "disabled": body.disabled}


@router.get(
    "/audit",
    summary="The audit log, newest first (admin)",
    response_model=list[AuditEntry],  # type: ignore[valid-type]
    responses=_LOGGED_IN,
)
def audit_log(
    request: Request,
    p: Annotated[Principal, Depends(require_role("admin"))],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, Any]]:
    cond, params = ("WHERE action = ?", [action]) if action else ("", [])
    with get_db(request).read() as cur:
        return records(
            cur, f"SELECT * FROM audit_log {cond} ORDER BY occurred_at DESC LIMIT {int(limit)}", params
        )
