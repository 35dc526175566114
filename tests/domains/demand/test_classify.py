"""Syntetos-Boylan classes (ADI 1.32, CV² 0.49; Syntetos, Boylan & Croston 2005) on worked examples."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.domains.demand import classify_series, sb_class

CASES = [
    # (description, series, expected class, ADI, CV²) — ADI = periods / non-zero periods, CV² of non-zero sizes
    ("every period, steady sizes", [10, 12, 11, 9, 10, 12, 11, 10], "smooth", 1.0, None),
    ("every period, very variable sizes", [1, 30, 2, 40, 1, 35, 3, 50], "erratic", 1.0, None),
    (
        "one sale in three, steady sizes 5,7,6",
        [0, 0, 5, 0, 0, 7, 0, 0, 6, 0, 0, 0],
        "intermittent",
        4.0,
        1 / 36,
    ),
    ("rare and variable", [0, 0, 1, 0, 0, 0, 40, 0, 0, 2, 0, 0], "lumpy", 4.0, None),
]


@pytest.mark.parametrize(("what", "y", "expected", "adi", "cv2"), CASES, ids=[c[0] for c in CASES])
def test_sb_quadrants(what: str, y: list[float], expected: str, adi: float, cv2: float | None) -> None:
    df = pd.DataFrame(
        {"unique_id": "s", "ds": pd.date_range("2020-01-01", periods=len(y), freq="MS"), "y": y}
    )
    row = classify_series(df).iloc[0]
    assert row["demand_class"] == expected, what
    assert row["adi"] == pytest.approx(adi)
    if cv2 is not None:  # sizes 5, 7, 6: mean 6, sample sd 1 -> CV² = 1/36
        assert row["cv2"] == pytest.approx(cv2)


def test_cutoffs_and_degenerate_series() -> None:
    assert sb_class(1.31, 0.48) == "smooth"
    assert sb_class(1.32, 0.48) == "intermittent"  # the cut-offs belong to the upper classes
    assert sb_class(1.0, 0.49) == "erratic"
    df = pd.DataFrame(
        {
            "unique_id": ["z"] * 5 + ["t"] * 2,
            "ds": list(pd.date_range("2020-01-01", periods=5, freq="MS"))
            + list(pd.date_range("2020-01-01", periods=2, freq="MS")),
            "y": [0.0] * 5 + [3.0, 1.0],
        }
    )
    out = classify_series(df).set_index("unique_id")
    assert out.loc["z", "demand_class"] == "all_zero"
    assert out.loc["t", "length_class"] == "too_short"
