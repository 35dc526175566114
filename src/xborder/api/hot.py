"""The hot read path: ready answers of the opportunities list and detail, without the framework stack.

``GET /api/opportunities`` and ``GET /api/opportunities/{market}/{product_id}`` are most of the
traffic. When such a request is authenticated (bearer token or session cookie, through the same
cached look-up as every request), is not held (a pending password change, an admin's missing
two-factor set-up), its parameters are plainly valid
and its answer is ready (precomputed, or in the query cache), :class:`HotPath` sends that answer
with the same status, body and headers the FastAPI route would send. Everything else — a missing
or bad login, a parameter to validate or reject, an answer still to compute — goes through the app
unchanged, so errors, 401/403/422 answers and audit entries come from one place.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import cookie_parser

from xborder.api.security import SESSION_COOKIE, security_headers

__all__ = ["HotPath"]

log = logging.getLogger("xborder.api")

_RUN = re.compile(r"[A-Za-z0-9_.:-]{1,80}")
_MARKET = re.compile(r"[A-Z]{2}")
_CATEGORY = re.compile(r"[a-z0-9_]{1,64}")
_SCORE = re.compile(r"-?[0-9]{1,9}(\.[0-9]{1,12})?")
_PAGE = re.compile(r"[1-9][0-9]{0,5}")
_SORTS = frozenset({"rank", "score", "market", "product_id", "title", "category"})
_ORDERS = frozenset({"asc", "desc"})
_LIST = "/api/opportunities"
_DETAIL = "/api/opportunities/"


class HotPath:
    """ASGI middleware answering ready opportunity reads directly (see the module docstring).

    Args:
        app: The rest of the ASGI stack.
        state: The FastAPI ``app.state`` (db, auth, precompute).
    """

    def __init__(self, app: Any, state: Any) -> None:
        self.app = app
        self.state = state
        self.headers = [(b"content-type", b"application/json"), *security_headers(_LIST)]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith(_LIST):
            try:
                body = self.answer(scope)
            except Exception:
                log.exception("hot path failed; answering through the app")
                body = None
            if body is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [(b"content-length", str(len(body)).encode()), *self.headers],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def _authenticated(self, scope: dict) -> bool:
        authorization: bytes | None = None
        cookies: dict[str, str] = {}
        for name, value in scope["headers"]:
            if name == b"authorization" and authorization is None:
                authorization = value
            elif name == b"cookie":
                cookies.update(cookie_parser(value.decode("latin-1")))
        auth = self.state.auth
        header = (authorization or b"").decode("latin-1")
        if header.lower().startswith("bearer "):
            p = auth.lookup(header[7:].strip(), "token")
        elif cookies.get(SESSION_COOKIE):
            p = auth.lookup(cookies[SESSION_COOKIE], "session")
        else:
            return False
        return p is not None and not p.must_change_password and not auth.needs_totp(p)

    def answer(self, scope: dict) -> bytes | None:
        """The ready answer to this request, or None (then the app handles it)."""
        if scope.get("root_path"):
            return None
        path: str = scope["path"]
        params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        query = dict(params)
        if len(query) != len(params) or any(not v for v in query.values()):
            return None  # repeated or empty parameters: let the app validate them
        run_id = query.pop("run_id", None)
        if run_id is not None and not _RUN.fullmatch(run_id):
            return None
        if path == _LIST:
            return self._list(scope, run_id, query)
        if not path.startswith(_DETAIL) or query:
            return None
        market, sep, product_id = path[len(_DETAIL) :].partition("/")
        if not sep or not _MARKET.fullmatch(market) or not 1 <= len(product_id) <= 200:
            return None
        if not self._authenticated(scope):
            return None
        db, pre = self.state.db, self.state.precompute
        body = pre.detail_body(product_id, market, run_id) if pre is not None else None
        return body if body is not None else db.peek(("json", "detail", product_id, market, run_id))

    def _list(self, scope: dict, run_id: str | None, query: dict[str, str]) -> bytes | None:
        market = query.pop("market", None)
        category = query.pop("category", None)
        score = query.pop("min_score", None)
        sort = query.pop("sort", "rank")
        order = query.pop("order", "asc")
        page_s = query.pop("page", "1")
        size_s = query.pop("page_size", "50")
        if query or sort not in _SORTS or order not in _ORDERS:
            return None  # e.g. a product text filter: the app answers
        if market is not None and not _MARKET.fullmatch(market):
            return None
        if category is not None and not _CATEGORY.fullmatch(category):
            return None
        if score is not None and not _SCORE.fullmatch(score):
            return None
        if not _PAGE.fullmatch(page_s) or not _PAGE.fullmatch(size_s):
            return None
        page, page_size = int(page_s), int(size_s)
        if page > 100_000 or page_size > 200:
            return None
        if not self._authenticated(scope):
            return None
        min_score = float(score) if score is not None else None
        args = (run_id, market, category, None, min_score, sort, order, page, page_size)
        pre = self.state.precompute
        body = pre.list_body(*args) if pre is not None else None
        return body if body is not None else self.state.db.peek(("json", "opps", *args))
