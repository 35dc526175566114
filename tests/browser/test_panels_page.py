"""The run's domain panels page in a real browser: plotly.js (served by the app) draws every panel's figure.

Set ``XBORDER_SCREENSHOT=/tmp/panels`` to keep full-page screenshots (``/tmp/panels-en.png``, ``-zh.png``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from tests.api.conftest import make_env
from tests.browser.conftest import LiveServer, _need_chromium, serve
from tests.browser.test_dashboard import login
from tests.pipeline.conftest import finished_small_run

pytestmark = [pytest.mark.browser, pytest.mark.shared_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn serving a copy of the session's finished small run (UCI Online Retail, every stage)."""
    _need_chromium()

    run = finished_small_run(tmp_path_factory, "panels-browser")
    env = make_env(run["db"], tmp_path_factory.mktemp("panels-live"))
    env.app.state.run_id = run["result"]["run_id"]  # type: ignore[attr-defined]
    yield from serve(env)


def _wait_drawn(page, n: int) -> None:
    """Wait until plotly has drawn all ``n`` figures (charts draw one per task, in page order)."""
    page.locator("[data-figure]").last.locator(".main-svg").first.wait_for(timeout=90_000)
    assert page.locator("[data-figure][data-drawn]").count() == n


def test_panels_page_draws_every_figure_in_both_languages(page, live_server) -> None:
    run_id = live_server.app.state.run_id  # type: ignore[attr-defined]
    login(page, live_server.url, "viewer")
    page.wait_for_url(re.compile(r"/opportunities"))
    page.click("nav >> text=Panels")
    page.wait_for_url(re.compile(rf"/runs/{run_id}/panels\?lang=en$"))
    figures = page.locator("[data-figure]")
    n = figures.count()
    assert n >= 5
    _wait_drawn(page, n)
    ind = page.locator("#panel-finance-indicators")
    assert ind.locator("h3").inner_text() == "Money warning indicators: now and the period before"
    assert ind.locator(".main-svg").count() >= 1  # plotly drew an svg in the panel
    assert ind.locator(".main-svg .scatterlayer .trace .point").count() >= 1  # with its points
    cash = page.locator("#panel-finance-cash_runway")  # no landed costs in this run: a notice, no chart
    assert "No 13-week cash flow in this run." in cash.locator(".panel-missing").inner_text()
    assert cash.locator(".main-svg").count() == 0
    if os.environ.get("XBORDER_SCREENSHOT"):
        page.screenshot(path=os.environ["XBORDER_SCREENSHOT"] + "-en.png", full_page=True)

    page.click("#panel-lang >> text=中文")
    page.wait_for_url(re.compile(r"lang=zh$"))
    _wait_drawn(page, n)
    assert page.locator("#panel-finance-cash_runway h3").inner_text() == "现金跑道：未来 13 周"
    assert page.locator("#panel-finance-indicators h3").inner_text() == "资金预警指标：本期与上期"
    assert page.locator("#panel-finance-indicators .main-svg").count() >= 1
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    if os.environ.get("XBORDER_SCREENSHOT"):
        page.screenshot(path=os.environ["XBORDER_SCREENSHOT"] + "-zh.png", full_page=True)
    assert page.errors == []  # no JavaScript errors (CSP included), no missing asset
