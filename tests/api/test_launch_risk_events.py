"""The Launch page's risk events: each event with its two dates, and the detection time over the live ones."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xborder.domains.launch.stage import STAGE
from xborder.domains.risk.events import manual_events
from xborder.domains.risk.stage.events import detect_events, record_events
from xborder.pipeline.runner import run_stage

pytestmark = pytest.mark.shared_data


def test_launch_page_lists_risk_events_and_their_detection_time(fresh_web) -> None:
    app = fresh_web.app
    stated = pd.DataFrame([
        {"category": "platform", "what": "listing suppressed", "market": "FR", "happened_at": "2011-06-01T08:00",
         "detected_at": "2011-06-02T10:30", "detected_by": "ops"},
        {"category": "logistics", "what": "port strike", "detected_at": "2011-07-01"},
    ])  # fmt: skip
    with app.state.db.write() as cur:
        detected = detect_events(cur)  # what the real UCI web warehouse's runs and ingests flag themselves
        record_events(cur, manual_events(stated, "manual", dt.datetime(2026, 1, 1)))
        run_stage(cur, app.state.settings, STAGE, {})
    total = fresh_web.one("SELECT count(*) FROM risk_events")
    assert total == detected["written"] + 2
    live = fresh_web.sql(
        "SELECT detection_hours FROM risk_events WHERE happened_at IS NOT NULL AND NOT backfill"
    )
    median = float(pd.Series([h for (h,) in live]).median())
    html = fresh_web.login("viewer").get("/launch").text
    assert 'id="risk-events"' in html and "listing suppressed" in html and "port strike" in html
    assert f"median detection {median:,.1f} h over {len(live)} live events" in html
    row = html[html.index('data-kpi="risk_detection_hours"') :].split("</tr>")[0]
    assert f"{median:,.1f}" in row  # the scorecard's KPI is the same figure


def test_launch_page_in_chinese(fresh_web) -> None:
    """GET /launch?lang=zh: every heading and column in Chinese, the KPI phrases too; English stays the default."""
    import re

    from xborder.core import i18n

    app = fresh_web.app
    stated = pd.DataFrame([{"category": "platform", "what": "listing suppressed", "market": "FR",
                            "happened_at": "2011-06-01T08:00", "detected_at": "2011-06-02T10:30", "detected_by": "ops"}])  # fmt: skip
    with app.state.db.write() as cur:
        record_events(cur, manual_events(stated, "manual", dt.datetime(2026, 1, 1)))
        run_stage(cur, app.state.settings, STAGE, {})
    client = fresh_web.login("viewer")
    zh, en = client.get("/launch?lang=zh"), client.get("/launch")
    assert zh.status_code == en.status_code == 200
    assert '<html lang="zh-Hans">' in zh.text and '<html lang="en">' in en.text

    def headings(html: str) -> list[str]:
        return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[12]>(.*?)</h[12]>|<th>(.*?)</th>", html)
                for h in h if h]  # fmt: skip

    zh_heads = headings(zh.text)
    assert "关键指标记分卡" in zh.text and "上市：从选品到上市，再回到选品" in zh_heads[0]
    assert "KPI scorecard" in en.text and "KPI scorecard" not in zh.text
    for head in zh_heads:  # no English heading or column: run ids, A/B, z and WAPE only
        assert not set(re.findall(r"[A-Za-z]+", re.sub(r"run-\S+", "", head))) - {"A", "B", "z", "WAPE"}, head
    en_words = {i18n.render(f"dashboard.launch.{k}", "en") for k in ("scorecard", "trend", "projects", "outcomes",
                                                                      "risk_events", "col_data", "col_formula")}  # fmt: skip
    assert not [w for w in en_words if w in zh.text]
    scorecard = zh.text[zh.text.index('id="kpis"') : zh.text.index("</table>", zh.text.index('id="kpis"'))]
    cells = re.findall(r'<td class="why">(.*?)</td>', scorecard)
    assert len(cells) == 2 * 14  # formula and data used of each KPI
    data_used = cells[1::2]
    assert any("实时事件" in c for c in data_used)
    assert "risk events" not in scorecard and "judged launches" not in scorecard
    assert "平台费用" in zh.text  # the risk category in words
