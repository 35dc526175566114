"""Golden figures of the accuracy table (issue 15): pinball loss, interval coverage, bias of the mean, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.demand.accuracy import naive_scale, overall_metrics, pinball_sums, series_metrics


def test_pinball_loss_of_three_quantiles_by_hand() -> None:
    # y = 10; 10% quantile 6 (under by 4): 2 x 0.1 x 4 = 0.8; median 9: 2 x 0.5 x 1 = 1.0;
    # 90% quantile 14 (over by 4): 2 x 0.1 x 4 = 0.8 -> mean 2.6 / 3
    out = pinball_sums(np.array([10.0]), {0.1: np.array([6.0]), 0.5: np.array([9.0]), 0.9: np.array([14.0])})
    assert out[0] == pytest.approx(2.6 / 3)


def test_pinball_at_the_median_alone_is_the_absolute_error() -> None:
    y, q = np.array([3.0, 0.0, 12.0]), np.array([5.0, 1.0, 7.0])
    assert pinball_sums(y, {0.5: q}).tolist() == [2.0, 1.0, 5.0]


def test_series_metrics_coverage_pinball_and_bias_by_hand() -> None:
    pts = pd.DataFrame(
        {
            "unique_id": "a",
            "model": "M",
            "y": [10.0, 0.0, 5.0],
            "yhat": [8.0, 1.0, 5.0],
            "mean": [9.0, 1.0, 6.0],
            "lo_80": [7.0, 0.0, 6.0],
            "hi_80": [9.0, 2.0, 8.0],
            "lo_95": [5.0, 0.0, 4.0],
            "hi_95": [12.0, 3.0, 9.0],
        }
    )
    scale = naive_scale(pd.DataFrame({"unique_id": "a", "ds": [1, 2, 3], "y": [4.0, 6.0, 5.0]}))
    assert scale["a"] == 1.5
    (row,) = series_metrics(pts, scale).to_dict("records")
    assert row["coverage_80"] == pytest.approx(1 / 3)  # only 0 lies in [0, 2]; 10 > 9, 5 < 6
    assert row["coverage_95"] == 1.0
    assert row["wape"] == pytest.approx(3 / 15)
    assert row["mase"] == pytest.approx(1 / 1.5)
    assert row["bias"] == pytest.approx(-1 / 15)  # the median is 1 below the 15 sold
    assert row["bias_mean"] == pytest.approx(1 / 15)  # the mean is 1 above
    # 2 x pinball at 2.5/10/50/90/97.5%, mean over the levels, per point: 4.75/5, 1.55/5, 2.65/5
    assert row["wql"] == pytest.approx((0.95 + 0.31 + 0.53) / 15)


def test_overall_coverage_leaves_out_points_without_an_interval() -> None:
    pts = pd.DataFrame(
        {
            "unique_id": ["a", "a", "b", "b"],
            "model": "M",
            "y": [1.0, 2.0, 3.0, 4.0],
            "yhat": [1.0, 2.0, 3.0, 4.0],
            "lo_80": [0.0, 3.0, np.nan, np.nan],
            "hi_80": [2.0, 4.0, np.nan, np.nan],
        }
    )
    per = series_metrics(pts, pd.Series({"a": 1.0, "b": 1.0}))
    assert per.set_index("unique_id")["coverage_80"].iloc[0] == 0.5
    assert np.isnan(per.set_index("unique_id")["coverage_80"].iloc[1])
    (ov,) = overall_metrics(per).to_dict("records")
    assert ov["coverage_80"] == 0.5 and np.isnan(ov["wql"])  # no 95% bounds: no pinball, never a 0
