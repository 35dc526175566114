"""The message catalogue is complete in both languages; engine tables are read in their real layouts."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.report.data import forecast_frame, frame
from xborder.report.messages import Translator, t
from xborder.report.sections import display_table, fmt, landed_modes, levels_of


def test_translator_formats_and_rejects_unknown_language() -> None:
    assert t("zh", "risk_short_history", n=7) == "历史较短：仅有 7 个月的销售数据。"
    assert Translator("en")("interval", level=95) == "95% interval"
    with pytest.raises(KeyError):
        Translator("fr")


def test_forecast_frame_reads_the_declared_forecast_columns() -> None:
    fc = pd.DataFrame(
        {
            "run_id": "r",
            "unique_id": "uci:85123A|GB",
            "product_id": "uci:85123A",
            "market": "GB",
            "ds": pd.to_datetime(["2012-02-01", "2012-01-01"]),
            "model": "AutoETS",
            "point": [12.0, 10.0],
            "lo_80": [9.0, 8.0],
            "hi_80": [15.0, 12.0],
            "lo_95": [7.0, 6.0],
            "hi_95": [17.0, 14.0],
        }
    )
    out = forecast_frame(fc)
    assert out["yhat"].tolist() == [10.0, 12.0]  # in date order
    assert levels_of(out) == [95, 80]
    assert out["hi_95"].tolist() == [14.0, 17.0]


def test_dossier_rows_become_frames_with_the_declared_columns() -> None:
    import datetime as dt

    rows = [
        {
            "run_id": "r",
            "product_id": "p",
            "market": "DE",
            "mode": "air",
            "as_of": dt.date(2026, 1, 2),
            "price": 9.5,
        }
    ]
    df = frame(rows, "landed_costs")
    assert list(df.columns)[:5] == ["run_id", "product_id", "market", "mode", "as_of"]
    assert str(df["as_of"].dtype).startswith("datetime64") and df.loc[0, "price"] == 9.5
    assert list(frame([], "landed_costs").columns) == list(frame(rows, "landed_costs").columns)


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


def test_landed_modes_builds_a_waterfall_per_shipping_mode() -> None:
    from xborder.report.data import frame

    base = {"currency": "EUR", "goods_cost": 2.0, "duty": 1.0, "price": 10.0, "referral_fee": 1.5,
            "low_confidence": False, "notes": "", "rules_used": "DU-X"}  # fmt: skip
    rows = [
        {**base, "mode": "air", "freight": 3.0, "landed_cost": 6.0, "unit_margin": 2.5, "margin_pct": 0.25},
        {
            **base,
            "mode": "sea_lcl",
            "freight": 1.0,
            "landed_cost": 4.0,
            "unit_margin": 4.5,
            "margin_pct": 0.45,
        },
    ]
    modes = landed_modes(frame(rows, "landed_costs"))
    assert [(m["mode"], m["total"], m["margin"]) for m in modes] == [
        ("air", 6.0, 0.25),
        ("sea_lcl", 4.0, 0.45),
    ]
    air = [(k, v) for k, v, _ in modes[0]["steps"]]
    assert air[:4] == [("goods_cost", 2.0), ("freight", 3.0), ("duty", 1.0), ("landed_cost", 6.0)]
    assert air[-1] == ("price", 10.0) and ("unit_margin", 2.5) in air


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
