"""The integer-code backtest tables (wide pivot, conformal widths) give exactly what the pandas formulations give."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.domains.demand.backtest import apply_conformal, conformal_widths, pivot_points


def _points(seed: int = 0) -> pd.DataFrame:
    """Backtest rows of 30 series with 2 or 3 origins; SeasonalNaive missing at early origins, one row all-NaN."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(30):
        n_win = int(rng.integers(2, 4))
        start = pd.Timestamp("2023-01-02") + pd.Timedelta(weeks=int(rng.integers(0, 3)))
        for w in range(n_win):
            cut = start + pd.Timedelta(weeks=4 * w)
            for h in range(1, 5):
                y = float(rng.integers(0, 9))
                for m in ("Naive", "AutoETS", "CrostonSBA", "SeasonalNaive"):
                    yhat = float(rng.random() * 9)
                    if m == "SeasonalNaive" and w == 0 or (i == 3 and w == 1 and h == 2):
                        yhat = np.nan
                    rows.append((f"s{i:02d}|DE", cut, cut + pd.Timedelta(weeks=h), y, m, yhat))
    return pd.DataFrame(rows, columns=["unique_id", "cutoff", "ds", "y", "model", "yhat"])


def _reference(p: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, pd.MultiIndex]:
    keys = ["unique_id", "cutoff", "ds"]
    wide = p.set_index([*keys, "model"])["yhat"].unstack("model")
    y = p.drop_duplicates(keys).set_index(keys)["y"].reindex(wide.index).to_numpy(float)
    uid = wide.index.get_level_values("unique_id")
    age = (
        pd.Series(wide.index.get_level_values("cutoff"), index=wide.index)
        .groupby(uid)
        .rank(method="dense", ascending=False)
    )
    key = pd.MultiIndex.from_arrays([uid, age.to_numpy().astype(int) - 1], names=["unique_id", "window"])
    return wide, y, key


def test_pivot_points_is_the_unstacked_table_in_any_row_order() -> None:
    pts = _points()
    for p in (
        pts,
        pts.sample(frac=1.0, random_state=1),
        pts.sample(frac=0.6, random_state=2),
        pts.iloc[::-1],
    ):
        wide, y, key = pivot_points(p)
        ref_wide, ref_y, ref_key = _reference(p)
        pd.testing.assert_frame_equal(wide, ref_wide, check_exact=True)
        assert wide.index.to_frame(index=False).equals(ref_wide.index.to_frame(index=False))
        assert np.array_equal(y, ref_y, equal_nan=True)
        assert key.equals(ref_key) and list(key.names) == ["unique_id", "window"]


def test_pivot_points_declines_repeated_keys() -> None:
    pts = _points()
    assert pivot_points(pd.concat([pts, pts.iloc[:1]], ignore_index=True)) is None


def test_apply_conformal_matches_the_merge_of_conformal_widths() -> None:
    pts = _points().sample(frac=1.0, random_state=3).reset_index(drop=True)
    for col in ("lo_80", "hi_80", "lo_95", "hi_95"):
        pts[col] = np.nan
    for exclude_last in (False, True):
        last = pts.groupby("unique_id")["cutoff"].transform("max")
        held = pts[pts["cutoff"] == last]
        got = apply_conformal(held, pts, [80, 95], exclude_last=exclude_last)
        conformal = ["CrostonSBA"]
        widths = conformal_widths(pts[pts["model"].isin(conformal)], [80, 95], exclude_last=exclude_last)
        want = held.merge(widths, on=["unique_id", "model"], how="left")
        on = want["model"].isin(conformal).to_numpy()
        for lv in (80, 95):
            want.loc[on, f"lo_{lv}"] = (want["yhat"] - want[f"w_{lv}"])[on]
            want.loc[on, f"hi_{lv}"] = (want["yhat"] + want[f"w_{lv}"])[on]
        want = want.drop(columns=["w_80", "w_95"])
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.loc[on, "hi_95"].notna().any()
