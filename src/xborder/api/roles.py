"""The role table: the least role each endpoint needs, enforced for every route of the app (deny when unlisted).

Roles rank ``anonymous`` < ``viewer`` < ``analyst`` < ``admin``; ``local`` is the command line on the
server's own machine (:mod:`xborder.api.local`), allowed only where listed. docs/web.md shows the same
table for people; tests/api/test_roles.py checks every route × role against an expected table of its own.
"""

from __future__ import annotations

__all__ = ["ANONYMOUS", "LOCAL", "ROLE_TABLE", "required_role", "unlisted_routes"]

ANONYMOUS = "anonymous"
LOCAL = "local"

_READS_API = (
    "/api/opportunities",
    "/api/opportunities/facets",
    "/api/opportunities/compare",
    "/api/opportunities/{market}/{product_id:path}",
    "/api/runs",
    "/api/runs/{run_id}",
    "/api/runs/{run_id}/report",
    "/api/jobs",
    "/api/jobs/{job_id}",
    "/api/data/ingests",
    "/api/data/quarantine",
    "/api/data/tables",
    "/api/ledger/batches/{batch_id:path}",
    "/api/ledger/batches/{batch_id:path}/qr.svg",
    "/api/ledger/recall/{batch_id:path}",
)
_READS_PAGES = (
    "/",
    "/opportunities",
    "/opportunities/{market}/{product_id:path}",
    "/data",
    "/runs",
    "/runs/{run_id}",
    "/runs/{run_id}/panels",
    "/runs/{run_id}/panels/{domain}",
    "/panels",
    "/launch",
    "/account",
    "/docs",
    "/openapi.json",
)

ROLE_TABLE: dict[tuple[str, str], str] = {
    # no login
    ("GET", "/api/health"): ANONYMOUS,
    ("POST", "/api/auth/login"): ANONYMOUS,
    ("GET", "/login"): ANONYMOUS,
    ("POST", "/login"): ANONYMOUS,
    ("GET", "/favicon.ico"): ANONYMOUS,
    ("GET", "/static/vendor/plotly.min.js"): ANONYMOUS,
    # every account: read, own session, own password, own two-factor set-up
    **{("GET", p): "viewer" for p in _READS_API + _READS_PAGES},
    ("GET", "/api/auth/me"): "viewer",
    ("POST", "/api/auth/logout"): "viewer",
    ("POST", "/logout"): "viewer",
    ("POST", "/api/auth/password"): "viewer",
    ("POST", "/account/password"): "viewer",
    ("GET", "/api/auth/totp"): "viewer",
    ("POST", "/api/auth/totp/setup"): "viewer",
    ("POST", "/api/auth/totp/enable"): "viewer",
    ("POST", "/api/auth/totp/disable"): "viewer",
    ("POST", "/account/totp/setup"): "viewer",
    ("POST", "/account/totp/enable"): "viewer",
    ("POST", "/account/totp/disable"): "viewer",
    # analyst: change the data, start runs, own API tokens
    ("POST", "/api/data/uploads"): "analyst",
    ("POST", "/data/upload"): "analyst",
    ("POST", "/api/runs"): "analyst",
    ("POST", "/runs"): "analyst",
    ("POST", "/api/auth/tokens"): "analyst",
    ("POST", "/account/tokens"): "analyst",
    ("POST", "/api/ledger/batches"): "analyst",
    # admin: accounts and the audit log
    ("GET", "/api/users"): "admin",
    ("POST", "/api/users"): "admin",
    ("PATCH", "/api/users/{username}"): "admin",
    ("POST", "/api/users/{username}/totp/reset"): "admin",
    ("GET", "/api/audit"): "admin",
    ("GET", "/api/privacy/suppressions"): "admin",
    ("POST", "/api/privacy/suppressions/{request_id}/lift"): "admin",
    ("GET", "/admin/users"): "admin",
    ("POST", "/admin/users"): "admin",
    ("POST", "/admin/users/{username}"): "admin",
    # the command line on this machine (local token file), e.g. `xborder status` while serving
    ("POST", "/api/local/snapshot"): LOCAL,
    ("POST", "/api/local/ingest"): LOCAL,
}


def required_role(method: str, path: str) -> str | None:
    """The least role for ``method`` on the route template ``path``; None when the route is not listed."""
    return ROLE_TABLE.get((method.upper(), path))


def unlisted_routes(routes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Of (method, route template) pairs, those the table does not list (the app refuses to start with any)."""
    return [r for r in routes if (r[0].upper(), r[1]) not in ROLE_TABLE]
