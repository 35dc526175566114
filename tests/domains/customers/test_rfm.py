"""RFM scores and segments on a hand-made frame (every score worked out in the comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.core.settings import Settings
from xborder.domains.customers import SEGMENTS, rfm_score, rfm_scores, rfm_segment


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["s"] * 5 + ["t"] * 2,
            "customer_key": ["c1", "c2", "c3", "c4", "c5", "d1", "d2"],
            "recency_days": [10, 40, 40, 200, 400, 5, 500],
            "purchases": [6, 1, 3, 5, 1, 1, 9],
            "total_value": [500.0, 20.0, 90.0, 300.0, 10.0, np.nan, 1.0],
        }
    )


def test_scores_count_the_customers_with_a_worse_value() -> None:
    out = rfm_scores(_customers())
    s = out[out["source"] == "s"]
    # R: customers with a strictly longer recency, 4 / 2 / 2 / 1 / 0 of 5 -> 1 + floor(5 * share)
    assert s["r_score"].tolist() == [5, 3, 3, 2, 1]  # the two at 40 days tie
    # F: fewer purchases 4 / 0 / 2 / 3 / 0 -> the two one-time buyers share the lowest score
    assert s["f_score"].tolist() == [5, 1, 3, 4, 1]
    # M: less value 4 / 1 / 2 / 3 / 0
    assert s["m_score"].tolist() == [5, 2, 3, 4, 1]
    t = out[out["source"] == "t"]  # scored within its own source; a missing value is the worst
    assert (
        t["r_score"].tolist() == [3, 1]
        and t["f_score"].tolist() == [1, 3]
        and t["m_score"].tolist() == [1, 3]
    )


def test_segments_cross_recency_with_value() -> None:
    out = rfm_scores(_customers())
    seg = rfm_segment(
        out["r_score"], out["f_score"], out["m_score"], recent_min_score=3, valuable_min_score=3.5
    )
    # c1 R5 FM5 | c2 R3 FM1.5 | c3 R3 FM3 | c4 R2 FM4 | c5 R1 FM1 | d1 R3 FM1 | d2 R1 FM3
    assert seg.tolist() == ["high_value", "potential", "potential", "at_risk", "lost", "potential", "lost"]
    stricter = rfm_segment(
        out["r_score"], out["f_score"], out["m_score"], recent_min_score=4, valuable_min_score=3
    )
    assert stricter.tolist() == ["high_value", "lost", "at_risk", "at_risk", "lost", "lost", "at_risk"]
    assert set(seg) <= set(SEGMENTS)


def test_thresholds_come_from_settings() -> None:
    s = Settings()
    assert (s.rfm_recent_min_score, s.rfm_valuable_min_score) == (3, 3.5)


def test_a_single_value_and_an_empty_source() -> None:
    assert rfm_score(pd.Series([7.0, 7.0, 7.0])).tolist() == [1, 1, 1]  # nobody is worse than anybody
    assert rfm_score(pd.Series([], dtype=float)).tolist() == []
