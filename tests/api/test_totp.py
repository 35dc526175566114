"""Two-factor login: RFC 6238 test vectors, enrolment, login with a code or a recovery code, replay, admins held."""

from __future__ import annotations

import time

import pytest

from xborder.api import totp

# RFC 6238 Appendix B: (Unix time, SHA-1, SHA-256, SHA-512), 8 digits, T0 = 0, X = 30 s.
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}


@pytest.mark.parametrize(("t", "sha1", "sha256", "sha512"), RFC6238)
def test_rfc6238_test_vectors(t, sha1, sha256, sha512) -> None:
    got = [totp.totp(SEEDS[a], t, digits=8, algorithm=a) for a in ("sha1", "sha256", "sha512")]
    assert got == [sha1, sha256, sha512]


def test_rfc4226_hotp_test_vectors() -> None:
    # RFC 4226 Appendix D: secret "12345678901234567890", counters 0..9
    want = "755224 287082 359152 969429 338314 254676 287922 162583 399871 520489".split()
    assert [totp.hotp(SEEDS["sha1"], c) for c in range(10)] == want


def test_codes_drift_window_and_replay() -> None:
    secret = totp.new_secret()
    key = totp.secret_bytes(secret)
    now = 1_700_000_015.0
    step = totp.time_step(now)
    assert totp.accepted_step(secret, totp.totp(key, now), now) == step
    assert totp.accepted_step(secret, totp.totp(key, now - 30), now) == step - 1  # one step of clock drift
    assert totp.accepted_step(secret, totp.totp(key, now - 90), now) is None  # too old
    assert totp.accepted_step(secret, totp.totp(key, now), now, last_step=step) is None  # used once already
    assert (
        totp.accepted_step(secret, "12345", now) is None and totp.accepted_step(secret, "abcdef", now) is None
    )
    uri = totp.provisioning_uri(secret, "alice")
    assert (
        uri.startswith("otpauth://totp/xborder:alice?")
        and f"secret={secret}" in uri
        and "issuer=xborder" in uri
    )


def _now_code(secret: str, offset: float = 0) -> str:
    return totp.totp(totp.secret_bytes(secret), time.time() + offset)


@pytest.mark.shared_data
def test_enrol_then_login_needs_a_code_and_recovery_codes_work_once(fresh_web) -> None:
    c = fresh_web.login("analyst")
    csrf = {"X-CSRF-Token": c.csrf}
    assert c.get("/api/auth/totp").json()["enabled"] is False
    setup = c.post("/api/auth/totp/setup", headers=csrf).json()
    assert setup["uri"].startswith("otpauth://totp/xborder:analyst?")
    bad = c.post("/api/auth/totp/enable", json={"code": "000000"}, headers=csrf)
    assert bad.status_code == 422 and "does not match" in bad.json()["detail"]
    ok = c.post("/api/auth/totp/enable", json={"code": _now_code(setup["secret"])}, headers=csrf)
    assert ok.status_code == 200
    codes = ok.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = fresh_web.one("SELECT totp_recovery FROM users WHERE username = 'analyst'")
    assert not any(code in str(stored) for code in codes)  # only hashes are stored

    anon = fresh_web.client()
    no_code = anon.post("/api/auth/login", json={"username": "analyst", "password": "analyst-pass-123"})
    assert no_code.status_code == 401 and "two-factor code" in no_code.json()["detail"]
    # the code just used to enable is spent (replay guard); the next step's code works
    later = _now_code(setup["secret"], 30)
    r = anon.post(
        "/api/auth/login", json={"username": "analyst", "password": "analyst-pass-123", "totp": later}
    )
    assert r.status_code == 200, r.text
    replay = fresh_web.client().post(
        "/api/auth/login", json={"username": "analyst", "password": "analyst-pass-123", "totp": later}
    )
    assert replay.status_code == 401
    wrong_pw = fresh_web.client().post(
        "/api/auth/login", json={"username": "analyst", "password": "nope-nope-nope", "totp": codes[0]}
    )
    assert wrong_pw.status_code == 401
    rec = fresh_web.client().post(
        "/api/auth/login", json={"username": "analyst", "password": "analyst-pass-123", "totp": codes[0]}
    )
    assert rec.status_code == 200
    again = fresh_web.client().post(
        "/api/auth/login", json={"username": "analyst", "password": "analyst-pass-123", "totp": codes[0]}
    )
    assert again.status_code == 401  # a recovery code works once
    assert fresh_web.client("analyst").get("/api/auth/totp").json()["recovery_codes_left"] == 9
    actions = {
        r[0]
        for r in fresh_web.sql(
            "SELECT action || ':' || outcome FROM audit_log WHERE username = 'analyst' AND action LIKE 'totp%'"
        )
    }
    assert {"totp.setup:ok", "totp.enable:failed", "totp.enable:ok"} <= actions


@pytest.mark.shared_data
def test_the_login_page_takes_the_code(fresh_web) -> None:
    c = fresh_web.login("viewer")
    csrf = {"X-CSRF-Token": c.csrf}
    secret = c.post("/api/auth/totp/setup", headers=csrf).json()["secret"]
    assert c.post("/api/auth/totp/enable", json={"code": _now_code(secret)}, headers=csrf).status_code == 200
    page = fresh_web.client()
    form = page.get("/login")
    assert 'name="totp"' in form.text
    token = page.cookies.get("xborder_login_csrf")
    data = {"username": "viewer", "password": "viewer-pass-123", "csrf_token": token, "next": "/data"}
    assert page.post("/login", data=data, follow_redirects=False).status_code == 401
    data["csrf_token"] = page.cookies.get("xborder_login_csrf")
    data["totp"] = _now_code(secret, 30)
    r = page.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/data"


@pytest.mark.shared_data
def test_admins_are_held_until_they_enrol_when_the_server_requires_it(
    web_warehouse_template, tmp_path
) -> None:
    from tests.api.conftest import make_env

    env = make_env(web_warehouse_template, tmp_path, require_admin_totp=True)
    try:
        admin = env.client("admin")
        held = admin.get("/api/users")
        assert held.status_code == 403 and "two-factor" in held.json()["detail"]
        assert admin.post("/api/auth/tokens", json={"name": "x"}).status_code == 403
        assert env.client("analyst").get("/api/opportunities").status_code == 200  # others: optional
        hot = admin.get("/api/opportunities")  # the same answer is ready in the cache: the hot path holds too
        assert hot.status_code == 403 and "two-factor" in hot.json()["detail"]
        assert (
            admin.post(
                "/api/auth/totp/disable", json={"password": "admin-pass-123", "code": "123456"}
            ).status_code
            == 403
        )
        secret = admin.post("/api/auth/totp/setup").json()["secret"]
        assert admin.post("/api/auth/totp/enable", json={"code": _now_code(secret)}).status_code == 200
        assert admin.get("/api/users").status_code == 200
        # an admin can reset a user's lost authenticator; the reset is audited
        analyst = env.client("analyst")
        s2 = analyst.post("/api/auth/totp/setup").json()["secret"]
        assert analyst.post("/api/auth/totp/enable", json={"code": _now_code(s2)}).status_code == 200
        assert admin.post("/api/users/analyst/totp/reset").status_code == 200
        assert analyst.get("/api/auth/totp").json()["enabled"] is False
        assert (
            env.one("SELECT count(*) FROM audit_log WHERE action = 'totp.reset' AND target = 'analyst'") == 1
        )
    finally:
        env.app.state.jobs.shutdown()  # type: ignore[attr-defined]
        env.app.state.db.close()  # type: ignore[attr-defined]
