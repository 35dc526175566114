"""A user in a real browser: log in, upload a file, start a run, filter opportunities, open a product, download."""

from __future__ import annotations

import gzip
import re

import pytest

from tests.api.conftest import PASSWORDS
from tests.conftest import shared_path

pytestmark = [pytest.mark.browser, pytest.mark.shared_data, pytest.mark.slow]


def login(page, url: str, user: str, password: str | None = None) -> None:
    page.goto(url + "/opportunities")
    assert "/login" in page.url  # not logged in: sent to the login page
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password or PASSWORDS[user])
    page.click("button[type=submit]")


def test_analyst_journey(page, live_server, tmp_path) -> None:
    url = live_server.url
    login(page, url, "analyst")
    page.wait_for_url(re.compile(r"/opportunities"))
    assert page.locator("table#opps tbody tr").count() == 50

    # upload a real slice of UCI Online Retail on the Data page
    src = shared_path("uci_online_retail", "online_retail.csv.gz")
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(201)]
    f = tmp_path / "december orders.csv"
    f.write_text(
        "".join(lines)
        + "536999,85123A,WHITE HANGING HEART,abc,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
    )
    page.click("nav >> text=Data")
    page.set_input_files("input[type=file]", str(f))
    page.click("#upload-form button[type=submit]")
    result = page.locator("#upload-result")
    result.wait_for()
    text = result.inner_text()
    assert "december_orders.csv" in text and "201 rows read" in text and "1 quarantined" in text
    page.click("#upload-result >> text=see quarantined rows")
    assert "bad_number" in page.locator("#quarantine").inner_text()

    # start a run and watch it finish
    page.click("nav >> text=Runs")
    page.fill("input[name=markets]", "DE, FR")
    page.uncheck("input[name=lang_zh]")
    page.select_option("select[name=scope]", "quick")
    page.click("#run-form button[type=submit]")
    page.wait_for_selector("#jobs tr[data-status=ok]", timeout=240_000)
    run_link = page.locator("#jobs tr[data-status=ok] .job-run a").first
    run_id = run_link.inner_text()
    run_link.click()
    page.wait_for_selector("#reports")
    assert (
        '"top_n": 10' in page.locator("pre.params").inner_text()
    )  # the quick scope's limit of this run's stages

    # download the HTML report
    with page.expect_download() as dl:
        page.click("#reports tr:has-text('HTML') a.download")
    path = dl.value.path()
    assert dl.value.suggested_filename == f"xborder-{run_id}-en.html"
    assert "<html" in open(path, encoding="utf-8").read(5000).lower()

    # the new run's opportunities: filter by market, sort by score, open a product
    page.click("text=See its opportunities")
    page.select_option("#f-market", "FR")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"market=FR"))
    markets = page.locator("table#opps tbody tr td:nth-child(5)").all_inner_texts()
    assert markets and set(markets) == {"FR"} and len(markets) == 50  # first page
    page.click("th a[data-sort=score]")
    page.click("th a[data-sort=score]")  # second click: descending
    scores = [float(s) for s in page.locator("table#opps tbody tr td:nth-child(6)").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    first_title = page.locator("table#opps tbody tr td:nth-child(3)").first.inner_text()
    page.locator("table#opps a.product-link").first.click()
    page.wait_for_selector("#product-title")
    assert first_title in page.locator("#product-title").inner_text()
    page.wait_for_selector("#chart-demand .main-svg")  # plotly drew the demand chart
    page.wait_for_selector("#chart-factors .main-svg")
    # axis titles are drawn (plotly.js 3+ drops a title given as a bare string)
    assert "units / " in page.locator("#chart-demand").inner_text()
    assert "contribution" in page.locator("#chart-factors").inner_text()
    page.click("button[data-lang=zh]")
    # The page has several texts in both languages (explanation, customers and advertising notes).
    assert page.locator("p.explanation[data-lang-text=zh]").is_visible()
    assert not page.locator("p.explanation[data-lang-text=en]").is_visible()
    assert page.errors == []  # no JavaScript errors (CSP included)


def test_viewer_sees_no_upload_or_run_forms_and_is_refused(page, live_server) -> None:
    login(page, live_server.url, "viewer")
    page.wait_for_url(re.compile(r"/opportunities"))
    page.goto(live_server.url + "/data")
    assert page.locator("#upload-form").count() == 0 and "viewer" in page.content()
    page.goto(live_server.url + "/runs")
    assert page.locator("#run-form").count() == 0
    # even a hand-made request with the page's CSRF token is refused for a viewer
    status = page.evaluate("""async () => {
        const csrf = document.querySelector('meta[name=csrf-token]').content;
        const r = await fetch('/api/runs', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
                                            body: JSON.stringify({markets: ['DE']})});
        return r.status; }""")
    assert status == 403


def test_first_admin_login_must_change_password(page, live_server) -> None:
    from xborder.api import accounts

    with live_server.app.state.db.write() as cur:
        accounts.add_user(cur, "boss", "one-time-pass-1", "admin", must_change_password=True)
    login(page, live_server.url, "boss", "one-time-pass-1")
    page.wait_for_url(re.compile(r"/account"))
    assert "one-time password" in page.content()
    page.goto(live_server.url + "/opportunities")
    assert page.url.endswith("/account")  # cannot go anywhere before changing it
    page.fill("input[name=current_password]", "one-time-pass-1")
    page.fill("input[name=new_password]", "boss-own-pass-22")
    page.fill("input[name=new_password2]", "boss-own-pass-22")
    page.click("form[action='/account/password'] button")
    page.wait_for_url(re.compile(r"/account\?msg="))
    page.click("nav >> text=Users")
    assert page.locator("table >> text=boss").count() >= 1
