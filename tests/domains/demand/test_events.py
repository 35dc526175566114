"""Market events as demand regressors: a known Black Friday uplift is recovered, a series without one keeps its forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.demand import forecast
from xborder.domains.demand.events import (
    EventUplift,
    apply_uplift,
    calendar_frame,
    choose_events,
    event_features,
    fit_uplift,
    series_markets,
)

# Black Friday = the day after the fourth Thursday of November (5 USC 6103), the calendar's own rule
_BF = {2019: "2019-11-29", 2020: "2020-11-27", 2021: "2021-11-26", 2022: "2022-11-25", 2023: "2023-11-24"}


def _calendar(market: str = "US") -> pd.DataFrame:
    days = pd.to_datetime(list(_BF.values()))
    return pd.DataFrame({"market": market, "event": "black_friday", "valid_from": days, "valid_to": days})


def _weekly(uplift: float, seed: int, uid: str) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2019-01-07", "2023-12-25", freq="W-MON")
    y = rng.poisson(40, len(ds)).astype(float)
    bf = pd.Series(ds).apply(
        lambda d: any(d <= pd.Timestamp(b) <= d + pd.Timedelta(days=6) for b in _BF.values())
    )
    y[bf.to_numpy()] *= uplift
    return pd.DataFrame({"unique_id": uid, "ds": ds, "y": np.round(y)})


def test_event_features_flag_the_week_and_month_holding_the_event():
    keys = pd.DataFrame(
        {
            "unique_id": ["a|US", "a|US", "b|DE"],
            "ds": pd.to_datetime(["2023-11-20", "2023-11-27", "2023-11-20"]),
        }
    )
    markets = pd.Series({"a|US": "US", "b|DE": "DE"})
    f = event_features(keys, markets, _calendar(), freq="W")
    assert f["black_friday"].tolist() == [
        1.0,
        0.0,
        0.0,
    ]  # the week of Mon 20 Nov holds Fri 24 Nov; DE has no row
    m = event_features(keys.assign(ds=pd.to_datetime(["2023-11-01", "2023-12-01", "2023-11-01"])), markets,
                       _calendar(), freq="M")  # fmt: skip
    assert m["black_friday"].tolist() == [1.0, 0.0, 0.0]


def test_reference_calendar_has_us_black_friday_for_the_benchmark_years():
    cal = calendar_frame(["US"])
    bf = cal[cal["event"] == "black_friday"]["valid_from"].dt.year
    assert set(range(2011, 2017)) <= set(bf)


def _history(uplifts: dict[str, float]) -> pd.DataFrame:
    return pd.concat([_weekly(up, k, uid) for k, (uid, up) in enumerate(uplifts.items())], ignore_index=True)


def _points(history: pd.DataFrame) -> pd.DataFrame:
    """Backtest-like rows: a flat forecast at each series' mean against the weekly actuals after each origin."""
    rows = []
    for cut in pd.to_datetime(["2021-06-28", "2022-06-27", "2023-06-26"]):
        w = history[history["ds"] > cut].groupby("unique_id").head(26).assign(cutoff=cut)
        rows.append(
            w.assign(
                yhat=w["unique_id"].map(history[history["ds"] <= cut].groupby("unique_id")["y"].median())
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_fit_recovers_a_known_black_friday_uplift():
    hist = _history({f"p{i}|US": 2.5 for i in range(6)})
    feats = event_features(hist, pd.Series("US", index=hist["unique_id"].unique()), _calendar(), freq="W")
    exact = fit_uplift(hist, feats, freq="W", ridge=0.0)
    assert np.exp(exact.beta["black_friday"]) == pytest.approx(2.5, rel=0.05)
    shrunk = fit_uplift(hist, feats, freq="W")  # 30 Black Friday weeks + 5 pseudo-weeks of no effect
    assert 2.0 < np.exp(shrunk.beta["black_friday"]) < np.exp(exact.beta["black_friday"])
    none = fit_uplift(_history({f"p{i}|US": 1.0 for i in range(6)}), feats, freq="W")
    assert np.exp(none.beta["black_friday"]) == pytest.approx(1.0, abs=0.1)


def test_choice_keeps_events_where_they_gain_and_rejects_them_on_a_series_without_uplift():
    hist = _history({**{f"p{i}|US": 2.5 for i in range(5)}, "flat|US": 1.0})
    ids = hist["unique_id"].unique()
    feats = event_features(hist, pd.Series("US", index=ids), _calendar(), freq="W")
    table, up = choose_events(hist, _points(hist), feats, pd.Series("smooth", index=ids), freq="W")
    on = table.set_index("unique_id")["events_on"]
    assert on[[f"p{i}|US" for i in range(5)]].all()
    assert not on["flat|US"]  # the pooled uplift would have made its Black Friday weeks worse
    assert np.exp(up.beta["black_friday"]) > 1.5


def test_forecast_with_events_lifts_the_black_friday_week_only_where_chosen():
    data = pd.concat([_weekly(3.0, 1, "lift|US"), _weekly(3.0, 2, "lift2|US"), _weekly(1.0, 3, "flat|US")])
    data = data[data["ds"] <= "2023-06-26"]
    markets = pd.Series("US", index=data["unique_id"].unique())
    res = forecast(data, horizon=26, freq="W", n_windows=3, events=_calendar(), markets=markets,
                   models=["Naive", "WindowMedian"], reseason=False)  # fmt: skip
    assert res.params["events"]["factors"]["black_friday"] > 1.3  # 3 series, shrunk by 5 pseudo-points
    fc = res.forecasts.set_index(["unique_id", "ds"])
    week = pd.Timestamp("2023-11-20")
    on = set(res.events.loc[res.events["events_on"].astype(bool), "unique_id"])
    assert {"lift|US", "lift2|US"} <= on and "flat|US" not in on
    assert fc.loc[("lift|US", week), "event_factor"] > 1.3
    assert fc.loc[("flat|US", week), "event_factor"] == 1.0
    assert "[+ market events]" in res.choice.set_index("unique_id").loc["lift|US", "reason"]


def test_markets_come_from_the_id_suffix_and_totals_follow_the_mean():
    m = series_markets(pd.Index(["p1|US", "cat:toys|GB", "total|DE", "p1"]))
    assert m[["p1|US", "cat:toys|GB", "total|DE"]].tolist() == ["US", "GB", "DE"] and pd.isna(m["p1"])
    fc = pd.DataFrame({"unique_id": ["a|US"] * 2, "ds": pd.to_datetime(["2023-11-20", "2023-11-27"]),
                       "point": [10.0, 10.0], "mean": [10.0, 10.0], "lo_80": [5.0, 5.0], "q90": [15.0, 15.0]})  # fmt: skip
    totals = pd.DataFrame(
        {"unique_id": ["a|US"], "periods": [2], "mean": [20.0], "q05": [12.0], "q95": [30.0]}
    )
    feats = event_features(fc, series_markets(fc["unique_id"]), _calendar(), freq="W")
    up = EventUplift(pd.Series({"black_friday": np.log(2.0)}))
    out, tot = apply_uplift(fc, totals, feats, up, pd.Index(["a|US"]))
    assert out["point"].tolist() == pytest.approx([20.0, 10.0]) and out["lo_80"].tolist() == pytest.approx(
        [10.0, 5.0]
    )
    assert tot["mean"].iloc[0] == pytest.approx(30.0) and tot["q95"].iloc[0] == pytest.approx(45.0)  # x 30/20
    kept, _ = apply_uplift(fc, totals, feats, up, pd.Index([]))  # a series not chosen keeps its forecast
    assert kept["point"].tolist() == [10.0, 10.0]
