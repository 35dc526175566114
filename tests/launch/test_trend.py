"""KPI trend over runs and the dashboard's progress measure, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.api.queries.launch import progress
from xborder.domains.launch.trend import kpi_trend


def _card(run: str, at: str, kpi: str, value: float | None, target: float, direction: str) -> dict:
    return {"run_id": run, "run_at": pd.Timestamp(at), "kpi": kpi, "value": value, "unit": "fraction",
            "target": target, "direction": direction, "baseline": None}  # fmt: skip


def test_trend_first_previous_latest_and_direction() -> None:
    cards = pd.DataFrame([
        _card("r3", "2026-03-01", "gross_margin", 0.20, 0.25, "at_least"),
        _card("r1", "2026-01-01", "gross_margin", 0.10, 0.25, "at_least"),
        _card("r2", "2026-02-01", "gross_margin", None, 0.25, "at_least"),
        _card("r1", "2026-01-01", "acos", 0.30, 0.35, "at_most"),
        _card("r2", "2026-02-01", "acos", 0.40, 0.35, "at_most"),
        _card("r3", "2026-03-01", "acos", 0.40, 0.35, "at_most"),
        _card("r3", "2026-03-01", "risk_detection_hours", None, 72.0, "at_most"),
    ])  # fmt: skip
    t = kpi_trend(cards).set_index("kpi")
    assert list(t.index) == ["gross_margin", "acos", "risk_detection_hours"]
    gm = t.loc["gross_margin"]
    assert (gm["runs"], gm["runs_known"]) == (3, 2)
    assert gm["first_value"] == 0.10 and gm["previous_value"] == 0.10 and gm["latest_value"] == 0.20
    assert gm["change"] == pytest.approx(0.10) and gm["towards_target"] is True and gm["meets"] is False
    assert gm["latest_run_id"] == "r3"
    acos = t.loc["acos"]
    assert acos["change"] == 0 and acos["towards_target"] is None and acos["meets"] is False  # 0.40 > 0.35
    risk = t.loc["risk_detection_hours"]
    assert risk["runs_known"] == 0 and pd.isna(risk["latest_value"]) and risk["meets"] is None


def test_trend_of_nothing_is_empty() -> None:
    assert kpi_trend(pd.DataFrame()).empty


def test_progress_towards_target() -> None:
    assert progress(0.34, 0.68, "at_least") == pytest.approx(0.5)
    assert progress(0.36, 0.18, "at_most") == pytest.approx(0.5)  # logistics twice its ceiling
    assert progress(0.0, 0.15, "at_most") == 2.0
    assert progress(-5.0, 0.25, "at_least") == -1.0  # capped
    assert progress(None, 0.25, "at_least") is None
