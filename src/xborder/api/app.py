"""The FastAPI app factory of ``xborder serve``: REST API, dashboard pages, static files, security headers."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from xborder import __version__
from xborder.api.access_log import AccessLog
from xborder.api.db import Database
from xborder.api.hot import HotPath
from xborder.api.jobs import JobRunner
from xborder.api.precompute import Precompute
from xborder.api.roles import unlisted_routes
from xborder.api.security import Auth, enforce_role_table, security_headers
from xborder.api.templating import HERE
from xborder.core.errors import BadInputError, NotFoundError, XborderError
from xborder.core.settings import Settings, get_settings

__all__ = ["create_app", "BodyLimit", "SecurityHeaders", "HERE", "parse_trusted_proxies"]

log = logging.getLogger("xborder.api")

_SLACK = 64 * 1024  # room for multipart headers and form fields around the file


class _TooLarge(BaseException):
    """Raised from ``receive``; a BaseException so body parsers' ``except Exception`` cannot turn it into a 400."""


class BodyLimit:
    """ASGI middleware: refuse request bodies above ``max_bytes`` with 413 (by header, and while streaming)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Any) -> None:
        import json

        mb = max(1, round((self.max_bytes - _SLACK) / 1024 / 1024))
        body = json.dumps(
            {"detail": f"The upload is larger than the limit of {mb} MB (setting max_upload_mb)."}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """ASGI middleware adding CSP, framing, sniffing, referrer and caching headers (cheaper than BaseHTTPMiddleware)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        static = path.startswith("/static/")
        extra = security_headers(path, cache=False)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def parse_trusted_proxies(value: str | None) -> list[str]:
    """The ``trusted_proxies`` setting as a list of addresses/networks; BadInputError for anything else
    (``*`` included: trusting every peer would let any client choose its address)."""
    import ipaddress

    out = []
    for item in (value or "").replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            out.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise BadInputError(
                f"Setting trusted_proxies: {item!r} is not an IP address or network.",
                hint='List the reverse proxy\'s address, e.g. trusted_proxies = "127.0.0.1" (or a network such as '
                "10.0.0.0/8); leave it empty when clients connect directly.",
            ) from None
    return out


def create_app(
    settings: Settings | None = None,
    *,
    data_dir: Path | None = None,
    cache_size: int = 2048,
    session_hours: float = 8,
    precompute: bool = True,
    hot_path: bool = True,
    require_admin_totp: bool = True,
    local_token: str | None = None,
) -> FastAPI:
    """Build the app on the warehouse ``settings.db_path`` (created and migrated when needed).

    Args:
        settings: Settings (warehouse path, max_upload_mb, ...); default from environment/config.
        data_dir: Folder for uploads and rendered reports (default: ``xborder-data`` next to the warehouse).
        cache_size: Query results kept in memory until the data changes (0: no cache).
        session_hours: Lifetime of a login session.
        precompute: Build the latest run's list index and detail pages in the background
            (``xborder.api.precompute``; rebuilt after every data change).
        hot_path: Answer ready opportunity reads before the framework stack (``xborder.api.hot``).
        require_admin_totp: Admins must set up two-factor login before anything else.
        local_token: The secret of the command line on this machine (``xborder.api.localserver``); None: none.

    Proxy headers (X-Forwarded-For/-Proto) are believed only from ``settings.trusted_proxies``.
    """
    settings = settings or get_settings()
    trusted = parse_trusted_proxies(settings.trusted_proxies)
    # benchmarks compare with these off (benchmarks/api_load.py); XBORDER_WEB_PRECOMPUTE=0 / XBORDER_WEB_HOT_PATH=0
    precompute = precompute and os.environ.get("XBORDER_WEB_PRECOMPUTE", "1") != "0"
    hot_path = hot_path and os.environ.get("XBORDER_WEB_HOT_PATH", "1") != "0"
    db = Database(settings.db_path, cache_size=cache_size)
    data_dir = Path(data_dir or Path(settings.db_path).expanduser().resolve().parent / "xborder-data")
    data_dir.mkdir(parents=True, exist_ok=True)
    jobs = JobRunner(db, settings, data_dir / "reports")
    pre = Precompute(db) if precompute else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()  # queued jobs dropped; `xborder serve` lets the running one finish or interrupts it
        if pre is not None:
            pre.stop()

    app = FastAPI(
        title="xborder",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # served below, behind login, with the app's CSP and vendored assets
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(enforce_role_table)],
        description="Which product to develop for which foreign market: ranked opportunities with their evidence "
        "(demand, landed cost, compliance, customer voice), data uploads and pipeline runs. "
        "Authenticate with the session cookie from POST /api/auth/login (send X-CSRF-Token on writes) "
        "or with 'Authorization: Bearer <token>' from POST /api/auth/tokens.",
    )
    app.state.settings = settings
    app.state.db = db
    app.state.auth = Auth(
        db, session_hours=session_hours, require_admin_totp=require_admin_totp, local_token=local_token
    )
    app.state.data_dir = data_dir
    app.state.jobs = jobs
    app.state.precompute = pre
    app.add_middleware(BodyLimit, max_bytes=int(settings.max_upload_mb * 1024 * 1024) + _SLACK)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)  # reads of personal data → personal_reads (api/access_log.py)
    if hot_path:
        app.add_middleware(HotPath, state=app.state)  # ready answers skip the stack
    if trusted:  # outermost: every layer sees the client address the trusted proxy forwarded
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    app.state.trusted_proxies = trusted

    @app.exception_handler(XborderError)
    async def xborder_error(request: Request, exc: XborderError) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 400
        if not _is_api(request):
            from xborder.api.templating import error_page

            return error_page(request, status, exc.message, exc.hint)
        return JSONResponse({"detail": exc.message, "hint": exc.hint}, status_code=status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if not _is_api(request) and request.url.path not in ("/openapi.json",):
            if exc.status_code == 401:
                return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
            if exc.status_code == 403 and (
                "one-time password" in str(exc.detail) or "two-factor" in str(exc.detail)
            ):
                return RedirectResponse("/account", status_code=303)
            from xborder.api.templating import error_page

            return error_page(request, exc.status_code, str(exc.detail), None)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(x) for x in e.get("loc", ())), "problem": e.get("msg")}
            for e in exc.errors()
        ]
        if not _is_api(request):
            from xborder.api.templating import error_page

            text = "; ".join(f"{p['where']}: {p['problem']}" for p in problems)
            return error_page(request, 422, "Some values are not valid: " + text, None)
        return JSONResponse({"detail": "Invalid request.", "problems": problems}, status_code=422)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Internal error; the server log has the details."}, status_code=500)

    from xborder.api.routers import (
        auth,
        dashboard,
        data,
        launch,
        ledger,
        local,
        opportunities,
        pages,
        runs,
        totp,
    )

    for module in (auth, totp, opportunities, runs, data, pages, dashboard, launch, local, ledger):
        app.include_router(module.router)
    app.include_router(totp.pages)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs(request: Request) -> Response:
        from xborder.api.templating import render

        return render(request, "docs.html")

    from xborder.api.models import Health

    @app.get(
        "/api/health",
        tags=["meta"],
        summary="Liveness and schema version (no login needed)",
        response_model=Health,
        response_model_exclude_unset=True,
    )
    def health() -> dict[str, Any]:
        from xborder.warehouse import current_version

        with db.read() as cur:
            out: dict[str, Any] = {
                "status": "ok",
                "version": __version__,
                "schema_version": current_version(cur),
                "busy": db.busy_with() is not None,
            }
        if pre is not None:
            st = pre.status()
            out["precomputed"] = {k: st[k] for k in ("ready", "details", "of")}
        return out

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        import importlib.util

        spec = importlib.util.find_spec("plotly")
        path = Path(spec.origin).parent / "package_data" / "plotly.min.js"  # type: ignore[arg-type, union-attr]
        return FileResponse(
            path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    missing = unlisted_routes(_route_methods(app))
    if missing:
        raise RuntimeError(f"Routes missing from the role table (xborder.api.roles.ROLE_TABLE): {missing}")
    if pre is not None:
        pre.schedule()
    return app


def _route_methods(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every route of ``app`` that runs app dependencies (API routes)."""
    from fastapi.routing import APIRoute, iter_route_contexts

    out = []
    for rc in iter_route_contexts(app.routes):
        route = rc.original_route
        if isinstance(route, APIRoute):
            out += [(m, route.path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return out
