"""Every route × every role (anonymous, viewer, analyst, admin, the local command line) against an explicit
expected table: the routes come from the app, so a new route fails here until it is given a row."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.shared_data

RANK = {"anonymous": 0, "viewer": 1, "analyst": 2, "admin": 3}
ROLES = ("anonymous", "viewer", "analyst", "admin", "local")

# The role table of docs/web.md, written out again (not imported from xborder.api.roles): least role per route.
EXPECTED: dict[tuple[str, str], str] = {
    ("GET", "/api/health"): "anonymous",
    ("POST", "/api/auth/login"): "anonymous",
    ("GET", "/login"): "anonymous",
    ("POST", "/login"): "anonymous",
    ("GET", "/favicon.ico"): "anonymous",
    ("GET", "/static/vendor/plotly.min.js"): "anonymous",
    ("GET", "/api/opportunities"): "viewer",
    ("GET", "/api/opportunities/facets"): "viewer",
    ("GET", "/api/opportunities/compare"): "viewer",
    ("GET", "/api/opportunities/{market}/{product_id:path}"): "viewer",
    ("GET", "/api/runs"): "viewer",
    ("GET", "/api/runs/{run_id}"): "viewer",
    ("GET", "/api/runs/{run_id}/report"): "viewer",
    ("GET", "/api/jobs"): "viewer",
    ("GET", "/api/jobs/{job_id}"): "viewer",
    ("GET", "/api/data/ingests"): "viewer",
    ("GET", "/api/data/quarantine"): "viewer",
    ("GET", "/api/data/tables"): "viewer",
    ("GET", "/api/ledger/batches/{batch_id:path}"): "viewer",
    ("GET", "/api/ledger/batches/{batch_id:path}/qr.svg"): "viewer",
    ("GET", "/api/ledger/recall/{batch_id:path}"): "viewer",
    ("GET", "/"): "viewer",
    ("GET", "/opportunities"): "viewer",
    ("GET", "/opportunities/{market}/{product_id:path}"): "viewer",
    ("GET", "/data"): "viewer",
    ("GET", "/runs"): "viewer",
    ("GET", "/runs/{run_id}"): "viewer",
    ("GET", "/runs/{run_id}/panels"): "viewer",
    ("GET", "/runs/{run_id}/panels/{domain}"): "viewer",
    ("GET", "/panels"): "viewer",
    ("GET", "/launch"): "viewer",
    ("GET", "/account"): "viewer",
    ("GET", "/docs"): "viewer",
    ("GET", "/openapi.json"): "viewer",
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
    ("POST", "/api/data/uploads"): "analyst",
    ("POST", "/data/upload"): "analyst",
    ("POST", "/api/runs"): "analyst",
    ("POST", "/runs"): "analyst",
    ("POST", "/api/auth/tokens"): "analyst",
    ("POST", "/account/tokens"): "analyst",
    ("POST", "/api/ledger/batches"): "analyst",
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
    ("POST", "/api/local/snapshot"): "local",
    ("POST", "/api/local/ingest"): "local",
}
# The local command line: its own routes and the analyst's data and runs, never accounts.
ACCOUNT_PATHS = ("/api/auth", "/account", "/admin", "/api/users", "/logout", "/api/audit")

PARAMS = {
    "{market}": "DE",
    "{product_id:path}": "uci:85123A",
    "{run_id}": "run-x",
    "{domain}": "finance",
    "{job_id}": "0" * 16,
    "{username}": "nobody",
    "{batch_id:path}": "NO-SUCH-LOT",
    "{request_id}": "0" * 16,
}
# A body each write accepts far enough to pass (or fail) authorisation; nothing heavy runs.
BODIES = {
    ("POST", "/api/auth/login"): {"json": {"username": "nobody", "password": "wrong-password-1"}},
    ("POST", "/login"): {"data": {"username": "nobody", "password": "x"}},
    ("POST", "/api/auth/password"): {"json": {"current_password": "wrong-pass-00", "new_password": "x" * 12}},
    ("POST", "/api/auth/totp/enable"): {"json": {"code": "000000"}},
    ("POST", "/api/auth/totp/disable"): {"json": {"password": "x", "code": "000000"}},
    ("POST", "/api/auth/tokens"): {"json": {"name": "t", "days": 1}},
    ("POST", "/api/users"): {"json": {"username": "newbie", "password": "newbie-pass-1", "role": "viewer"}},
    ("PATCH", "/api/users/{username}"): {"json": {}},
    ("POST", "/api/runs"): {"json": {"markets": ["DE"]}},
    ("POST", "/api/data/uploads"): {"files": {"file": ("bad.exe", b"x", "text/plain")}},
    ("POST", "/data/upload"): {"files": {"file": ("bad.exe", b"x", "text/plain")}},
    ("POST", "/api/local/ingest"): {"json": {"path": "/nonexistent/file.csv", "kind": "orders"}},
    ("POST", "/api/ledger/batches"): {
        "json": {"events": [{"batch_id": "X", "type": "nope", "at": "2024-01-01"}]}
    },
    ("POST", "/api/privacy/suppressions/{request_id}/lift"): {"json": {"reason": "roles test"}},
}


def _allowed(role: str, route: tuple[str, str]) -> bool:
    least = EXPECTED[route]
    if role == "local":
        if least in ("local", "anonymous"):
            return True
        return least in ("viewer", "analyst") and not route[1].startswith(ACCOUNT_PATHS)
    return least != "local" and RANK[role] >= RANK[least]


def _refused(r) -> bool:  # noqa: ANN001
    if r.status_code == 401:  # not a failed login ("Wrong user name ...") but no login at all
        return "Log in first" in r.text
    if r.status_code == 303 and r.headers.get("location", "").startswith("/login?next="):
        return True  # a page sends an anonymous visitor to the login form
    return r.status_code == 403 and any(
        s in r.text for s in ("This needs the", "Only the command line", "local access is for")
    )


class FakeJobs:
    """Records run requests instead of running the pipeline (the job runner is tested in test_runs)."""

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def submit_run(self, username: str, params: dict) -> str:
        self.submitted.append(username)
        return f"{len(self.submitted):016x}"

    def shutdown(self, wait: bool = False) -> None:
        pass


@pytest.fixture(scope="module")
def roles_env(web_warehouse_template, tmp_path_factory):
    from tests.api.conftest import make_env

    env = make_env(
        web_warehouse_template, tmp_path_factory.mktemp("roles"), local_token="local-token-for-tests"
    )
    env.app.state.jobs = FakeJobs()
    yield env
    env.app.state.db.close()


def _app_routes(app) -> set[tuple[str, str]]:  # noqa: ANN001
    from fastapi.routing import APIRoute, iter_route_contexts

    out = set()
    for rc in iter_route_contexts(app.routes):
        route = rc.original_route
        if isinstance(route, APIRoute):
            out |= {(m, route.path) for m in route.methods or () if m != "HEAD"}
    return out


def test_every_route_has_a_row_in_the_expected_table(roles_env) -> None:
    assert _app_routes(roles_env.app) == set(EXPECTED)


def test_the_app_refuses_to_start_with_a_route_missing_from_its_role_table(roles_env, monkeypatch) -> None:
    from xborder.api import roles

    table = dict(roles.ROLE_TABLE)
    del table[("POST", "/api/auth/tokens")]
    monkeypatch.setattr(roles, "ROLE_TABLE", table)
    assert roles.unlisted_routes(sorted(_app_routes(roles_env.app))) == [("POST", "/api/auth/tokens")]


@pytest.mark.parametrize("role", ROLES)
def test_role_by_endpoint(roles_env, role) -> None:
    from xborder.api import accounts

    wrong: list[str] = []
    for method, path in sorted(EXPECTED):
        c = roles_env.client(follow_redirects=False)
        if role == "local":
            c.headers["Authorization"] = "Bearer local-token-for-tests"
        elif role != "anonymous":
            # a fresh token each time: logout revokes the one used
            with roles_env.app.state.db.write() as cur:
                uid = cur.execute("SELECT user_id FROM users WHERE username = ?", [role]).fetchone()[0]
                secret, _, _ = accounts.issue(
                    cur, uid, kind="token", ttl=dt.timedelta(minutes=5), name="roles"
                )
            c.headers["Authorization"] = f"Bearer {secret}"
        url = path
        for k, v in PARAMS.items():
            url = url.replace(k, v)
        r = c.request(method, url, **BODIES.get((method, path), {}))
        assert r.status_code < 500, (role, method, path, r.status_code, r.text[:200])
        if _allowed(role, (method, path)) == _refused(r):
            wrong.append(f"{method} {path}: {r.status_code} {r.text[:120]!r}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_refusals_of_writes_are_audited(roles_env) -> None:
    n = roles_env.one("SELECT count(*) FROM audit_log WHERE outcome = 'denied' AND username = 'viewer'")
    r = roles_env.client("viewer").post("/api/auth/tokens", json={"name": "sneaky", "days": 365})
    assert r.status_code == 403 and "needs the analyst role" in r.json()["detail"]
    assert (
        roles_env.one("SELECT count(*) FROM audit_log WHERE outcome = 'denied' AND username = 'viewer'")
        == n + 1
    )
    assert roles_env.one("SELECT count(*) FROM sessions WHERE name = 'sneaky'") == 0
