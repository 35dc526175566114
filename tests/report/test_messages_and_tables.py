"""The message catalogue is complete in both languages; engine tables are read in their real layouts."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.report.messages import Translator, t
from xborder.report.sections import display_table, fmt, landed_modes
from xborder.report.tables import filter_pair, levels_of, normalise_forecast


def test_translator_formats_and_rejects_unknown_language() -> None:
    assert t("zh", "risk_short_history", n=7) == "历史较短：仅有 7 个月的销售数据。"
    assert Translator("en")("interval", level=95) == "95% interval"
    with pytest.raises(KeyError):
        Translator("fr")


def test_normalise_forecast_reads_the_demand_table_layout() -> None:
    fc = pd.DataFrame(
        {
            "run_id": "r",
            "unique_id": "uci:85123A|GB",
            "product_id": "uci:85123A",
            "market": "GB",
            "ds": pd.to_datetime(["2012-01-01", "2012-02-01"]),
            "model": "AutoETS",
            "point": [10.0, 12.0],
            "lo_80": [8.0, 9.0],
            "hi_80": [12.0, 15.0],
            "lo_95": [6.0, 7.0],
            "hi_95": [14.0, 17.0],
        }
    )
    out = normalise_forecast(filter_pair(fc, "uci:85123A", "gb"))
    assert out["yhat"].tolist() == [10.0, 12.0]
    assert levels_of(out) == [95, 80]
    assert out["hi_95"].tolist() == [14.0, 17.0]


def test_normalise_forecast_reads_statsforecast_wide_output() -> None:
    fc = pd.DataFrame(
        {
            "unique_id": ["x|DE"],
            "ds": ["2024-01-01"],
            "AutoETS": [5.0],
            "AutoETS-lo-90": [3.0],
            "AutoETS-hi-90": [7.0],
        }
    )
    out = normalise_forecast(filter_pair(fc, "x", "DE"))
    assert out.loc[0, "yhat"] == 5.0 and out.loc[0, "lo_90"] == 3.0 and out.loc[0, "model"] == "AutoETS"


def test_display_table_uses_the_report_language_and_formats_cells() -> None:
    ts = pd.DataFrame(
        {
            "unique_id": ["p|GB"],
            "signal": ["yoy"],
            "value": [0.25],
            "since": [None],
            "text_en": ["Up 25% on last year"],
            "text_zh": ["同比增长 25%"],
        }
    )
    zh = display_table(ts, "trends", Translator("zh"), "zh")
    assert zh["head"][:2] == ["序列", "信号"] and zh["rows"][0][-1] == "同比增长 25%"
    assert fmt(True, "zh") == "是" and fmt(1234.0) == "1,234" and fmt(float("nan")) == ""


def test_landed_modes_groups_components_per_shipping_mode() -> None:
    lc = pd.DataFrame(
        {
            "shipping_mode": ["air", "air", "sea", "sea"],
            "component": ["freight", "duty"] * 2,
            "amount": [3.0, 1.0, 1.0, 1.0],
            "currency": "EUR",
        }
    )
    modes = landed_modes(lc)
    assert [(m["mode"], m["total"]) for m in modes] == [("air", 4.0), ("sea", 2.0)]


def test_method_notes_follow_the_report_language() -> None:
    """Demo notes and research-horizon notes of the landed-cost stage read in the report's language."""
    import datetime as dt
    from types import SimpleNamespace

    from xborder.core import i18n
    from xborder.pipeline.demo import demo_note, demo_params
    from xborder.reference.coverage import research_notes
    from xborder.report.html import _notes
    from xborder.report.messages import Translator
    from xborder.report.stage import RUN_STAGES

    day = dt.date(2026, 9, 1)
    summary = {
        "research_notes": research_notes(["US"], day),
        "research_notes_zh": research_notes(["US"], day, lang="zh"),
    }
    note = demo_note(demo_params(RUN_STAGES))
    data = SimpleNamespace(
        run={"params": {"notes": [note], "stage_params": {}}},
        stages={"landed_cost": {"status": "ok", "summary": summary}},
    )
    en, zh = _notes(data, Translator("en")), _notes(data, Translator("zh"))  # type: ignore[arg-type]
    assert (
        en[0] == i18n.message(note, "en")
        and "200 busiest series" in en[0]
        and en[1].startswith("Research horizon (US)")
    )
    assert (
        zh[0] == i18n.message(note, "zh") and "演示运行" in zh[0] and zh[1].startswith("资料核查范围（US）")
    )
    assert "2026-07-24" in zh[1] and all("Research horizon" not in n for n in zh)
