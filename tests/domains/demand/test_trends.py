"""Trend signals: growth sentences, changepoints, seasonality strength and the peak month."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.domains.demand import trend_signals
from xborder.domains.demand.stage import with_text
from xborder.domains.demand.trends import changepoint, growth, seasonal_strength


def _weekly(y: np.ndarray, uid: str = "p|DE") -> pd.DataFrame:
    return pd.DataFrame(
        {"unique_id": uid, "ds": pd.date_range("2021-01-04", periods=len(y), freq="W-MON"), "y": y}
    )


def test_growth_reads_as_the_issue_example() -> None:
    y = np.r_[np.full(20, 100.0), np.full(8, 100.0), np.full(8, 137.0)]
    assert growth(y, 8) == np.float64(0.37).round(10) or abs(growth(y, 8) - 0.37) < 1e-9
    sig = with_text(trend_signals(_weekly(y), freq="W")).set_index("signal")
    assert sig.loc["growth_8", "text_en"] == "rising: +37% over the last 8 weeks vs the 8 before"
    assert sig.loc["growth_8", "text_zh"] == "上升：最近8周比之前8周 +37%"


def test_changepoint_finds_a_decline_and_ignores_noise() -> None:
    rng = np.random.default_rng(1)
    y = np.r_[rng.poisson(50, 30), rng.poisson(15, 20)].astype(float)
    idx, change = changepoint(y)
    assert 28 <= idx <= 32 and change < -0.5
    s = _weekly(y)
    row = with_text(trend_signals(s, freq="W")).set_index("signal").loc["changepoint"]
    assert row["text_en"].startswith("declining since ")
    assert changepoint(rng.poisson(50, 60).astype(float)) is None


def test_seasonal_peak_in_november() -> None:
    months = pd.date_range("2019-01-01", periods=36, freq="MS")
    y = (
        100
        + 80 * (months.month == 11)
        + 30 * (months.month == 12)
        + np.random.default_rng(2).normal(0, 3, 36)
    )
    strength, _ = seasonal_strength(y, 12)
    assert strength > 0.8
    sig = with_text(trend_signals(pd.DataFrame({"unique_id": "total|GB", "ds": months, "y": y}), freq="M"))
    sig = sig.set_index("signal")
    assert sig.loc["peak_month", "value"] == 11
    assert sig.loc["peak_month", "text_en"] == "seasonal peak expected in November"
    assert sig.loc["peak_month", "text_zh"] == "预计11月为季节性高峰"
    noise = np.random.default_rng(3).normal(100, 10, 36)
    assert seasonal_strength(noise, 12)[0] < 0.6


def test_short_and_zero_series_give_no_spurious_signals() -> None:
    assert trend_signals(_weekly(np.zeros(30)), freq="W").empty
    sig = trend_signals(_weekly(np.array([1.0, 2.0, 3.0])), freq="W")
    assert sig.empty


def _old_pct(v: float) -> str:
    """How the engine wrote percentages before the messages moved to the catalogue."""
    return f"{v * 100:+.0f}%"


def test_catalogue_percentages_read_exactly_as_before() -> None:
    from xborder.core import i18n

    values = np.r_[np.random.default_rng(4).normal(0, 2, 2000), 0.005, -0.005, 0.015, 0.025, 1 / 3, -0.0, 0.0]
    for v in values:
        text = i18n.render("demand.growth_rising_weeks", "en", pct=float(v), k=8)
        assert text == f"rising: {_old_pct(v)} over the last 8 weeks vs the 8 before"


def test_every_signal_is_a_message_that_renders_in_both_languages() -> None:
    from xborder.core import i18n

    months = pd.date_range("2019-01-01", periods=40, freq="MS")
    y = 100 + 60 * (months.month == 7) + np.r_[np.zeros(20), np.full(20, 80.0)]
    sig = with_text(trend_signals(pd.DataFrame({"unique_id": "p|FR", "ds": months, "y": y}), freq="M"))
    assert {"growth_3", "yoy", "changepoint", "seasonality_strength", "peak_month"} <= set(sig["signal"])
    for m, en, zh in zip(sig["message"], sig["text_en"], sig["text_zh"], strict=True):
        assert m["code"].startswith("demand.") and i18n.message(m, "en") == en and i18n.message(m, "zh") == zh
    growth = sig.set_index("signal").loc["growth_3"]
    assert growth["message"]["args"] == {"pct": growth["value"], "k": 3}
    assert sig.set_index("signal").loc["peak_month", "text_en"] == "seasonal peak expected in July"


def test_a_changepoint_up_from_nothing_reads_as_before() -> None:
    y = np.r_[np.zeros(12), np.full(12, 40.0)]
    row = with_text(trend_signals(_weekly(y), freq="W")).set_index("signal").loc["changepoint"]
    assert np.isinf(row["value"]) and row["message"]["code"] == "demand.changepoint_from_zero"
    assert row["text_en"] == "rising since 2021-03-29 (level +inf%)"
    assert row["text_zh"] == "自2021-03-29起上升（水平 +inf%）"
