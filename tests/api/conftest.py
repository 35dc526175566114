"""Fixtures of the web tests: a seeded copy of the real retail warehouse, an app on it, users of each role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.api.seed import build_web_warehouse
from tests.conftest import built_once

PASSWORDS = {"admin": "admin-pass-123", "analyst": "analyst-pass-123", "viewer": "viewer-pass-123"}


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2() -> Iterator[None]:
    """Argon2id with small cost in tests (2 shared cores); production keeps argon2-cffi's RFC 9106 defaults."""
    from argon2 import PasswordHasher

    from xborder.api import accounts

    prod = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    yield
    accounts._hasher = prod


@pytest.fixture(scope="session")
def web_warehouse_template(retail_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The retail warehouse + web migrations + seeded selection rows (built once per session; copy it)."""
    return built_once(
        tmp_path_factory, "web-template.duckdb", lambda path: build_web_warehouse(retail_warehouse, path)
    )


@dataclass
class WebEnv:
    """An app on its own warehouse copy, with a TestClient factory and bearer tokens per role."""

    app: object
    db_path: Path
    data_dir: Path
    tokens: dict[str, str]

    def client(self, role: str | None = None, **kw: object):
        """A TestClient, authenticated with the role's bearer token when ``role`` is given."""
        from fastapi.testclient import TestClient

        c = TestClient(self.app, **kw)  # type: ignore[arg-type]
        if role:
            c.headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return c

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        """Rows of a query on the app's warehouse (the truth the API answers are checked against)."""
        with self.app.state.db.read() as cur:  # type: ignore[attr-defined]
            return cur.execute(query, params or []).fetchall()

    def one(self, query: str, params: list | None = None) -> object:
        """The single value of a query."""
        return self.sql(query, params)[0][0]

    def login(self, username: str, password: str | None = None):
        """A TestClient logged in with a session cookie; its X-CSRF-Token header is NOT set (tests decide)."""
        c = self.client()
        r = c.post(
            "/api/auth/login", json={"username": username, "password": password or PASSWORDS[username]}
        )
        assert r.status_code == 200, r.text
        c.csrf = r.json()["csrf_token"]  # type: ignore[attr-defined]
        return c


def make_env(
    template: Path,
    tmp: Path,
    *,
    max_upload_mb: int = 1,
    cache_size: int = 2048,
    precompute: bool = False,
    require_admin_totp: bool = False,
    **app_options: object,
) -> WebEnv:
    """A fresh app on a copy of ``template`` with users admin/analyst/viewer and a token each.

    ``precompute`` is off by default: building every detail page of the ~31,000 test opportunities in
    the background would cost each app ~10 s of CPU; tests/api/test_hot_path.py checks it.
    ``require_admin_totp`` is off by default so the admin fixtures need no authenticator (the server's
    default is on; tests/api/test_totp.py checks it). ``app_options`` go to ``create_app``.
    """
    import datetime as dt
    import shutil

    from xborder.api import accounts
    from xborder.api.app import create_app
    from xborder.core.settings import Settings

    db_path = tmp / "web.duckdb"
    shutil.copyfile(template, db_path)
    settings = Settings(
        db_path=str(db_path),
        max_upload_mb=max_upload_mb,
        pseudonym_key="test-key-not-secret",
        report_dir=str(tmp / "reports"),
    )
    app = create_app(
        settings,
        data_dir=tmp / "data",
        cache_size=cache_size,
        precompute=precompute,
        require_admin_totp=require_admin_totp,
        **app_options,  # type: ignore[arg-type]
    )
    tokens = {}
    with app.state.db.write() as cur:
        for role, pw in PASSWORDS.items():
            u = accounts.add_user(cur, role, pw, role, must_change_password=False)
            tokens[role], _, _ = accounts.issue(
                cur, u["user_id"], kind="token", ttl=dt.timedelta(hours=1), name="test"
            )
    return WebEnv(app=app, db_path=db_path, data_dir=tmp / "data", tokens=tokens)


@pytest.fixture(scope="module")
def web(web_warehouse_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    """One app per test module (tests in a module share its warehouse)."""
    env = make_env(web_warehouse_template, tmp_path_factory.mktemp("webenv"))
    yield env
    env.app.state.jobs.shutdown()  # type: ignore[attr-defined]
    env.app.state.db.close()  # type: ignore[attr-defined]


@pytest.fixture
def fresh_web(web_warehouse_template: Path, tmp_path: Path) -> Iterator[WebEnv]:
    """An app of its own for tests that change accounts or data."""
    env = make_env(web_warehouse_template, tmp_path)
    yield env
    env.app.state.jobs.shutdown()  # type: ignore[attr-defined]
    env.app.state.db.close()  # type: ignore[attr-defined]
