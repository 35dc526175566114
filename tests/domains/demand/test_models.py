"""xborder's own statsforecast model (WindowMedian) and the default model set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsforecast import StatsForecast

from xborder.domains.demand import forecast
from xborder.domains.demand.median import WindowMedian
from xborder.domains.demand.models import NO_NATIVE_INTERVALS, default_model_names, make_models, median_window


def test_window_median_is_the_median_of_the_last_k_values() -> None:
    y = np.array([1.0, 100.0, 2.0, 3.0, 50.0, 4.0])
    assert WindowMedian(3).forecast(y, 2)["mean"].tolist() == [4.0, 4.0]  # median(3, 50, 4)
    assert WindowMedian(4).fit(y).predict(1)["mean"].tolist() == [3.5]  # median(2, 3, 50, 4)
    assert WindowMedian(13).forecast(y, 1)["mean"].tolist() == [3.5]  # shorter: all six values
    with pytest.raises(NotImplementedError):
        WindowMedian(3).forecast(y, 1, fitted=True)


def test_mostly_zero_windows_use_the_mean_not_a_zero_median() -> None:
    """A product selling 3 units every other week: the median of any window is 0 (or 1.5), which
    would forecast no demand; over a quarter of the window is zero, so the mean (1.5) is used."""
    y = np.tile([0.0, 3.0], 10)
    assert WindowMedian(4).forecast(y, 3)["mean"].tolist() == [1.5, 1.5, 1.5]
    y_sparse = np.array([0.0, 0, 0, 6, 0, 0, 0, 0, 0, 4, 0, 0, 0])
    assert WindowMedian(13).forecast(y_sparse, 1)["mean"][0] == pytest.approx(10 / 13)
    # three of four periods non-zero is enough for the median
    assert WindowMedian(4).forecast(np.array([5.0, 0, 7, 100]), 1)["mean"][0] == 6.0


def test_window_median_through_statsforecast_matches_rolling_medians() -> None:
    rng = np.random.default_rng(4)
    y = rng.poisson(3, 40).astype(float)
    df = pd.DataFrame(
        {"unique_id": "a|DE", "ds": pd.date_range("2023-01-02", periods=40, freq="W-MON"), "y": y}
    )
    cv = StatsForecast(models=[WindowMedian(13)], freq="W-MON").cross_validation(
        h=4, df=df, n_windows=3, step_size=4
    )
    for cutoff, g in cv.groupby("cutoff"):
        hist = df.loc[df["ds"] <= cutoff, "y"].to_numpy()
        assert (g["WindowMedian"] == np.median(hist[-13:])).all()


def test_default_set_runs_window_median_with_conformal_intervals() -> None:
    names = default_model_names()
    assert "WindowMedian" in names and "WindowMedian" in NO_NATIVE_INTERVALS
    assert [median_window(s) for s in (52, 12, 7)] == [13, 3, 28]
    _, no_native = make_models(names, 12)
    assert any(isinstance(m, WindowMedian) and m.window_size == 3 for m in no_native)


def test_spiky_series_choose_the_median_and_get_intervals() -> None:
    """A steady level with rare large orders: under absolute error the median beats every mean-level model."""
    rng = np.random.default_rng(2)
    ds = pd.date_range("2022-01-03", periods=78, freq="W-MON")
    frames = []
    for i in range(12):
        y = rng.poisson(10, 78).astype(float)
        spikes = rng.random(78) < 0.12
        y[spikes] += rng.integers(150, 400, spikes.sum())
        frames.append(pd.DataFrame({"unique_id": f"p{i}|DE", "ds": ds, "y": y}))
    res = forecast(pd.concat(frames, ignore_index=True), horizon=8, freq="W")
    acc = res.overall.set_index("model")
    assert (res.choice["model"] == "WindowMedian").mean() >= 0.5, res.choice["model"].value_counts()
    bt = res.backtest
    mae = (bt["y"] - bt["yhat"]).abs().groupby(bt["model"]).mean()
    assert mae["WindowMedian"] < min(mae["AutoETS"], mae["ADIDA"], mae["Naive"])
    fc = res.forecasts
    assert fc[["lo_80", "hi_80", "lo_95", "hi_95"]].notna().all().all()
    assert (fc["lo_95"] <= fc["point"]).all() and (fc["point"] <= fc["hi_95"]).all()
    assert acc.loc["Chosen", "mase"] < acc.loc["Naive", "mase"]
