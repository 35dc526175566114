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
