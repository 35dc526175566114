"""Browser tests: a real uvicorn server on a free loopback port and Debian's headless Chromium via Playwright."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.api.conftest import _cheap_argon2, web_warehouse_template  # noqa: F401 — shared fixtures
from tests.conftest import IN_CI

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _need_chromium() -> None:
    if CHROMIUM.exists() or shutil.which("chromium"):
        return
    msg = "Chromium is not installed (apt-get install chromium); browser tests need it"
    if IN_CI:
        pytest.fail(msg + " — CI=true requires it")
    pytest.skip(msg)


@dataclass
class LiveServer:
    """A running `xborder serve` app: its URL and the app object (for state inspection)."""

    url: str
    app: object
    data_dir: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env) -> Iterator[LiveServer]:  # noqa: ANN001
    """Serve ``env.app`` with uvicorn on a free local port until the generator is closed, then close its warehouse."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(env.app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield LiveServer(url=f"http://127.0.0.1:{port}", app=env.app, data_dir=env.data_dir)
    server.should_exit = True
    thread.join(timeout=10)
    env.app.state.db.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """uvicorn serving a fresh copy of the web warehouse (users admin/analyst/viewer) in a thread."""
    _need_chromium()
    template: Path = request.getfixturevalue("web_warehouse_template")

    from tests.api.conftest import make_env
    from tests.api.test_runs import _selection_from_seed
    from xborder.domains.selection.tables import OPPORTUNITIES, OPPORTUNITY_FACTORS
    from xborder.report.stage import STAGE as REPORT
    from xborder.warehouse.stage import Stage

    env = make_env(template, tmp_path_factory.mktemp("live"))
    # the run started in the browser: real job runner and report, with the selection stage on the seed rows
    env.app.state.jobs.stages = [
        Stage(
            "selection",
            lambda ctx, p: _selection_from_seed(
                ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets
            ),
            writes=(OPPORTUNITIES, OPPORTUNITY_FACTORS),
        ),
        REPORT,
    ]
    yield from serve(env)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium (never a downloaded browser)."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A fresh browser context (own cookies) whose JS errors fail the test."""
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 900})
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status == 404 else None)
    p.errors = errors  # type: ignore[attr-defined]
    yield p
    ctx.close()
