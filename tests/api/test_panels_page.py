"""The run's domain panels page on a real finished run (UCI Online Retail, GB/DE/FR, every stage and the report).

The run is the session's shared one (``finished_small_run``, built once); the page must show the same
panels the report does (``xborder.report.panels``), in en and zh, with figures, ``missing`` notices, and a
failing domain shown as failed without losing the others.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest

from tests.api.conftest import WebEnv, make_env
from tests.pipeline.conftest import finished_small_run

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


@pytest.fixture(scope="module")
def run_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WebEnv, str]]:
    """An app on a copy of the finished small run's warehouse, and that run's id."""
    run = finished_small_run(tmp_path_factory, "panels-page")
    env = make_env(run["db"], tmp_path_factory.mktemp("panels-web"))
    yield env, run["result"]["run_id"]
    env.app.state.jobs.shutdown()  # type: ignore[attr-defined]
    env.app.state.db.close()  # type: ignore[attr-defined]


def _articles(page: str) -> dict[str, str]:
    """Each panel's <article> body by its anchor id."""
    found = re.findall(r'<article class="card panel[^"]*" id="([^"]+)"[^>]*>(.*?)</article>', page, re.S)
    return dict(found)


def _figures(page: str) -> dict[str, dict]:
    m = re.search(r'<script type="application/json" id="panel-figures">(.*?)</script>', page, re.S)
    assert m, "no figure data on the page"
    return json.loads(m.group(1))


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def _expected(env: WebEnv, run_id: str, lang: str) -> list:
    """The panels the report shows for this run (the truth the page is checked against)."""
    from xborder.report.panels import collect

    with env.app.state.db.read() as cur:  # type: ignore[attr-defined]
        return collect(cur, run_id, lang)


def test_panels_page_shows_every_report_panel_with_figures_and_missing_notices(run_web) -> None:
    env, run_id = run_web
    from xborder.core import i18n

    r = env.client("viewer").get(f"/runs/{run_id}/panels")
    assert r.status_code == 200, r.text
    page = r.text
    articles, figures = _articles(page), _figures(page)
    expected = _expected(env, run_id, "en")
    assert sorted(articles) == sorted("panel-" + p.key.replace(".", "-") for p in expected)
    # finance: the indicators panel draws its figure into its own div; the cash runway, which needs landed
    # costs this run does not have, keeps its catalogue title and says what is missing instead of a chart
    ind = articles["panel-finance-indicators"]
    assert 'data-figure="panel-finance-indicators"' in ind
    assert figures["panel-finance-indicators"]["data"], "indicators figure has no traces"
    cash = articles["panel-finance-cash_runway"]
    assert f"<h3>{i18n.render('finance.panel_cash_title', 'en')}</h3>" in cash
    assert "panel-missing" in cash and "No 13-week cash flow in this run." in cash
    assert "data-figure" not in cash and "panel-finance-cash_runway" not in figures
    # every panel with a figure in the report has one here; every panel with `missing` shows its text
    for p in expected:
        anchor = "panel-" + p.key.replace(".", "-")
        body = articles[anchor]
        if p.missing:
            assert "panel-missing" in body and p.missing in html.unescape(body), p.key
            assert f'data-figure="{anchor}"' not in body
        elif p.figure is not None:
            assert anchor in figures and f'data-figure="{anchor}"' in body, p.key
    assert any(p.missing for p in expected), "the small run has no panel with `missing` to check"
    # grouped by domain, with a table of contents linking each panel
    toc = re.search(r'<nav class="card toc".*?</nav>', page, re.S)
    assert toc and all(f'href="#{a}"' in toc.group(0) for a in articles)
    assert (
        page.index('id="domain-customers"')
        < page.index('id="domain-finance"')
        < page.index('id="domain-risk"')
    )
    # a table longer than the page shows says how many rows it leaves out
    for p in expected:
        for _, df in p.tables:
            if df is not None and len(df) > 25:
                assert f"{len(df) - 25:,} more rows (of {len(df):,})" in page, p.key
    assert '<html lang="en">' in page and "Built in" in page
    again = env.client("viewer").get(f"/runs/{run_id}/panels")
    assert "from the cache" in again.text


def test_panels_page_in_chinese(run_web) -> None:
    env, run_id = run_web
    from xborder.core import i18n

    page = env.client("analyst").get(f"/runs/{run_id}/panels?lang=zh").text
    articles = _articles(page)
    assert (
        f"<h3>{i18n.render('finance.panel_cash_title', 'zh')}</h3>" in articles["panel-finance-cash_runway"]
    )
    assert "现金跑道" in articles["panel-finance-cash_runway"] and "本次运行没有 13 周现金流" in page
    assert '<html lang="zh-Hans">' in page and "<h2>目录</h2>" in page
    assert '<h2 class="domain-title">财务</h2>' in page
    for p in _expected(env, run_id, "zh"):
        assert f"<h3>{p.title}</h3>" in html.unescape(articles["panel-" + p.key.replace(".", "-")])


def test_one_domain_page_and_unknown_names(run_web) -> None:
    env, run_id = run_web
    c = env.client("viewer")
    page = c.get(f"/runs/{run_id}/panels/finance").text
    assert re.findall(r'<section class="domain" id="domain-(\w+)"', page) == ["finance"]
    assert "panel-finance-indicators" in _figures(page)
    assert c.get(f"/runs/{run_id}/panels/nosuchdomain").status_code == 404
    missing = c.get("/runs/run-19990101T000000-000000/panels")
    assert missing.status_code == 404 and "No run" in missing.text
    assert c.get(f"/runs/{run_id}/panels?lang=fr").status_code == 422
    # the run page and the nav link to it; /panels goes to the newest pipeline run
    run_page = c.get(f"/runs/{run_id}").text
    assert f'href="/runs/{run_id}/panels"' in run_page and f'href="/runs/{run_id}/panels/finance"' in run_page
    latest = c.get("/panels?lang=zh", follow_redirects=False)
    assert latest.status_code == 303 and latest.headers["location"] == f"/runs/{run_id}/panels?lang=zh"


def test_panels_page_needs_a_login(run_web) -> None:
    env, run_id = run_web
    r = env.client().get(f"/runs/{run_id}/panels", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    bad = env.client().get(
        f"/runs/{run_id}/panels", headers={"Authorization": "Bearer nope"}, follow_redirects=False
    )
    assert bad.status_code == 303 and "panel-figures" not in bad.text


def test_a_failing_domain_is_shown_failed_and_the_others_still_render(run_web, monkeypatch, caplog) -> None:
    env, run_id = run_web
    import xborder.domains.risk.report as risk_report

    def broken(con, run_id, lang):
        raise RuntimeError("risk table stress_results is unreadable")

    monkeypatch.setattr(risk_report, "report_panels", broken)
    env.app.state.db.changed()  # type: ignore[attr-defined]  # forget the panels built before
    with caplog.at_level("WARNING", logger="xborder.api"):
        r = env.client("viewer").get(f"/runs/{run_id}/panels")
    assert r.status_code == 200
    articles = _articles(r.text)
    failed = articles["panel-risk-error"]
    assert "panel-failed" in failed and "RuntimeError: risk table stress_results is unreadable" in failed
    assert not any(a.startswith("panel-risk-") and a != "panel-risk-error" for a in articles)
    assert "panel-finance-indicators" in _figures(r.text)
    assert any("dashboard panels of risk failed" in m for m in caplog.messages)
    env.app.state.db.changed()  # type: ignore[attr-defined]
