"""The permission matrix: each role × each write endpoint (and admin-only reads), every refusal audited."""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.shared_data

ROLES = ("admin", "analyst", "viewer")


class FakeJobs:
    """Records run requests instead of running the pipeline (the real job runner is tested in test_runs)."""

    def __init__(self) -> None:
        self.submitted: list[tuple[str, dict]] = []

    def submit_run(self, username: str, params: dict) -> str:
        self.submitted.append((username, params))
        return f"{len(self.submitted):016x}"

    def shutdown(self) -> None:
        pass


def _csv() -> bytes:
    return (
        b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        b"536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
    )


# (description, method, path, request kwargs, roles allowed, status when allowed)
WRITE_ENDPOINTS = [
    ("start a run", "POST", "/api/runs", {"json": {"markets": ["DE"]}}, {"admin", "analyst"}, 202),
    (
        "upload data",
        "POST",
        "/api/data/uploads",
        {"files": {"file": ("orders.csv", _csv(), "text/csv")}},
        {"admin", "analyst"},
        200,
    ),
    (
        "add a user",
        "POST",
        "/api/users",
        {"json": {"username": "newbie", "password": "newbie-pass-1", "role": "viewer"}},
        {"admin"},
        201,
    ),
    ("change a role", "PATCH", "/api/users/viewer", {"json": {"role": "viewer"}}, {"admin"}, 200),
    (
        "create an API token",
        "POST",
        "/api/auth/tokens",
        {"json": {"name": "t", "days": 1}},
        {"admin", "analyst"},
        201,
    ),
]
ADMIN_READS = [("list users", "/api/users"), ("read the audit log", "/api/audit")]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("what", "method", "path", "kwargs", "allowed", "ok_status"),
    WRITE_ENDPOINTS,
    ids=[w[0] for w in WRITE_ENDPOINTS],
)
def test_write_permission_matrix(fresh_web, role, what, method, path, kwargs, allowed, ok_status) -> None:
    fresh_web.app.state.jobs = FakeJobs()
    if "files" in kwargs:  # fresh file object per request
        name, data, ctype = kwargs["files"]["file"]
        kwargs = {"files": {"file": (name, io.BytesIO(data), ctype)}}
    r = fresh_web.client(role).request(method, path, **kwargs)
    if role in allowed:
        assert r.status_code == ok_status, (what, role, r.text)
    else:
        assert r.status_code == 403, (what, role, r.text)
        assert "role" in r.json()["detail"]
        with fresh_web.app.state.db.read() as cur:
            row = cur.execute(
                "SELECT username, outcome FROM audit_log WHERE outcome = 'denied' "
                "ORDER BY occurred_at DESC LIMIT 1"
            ).fetchone()
        assert row == (role, "denied")
    if what == "start a run":
        assert len(fresh_web.app.state.jobs.submitted) == (1 if role in allowed else 0)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("what", "path"), ADMIN_READS, ids=[a[0] for a in ADMIN_READS])
def test_admin_only_reads(web, role, what, path) -> None:
    r = web.client(role).get(path)
    assert r.status_code == (200 if role == "admin" else 403), (what, role)


def test_anonymous_gets_401_on_every_api_route_but_health(web) -> None:
    c = web.client()
    checked = 0
    for path, ops in web.app.openapi()["paths"].items():
        if path in ("/api/health", "/api/auth/login"):
            continue
        concrete = (
            path.replace("{market}", "DE")
            .replace("{product_id}", "uci:85123A")
            .replace("{run_id}", "run-x")
            .replace("{job_id}", "0" * 16)
            .replace("{username}", "viewer")
        )
        for method in ops:
            r = c.request(method.upper(), concrete)
            assert r.status_code == 401, (method, concrete, r.status_code)
            checked += 1
    assert checked >= 20
    assert c.get("/api/health").json()["status"] == "ok"


def test_every_write_is_audited_with_who_what_target_outcome(fresh_web) -> None:
    fresh_web.app.state.jobs = FakeJobs()
    admin = fresh_web.client("admin")
    admin.post("/api/runs", json={"markets": ["FR"]})
    admin.post("/api/users", json={"username": "auditee", "password": "auditee-pass-1", "role": "analyst"})
    admin.patch("/api/users/auditee", json={"role": "viewer"})
    admin.post("/api/auth/tokens", json={"name": "nightly", "days": 2})
    admin.post("/api/data/uploads", files={"file": ("o.csv", io.BytesIO(_csv()), "text/csv")})
    with fresh_web.app.state.db.read() as cur:
        rows = cur.execute(
            "SELECT action, username, target, outcome, ip FROM audit_log WHERE username = 'admin' "
            "ORDER BY occurred_at"
        ).fetchall()
    got = {(a, t, o) for a, _, t, o, _ in rows}
    assert ("run.start", "0000000000000001", "ok") in got
    assert ("user.add", "auditee", "ok") in got
    assert ("user.set_role", "auditee", "ok") in got
    assert ("token.create", "nightly", "ok") in got
    assert any(a == "data.upload" and t == "o.csv" for a, t, _ in got)
    assert all(ip == "testclient" for *_, ip in rows)
