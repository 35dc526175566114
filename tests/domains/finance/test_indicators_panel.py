"""The report's warning-indicators panel: each indicator now and before, against its threshold (en/zh)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import shared_path
from xborder.core.settings import Settings
from xborder.domains.finance.report import report_panels
from xborder.domains.finance.stage import run_finance
from xborder.domains.finance.stage.report_indicators import relative_to_threshold
from xborder.ingest import ingest_path
from xborder.warehouse import connect


def test_distance_from_the_threshold_is_positive_on_the_warning_side() -> None:
    assert relative_to_threshold("refund_rate", 0.0957, 0.05) == pytest.approx(0.914)  # max: above warns
    assert relative_to_threshold("margin_pct", 0.10, 0.15) == pytest.approx(1 / 3)  # min: below warns
    assert relative_to_threshold("margin_erosion", -0.02, -0.05) == pytest.approx(-0.6)  # min, ok side
    assert relative_to_threshold("acos_over_break_even", 0.1, 0.0) == pytest.approx(0.1)  # threshold 0: as is


@pytest.mark.shared_data
@pytest.mark.slow
def test_the_bathmat_sellers_indicators_in_the_panel(db_path: Path) -> None:
    settings = Settings(db_path=str(db_path))
    con = connect(db_path)
    ingest_path(con, shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "fees"), settings=settings,
                reject_dir=db_path.parent)  # fmt: skip
    run_finance(con, settings, run_id="fin-1")
    panels = {
        lang: next(p for p in report_panels(con, "fin-1", lang) if p.key == "finance.indicators")
        for lang in ("en", "zh")
    }
    con.close()
    en, zh = panels["en"], panels["zh"]
    assert en.key == "finance.indicators" and en.missing is None
    (caption, table) = en.tables[0]
    rows = table.set_index("Indicator")
    # February 2020 against January (docs/finance.md: recomputed from the raw CSV in test_indicators.py)
    assert rows.loc["Refund rate", ["Now", "Before", "Threshold", "Status"]].tolist() == [
        "9.6%",
        "16.0%",
        "≤ 5.0%",
        "warning",
    ]
    assert rows.loc["Storage fee share of sales", "Status"] == "warning"
    assert rows.loc["Marketplace fee share of sales", ["Now", "Before"]].tolist() == ["34.2%", "33.6%"]
    # refund rate, fee, storage, payout lag, runway; and from the same reports the refund-rate trend, the days
    # between payouts and the FX open-exposure share (0: every payout is in the cash currency, USD)
    assert en.intro.startswith("8 seller and currency indicators, 2 past their threshold.")
    assert rows.loc["FX open exposure share (unhedged foreign-currency net exposure / all)", "Now"] == "0.0%"
    assert "退款率" in set(zh.tables[0][1]["指标"]) and "预警" in set(zh.tables[0][1]["状态"])
    refund = list(en.figure.data[1].y).index("Refund rate · all")
    assert en.figure.data[1].x[refund] == pytest.approx((0.0957 - 0.05) / 0.05, abs=2e-3)


def test_the_chart_keeps_every_warning_and_the_three_closest_per_indicator() -> None:
    import pandas as pd

    from xborder.domains.finance.stage.report_indicators import _chart_rows

    moves = [0.01, 0.12, -0.05, 0.14, 0.02, 0.20]  # threshold 0.15: only the last warns
    own = pd.DataFrame({"scope": "currency", "subject": list("ABCDEF"), "indicator": "fx_move_90d",
                        "value": moves, "threshold": 0.15,
                        "status": ["ok"] * 5 + ["warn"]})  # fmt: skip
    # F warns; the closest three are then F, D (0.14), B (0.12): cumcount counts F among them
    assert list(_chart_rows(own)["subject"]) == ["B", "D", "F"]
