"""Lemmas, phrases (English and jieba-segmented Chinese) and aspect / cue tagging."""

from __future__ import annotations

import pytest

from xborder.domains.reviews.aspects import cue_taggers, tag_aspects
from xborder.domains.reviews.text import lemma, phrases


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("batteries", "battery"),
        ("broke", "break"),
        ("stopped", "stop"),
        ("charging", "charge"),
        ("boxes", "box"),
        ("glass", "glass"),
        ("fits", "fit"),
        ("running", "run"),
        ("pretty", "pretty"),
    ],
)
def test_lemma(word: str, expected: str) -> None:
    assert lemma(word) == expected


def test_english_phrases_keep_negation_and_intensifiers() -> None:
    ph = phrases("It stopped working after a week. Way too loud at night!", "en")
    assert {"stop work", "too loud", "loud at night"} <= ph
    assert not any(p.split()[0] in {"the", "it", "a"} for p in ph)  # never starts with a stop word
    assert "too" not in ph and "not" not in ph  # modifiers alone are not phrases
    assert not any("week way" in p for p in ph)  # phrases do not cross sentence punctuation


def test_chinese_phrases_are_segmented() -> None:
    ph = phrases("质量不好，用了几天就坏了。物流很快", "zh")
    assert {"质量", "质量不好", "物流很快"} <= ph
    assert "好，用" not in "".join(ph)


@pytest.mark.parametrize(
    ("text", "language", "aspects"),
    [
        ("The batteries died and it is too noisy", "en", {"battery", "noise", "durability"}),
        ("Runs small, order a size up. Fabric is thin", "en", {"size", "material"}),
        ("Customer service never replied about my refund", "en", {"customer service"}),
        ("包装破损，快递太慢，价格还贵", "zh", {"packaging", "delivery", "price"}),
        ("This is nice", "en", set()),
    ],
)
def test_aspects(text: str, language: str, aspects: set[str]) -> None:
    assert aspects <= set(tag_aspects(text, language))
    if not aspects:
        assert tag_aspects(text, language) == []


def test_need_scenario_emotion_cues() -> None:
    cues = cue_taggers()
    text = "Bought it as a gift for my daughter to use at night, so disappointed it is so loud"
    assert "gift" in cues["scenario"].tag(text, "en")
    assert "night / sleep" in cues["scenario"].tag(text, "en")
    assert "disappointment" in cues["emotion"].tag(text, "en")
    assert "quiet" in cues["need"].tag("I need something quiet", "en")
    assert "travel" in cues["scenario"].tag("出差旅行用的，声音太吵", "zh")
