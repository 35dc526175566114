"""Ranking engine: Wilson bound, aspect shares and ranks, monthly trends, pain/delight phrases."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.domains.reviews.ranking import (
    aspect_trends,
    contrast_phrases,
    improvement_opportunities,
    rank_aspects,
    wilson_lower,
)


def test_wilson_lower_bound() -> None:
    # Wilson (1927) 95% interval of 10/34: centre (10 + 1.92) / (34 + 3.84), lower bound ≈ 0.1683
    assert float(wilson_lower(10, 34)) == pytest.approx(0.16835, abs=1e-4)
    assert float(wilson_lower(0, 10)) == 0.0
    assert float(wilson_lower(3, 0)) == 0.0


def _group(**kw):
    return {"scope": "product", "product_id": "p1", "market": "DE", **kw}


def test_rank_aspects_by_negative_share() -> None:
    counts = pd.DataFrame(
        [
            _group(aspect="noise", n_mentions=12, n_negative_mentions=10, n_positive_mentions=2),
            _group(aspect="price", n_mentions=30, n_negative_mentions=4, n_positive_mentions=26),
            _group(aspect="size", n_mentions=6, n_negative_mentions=6, n_positive_mentions=0),
        ]
    )
    totals = pd.DataFrame([_group(n_negative=20, n_positive=80)])
    r = rank_aspects(counts, totals).set_index("aspect")
    assert r.loc["noise", "negative_share"] == pytest.approx(0.5)
    assert r.loc["noise", "rank"] == 1 and r.loc["size", "rank"] == 2 and r.loc["price", "rank"] == 3
    assert r.loc["price", "lift"] < 1 < r.loc["noise", "lift"]  # price is praised more than blamed
    assert r.loc["noise", "aspect_zh"] == "噪音"


def test_trend_slope_in_percentage_points_per_month() -> None:
    rows = [
        _group(aspect="battery", period=f"2024-0{m}-01", n_negative_mentions=k, n_negative=10)
        for m, k in zip((1, 2, 3, 4), (1, 2, 3, 4), strict=True)
    ]
    t = aspect_trends(pd.DataFrame(rows)).iloc[0]
    assert t["trend_slope_pp"] == pytest.approx(10.0)  # 10% → 40% over 3 months
    assert t["trend_direction"] == "rising" and t["trend_periods"] == 4
    short = aspect_trends(pd.DataFrame(rows[:2])).iloc[0]
    assert short["trend_direction"] is None


def test_contrast_phrases_and_opportunities() -> None:
    neg = {"too loud": 12, "battery die": 9, "good": 3, "price": 2}
    pos = {"too loud": 1, "good": 40, "easy to use": 25, "price": 15}
    ph = contrast_phrases(neg, pos, min_count=3)
    pains = ph[ph["kind"] == "pain"]["phrase"].tolist()
    delights = ph[ph["kind"] == "delight"]["phrase"].tolist()
    assert pains[:2] == ["too loud", "battery die"] or set(pains[:2]) == {"too loud", "battery die"}
    assert "good" in delights and "too loud" not in delights
    assert ph.set_index("phrase").loc["too loud", "aspect"] == "noise"
    counts = pd.DataFrame(
        [
            _group(aspect="noise", n_mentions=13, n_negative_mentions=12, n_positive_mentions=1),
            _group(aspect="price", n_mentions=17, n_negative_mentions=2, n_positive_mentions=15),
        ]
    )
    totals = pd.DataFrame([_group(category="home_kitchen", n_reviews=100, n_negative=20, n_positive=80)])
    aspects = rank_aspects(counts, totals).assign(examples='[{"review_id": "r1", "text": "so loud"}]')
    opp = improvement_opportunities(aspects, totals, ph.assign(scope="product", product_id="p1", market="DE"))
    assert opp["aspect"].tolist() == ["noise"]  # price: too few negative mentions and praised more
    o = opp.iloc[0]
    assert o["evidence_share"] == pytest.approx(0.6) and o["n_reviews"] == 12 and o["n_total"] == 100
    assert o["opportunity_score"] == pytest.approx(float(wilson_lower(12, 20)))
    assert o["example_ids"] == '["r1"]' and "too loud" in o["top_phrases"]
