"""Calibrated quantiles and mean from pooled backtest errors, pooled seasonal profiles, exported totals and paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from xborder.domains.demand import forecast
from xborder.domains.demand.calibrate import (
    QUANTILES,
    apply_calibration,
    fit_calibration,
    level_scale,
    quantile_name,
)
from xborder.domains.demand.distribution import median_point
from xborder.domains.demand.profiles import fit_profiles


def _backtest(draw, n_series: int = 300, windows: int = 3, h: int = 6, median: float = 100.0):
    """Backtest points of ``n_series`` series whose forecasts are the true median; y drawn by ``draw``."""
    rng = np.random.default_rng(3)
    cut = pd.date_range("2020-01-01", periods=windows, freq="6MS")
    rows = []
    for i in range(n_series):
        for c in cut:
            ds = pd.date_range(c + pd.offsets.MonthBegin(1), periods=h, freq="MS")
            rows.append(
                pd.DataFrame({"unique_id": f"s{i}", "cutoff": c, "ds": ds, "y": draw(rng, h), "yhat": median})
            )
    return pd.concat(rows, ignore_index=True)


def test_quantile_names_are_distinct() -> None:
    assert [quantile_name(p) for p in QUANTILES] == [
        "q025", "q05", "q10", "q25", "q50", "q75", "q90", "q95", "q975",
    ]  # fmt: skip


def test_pooled_quantiles_of_a_known_normal_distribution() -> None:
    """Errors N(0, 10) around the median 100: the 10/90 and 2.5/97.5% quantiles are 100 -/+ 12.8 and 19.6."""
    pts = _backtest(lambda rng, h: rng.normal(100, 10, h), n_series=1500)
    scale = np.full(len(pts), 10.0)  # one scale for all: the pooled errors are in units of 10
    cal = fit_calibration(pts, scale, pd.Series("smooth", index=pts["unique_id"].unique()))
    assert cal is not None
    fc = pd.DataFrame(
        {"unique_id": "new", "ds": pd.date_range("2024-01-01", periods=6, freq="MS"), "yhat": 100.0}
    )
    out = apply_calibration(cal, fc, np.full(6, 10.0), pd.Series({"new": "smooth"}))
    for p in (0.025, 0.1, 0.9, 0.975):
        expected = 100 + 10 * stats.norm.ppf(p)
        assert out[quantile_name(p)].to_numpy() == pytest.approx(np.full(6, expected), abs=1.2)
    # the errors' own median (not centred on the point forecast): 0 here, up to sampling noise
    assert out["q50"].to_numpy() == pytest.approx(np.full(6, 100.0), abs=1.0)
    assert out["mean"].to_numpy() == pytest.approx(np.full(6, 100.0), abs=1.0)  # symmetric: mean = median
    # fresh draws land inside the 80% / 95% bounds at the nominal rates
    y = np.random.default_rng(11).normal(100, 10, 20_000)
    assert np.mean((y >= out["q10"][0]) & (y <= out["q90"][0])) == pytest.approx(0.80, abs=0.02)
    assert np.mean((y >= out["q025"][0]) & (y <= out["q975"][0])) == pytest.approx(0.95, abs=0.015)


def test_the_mean_shift_comes_from_the_own_class_and_smooth_series_have_none() -> None:
    """1,500 smooth series with symmetric N(100, 10) errors and 10 lumpy ones with lognormal demand (median
    100, sigma 0.5; mean 113.3): the lumpy class has 30 errors per step (< MIN_GROUP), so its quantiles fall
    back to the step pooled over classes, but its mean's shift comes from its own class over all steps (180
    errors); a smooth forecast's mean is its point even where its own errors are skewed."""
    sym = _backtest(lambda rng, h: rng.normal(100, 10, h), n_series=1500)
    skew = _backtest(lambda rng, h: 100 * np.exp(rng.normal(0, 0.5, h)), n_series=10)
    skew["unique_id"] = "l" + skew["unique_id"]
    pts = pd.concat([sym, skew], ignore_index=True)
    classes = pd.Series("smooth", index=pts["unique_id"].unique())
    classes[classes.index.str.startswith("l")] = "lumpy"
    scale = np.full(len(pts), 50.0)
    cal = fit_calibration(pts, scale, classes)
    assert cal is not None
    assert cal.tables["class_step"].loc[("lumpy", 1), "n"] == 30
    ds = pd.date_range("2024-01-01", periods=3, freq="MS")
    fc = pd.concat([pd.DataFrame({"unique_id": u, "ds": ds, "yhat": 100.0}) for u in ("x", "y")])
    out = apply_calibration(cal, fc, np.full(6, 50.0), pd.Series({"x": "lumpy", "y": "smooth"}))
    lumpy, smooth = out[out["unique_id"] == "x"], out[out["unique_id"] == "y"]
    # 180 lognormal draws: their mean is 113.3 up to sampling noise (sd of the mean ~ 58 / sqrt(180) = 4.3)
    assert lumpy["mean"].to_numpy() == pytest.approx(np.full(3, 100 * np.exp(0.125)), abs=9.0)
    assert (lumpy["mean"] > 104).all()  # the step pool (symmetric) would give ~100
    assert smooth["mean"].to_numpy() == pytest.approx(np.full(3, 100.0))

    only_skew = fit_calibration(
        skew, np.full(len(skew), 50.0), pd.Series("smooth", index=skew["unique_id"].unique())
    )
    assert only_skew is not None
    out = apply_calibration(
        only_skew, fc[fc["unique_id"] == "y"], np.full(3, 50.0), pd.Series({"y": "smooth"})
    )
    assert out["mean"].to_numpy() == pytest.approx(np.full(3, 100.0))  # smooth: mean = point


def test_the_mean_of_a_skewed_distribution_sits_above_its_median() -> None:
    """Lognormal demand (median 100, sigma 0.5): mean = 100 * exp(0.125) = 113.3, the 90% quantile 189.7."""
    pts = _backtest(lambda rng, h: 100 * np.exp(rng.normal(0, 0.5, h)), n_series=1500)
    scale = np.full(len(pts), 50.0)
    cal = fit_calibration(pts, scale, pd.Series("erratic", index=pts["unique_id"].unique()))
    assert cal is not None
    fc = pd.DataFrame(
        {"unique_id": "x", "ds": pd.date_range("2024-01-01", periods=3, freq="MS"), "yhat": 100.0}
    )
    out = apply_calibration(cal, fc, np.full(3, 50.0), pd.Series({"x": "erratic"}))
    assert out["mean"].to_numpy() == pytest.approx(np.full(3, 100 * np.exp(0.125)), rel=0.03)
    assert out["q90"].to_numpy() == pytest.approx(
        np.full(3, 100 * np.exp(0.5 * stats.norm.ppf(0.9))), rel=0.05
    )
    assert out["q10"].to_numpy() == pytest.approx(
        np.full(3, 100 * np.exp(0.5 * stats.norm.ppf(0.1))), rel=0.05
    )


def test_a_small_group_falls_back_to_the_pooled_step() -> None:
    """Five lumpy series (30 errors per step) are too few for their own group: they take the step's pool."""
    pts = _backtest(lambda rng, h: rng.normal(100, 10, h), n_series=60)
    classes = pd.Series("smooth", index=pts["unique_id"].unique())
    classes.iloc[:5] = "lumpy"
    cal = fit_calibration(pts, np.full(len(pts), 10.0), classes)
    assert cal is not None
    q = cal.quantiles(np.array(["lumpy", "smooth"]), np.array([1, 1]))
    step_pool = cal.tables["step"].loc[1].drop("n").to_numpy(float)
    assert q[0] == pytest.approx(step_pool)
    assert q[1] == pytest.approx(cal.tables["class_step"].loc[("smooth", 1)].drop("n").to_numpy(float))


def test_level_scale_is_the_recent_mean_absolute_change() -> None:
    df = pd.DataFrame(
        {
            "unique_id": "a",
            "ds": pd.date_range("2020-01-01", periods=6, freq="MS"),
            "y": [10.0, 14, 12, 18, 18, 30],
        }
    )
    at = pd.DataFrame({"unique_id": ["a", "a"], "cutoff": pd.to_datetime(["2020-06-01", "2020-03-01"])})
    # last 3 changes to June: |18-12|, |18-18|, |30-18| -> 6; to March: 10 (first), 4, 2 -> 16/3
    assert level_scale(df, at, 3) == pytest.approx([6.0, 16 / 3])
    assert level_scale(df, at, 3, kind="level") == pytest.approx([22.0, 12.0])


def test_a_product_with_half_a_year_of_history_borrows_its_categorys_peak() -> None:
    """Category series peak at 3x in November; a product with 7 months of its own data gets the peak factor."""
    ds = pd.date_range("2019-01-01", periods=36, freq="MS")
    peak = np.where(ds.month == 11, 3.0, 1.0)
    frames = [pd.DataFrame({"unique_id": f"old{i}|DE", "ds": ds, "y": 50 * peak}) for i in range(4)]
    frames.append(pd.DataFrame({"unique_id": "new|DE", "ds": ds[-7:], "y": 8.0}))  # Jun-Dec 2021, flat
    df = pd.concat(frames, ignore_index=True)
    groups = pd.Series("cat:toys|DE", index=[*(f"old{i}|DE" for i in range(4)), "new|DE"])
    prof = fit_profiles(df, [ds[-1]], freq="M", groups=groups)
    rows = pd.DataFrame(
        {"unique_id": "new|DE", "cutoff": ds[-1], "ds": pd.date_range("2022-01-01", periods=12, freq="MS")}
    )
    f = prof.factors(rows, np.full(12, 12))  # a smoothing model's level reflects the whole year
    med = prof.factors(rows, np.full(12, 3), median=True)  # a median of Oct-Dec is a non-peak month
    idx = prof.index[ds[-1]].loc["new|DE"].to_numpy()
    assert idx[10] / idx[0] == pytest.approx(3.0, rel=0.01)  # the category's November is 3x its January
    assert f[10] / f[0] == pytest.approx(3.0, rel=0.01)
    # its level can only reflect its own 7 months (June-December, November included)
    assert f[10] == pytest.approx((36 / 14) / ((6 * 12 / 14 + 36 / 14) / 7), rel=0.02)
    assert med[10] == pytest.approx(3.0, rel=0.02) and med[0] == pytest.approx(1.0, rel=0.02)


def test_weeks_take_the_month_of_their_thursday() -> None:
    from xborder.domains.demand.profiles import season_keys

    ds = pd.to_datetime(["2021-11-29", "2021-12-27", "2022-01-31"])  # Mondays; Thursdays Dec 2, Dec 30, Feb 3
    assert season_keys(ds, "W").tolist() == [11, 11, 1]
    assert season_keys(ds, "D") is None


@pytest.mark.slow
def test_forecasts_export_ordered_quantiles_a_mean_totals_and_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """30 long series and 20 that started in December (November 3x): quantiles ordered, intervals = the
    pooled quantiles (at their nominal levels: the conformal levels off, tests/domains/demand/test_conformal.py),
    totals = sum of the period means, paths series x paths x periods; the short series, whose own history has no
    November, still see the peak."""
    from xborder.domains.demand import conformal

    monkeypatch.setattr(conformal, "CONFORMAL", False)
    rng = np.random.default_rng(1)
    ds = pd.date_range("2019-01-01", periods=30, freq="MS")  # to June 2021: the horizon holds November
    peak = np.where(ds.month == 11, 3.0, 1.0)
    frames = [
        pd.DataFrame(
            {"unique_id": f"p{i}|DE", "ds": ds, "y": rng.poisson(rng.uniform(20, 60) * peak).astype(float)}
        )
        for i in range(30)
    ]
    frames += [
        pd.DataFrame({"unique_id": f"new{i}|DE", "ds": ds[-7:], "y": rng.poisson(30, 7).astype(float)})
        for i in range(20)
    ]
    res = forecast(pd.concat(frames, ignore_index=True), horizon=6, freq="M", intervals="pooled")
    fc = res.forecasts
    qcols = [quantile_name(p) for p in QUANTILES]
    assert (np.diff(fc[qcols].to_numpy(), axis=1) >= -1e-9).all()
    assert (fc["lo_80"] == fc["q10"]).all() and (fc["lo_95"] == fc["q025"]).all()
    central = fc["lo_95"] > 0  # where the 2.5% quantile is 0 the 95% interval is [0, Q(0.95)]
    assert (fc.loc[central, "hi_95"] == fc.loc[central, "q975"]).all()
    assert (fc.loc[~central, "hi_95"] <= fc.loc[~central, "q975"]).all()
    assert (fc["mean"] >= fc["point"] - 1e-9).all()  # mean >= median: the skew shift is never negative
    sums = fc.groupby("unique_id")["mean"].sum()
    tot = res.totals.set_index("unique_id")
    assert tot["mean"].to_numpy() == pytest.approx(sums.reindex(tot.index).to_numpy())
    assert (tot["periods"] == 6).all() and (tot["q05"] <= tot["q95"]).all()
    ids, paths = res.sample_paths(n_paths=30)
    assert paths.shape == (50, 30, 6) and (paths >= 0).all()
    # November (the 5th forecast month) is forecast well above July, for the short series too
    pivot = fc.pivot(index="unique_id", columns="ds", values="point")
    ratio = pivot[pd.Timestamp("2021-11-01")] / pivot[pd.Timestamp("2021-07-01")]
    assert ratio.filter(like="p", axis=0).median() > 2.0
    assert ratio.filter(like="new", axis=0).median() > 2.0


def test_an_interval_with_zero_as_its_lower_quantile_is_zero_to_the_level_quantile() -> None:
    """Demand 0 with probability 0.3 (an intermittent item): the central 80% interval [Q(.1), Q(.9)] =
    [0, Q(.9)] would hold 90% of outcomes; [0, Q(.8)] holds 80%. A row without zeros keeps the central one."""
    from xborder.domains.demand.calibrate import interval_bounds

    probs = np.array([0.1, 0.3, 0.5, 0.8, 0.9])
    values = np.array([[0.0, 0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0, 5.0]])
    lo, hi = interval_bounds(values, probs, 0.8)
    assert lo.tolist() == [0.0, 1.0] and hi.tolist() == [2.0, 5.0]


def test_intermittent_point_is_the_calibrated_median() -> None:
    """Demand 0 in 70% of periods and 50 otherwise, forecast at its mean 15: the median is 0, so an
    intermittent series' point becomes 0 while its mean stays 15; a smooth series keeps its point."""
    pts = _backtest(lambda rng, h: np.where(rng.random(h) < 0.7, 0.0, 50.0), n_series=300, median=15.0)
    scale = np.full(len(pts), 25.0)
    classes = pd.Series("intermittent", index=pts["unique_id"].unique())
    cal = fit_calibration(pts, scale, classes)
    assert cal is not None
    ds = pd.date_range("2024-01-01", periods=3, freq="MS")
    fc = pd.concat([pd.DataFrame({"unique_id": u, "ds": ds, "yhat": 15.0}) for u in ("i", "s")])
    out = apply_calibration(cal, fc, np.full(6, 25.0), pd.Series({"i": "intermittent", "s": "smooth"}))
    assert (out["q50"] == 0.0).all()
    pointed = median_point(out, pd.Series({"i": "intermittent", "s": "smooth"}))
    assert pointed.loc[pointed["unique_id"] == "i", "yhat"].tolist() == [0.0, 0.0, 0.0]
    assert pointed.loc[pointed["unique_id"] == "s", "yhat"].tolist() == [15.0, 15.0, 15.0]
    # the mean is left as calibrated (the point's change does not move it): above the new point
    assert pointed["mean"].tolist() == out["mean"].tolist()
    assert (pointed.loc[pointed["unique_id"] == "i", "mean"] > 0).all()


def test_a_pick_that_is_already_a_mean_takes_no_skew_shift_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lognormal demand (median 100): the class's skew shift lifts a median-like pick's mean to ~113. With
    ``MEAN_SHIFT="croston"`` a Croston-type pick (alone or in a combination) keeps its point as its mean; with
    ``"share"`` a combination takes the shift in proportion to its median-like members, and WindowMedian counts
    as a mean where its window was mostly zeros (it then forecasts the window's mean)."""
    from xborder.domains.demand import distribution as dist_module
    from xborder.domains.demand.combos import is_croston_type, median_share

    assert is_croston_type("CrostonSBA") and is_croston_type("Mean(CrostonSBA+WindowMedian)")
    assert not is_croston_type("WindowMedian") and not is_croston_type("Mean(AutoETS+Naive)")
    assert median_share("Mean(WindowMedian+ADIDA)") == 0.5 and median_share("Naive") == 1.0
    assert median_share("Mean(CrostonSBA+WindowMedian)", window_median_is_mean=True) == 0.0
    pts = _backtest(lambda rng, h: 100 * np.exp(rng.normal(0, 0.5, h)), n_series=1500)
    cal = fit_calibration(pts, np.full(len(pts), 50.0), pd.Series("erratic", index=pts["unique_id"].unique()))
    assert cal is not None
    dist = dist_module.Distribution(None, pd.Series(dtype=bool), cal, 2, 3)
    hist_ds = pd.date_range("2023-01-01", periods=12, freq="MS")
    ids = ("m", "c", "k", "z")
    hist = {u: [50.0, 100.0] * 6 for u in ids} | {"z": [50.0, 100.0] * 4 + [0.0, 0.0, 0.0, 60.0]}
    df = pd.concat([pd.DataFrame({"unique_id": u, "ds": hist_ds, "y": hist[u]}) for u in ids])
    ds = pd.date_range("2024-01-01", periods=3, freq="MS")
    models = {"m": "WindowMedian", "c": "CrostonSBA", "k": "Mean(WindowMedian+ADIDA)", "z": "WindowMedian"}
    rows = pd.concat(
        [
            pd.DataFrame({"unique_id": u, "ds": ds, "cutoff": hist_ds[-1], "model": models[u], "yhat": 100.0})
            for u in ids
        ],
        ignore_index=True,
    )
    classes = pd.Series("erratic", index=list(ids))

    def means(mode: str) -> pd.Series:
        monkeypatch.setattr(dist_module, "MEAN_SHIFT", mode)
        out = dist_module.apply_distribution(dist, df, rows, classes, levels=[80])
        return out.groupby("unique_id")["mean"].first()

    every, croston, share = means("all"), means("croston"), means("share")
    assert (every > 105).all()  # the default: every pick takes its class's shift
    assert (croston[["c", "k"]] == 100.0).all()  # ADIDA makes the combination Croston-type
    assert croston[["m", "z"]].tolist() == pytest.approx(every[["m", "z"]].tolist())
    assert share["c"] == 100.0 and share["z"] == 100.0 and share["m"] == pytest.approx(every["m"])
    assert share["k"] == pytest.approx(100.0 + (every["k"] - 100.0) / 2)
