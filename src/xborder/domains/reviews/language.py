"""Language detection for reviews: a script fast path for CJK, then lingua (built once) for the rest.

lingua-language-detector (Apache-2.0) runs in low-accuracy mode over the first
``max_chars`` characters of each text: on review-length texts this keeps accuracy for the
supported languages while running several thousand texts a second. Texts with fewer than
``min_letters`` letters are left undetermined (``None``) rather than guessed. A fast path
marks plain-ASCII texts as English when at least a fifth of their words (and at least one)
are English-only function words ("the", "and", "my", "with", ...), which also fixes lingua's
weakness on very short English texts ("Love my Echo!").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

__all__ = ["SUPPORTED_LANGUAGES", "detect_language", "detect_languages", "detector"]

SUPPORTED_LANGUAGES = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "pl",
    "sv",
    "tr",
    "ru",
    "ar",
    "ja",
    "zh",
    "ko",
)
"""ISO 639-1 codes the detector can return."""

_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_WORD = re.compile(r"[a-z']+")
# Function words that are English and not (common) words of the other supported Latin-script languages.
_EN_MARKERS = frozenset(
    "the and is it this my i was with for not but you very of that have are they be so just it's i'm don't "
    "would will can what when your our had has these those their than which who been were".split()
)


@lru_cache(maxsize=1)
def detector() -> Any:
    """The lingua detector for :data:`SUPPORTED_LANGUAGES` (built once per process)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in SUPPORTED_LANGUAGES
    ]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def _script_language(text: str) -> str | None:
    """Japanese if any kana, Korean if any Hangul, Chinese if Han characters are ≥ 30% of letters."""
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    han = len(_HAN.findall(text))
    if han:
        letters = len(_LETTER.findall(text))
        if han >= 0.3 * max(letters, 1):
            return "zh"
    return None


def detect_language(text: str, *, max_chars: int = 400, min_letters: int = 3) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``None`` when it cannot be told (too short, no letters)."""
    return detect_languages([text], max_chars=max_chars, min_letters=min_letters)[0]


def detect_languages(texts: Sequence[str], *, max_chars: int = 400, min_letters: int = 3) -> list[str | None]:
    """Detect the language of many texts (see :func:`detect_language`)."""
    out: list[str | None] = [None] * len(texts)
    todo_idx: list[int] = []
    todo_txt: list[str] = []
    for i, t in enumerate(texts):
        if not t:
            continue
        head = t[:max_chars]
        lang = _script_language(head)
        if lang is not None:
            out[i] = lang
            continue
        if len(_LETTER.findall(head)) < min_letters:
            continue
        if head.isascii():
            words = _ASCII_WORD.findall(head.lower())
            if len(words) >= 2 and sum(w in _EN_MARKERS for w in words) >= max(1.0, 0.2 * len(words)):
                out[i] = "en"
                continue
        todo_idx.append(i)
        todo_txt.append(head)
    if todo_txt:
        det = detector()
        for i, lang in zip(todo_idx, det.detect_languages_in_parallel_of(todo_txt), strict=True):
            if lang is not None:
                out[i] = lang.iso_code_639_1.name.lower()
    return out
