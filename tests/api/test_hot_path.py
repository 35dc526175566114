"""The fast read path: precomputed list and detail pages equal computed ones; the hot path answers like the
app (same body and headers) and never outlives a logout, a disabled account or a password change."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import WebEnv, make_env
from tests.api.seed import SEED_RUN
from xborder.core.jsonable import to_jsonable
from xborder.pipeline.dossier import dossier

pytestmark = pytest.mark.shared_data


def _canon(x: object) -> object:
    return json.loads(json.dumps(x, default=str))


@pytest.fixture
def hot_spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths answered by the hot path (not by the app)."""
    from xborder.api import hot

    answered: list[str] = []
    real = hot.HotPath.answer

    def spy(self, scope):
        body = real(self, scope)
        if body is not None:
            answered.append(scope["path"] + "?" + scope["query_string"].decode())
        return body

    monkeypatch.setattr(hot.HotPath, "answer", spy)
    return answered


@pytest.fixture
def pre_web(web_warehouse_template: Path, tmp_path: Path) -> Iterator[WebEnv]:
    """An app that precomputes the latest run (as `xborder serve` does), once built."""
    env = make_env(web_warehouse_template, tmp_path, precompute=True)
    assert env.app.state.precompute.wait(900)  # type: ignore[attr-defined]
    yield env
    env.app.state.jobs.shutdown()  # type: ignore[attr-defined]
    env.app.state.db.close()  # type: ignore[attr-defined]


@pytest.mark.slow
def test_precomputed_pages_equal_computed_ones_and_follow_data_changes(pre_web, hot_spy) -> None:
    from xborder.api.queries import detail as qd
    from xborder.api.queries import opportunities as qo

    db = pre_web.app.state.db
    pre = pre_web.app.state.precompute
    status = pre.status()
    n = pre_web.one("SELECT count(*) FROM opportunities WHERE run_id = ?", [SEED_RUN])
    assert status["ready"] and status["run_id"] == SEED_RUN and status["details"] == status["of"] == n
    health = pre_web.client().get("/api/health").json()["precomputed"]
    assert health == {"ready": True, "details": n, "of": n} and "run_id" not in health

    c = pre_web.client("viewer")
    rng = random.Random(11)
    markets = [r[0] for r in pre_web.sql("SELECT DISTINCT market FROM opportunities")]
    cats = [
        r[0] for r in pre_web.sql("SELECT DISTINCT category FROM opportunities WHERE category IS NOT NULL")
    ]
    queries: list[dict] = [{}, {"run_id": SEED_RUN}, {"page": 10_000}, {"market": "US"}, {"category": "nope"}]
    for _ in range(60):
        q: dict = {"sort": rng.choice(qo.SORTABLE), "order": rng.choice(["asc", "desc"])}
        q["page"], q["page_size"] = rng.randint(1, 4), rng.choice([1, 7, 50, 200])
        if rng.random() < 0.6:
            q["market"] = rng.choice(markets)
        if rng.random() < 0.4:
            q["category"] = rng.choice(cats)
        if rng.random() < 0.3:
            q["min_score"] = rng.choice([0, 0.25, 0.5, 0.75])
        queries.append(q)
    for q in queries:
        r = c.get("/api/opportunities", params=q)
        assert r.status_code == 200, (q, r.text)
        args = {k: q.get(k) for k in ("run_id", "market", "category", "min_score")}
        live = qo._list(
            db,
            args["run_id"],
            args["market"],
            args["category"],
            None,
            None if args["min_score"] is None else float(args["min_score"]),
            q.get("sort", "rank"),
            q.get("order", "asc"),
            q.get("page", 1),
            q.get("page_size", 50),
        )
        assert r.json() == _canon(live), q
    assert len(hot_spy) == len(queries)  # every one answered from the index, without a query

    pairs = pre_web.sql("SELECT product_id, market FROM opportunities WHERE run_id = ?", [SEED_RUN])
    for pid, market in rng.sample(pairs, 150):
        r = c.get(f"/api/opportunities/{market}/{pid}")
        assert r.status_code == 200
        live = to_jsonable(dossier(qd.server_query(db), SEED_RUN, pid, market))
        assert r.json() == _canon(live), (pid, market)
    assert len(hot_spy) == len(queries) + 150

    # the answers the index cannot give still come from the app
    r = c.get("/api/opportunities", params={"product": "mug"})
    assert r.status_code == 200 and len(hot_spy) == len(queries) + 150
    assert c.get("/api/opportunities", params={"run_id": "run-nope"}).status_code == 400

    # after a data change nothing precomputed is used until rebuilt for the new data
    db.changed()
    assert pre.current() is None and pre.detail_body(pid, market, None) is None
    assert c.get(f"/api/opportunities/{market}/{pid}").json() == _canon(live)
    assert pre.wait(900) and pre.status()["ready"]


def test_hot_path_answers_exactly_like_the_app(fresh_web, hot_spy) -> None:
    c = fresh_web.client("viewer")
    pid, market = fresh_web.sql(
        "SELECT product_id, market FROM opportunities WHERE run_id = ? ORDER BY rank LIMIT 1", [SEED_RUN]
    )[0]
    for path in (
        "/api/opportunities?market=DE&sort=score&order=desc&page=2",
        f"/api/opportunities/{market}/{pid}",
        f"/api/opportunities/{market}/{pid}?run_id={SEED_RUN}",
    ):
        sep = "&" if "?" in path else "?"
        app_answer = c.get(path + sep + "unknown=1")  # a parameter the hot path leaves to the app
        app_answer2 = c.get(path + sep + "unknown=1")
        hot_answer = c.get(path)  # now in the query cache: the hot path answers
        assert hot_spy and hot_spy[-1].startswith(path.split("?")[0])
        assert not any("unknown" in a for a in hot_spy)
        assert hot_answer.status_code == app_answer.status_code == app_answer2.status_code == 200
        assert hot_answer.content == app_answer.content
        assert list(hot_answer.headers.items()) == list(app_answer.headers.items())


def test_hot_path_leaves_refusals_and_bad_input_to_the_app(fresh_web, hot_spy) -> None:
    c = fresh_web.client("viewer")
    assert c.get("/api/opportunities").status_code == 200
    assert c.get("/api/opportunities").status_code == 200  # cached: hot path
    n = len(hot_spy)
    assert n >= 1
    anon = fresh_web.client()
    r = anon.get("/api/opportunities")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    bad = fresh_web.client()
    bad.headers["Authorization"] = "Bearer not-a-token"
    assert bad.get("/api/opportunities").status_code == 401
    for q in (
        "page=0",
        "page_size=201",
        "market=de",
        "sort=drop",
        "page=1&page=2",
        "market=",
        "min_score=nan",
    ):
        assert c.get(f"/api/opportunities?{q}").status_code in (200, 422), q
    assert c.get("/api/opportunities?page=0").status_code == 422
    assert c.get("/api/opportunities/DE/" + "x" * 201).status_code == 422
    assert len(hot_spy) == n


def test_logout_disable_and_password_change_end_access_on_the_hot_path_at_once(fresh_web, hot_spy) -> None:
    admin = fresh_web.login("admin")
    admin.headers["X-CSRF-Token"] = admin.csrf
    path = "/api/opportunities?market=FR"

    def token_client(username: str):
        s = fresh_web.login(username, "initial-pass-123")
        if s.get("/api/auth/me").json()["must_change_password"]:
            assert s.get(path).status_code == 403  # held until the password is changed
            r = s.post(
                "/api/auth/password",
                json={"current_password": "initial-pass-123", "new_password": "changed-pass-123"},
                headers={"X-CSRF-Token": s.csrf},
            )
            assert r.status_code == 200, r.text
        s = fresh_web.login(username, "changed-pass-123")
        tok = s.post("/api/auth/tokens", json={"name": "t"}, headers={"X-CSRF-Token": s.csrf}).json()["token"]
        c = fresh_web.client()
        c.headers["Authorization"] = f"Bearer {tok}"
        return s, c

    for name in ("erin", "frank", "grace"):
        r = admin.post(
            "/api/users", json={"username": name, "password": "initial-pass-123", "role": "analyst"}
        )
        assert r.status_code == 201, r.text

    # logout of a token
    _, c = token_client("erin")
    assert c.get(path).status_code == 200 and c.get(path).status_code == 200
    answered = len(hot_spy)
    assert c.post("/api/auth/logout").status_code == 200
    assert c.get(path).status_code == 401 and len(hot_spy) == answered

    # disabling an account
    session, c = token_client("frank")
    assert c.get(path).status_code == 200 and session.get(path).status_code == 200
    assert admin.patch("/api/users/frank", json={"disabled": True}).status_code == 200
    assert c.get(path).status_code == 401 and session.get(path).status_code == 401

    # a password change ends the user's other sessions and tokens
    session, c = token_client("grace")
    other = fresh_web.login("grace", "changed-pass-123")
    assert other.get(path).status_code == 200 and c.get(path).status_code == 200
    r = session.post(
        "/api/auth/password",
        json={"current_password": "changed-pass-123", "new_password": "another-pass-123"},
        headers={"X-CSRF-Token": session.csrf},
    )
    assert r.status_code == 200
    assert other.get(path).status_code == 401 and c.get(path).status_code == 401
    assert session.get(path).status_code == 200  # the session that changed it stays
