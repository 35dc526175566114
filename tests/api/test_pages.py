"""Dashboard pages render for each role, escape data, and refuse what the role may not do."""

from __future__ import annotations

import re

import pytest

from tests.api.seed import SEED_RUN

pytestmark = pytest.mark.shared_data

PAGES = [
    "/opportunities",
    "/opportunities?market=DE&sort=score&order=desc",
    "/opportunities/NL/uci:23084",
    "/data",
    "/runs",
    f"/runs/{SEED_RUN}",
    "/launch",
    "/account",
]


@pytest.mark.parametrize("role", ["admin", "analyst", "viewer"])
def test_every_page_renders_for_every_role(web, role) -> None:
    c = web.login(role)
    for path in PAGES:
        r = c.get(path)
        assert r.status_code == 200, (role, path)
        assert "text/html" in r.headers["content-type"]
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert "<script>" not in r.text  # no inline script (CSP)
    assert c.get("/admin/users").status_code == (200 if role == "admin" else 403)
    forms = c.get("/data").text
    assert ('id="upload-form"' in forms) == (role != "viewer")
    assert ('id="run-form"' in c.get("/runs").text) == (role != "viewer")


def test_opportunities_page_filters_and_links(web) -> None:
    c = web.login("viewer")
    html = c.get("/opportunities", params={"market": "FR", "sort": "score", "order": "desc"}).text
    rows = re.findall(r'class="product-link" href="/opportunities/([A-Z]{2})/([^"?]+)', html)
    assert len(rows) == 50 and {m for m, _ in rows} == {"FR"}  # first page of FR
    assert 'id="compare-data"' in html
    detail = c.get(f"/opportunities/FR/{rows[0][1]}").text
    assert 'id="detail-data"' in detail and "Landed cost per shipping mode" in detail


def test_page_with_bad_filter_shows_an_error_page_not_a_traceback(web) -> None:
    c = web.login("viewer")
    r = c.get("/opportunities", params={"market": "<script>alert(1)</script>"})
    assert r.status_code == 422 and "<script>alert(1)" not in r.text and "Traceback" not in r.text
    r = c.get("/opportunities/DE/uci:does-not-exist")
    assert r.status_code == 404 and "Not found" in r.text


def test_viewer_form_post_is_refused_and_audited(web) -> None:
    c = web.login("viewer")
    r = c.post("/runs", data={"markets": "DE", "csrf_token": c.csrf})
    assert r.status_code == 403
    r = c.post("/runs", data={"markets": "DE"})  # no CSRF token at all
    assert r.status_code == 403


def test_admin_adds_a_user_through_the_users_page(fresh_web) -> None:
    c = fresh_web.login("admin")
    r = c.post(
        "/admin/users",
        data={"username": "Carol", "password": "carol-pass-123", "role": "analyst", "csrf_token": c.csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    users = fresh_web.client("admin").get("/api/users").json()
    carol = next(u for u in users if u["username"] == "carol")
    assert carol["role"] == "analyst" and carol["must_change_password"] is True
    r = c.post("/admin/users/carol", data={"disabled": "true", "csrf_token": c.csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert next(u for u in fresh_web.client("admin").get("/api/users").json() if u["username"] == "carol")[
        "disabled"
    ]


def test_logout_ends_the_session(fresh_web) -> None:
    c = fresh_web.login("analyst")
    assert c.post("/logout", data={"csrf_token": c.csrf}, follow_redirects=False).status_code == 303
    assert c.get("/api/auth/me").status_code == 401


def test_openapi_documents_every_api_route(web) -> None:
    assert web.client().get("/openapi.json").status_code == 401  # the API's map is for logged-in users
    spec = web.client("viewer").get("/openapi.json").json()
    paths = set(spec["paths"])
    for p in (
        "/api/opportunities",
        "/api/opportunities/{market}/{product_id}",
        "/api/runs",
        "/api/runs/{run_id}/report",
        "/api/jobs/{job_id}",
        "/api/data/uploads",
        "/api/data/ingests",
        "/api/data/quarantine",
        "/api/auth/login",
        "/api/users",
        "/api/audit",
    ):
        assert p in paths
    assert not any(p.startswith(("/login", "/data", "/runs")) for p in paths)  # pages are not API
    params = {x["name"] for x in spec["paths"]["/api/opportunities"]["get"]["parameters"]}
    assert {"market", "category", "product", "min_score", "sort", "order", "page", "page_size"} <= params
