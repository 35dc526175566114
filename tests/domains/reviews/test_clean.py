"""Bad review text is repaired or flagged, counted, and never raises."""

from __future__ import annotations

import pytest

from xborder.domains.reviews.clean import clean_text, clean_texts, count_flags, decode_bytes

CASES = [
    # (description, raw, expected clean text or None to skip, expected flags)
    ("plain text passes unchanged", "Works great", "Works great", ()),
    ("None is empty", None, "", ("empty",)),
    ("NaN is empty", float("nan"), "", ("empty",)),
    ("whitespace only is empty", "  \n\t ", "", ("empty",)),
    (
        "HTML tags and entities removed",
        "<p>Too&nbsp;loud<br/>at night &amp; hot</p>",
        "Too loud at night & hot",
        ("html",),
    ),
    ("UTF-8 read as cp1252 is repaired", "donâ€™t buy, cafÃ©", "don’t buy, café", ("mojibake_fixed",)),
    ("emoji-only text is kept and flagged", "😡😡👎", "😡😡👎", ("emoji_only",)),
    ("punctuation only counts as empty", "?!...", "?!...", ("empty",)),
    ("control characters removed", "bad\x00\x07 product", "bad product", ("control_chars",)),
    ("replacement characters flagged", "caf\ufffd ok", "caf ok", ("undecodable",)),
    ("mixed languages survive", "Great 质量很好 très bien", "Great 质量很好 très bien", ()),
]


@pytest.mark.parametrize(("desc", "raw", "expected", "flags"), CASES, ids=[c[0] for c in CASES])
def test_clean_cases(desc: str, raw: object, expected: str, flags: tuple[str, ...]) -> None:
    text, got = clean_text(raw)
    assert text == expected, desc
    assert got == flags, desc


def test_fifty_thousand_characters_are_truncated_at_a_word() -> None:
    raw = "This fan is loud. " * 2800  # 50,400 characters
    text, flags = clean_text(raw)
    assert flags == ("truncated",)
    assert len(text) <= 5000 and text.split()[-1] in {"This", "fan", "is", "loud."}  # cut between words


def test_flags_are_counted() -> None:
    texts, flags = clean_texts(["ok", None, "<b>x</b>", "😀", "y" * 6000])
    counts = count_flags(flags)
    assert (
        counts["empty"] == 1
        and counts["html"] == 1
        and counts["emoji_only"] == 1
        and counts["truncated"] == 1
    )
    assert texts[0] == "ok"


@pytest.mark.parametrize(
    ("raw", "text", "encoding"),
    [
        ("质量很好".encode(), "质量很好", "utf-8"),
        (b"\xef\xbb\xbfhello", "hello", "utf-8-sig"),
        (
            "Größe passt nicht, völlig enttäuscht".encode("cp1252"),
            "Größe passt nicht, völlig enttäuscht",
            None,
        ),
    ],
)
def test_decode_bytes(raw: bytes, text: str, encoding: str | None) -> None:
    got, enc = decode_bytes(raw)
    assert got == text
    if encoding:
        assert enc == encoding


def test_bytes_input_is_decoded() -> None:
    assert clean_text("fits well".encode("utf-16"))[0] == "fits well"
