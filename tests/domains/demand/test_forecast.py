"""forecast(): every series gets a forecast with ordered, non-negative intervals; the choice beats naive."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.demand import analogue_forecasts, forecast


def test_every_series_gets_a_full_horizon_with_ordered_intervals(synthetic_series: pd.DataFrame) -> None:
    res = forecast(synthetic_series, horizon=6, freq="M")
    fc = res.forecasts
    assert set(fc["unique_id"]) == set(synthetic_series["unique_id"])
    assert fc.groupby("unique_id").size().eq(6).all()
    assert (fc["kind"] == "forecast").all()
    live = fc[fc["model"] != "Zero"].dropna(subset=["lo_95"])
    assert (live["lo_95"] <= live["lo_80"] + 1e-9).all() and (live["lo_80"] <= live["point"] + 1e-9).all()
    assert (live["point"] <= live["hi_80"] + 1e-9).all() and (live["hi_80"] <= live["hi_95"] + 1e-9).all()
    assert (fc[["point", "lo_80", "lo_95"]] >= 0).all().all()
    ch = res.choice.set_index("unique_id")
    assert ch.loc["zero|GB", "model"] == "Zero" and (fc[fc["unique_id"] == "zero|GB"]["point"] == 0).all()
    assert ch.loc["short|GB", "length_class"] == "too_short" and ch.loc["short|GB", "model"] == "Naive"
    assert ch.loc["intermittent|FR", "demand_class"] in {"intermittent", "lumpy"}


def test_the_choice_beats_naive_on_a_seasonal_series(synthetic_series: pd.DataFrame) -> None:
    seasonal = synthetic_series[synthetic_series["unique_id"] == "seasonal|DE"]
    res = forecast(seasonal, horizon=6, freq="M")
    acc = res.accuracy.set_index("model")
    assert res.choice["model"].iloc[0] != "Naive"
    assert acc.loc["Chosen", "mase"] < acc.loc["Naive", "mase"]
    # the point forecast follows the seasonal shape: next peak (April) above next trough (October)
    fc = res.forecasts.set_index("ds")["point"]
    assert fc.loc["2024-04-01"] > fc.loc["2024-01-01"]


def test_overall_accuracy_lists_the_baselines(synthetic_series: pd.DataFrame) -> None:
    res = forecast(synthetic_series, horizon=6, freq="M")
    assert {"Chosen", "Naive", "SeasonalNaive", "AutoETS"} <= set(res.overall["model"])
    ov = res.overall.set_index("model")
    assert ov.loc["Chosen", "series"] == ov.loc["Naive", "series"]
    assert 0 <= ov.loc["Chosen", "coverage_95"] <= 1


def test_bad_input_is_reported_clearly(synthetic_series: pd.DataFrame) -> None:
    with pytest.raises(BadInputError, match="lacks column"):
        forecast(synthetic_series.rename(columns={"y": "units"}), horizon=3, freq="M")
    broken = synthetic_series.copy()
    broken.loc[3, "y"] = np.nan
    with pytest.raises(BadInputError, match="seasonal\\|DE"):
        forecast(broken, horizon=3, freq="M")
    with pytest.raises(BadInputError, match="frequency"):
        forecast(synthetic_series, horizon=3, freq="Q")


def test_analogue_scales_by_market_size() -> None:
    ds = pd.date_range("2024-01-01", periods=3, freq="MS")
    pf = pd.DataFrame({"unique_id": "p:1|DE", "ds": ds, "point": [10.0, 10.0, 10.0]})
    markets = pd.DataFrame(
        {
            "unique_id": ["total|DE"] * 2 + ["total|FR"] * 2,
            "ds": list(ds[:2]) * 2,
            "y": [500.0, 500.0, 250.0, 250.0],
        }
    )
    an = analogue_forecasts(pf, markets, [("p:1", "FR"), ("p:1", "DE")], size_window=2)
    assert set(an["unique_id"]) == {"p:1|FR"}  # DE already sells: no analogue
    assert an["point"].tolist() == [5.0, 5.0, 5.0]  # FR is half DE's size
    assert (an["kind"] == "analogue").all()
    assert (an["lo_95"] == 0).all() and (an["hi_95"] >= 4 * an["point"]).all()
