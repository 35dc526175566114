"""Aspect tagging: which product aspects (size, noise, battery, delivery, ...) a text or phrase talks about.

English keywords are lemmatised the same way as review text and matched on whole tokens;
Chinese keywords are matched as substrings. The same tagger serves need, scenario and
emotion cues (:mod:`xborder.domains.reviews.lexicons`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from xborder.domains.reviews.lexicons import ASPECTS, EMOTIONS, NEEDS, SCENARIOS
from xborder.domains.reviews.text import lemma_text

__all__ = ["Tagger", "aspect_tagger", "cue_taggers", "tag_aspects"]

_HAN = re.compile(r"[\u4e00-\u9fff]")


class Tagger:
    """Match texts against a lexicon ``name -> (English cues, Chinese cues)``."""

    def __init__(self, lexicon: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        self.lexicon = lexicon
        self._en: dict[str, tuple[str, ...]] = {}
        self._zh: dict[str, tuple[str, ...]] = {}
        for name, (en, zh) in lexicon.items():
            self._en[name] = tuple(sorted({lemma_text(k, "en") for k in en}))
            self._zh[name] = tuple(zh)
        single: dict[str, set[str]] = {}
        for name, cues in self._en.items():
            for c in cues:
                words = c.split()
                if len(words) == 1:
                    single.setdefault(words[0], set()).add(name)
        self._single = single
        self._multi = {name: tuple(c for c in cues if len(c.split()) > 1) for name, cues in self._en.items()}

    def tag(self, text: str, language: str | None = None, *, lemmas: str | None = None) -> list[str]:
        """Names whose cues occur in ``text`` (in lexicon order).

        Args:
            text: Clean text (or a phrase).
            language: ISO 639-1 code; Chinese/Japanese use substring matching.
            lemmas: The text's :func:`~xborder.domains.reviews.text.lemma_text`, when already computed.
        """
        if language in {"zh", "ja"} or (language is None and _HAN.search(text)):
            return [name for name, cues in self._zh.items() if any(c in text for c in cues)]
        lt = lemmas if lemmas is not None else lemma_text(text, language if language else "en")
        found: set[str] = set()
        for w in set(lt.split()):
            names = self._single.get(w)
            if names:
                found |= names
        for name, cues in self._multi.items():
            if name not in found and any(c in lt for c in cues):
                found.add(name)
        return [n for n in self.lexicon if n in found]


@lru_cache(maxsize=1)
def aspect_tagger() -> Tagger:
    """The aspect tagger (built once)."""
    return Tagger(ASPECTS)


@lru_cache(maxsize=1)
def cue_taggers() -> dict[str, Tagger]:
    """Taggers for the need–scenario–emotion view: keys ``need``, ``scenario``, ``emotion``."""
    return {"need": Tagger(NEEDS), "scenario": Tagger(SCENARIOS), "emotion": Tagger(EMOTIONS)}


def tag_aspects(text: str, language: str | None = None) -> list[str]:
    """Aspects mentioned in ``text`` (see :class:`Tagger`)."""
    return aspect_tagger().tag(text, language)
