"""Accounts: argon2 hashes, sessions and tokens that expire, CSRF, login rate limiting, first admin, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.conftest import PASSWORDS

pytestmark = pytest.mark.shared_data


def _audit(env, action: str) -> list[tuple]:
    with env.app.state.db.read() as cur:
        return cur.execute(
            "SELECT username, target, outcome, ip FROM audit_log WHERE action = ? ORDER BY occurred_at",
            [action],
        ).fetchall()


def test_passwords_are_stored_as_argon2id_hashes(fresh_web) -> None:
    with fresh_web.app.state.db.read() as cur:
        hashes = [r[0] for r in cur.execute("SELECT password_hash FROM users").fetchall()]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(pw in h for h in hashes for pw in PASSWORDS.values())


def test_production_hasher_uses_rfc9106_argon2id_parameters() -> None:
    from argon2 import Type
    from argon2.profiles import RFC_9106_LOW_MEMORY

    from xborder.api import accounts

    params = accounts._PROD_HASHER if hasattr(accounts, "_PROD_HASHER") else None
    assert params is not None
    assert (params.type, params.time_cost, params.memory_cost) == (
        Type.ID,
        RFC_9106_LOW_MEMORY.time_cost,
        RFC_9106_LOW_MEMORY.memory_cost,
    )


def test_login_sets_httponly_samesite_cookie_and_me_works(fresh_web) -> None:
    c = fresh_web.client()
    r = c.post("/api/auth/login", json={"username": "Analyst", "password": PASSWORDS["analyst"]})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=" in cookie
    me = c.get("/api/auth/me").json()
    assert me["username"] == "analyst" and me["role"] == "analyst" and me["auth"] == "session"
    assert _audit(fresh_web, "login")[-1][:3] == ("analyst", "analyst", "ok")


def test_wrong_password_and_unknown_user_get_the_same_answer(fresh_web) -> None:
    c = fresh_web.client()
    a = c.post("/api/auth/login", json={"username": "analyst", "password": "wrong-password-1"})
    b = c.post("/api/auth/login", json={"username": "nobody", "password": "wrong-password-1"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()
    assert "set-cookie" not in a.headers


def test_five_failures_lock_the_user_and_address_for_15_minutes(fresh_web) -> None:
    from xborder.api import accounts

    c = fresh_web.client()
    for _ in range(accounts.MAX_FAILURES):
        assert (
            c.post("/api/auth/login", json={"username": "viewer", "password": "not-the-password"}).status_code
            == 401
        )
    r = c.post("/api/auth/login", json={"username": "viewer", "password": PASSWORDS["viewer"]})
    assert r.status_code == 429  # even the right password is refused while locked
    assert 14 * 60 < int(r.headers["retry-after"]) <= 15 * 60
    assert _audit(fresh_web, "login")[-1][2] == "locked"
    with fresh_web.app.state.db.read() as cur:
        assert accounts.login_lock(cur, "viewer", "10.0.0.9") == 0  # another address is not locked
        # the lock is stored in the warehouse, so it survives a restart; and it lifts after 15 minutes
        cur.execute("UPDATE login_attempts SET attempted_at = attempted_at - INTERVAL 16 MINUTE")
    assert (
        c.post("/api/auth/login", json={"username": "viewer", "password": PASSWORDS["viewer"]}).status_code
        == 200
    )


def test_cookie_writes_need_the_csrf_token_bearer_writes_do_not(fresh_web) -> None:
    c = fresh_web.login("admin")
    body = {"name": "ci", "days": 1}
    r = c.post("/api/auth/tokens", json=body)
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    assert c.post("/api/auth/tokens", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert c.post("/api/auth/tokens", json=body, headers={"X-CSRF-Token": c.csrf}).status_code == 201
    assert fresh_web.client("admin").post("/api/auth/tokens", json=body).status_code == 201
    assert [o for _, _, o, _ in _audit(fresh_web, "csrf")] == ["denied", "denied"]


def test_tokens_and_sessions_expire(fresh_web) -> None:
    from xborder.api import accounts

    with fresh_web.app.state.db.write() as cur:
        uid = cur.execute("SELECT user_id FROM users WHERE username = 'viewer'").fetchone()[0]
        old, _, _ = accounts.issue(cur, uid, kind="token", ttl=dt.timedelta(seconds=-1), name="old")
        sess, _, _ = accounts.issue(cur, uid, kind="session", ttl=dt.timedelta(seconds=-1))
    c = fresh_web.client()
    assert c.get("/api/auth/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    c.cookies.set("xborder_session", sess)
    assert c.get("/api/auth/me").status_code == 401
    # a session secret is not a bearer token and vice versa
    assert (
        fresh_web.client().get("/api/auth/me", headers={"Authorization": f"Bearer {sess}"}).status_code == 401
    )


def test_created_token_works_until_logout_revokes_it(fresh_web) -> None:
    token = (
        fresh_web.client("analyst")
        .post("/api/auth/tokens", json={"name": "script", "days": 7})
        .json()["token"]
    )
    c = fresh_web.client()
    c.headers["Authorization"] = f"Bearer {token}"
    assert c.get("/api/opportunities").status_code == 200
    assert c.post("/api/auth/logout").status_code == 200
    assert c.get("/api/opportunities").status_code == 401


def test_disabling_a_user_ends_their_sessions_and_tokens(fresh_web) -> None:
    viewer = fresh_web.client("viewer")
    assert viewer.get("/api/auth/me").status_code == 200
    r = fresh_web.client("admin").patch("/api/users/viewer", json={"disabled": True})
    assert r.status_code == 200
    assert viewer.get("/api/auth/me").status_code == 401
    c = fresh_web.client()
    assert (
        c.post("/api/auth/login", json={"username": "viewer", "password": PASSWORDS["viewer"]}).status_code
        == 401
    )
    assert _audit(fresh_web, "user.disable")[-1][1:3] == ("viewer", "ok")


def test_last_admin_cannot_be_demoted(fresh_web) -> None:
    r = fresh_web.client("admin").patch("/api/users/admin", json={"role": "viewer"})
    assert r.status_code == 422 and "last active admin" in r.json()["detail"]


def test_first_start_creates_admin_with_one_time_password_once(tmp_path) -> None:
    from xborder.api import accounts
    from xborder.api.app import create_app
    from xborder.core.settings import Settings

    app = create_app(Settings(db_path=str(tmp_path / "new.duckdb")), data_dir=tmp_path / "d")
    with app.state.db.write() as cur:
        password = accounts.ensure_admin(cur)
        assert accounts.ensure_admin(cur) is None  # printed once only
    assert password and len(password) >= 16
    from fastapi.testclient import TestClient

    c = TestClient(app)
    r = c.post("/api/auth/login", json={"username": "admin", "password": password})
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    csrf = {"X-CSRF-Token": r.json()["csrf_token"]}
    blocked = c.get("/api/opportunities")
    assert blocked.status_code == 403 and "one-time password" in blocked.json()["detail"]
    assert c.get("/opportunities", follow_redirects=False).headers["location"] == "/account"
    r = c.post(
        "/api/auth/password",
        json={"current_password": password, "new_password": "my-own-secret-9"},
        headers=csrf,
    )
    assert r.status_code == 200
    # an admin must then set up two-factor login (the server's default) before anything else
    held = c.get("/api/opportunities")
    assert held.status_code == 403 and "two-factor" in held.json()["detail"]
    assert c.get("/opportunities", follow_redirects=False).headers["location"] == "/account"
    import time

    from xborder.api import totp

    secret = c.post("/api/auth/totp/setup", headers=csrf).json()["secret"]
    code = totp.totp(totp.secret_bytes(secret), time.time())
    assert c.post("/api/auth/totp/enable", json={"code": code}, headers=csrf).status_code == 200
    assert c.get("/api/opportunities").status_code == 200  # the same session goes on
    again = TestClient(app).post("/api/auth/login", json={"username": "admin", "password": password})
    assert again.status_code == 401  # the one-time password no longer works
    app.state.db.close()


def test_password_change_needs_the_current_password(fresh_web) -> None:
    c = fresh_web.login("analyst")
    r = c.post(
        "/api/auth/password",
        json={"current_password": "wrong-one-123", "new_password": "another-pass-99"},
        headers={"X-CSRF-Token": c.csrf},
    )
    assert r.status_code == 403
    r = c.post(
        "/api/auth/password",
        json={"current_password": PASSWORDS["analyst"], "new_password": "short"},
        headers={"X-CSRF-Token": c.csrf},
    )
    assert r.status_code == 422


def test_login_page_flow_with_form_csrf(fresh_web) -> None:
    c = fresh_web.client()
    assert c.get("/opportunities", follow_redirects=False).headers["location"].startswith("/login")
    page = c.get("/login?next=/data")
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    bad = c.post(
        "/login",
        data={"username": "admin", "password": PASSWORDS["admin"], "csrf_token": "x", "next": "/data"},
        follow_redirects=False,
    )
    assert bad.status_code == 200 and "expired" in bad.text
    page = c.get("/login?next=/data")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    ok = c.post(
        "/login",
        data={
            "username": "admin",
            "password": PASSWORDS["admin"],
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/"  # no open redirect
    assert c.get("/data").status_code == 200
