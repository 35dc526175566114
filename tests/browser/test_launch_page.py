"""The Launch page in a real browser: projects with their gates, outcomes, the KPI scorecard and its trend."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from tests.api.seed import SEED_RUN
from tests.browser.test_dashboard import login
from tests.launch.test_run_outputs import JUDGED_PAIRS

pytestmark = [pytest.mark.browser, pytest.mark.shared_data, pytest.mark.slow]


def _launch_history(app) -> dict:
    """Two projects on the real UCI warehouse (FR), one launched, with a launch run before and after the launch."""
    from xborder.domains.launch.stage import STAGE
    from xborder.domains.launch.stage.io import create_project, record_gate
    from xborder.pipeline.runner import run_stage

    db, settings = app.state.db, app.state.settings
    window = "AND l.status = 'sold' AND l.ordered_at >= '2011-06-01' AND l.ordered_at < '2011-12-01'"
    with db.write() as cur:
        # the seeded selection's FR pick that sold most over the window (GB lines are not in the web warehouse),
        # its 6-month forecast stated here: 900 units, 80% interval 400 .. 1,500
        product, units = cur.execute(
            f"SELECT o.product_id, sum(l.quantity) AS u FROM opportunities o JOIN order_lines l "
            f"ON l.product_id = o.product_id AND l.country = 'FR' {window} "
            "WHERE o.run_id = ? AND o.market = 'FR' GROUP BY ALL ORDER BY u DESC, o.product_id LIMIT 1",
            [SEED_RUN],
        ).fetchone()
        cur.execute(
            "UPDATE opportunities SET demand_6m = 900, demand_6m_lo = 400, demand_6m_hi = 1500 "
            "WHERE run_id = ? AND product_id = ? AND market = 'FR'",
            [SEED_RUN, product],
        )
        a = create_project(cur, product, "FR", owner="sourcing", start=dt.datetime(2011, 1, 3))
        b = create_project(cur, product, "FR", owner="design", start=dt.datetime(2011, 2, 1))
        record_gate(cur, b["project_id"], "specification", "hold", at=dt.datetime(2011, 2, 10))
        steps = (("specification", 10), ("sourcing", 32), ("compliance", 60), ("pilot", 91))
        for gate, day in steps:
            record_gate(
                cur, a["project_id"], gate, "go", at=dt.datetime(2011, 1, 1) + dt.timedelta(days=day - 1)
            )
        first, _ = run_stage(cur, settings, STAGE, {})
        record_gate(cur, a["project_id"], "launch", "go", at=dt.datetime(2011, 6, 1))
        second, summary = run_stage(cur, settings, STAGE, {})
        judged_pairs = cur.execute(JUDGED_PAIRS).fetchone()[0]
    return {"a": a["project_id"], "b": b["project_id"], "first": first, "second": second, "units": units,
            "summary": summary, "frozen": (a["factors_frozen"], b["factors_frozen"]),
            "judged_pairs": judged_pairs}  # fmt: skip


def test_launch_page(page, live_server) -> None:
    h = _launch_history(live_server.app)
    assert h["summary"]["judged"] == 1
    login(page, live_server.url, "viewer")
    page.wait_for_url(re.compile(r"/opportunities"))
    page.click("nav >> text=Launch")
    page.wait_for_url(re.compile(r"/launch$"))
    assert h["second"] in page.locator("#scorecard h2").inner_text()
    assert page.locator("table#kpis tbody tr").count() == 14
    success = "100.0%" if h["units"] >= 400 else "0.0%"
    row = page.locator("table#kpis tr[data-kpi=selection_success_rate]").inner_text()
    assert success in row and "≥ 68.0%" in row
    cycle = (dt.date(2011, 6, 1) - dt.date(2011, 1, 3)).days / 30.44
    assert f"{cycle:.1f}" in page.locator("table#kpis tr[data-kpi=development_cycle_months]").inner_text()
    assert "unknown: needs ad reports" in page.locator("table#kpis tr[data-kpi=acos]").inner_text()
    # trend over the two launch runs: development cycle unknown before the launch, known after
    trend = page.locator("table#kpi-trend tr[data-kpi=development_cycle_months]").inner_text()
    assert "1 / 2" in trend
    projects = page.locator("#projects tbody tr")
    assert projects.count() == 2
    assert "launched" in page.locator(f"tr[data-project={h['a']}]").inner_text()
    assert "on hold" in page.locator(f"tr[data-project={h['b']}]").inner_text()
    outcomes = page.locator("#outcomes").inner_text()
    assert f"{h['units']:,.0f}" in outcomes and "sales only (cost unknown)" in outcomes
    # Two projects (one judged) are far fewer than the 30 a refit needs: the page says how many there are.
    refit = page.locator("#refit").inner_text()
    judged, frozen = (1 if h["frozen"][0] else 0), sum(n > 0 for n in h["frozen"])
    assert f"{judged} judged projects with frozen factors ({frozen} projects have frozen factors)" in refit
    assert "at least 30 are needed" in refit
    # the replayed launches of the web warehouse's sales: judged pairs as counted by hand in SQL
    replay_all = page.locator("table#replay-groups tr[data-group=all]").inner_text()
    assert f"{h['judged_pairs']:,}" in replay_all and h["judged_pairs"] > 0
    page.wait_for_selector("#chart-kpis .main-svg")
    page.wait_for_selector("#chart-trend .main-svg")
    rows = page.locator("table#kpis tbody tr").all_inner_texts()
    known = sum("unknown: needs" not in r for r in rows)
    assert known >= 2 and page.locator("#chart-kpis .bars .point").count() == known  # a bar per known KPI
    if os.environ.get("XBORDER_SCREENSHOT"):
        page.screenshot(path=os.environ["XBORDER_SCREENSHOT"], full_page=True)
    # the same page in Chinese: headings, values and the charts' words
    page.click("#launch-lang >> text=中文")
    page.wait_for_url(re.compile(r"/launch\?lang=zh$"))
    assert page.locator("h1").inner_text() == "上市：从选品到上市，再回到选品"
    assert "关键指标记分卡" in page.locator("#scorecard h2").inner_text()
    assert "未知：需要广告报表" in page.locator("table#kpis tr[data-kpi=acos]").inner_text()
    assert "已上市" in page.locator(f"tr[data-project={h['a']}]").inner_text()
    assert "暂缓" in page.locator(f"tr[data-project={h['b']}]").inner_text()
    assert "仅看销量" in page.locator("#outcomes").inner_text()
    page.wait_for_selector("#chart-kpis .main-svg")
    assert "距目标的进度" in page.locator("#chart-kpis").inner_text()
    assert page.errors == []  # no JavaScript errors (CSP included)
