"""Smooth series' intervals: pooled quantiles averaged with the chosen model's own bounds."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.domains.demand import forecast
from xborder.domains.demand.calibrate import QUANTILES, quantile_name
from xborder.domains.demand.own_blend import blend_own


def _row(uid: str, pooled: list[float], own: dict[str, float]) -> dict:
    r = {"unique_id": uid, **{quantile_name(p): v for p, v in zip(QUANTILES, pooled, strict=True)}, **own}
    r.update(pooled_lo_80=r["q10"], pooled_hi_80=r["q90"], pooled_lo_95=r["q025"], pooled_hi_95=r["q975"])
    return r


def test_smooth_quantiles_move_halfway_to_the_models_bounds() -> None:
    """Pooled q025..q975 = 80, 84, 88, 94, 100, 106, 112, 116, 120; own 80% = [80, 120], 95% = [70, 130].

    Tails move halfway: q10 88 -> 84, q90 112 -> 116, q025 80 -> 75, q975 120 -> 125; q50 stays; q05 (between
    the 0.025 and 0.1 anchors, shifts -5 and -4) moves by -4.6667 (linear in p) to 79.3333; q25 (between 0.1
    and 0.5: -4 and 0) by -2.5 to 91.5. An intermittent row with the same numbers is left alone."""
    pooled = [80, 84, 88, 94, 100, 106, 112, 116, 120]
    own = {"lo_80": 80.0, "hi_80": 120.0, "lo_95": 70.0, "hi_95": 130.0}
    cal = pd.DataFrame([_row("a", pooled, own), _row("b", pooled, own)])
    out = blend_own(cal, pd.Series({"a": "smooth", "b": "intermittent"}), [80, 95])
    a = out.iloc[0]
    assert [a[quantile_name(p)] for p in QUANTILES] == pytest.approx(
        [75, 79.3333, 84, 91.5, 100, 108.5, 116, 120.6667, 125], abs=1e-3
    )
    assert (a["pooled_lo_80"], a["pooled_hi_80"], a["pooled_lo_95"], a["pooled_hi_95"]) == (84, 116, 75, 125)
    assert out.iloc[1][[quantile_name(p) for p in QUANTILES]].tolist() == pooled


def test_a_zero_lower_bound_keeps_the_pooled_interval() -> None:
    """[0, Q(L)] intervals (pooled lower tail at 0) are not central: no blend."""
    pooled = [0, 0, 0, 2, 5, 8, 12, 15, 18]
    own = {"lo_80": 1.0, "hi_80": 9.0, "lo_95": 0.0, "hi_95": 11.0}
    cal = pd.DataFrame([_row("a", pooled, own)])
    out = blend_own(cal, pd.Series({"a": "smooth"}), [80, 95])
    assert out.iloc[0][[quantile_name(p) for p in QUANTILES]].tolist() == pooled


@pytest.mark.shared_data
@pytest.mark.slow
def test_m5_store_totals_monthly_intervals_cover_their_nominal() -> None:
    """M5 subset, 10 store totals, 6 months from end-Oct 2015 (Nov-Apr, the holiday peak inside; 36 months
    of history): 60 test months. Pooled alone the 80% intervals held 33 of 60 (0.55); blended they hold
    39 (0.65, within the benchmark's ±5 points only on the mean of two origins, docs/benchmarks.md) and the
    95% ones 50 (0.83; pooled alone 45)."""
    root = shared_path("m5_walmart_subset")
    sales = pd.read_csv(root / "sales_train_evaluation_1000series.csv.gz")
    cal = pd.read_csv(root / "calendar.csv", usecols=["d", "date"])
    days = [c for c in sales.columns if c.startswith("d_")]
    daily = sales[days].groupby(("total|" + sales["store_id"]).to_numpy()).sum()
    daily.columns = pd.to_datetime(cal.set_index("d").loc[days, "date"].to_numpy())
    month = daily.columns.to_period("M").to_timestamp()
    monthly = daily.T.groupby(month).sum()
    full = pd.Series(1, index=daily.columns).groupby(month).sum() >= monthly.index.days_in_month
    long = monthly[full.to_numpy()].rename_axis("ds").reset_index().melt(id_vars="ds", var_name="unique_id")
    long = long.rename(columns={"value": "y"})[["unique_id", "ds", "y"]].astype({"y": float})
    cut = pd.Timestamp("2015-10-01")
    train = long[long["ds"] <= cut].groupby("unique_id").tail(36)
    test = long[long["ds"] > cut].groupby("unique_id").head(6)
    res = forecast(train, horizon=6, freq="M", n_jobs=1)
    m = test.merge(res.forecasts, on=["unique_id", "ds"])
    assert len(m) == 60
    inside80 = int(((m["y"] >= m["lo_80"]) & (m["y"] <= m["hi_80"])).sum())
    inside95 = int(((m["y"] >= m["lo_95"]) & (m["y"] <= m["hi_95"])).sum())
    assert (inside80, inside95) == (39, 50)
    assert (m["q10"] == m["lo_80"]).all() and (m["q975"] == m["hi_95"]).all()  # quantiles = intervals
