"""Dashboard pages for accounts: login, logout, account (password, tokens), users and audit (admin)."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xborder.api import accounts
from xborder.api.accounts import LoginError, Principal
from xborder.api.queries.base import records
from xborder.api.routers.auth import change_password, login_session, set_session_cookie
from xborder.api.security import SESSION_COOKIE, client_ip, current_user, get_auth, get_db, require_role
from xborder.api.templating import render
from xborder.core.errors import BadInputError

__all__ = ["router", "account_page"]

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "xborder_login_csrf"


def _safe_next(target: str | None) -> str:
    return (
        target
        if target and target.startswith("/") and not target.startswith("//") and "\\" not in target
        else "/"
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None, error: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    resp = render(request, "login.html", next=_safe_next(next), login_csrf=token, error=error, user=None)
    resp.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", max_age=3600, path="/login")
    return resp


@router.post("/login")
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
    totp: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        return login_form(request, next, "The login form expired; please try again.")
    try:
        user, secret, _, expires = login_session(request, username, password, totp or None)
    except LoginError as exc:
        resp = login_form(request, next, exc.message)
        resp.status_code = 429 if exc.locked_seconds else 401
        return resp
    target = "/account" if user["must_change_password"] else _safe_next(next)
    resp = RedirectResponse(target, status_code=303)
    set_session_cookie(request, resp, secret, expires)
    resp.delete_cookie(LOGIN_CSRF, path="/login")
    return resp


@router.post("/logout")
def logout(request: Request, p: Annotated[Principal, Depends(current_user)]) -> Response:
    with get_db(request).write() as cur:
        accounts.revoke(cur, p.token_hash)
        accounts.audit(
            cur, p.user_id, "logout", p.kind, "ok", None, username=p.username, ip=client_ip(request)
        )
    get_auth(request).forget()
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@router.get("/", include_in_schema=False)
def home(p: Annotated[Principal, Depends(current_user)]) -> Response:
    return RedirectResponse("/opportunities", status_code=303)


def _tokens(request: Request, p: Principal) -> list[dict[str, Any]]:
    with get_db(request).read() as cur:
        return records(
            cur,
            (
                "SELECT name, created_at, expires_at FROM sessions WHERE user_id = ? AND kind = 'token' "
                "AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC"
            ),
            [p.user_id, accounts.utcnow()],
        )


def account_page(request: Request, p: Principal, **extra: Any) -> Response:
    """The Account page: password, two-factor login, API tokens (``extra``: a message, a new token, a set-up)."""
    from xborder.api.routers.totp import totp_state

    ctx: dict[str, Any] = {"msg": None, "new_token": None, "totp_setup": None, "recovery_codes": None}
    ctx.update(extra)
    return render(request, "account.html", tokens=_tokens(request, p), totp=totp_state(request, p), **ctx)


@router.get("/account", response_class=HTMLResponse)
def account(
    request: Request, p: Annotated[Principal, Depends(current_user)], msg: str | None = None
) -> Response:
    return account_page(request, p, msg=msg)


@router.post("/account/password")
def account_password(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    current_password: Annotated[str, Form(max_length=1024)],
    new_password: Annotated[str, Form(max_length=1024)],
    new_password2: Annotated[str, Form(max_length=1024)],
) -> Response:
    if new_password != new_password2:
        raise HTTPException(422, "The two new passwords differ.")
    try:
        change_password(request, p, current_password, new_password)
    except BadInputError as exc:
        raise HTTPException(422, exc.message) from None
    return RedirectResponse("/account?msg=Password+changed.", status_code=303)


@router.post("/account/tokens", response_class=HTMLResponse)
def account_token(
    request: Request,
    p: Annotated[Principal, Depends(require_role("analyst"))],
    name: Annotated[str, Form(min_length=1, max_length=80)],
    days: Annotated[int, Form(ge=1, le=365)] = 30,
) -> Response:
    with get_db(request).write() as cur:
        secret, _, expires = accounts.issue(
            cur, p.user_id, kind="token", ttl=dt.timedelta(days=days), name=name, ip=client_ip(request)
        )
        accounts.audit(
            cur,
            p.user_id,
            "token.create",
            name,
            "ok",
            {"days": days},
            username=p.username,
            ip=client_ip(request),
        )
    return account_page(request, p, new_token={"secret": secret, "name": name, "expires_at": expires})


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request, p: Annotated[Principal, Depends(require_role("admin"))], msg: str | None = None
) -> Response:
    with get_db(request).read() as cur:
        users = accounts.list_users(cur)
        audit = records(
            cur,
            "SELECT occurred_at, username, ip, action, target, outcome FROM audit_log "
            "ORDER BY occurred_at DESC LIMIT 50",
        )
    return render(request, "users.html", users=users, audit=audit, roles=accounts.ROLES, msg=msg)


@router.post("/admin/users")
def users_add(
    request: Request,
    p: Annotated[Principal, Depends(require_role("admin"))],
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    role: Annotated[str, Form(max_length=16)],
) -> Response:
    from xborder.api.routers.auth import _admin_write

    _admin_write(
        request,
        p,
        "user.add",
        username,
        {"role": role},
        lambda cur: accounts.add_user(cur, username, password, role),
    )
    return RedirectResponse(f"/admin/users?msg=User+{username.strip().lower()}+added.", status_code=303)


@router.post("/admin/users/{username}")
def users_change(
    request: Request,
    username: str,
    p: Annotated[Principal, Depends(require_role("admin"))],
    role: Annotated[str | None, Form(max_length=16)] = None,
    disabled: Annotated[str | None, Form(max_length=5)] = None,
) -> Response:
    from xborder.api.routers.auth import _admin_write

    if role:
        _admin_write(
            request,
            p,
            "user.set_role",
            username,
            {"role": role},
            lambda cur: accounts.set_role(cur, username, role),
        )
    if disabled in ("true", "false"):
        flag = disabled == "true"
        _admin_write(
            request,
            p,
            "user.disable" if flag else "user.enable",
            username,
            None,
            lambda cur: accounts.set_disabled(cur, username, flag),
        )
    return RedirectResponse("/admin/users?msg=Saved.", status_code=303)
