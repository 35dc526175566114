"""Trend signals: growth sentences, changepoints, seasonality strength and the peak month."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.domains.demand import trend_signals
from xborder.domains.demand.trends import changepoint, growth, seasonal_strength


def _weekly(y: np.ndarray, uid: str = "p|DE") -> pd.DataFrame:
    return pd.DataFrame(
        {"unique_id": uid, "ds": pd.date_range("2021-01-04", periods=len(y), freq="W-MON"), "y": y}
    )


def test_growth_reads_as_the_issue_example() -> None:
    y = np.r_[np.full(20, 100.0), np.full(8, 100.0), np.full(8, 137.0)]
    assert growth(y, 8) == np.float64(0.37).round(10) or abs(growth(y, 8) - 0.37) < 1e-9
    sig = trend_signals(_weekly(y), freq="W").set_index("signal")
    assert sig.loc["growth_8", "text_en"] == "rising: +37% over the last 8 weeks vs the 8 before"
    assert sig.loc["growth_8", "text_zh"] == "上升：最近8周比之前8周 +37%"


def test_changepoint_finds_a_decline_and_ignores_noise() -> None:
    rng = np.random.default_rng(1)
    y = np.r_[rng.poisson(50, 30), rng.poisson(15, 20)].astype(float)
    idx, change = changepoint(y)
    assert 28 <= idx <= 32 and change < -0.5
    s = _weekly(y)
    row = trend_signals(s, freq="W").set_index("signal").loc["changepoint"]
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
    sig = trend_signals(pd.DataFrame({"unique_id": "total|GB", "ds": months, "y": y}), freq="M").set_index(
        "signal"
    )
    assert sig.loc["peak_month", "value"] == 11
    assert sig.loc["peak_month", "text_en"] == "seasonal peak expected in November"
    assert sig.loc["peak_month", "text_zh"] == "预计11月为季节性高峰"
    noise = np.random.default_rng(3).normal(100, 10, 36)
    assert seasonal_strength(noise, 12)[0] < 0.6


def test_short_and_zero_series_give_no_spurious_signals() -> None:
    assert trend_signals(_weekly(np.zeros(30)), freq="W").empty
    sig = trend_signals(_weekly(np.array([1.0, 2.0, 3.0])), freq="W")
    assert sig.empty
