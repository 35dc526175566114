"""Findings are message codes; their English and Chinese words come from the catalogue, word for word as before."""

from __future__ import annotations

import json

from xborder.core import i18n
from xborder.domains.reviews.summary import group_messages, opportunity_messages
from xborder.domains.reviews.wording import render_messages

GROUP = {
    "product_id": "shop:fan1",
    "market": "US",
    "n_reviews": 120,
    "n_negative": 48,
    "n_positive": 60,
    "avg_rating": 3.456,
}
OPPORTUNITIES = [
    {
        "aspect": "noise",
        "evidence_share": 0.625,
        "n_reviews": 30,
        "n_negative": 48,
        "trend_direction": "rising",
        "phrases": ["too loud", "noisy", "loud", "rattle"],
    },
    {
        "aspect": "durability",
        "evidence_share": 0.375,
        "n_reviews": 18,
        "n_negative": 48,
        "trend_direction": None,
        "phrases": [],
    },
]
CUES = [
    {"kind": "need", "value": "comfort", "negative_share": 0.1},
    {"kind": "need", "value": "good value", "negative_share": 0.1},
    {"kind": "scenario", "value": "night / sleep", "negative_share": 0.3},
    {"kind": "emotion", "value": "frustration", "negative_share": 0.9},
]


def test_opportunity_is_codes_and_numbers_rendered_in_both_languages() -> None:
    msgs = opportunity_messages("noise", 0.625, 30, 48, "rising", ["too loud", "noisy", "loud", "rattle"])
    assert json.loads(json.dumps(msgs)) == msgs  # JSON-able as stored in improvement_opportunities.summary
    assert [m["code"] for m in msgs] == [
        "reviews.opportunity",
        "reviews.trend.rising",
        "reviews.buyers_say",
        "reviews.sentence_end",
    ]
    assert msgs[0]["args"] == {"aspect": "noise", "share": 0.625, "n_mentions": 30, "n_negative": 48}
    assert msgs[2]["args"] == {"phrases": ["too loud", "noisy", "loud"]}  # the first three
    assert render_messages(msgs, "en") == (
        '62% of negative reviews (30 of 48) mention noise, and rising; buyers say "too loud", "noisy", "loud".'
    )
    assert render_messages(msgs, "zh") == (
        "62%的差评（48条中的30条）提到噪音，且呈上升趋势；常见说法：“too loud”、“noisy”、“loud”。"
    )


def test_group_paragraph_words() -> None:
    msgs = group_messages(GROUP, OPPORTUNITIES, ["easy to use", "quiet"], CUES)
    assert render_messages(msgs, "en") == (
        "shop:fan1 in US: 120 reviews, 48 negative and 60 positive, average 3.5 stars. Fix first: 62% of "
        'negative reviews (30 of 48) mention noise, and rising; buyers say "too loud", "noisy", "loud". 38% of '
        'negative reviews (18 of 48) mention durability. Buyers love: "easy to use", "quiet". They need comfort '
        "and good value, mostly for night / sleep. The dominant feeling in bad reviews: frustration."
    )
    assert render_messages(msgs, "zh") == (
        "shop:fan1（市场 US）：共120条评论，差评48条、好评60条，平均3.5星。主要改进点：62%的差评（48条中的30条）"
        "提到噪音，且呈上升趋势；常见说法：“too loud”、“noisy”、“loud”。38%的差评（48条中的18条）提到耐用性。"
        "买家喜欢：“easy to use”、“quiet”。买家的需求：舒适、性价比；使用场景：夜间/睡眠。差评中的主要情绪：烦躁。"
    )


def test_group_without_rating_opportunities_or_needs() -> None:
    scenarios = [
        {"kind": "scenario", "value": "travel", "negative_share": 0},
        {"kind": "scenario", "value": "gift", "negative_share": 0},
    ]
    msgs = group_messages(dict(GROUP, avg_rating=float("nan")), [], [], scenarios)
    # English names usage scenarios only after a need; Chinese names them anyway (the wording as it was)
    assert render_messages(msgs, "en") == (
        "shop:fan1 in US: 120 reviews, 48 negative and 60 positive. "
        "No complaint is concentrated enough in the negative reviews to call an improvement."
    )
    assert render_messages(msgs, "zh") == (
        "shop:fan1（市场 US）：共120条评论，差评48条、好评60条。差评中没有足够集中的问题可作为改进点。；使用场景：旅行、送礼。"
    )


def test_every_reviews_code_is_in_both_catalogues() -> None:
    en = {c for c in i18n.codes("en") if c.startswith("reviews.")}
    assert en and en == {c for c in i18n.codes("zh") if c.startswith("reviews.")}
    assert i18n.check_catalogue() == []
