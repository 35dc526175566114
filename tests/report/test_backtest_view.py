"""The report's backtest section sets what the list showed for its picks against what they sold."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.report.backtest_view import backtest_context
from xborder.report.messages import Translator


def _bt(expected: float | None) -> dict:
    money = pd.DataFrame(
        {
            "method": ["xborder", "best_sellers"],
            "units_next": [6676.0, 18621.9],
            "revenue_next": [18000.0, 40000.0],
            "gross_profit_next": [8000.0, -2000.0],
            "profitable": [1.0, 0.4],
            "grew": [0.35, 0.2],
        }
    )
    if expected is not None:
        money.insert(1, "units_expected", [expected, 27460.7])
    pivot = pd.DataFrame({"method": ["xborder", "best_sellers"], "2011-03": [0.9, 0.85], "mean": [0.9, 0.85]})
    return {"pivot": pivot, "mean": {"xborder": 0.9, "best_sellers": 0.85, "random": 0.4}, "money": money,
            "currency": "GBP", "k": 20, "random_lo": 0.2, "random_hi": 0.6, "candidates": 2279}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_expected_units_are_set_against_what_the_picks_sold(lang: str) -> None:
    ctx = backtest_context(_bt(7767.3), Translator(lang))
    # 6,676 sold against 7,767 shown: the demand shown ran 14% high
    assert "7,767" in ctx["expected_headline"] and "6,676" in ctx["expected_headline"]
    assert "-14%" in ctx["expected_headline"]
    assert ctx["money"]["rows"][0][1:3] == ["7,767", "6,676"]
    assert len(ctx["money"]["head"]) == len(ctx["money"]["rows"][0]) == 7


def test_an_older_run_without_expected_units_keeps_its_table_and_says_nothing_of_them() -> None:
    ctx = backtest_context(_bt(None), Translator("en"))
    assert "expected_headline" not in ctx
    assert len(ctx["money"]["head"]) == len(ctx["money"]["rows"][0]) == 6
