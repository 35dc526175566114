"""Two-factor login (TOTP): status, set-up with a provisioning URI, confirmation with recovery codes, switching
off, an admin's reset — as API routes and as the Account page's forms."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from xborder.api import accounts, twofactor
from xborder.api.accounts import LoginError, Principal
from xborder.api.models import TotpDisabled, TotpEnabled, TotpReset, TotpSetup, TotpStatus
from xborder.api.security import client_ip, current_user, get_auth, get_db, require_role
from xborder.core.errors import BadInputError

__all__ = ["router", "pages", "totp_state"]

router = APIRouter(prefix="/api", tags=["accounts"])
pages = APIRouter(include_in_schema=False)


class CodeBody(BaseModel):
    code: str = Field(
        min_length=6, max_length=32, description="The 6-digit code the authenticator app shows."
    )


class DisableBody(BaseModel):
    password: str = Field(max_length=1024)
    code: str = Field(min_length=6, max_length=32, description="A current code or an unused recovery code.")


def totp_state(request: Request, p: Principal) -> dict[str, Any]:
    """The principal's two-factor status plus whether the server requires it of them."""
    with get_db(request).read() as cur:
        st = twofactor.status(cur, p.user_id)
    st["required"] = get_auth(request).require_admin_totp and p.role == "admin"
    return st


def _audit(
    request: Request, p: Principal, action: str, target: str, outcome: str, detail: Any = None
) -> None:
    with get_db(request).write() as cur:
        accounts.audit(
            cur, p.user_id, action, target, outcome, detail, username=p.username, ip=client_ip(request)
        )


def _setup(request: Request, p: Principal) -> dict[str, str]:
    with get_db(request).write() as cur:
        try:
            out = twofactor.begin(cur, p.user_id, p.username)
        except BadInputError as exc:
            raise HTTPException(409, f"{exc.message} {exc.hint or ''}".strip()) from None
        accounts.audit(
            cur, p.user_id, "totp.setup", p.username, "ok", None, username=p.username, ip=client_ip(request)
        )
    return out


def _enable(request: Request, p: Principal, code: str) -> list[str]:
    with get_db(request).write() as cur:
        try:
            codes = twofactor.confirm(cur, p.user_id, code, time.time())
        except BadInputError as exc:
            accounts.audit(
                cur,
                p.user_id,
                "totp.enable",
                p.username,
                "failed",
                None,
                username=p.username,
                ip=client_ip(request),
            )
            raise HTTPException(422, f"{exc.message} {exc.hint or ''}".strip()) from None
        accounts.audit(
            cur, p.user_id, "totp.enable", p.username, "ok", None, username=p.username, ip=client_ip(request)
        )
    get_auth(request).forget()
    return codes


def _disable(request: Request, p: Principal, password: str, code: str) -> None:
    if get_auth(request).require_admin_totp and p.role == "admin":
        raise HTTPException(403, "Admins must keep two-factor login on this server.")
    db = get_db(request)
    with db.write() as cur:
        try:
            accounts.authenticate(cur, p.username, password, client_ip(request), check_totp=False)
            good = twofactor.check_login(cur, p.user_id, code, time.time())
        except LoginError as exc:
            good = False
            if exc.locked_seconds:
                raise HTTPException(
                    429, exc.message, headers={"Retry-After": str(exc.locked_seconds)}
                ) from None
        if not good:
            accounts.audit(
                cur,
                p.user_id,
                "totp.disable",
                p.username,
                "failed",
                None,
                username=p.username,
                ip=client_ip(request),
            )
            raise HTTPException(403, "The password or the code is wrong.")
        twofactor.disable(cur, p.user_id)
        accounts.audit(
            cur, p.user_id, "totp.disable", p.username, "ok", None, username=p.username, ip=client_ip(request)
        )
    get_auth(request).forget()


@router.get(
    "/auth/totp",
    summary="Your two-factor login: on or off, required, recovery codes left",
    response_model=TotpStatus,
)
def status(request: Request, p: Annotated[Principal, Depends(current_user)]) -> dict[str, Any]:
    return totp_state(request, p)


@router.post(
    "/auth/totp/setup",
    summary="Start two-factor set-up: a secret and its otpauth:// URI for the app",
    response_model=TotpSetup,
)
def setup(request: Request, p: Annotated[Principal, Depends(current_user)]) -> dict[str, str]:
    return _setup(request, p)


@router.post(
    "/auth/totp/enable",
    summary="Confirm set-up with a first code; returns recovery codes (shown once)",
    response_model=TotpEnabled,
)
def enable(
    body: CodeBody, request: Request, p: Annotated[Principal, Depends(current_user)]
) -> dict[str, Any]:
    return {"enabled": True, "recovery_codes": _enable(request, p, body.code)}


@router.post(
    "/auth/totp/disable",
    summary="Switch two-factor login off (password and a code; not for admins)",
    response_model=TotpDisabled,
)
def disable(
    body: DisableBody, request: Request, p: Annotated[Principal, Depends(current_user)]
) -> dict[str, Any]:
    _disable(request, p, body.password, body.code)
    return {"enabled": False}


@router.post(
    "/users/{username}/totp/reset",
    summary="Switch off someone's two-factor login (admin; lost phone)",
    response_model=TotpReset,
)
def reset(
    username: str, request: Request, p: Annotated[Principal, Depends(require_role("admin"))]
) -> dict[str, Any]:
    with get_db(request).write() as cur:
        row = cur.execute(
            "SELECT user_id FROM users WHERE username = ?", [username.strip().lower()]
        ).fetchone()
        if row is None:
            raise HTTPException(404, f"No user {username!r}.")
        twofactor.disable(cur, row[0])
        accounts.audit(
            cur, p.user_id, "totp.reset", username, "ok", None, username=p.username, ip=client_ip(request)
        )
    get_auth(request).forget()
    return {"username": username, "totp": False}


@pages.post("/account/totp/setup")
def setup_page(request: Request, p: Annotated[Principal, Depends(current_user)]) -> Response:
    from xborder.api.routers.pages import account_page

    return account_page(request, p, totp_setup=_setup(request, p))


@pages.post("/account/totp/enable")
def enable_page(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    code: Annotated[str, Form(max_length=32)],
) -> Response:
    from xborder.api.routers.pages import account_page

    return account_page(request, p, recovery_codes=_enable(request, p, code))


@pages.post("/account/totp/disable")
def disable_page(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    password: Annotated[str, Form(max_length=1024)],
    code: Annotated[str, Form(max_length=32)],
) -> Response:
    _disable(request, p, password, code)
    return RedirectResponse("/account?msg=Two-factor+login+is+off.", status_code=303)
