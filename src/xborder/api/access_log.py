"""The access log of the web app: reads of personal data through the API and the pages go to ``personal_reads``.

The command line logs what a command shows (:func:`xborder.cli.privacy.log_cli_reads`); here an ASGI middleware
does it for the server, after a successful GET of an endpoint that hands out personal columns
(:data:`PERSONAL_ROUTES`), with the logged-in user as the actor and channel ``api``. A route added later that shows
personal data adds a line to :data:`PERSONAL_ROUTES`, or its handler calls :func:`note_read` (the middleware
logs what was noted).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

__all__ = ["PERSONAL_ROUTES", "AccessLog", "note_read"]

Counter = Callable[[Any, dict[str, Any], Any], int | None]


def _quarantine_items(cur: Any, params: dict[str, Any], body: Any) -> int | None:
    """Rows of the JSON answer showing a quarantined value."""
    items = body.get("items") if isinstance(body, dict) else None
    return (
        None if items is None else sum(1 for r in items if isinstance(r, dict) and r.get("value") is not None)
    )


def _quarantine_any(cur: Any, params: dict[str, Any], body: Any) -> int | None:
    """The data page shows the quarantine's first rows: logged (rows not counted) when it holds any value."""
    n = cur.execute("SELECT count(value) FROM quarantine").fetchone()[0]
    return None if n else 0


def _run_scores(cur: Any, params: dict[str, Any], body: Any) -> int | None:
    """A run's report file holds its customers' rows when the customers stage scored any in that run."""
    n = cur.execute(
        "SELECT count(*) FROM customer_scores WHERE run_id = ?", [params.get("run_id")]
    ).fetchone()[0]
    return int(n)


PERSONAL_ROUTES: dict[str, tuple[str, list[str], Counter]] = {
    "/api/data/quarantine": ("quarantine", ["value"], _quarantine_items),
    "/data": ("quarantine", ["value"], _quarantine_any),
    "/api/runs/{run_id}/report": ("customer_scores", ["customer_key"], _run_scores),
}
"""Route (as declared) → (table, its personal columns the answer shows, rows read: a count from the warehouse
or the JSON answer; None = shown but not counted, 0 = nothing personal shown, not logged)."""


def note_read(request: Request, table: str, columns: list[str], rows: int | None) -> None:
    """Have the access log record that this request showed ``rows`` of ``table``'s personal ``columns``."""
    notes = getattr(request.state, "personal_reads", None)
    if notes is None:
        notes = []
        request.state.personal_reads = notes
    notes.append((table, columns, rows))


class AccessLog:
    """ASGI middleware: after a successful GET of a route in :data:`PERSONAL_ROUTES` (or one that called
    :func:`note_read`), one ``personal_reads`` row per table read, actor = the logged-in user."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        status: list[int] = []
        body: list[bytes] = []

        async def watch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            elif message["type"] == "http.response.body" and scope.get("path", "").startswith("/api/data/"):
                body.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, watch)
        state = scope.get("state") or {}
        principal = state.get("principal")
        route = getattr(scope.get("route"), "path", None)
        notes = list(state.get("personal_reads", []))
        if (
            principal is None
            or not status
            or status[0] != 200
            or (route not in PERSONAL_ROUTES and not notes)
        ):
            return
        await run_in_threadpool(self._log, scope, principal, route, b"".join(body), notes)

    def _log(self, scope: dict[str, Any], principal: Any, route: str | None, raw: bytes, notes: list) -> None:
        from xborder.privacy.access import log_read_counts

        app = scope["app"]
        db = app.state.db
        command = f"GET {route or scope.get('path')}"
        params = scope.get("path_params") or {}
        reads: dict[str, tuple[list[str], int | None]] = {}
        with db.write() as cur:
            if route in PERSONAL_ROUTES:
                table, columns, count = PERSONAL_ROUTES[route]
                try:
                    answer = json.loads(raw) if raw else None
                except ValueError:
                    answer = None
                if db.has_table(table):
                    n = count(cur, params, answer)
                    if n != 0:
                        reads[table] = (columns, n)
            for table, columns, n in notes:
                if n != 0:
                    reads[table] = (columns, n)
            if reads:
                log_read_counts(cur, db.path, actor=principal.username, channel="api", command=command,
                                reads=reads, run_id=params.get("run_id"))  # fmt: skip
