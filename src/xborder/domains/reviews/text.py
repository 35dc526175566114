"""Tokens, a light English lemmatiser, and candidate phrases (1-3 words; Chinese segmented with jieba).

Phrases never cross clause punctuation, never start or end with a stop word, and keep
negations and intensifiers ("not work", "too loud"), which carry most of a complaint.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from xborder.domains.reviews.lexicons import EN_STOPWORDS, PHRASE_MODIFIERS, ZH_STOPWORDS

__all__ = ["lemma", "tokens", "clauses", "phrases", "zh_tokens", "lemma_text"]

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CLAUSE = re.compile(r"[.!?;:,()\[\]\"\n\r\t/\\|…。！？；：，、（）【】“”]+|\s-\s|\bbut\b")
_ZH_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_HAN = re.compile(r"[\u4e00-\u9fff]")

_IRREGULAR = {
    "broke": "break",
    "broken": "break",
    "bought": "buy",
    "came": "come",
    "went": "go",
    "gone": "go",
    "ran": "run",
    "runs": "run",
    "running": "run",
    "worn": "wear",
    "wore": "wear",
    "tore": "tear",
    "torn": "tear",
    "shrank": "shrink",
    "shrunk": "shrink",
    "made": "make",
    "was": "be",
    "were": "be",
    "is": "be",
    "are": "be",
    "been": "be",
    "did": "do",
    "does": "do",
    "has": "have",
    "had": "have",
    "felt": "feel",
    "fits": "fit",
    "fitted": "fit",
    "fitting": "fit",
    "sent": "send",
    "paid": "pay",
    "died": "die",
    "dies": "die",
    "lasted": "last",
    "lasts": "last",
    "better": "good",
    "best": "good",
    "worse": "bad",
    "worst": "bad",
    "children": "child",
    "women": "woman",
    "men": "man",
    "feet": "foot",
    "can't": "cannot",
    "won't": "not",
    "n't": "not",
    "don't": "not",
    "doesn't": "not",
    "didn't": "not",
    "isn't": "not",
    "wasn't": "not",
    "aren't": "not",
    "couldn't": "not",
    "wouldn't": "not",
}
# Verbs whose -s/-ed/-ing forms are folded (a closed list keeps the lemmatiser predictable).
_VERBS = frozenset(
    """arrive break buy charge clean connect crack die drain fade fall fit hate like love last leak look
    order pair peel pill return rip ruin scratch shrink smell squeak stop tear use wash wear work stain
    disappoint recommend expect want need fail charge install assemble respond freeze crash deliver
    ship package wrap match feel run hold""".split()
)
_KEEP_S = ("ss", "us", "is", "ics", "news", "series")


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    """Light English lemma: irregular forms, plural nouns, and -s/-ed/-ing of common review verbs."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            for cand in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else None):
                if cand in _VERBS:
                    return cand
            if suffix == "ed" and stem.endswith("i") and stem[:-1] + "y" in _VERBS:
                return stem[:-1] + "y"
            return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def zh_tokens(text: str) -> list[str]:
    """jieba (precise mode, no HMM) tokens of Chinese text, without punctuation and spaces."""
    return [t for t in _jieba().lcut(text, HMM=False) if _ZH_KEEP.search(t)]


def tokens(text: str, language: str | None = None) -> list[str]:
    """Lower-cased lemmatised word tokens (English lemmatised, Chinese segmented, others as words)."""
    if language in {"zh", "ja"} or (language is None and _HAN.search(text)):
        return zh_tokens(text)
    low = text.lower().replace("\u2019", "'")
    if language in (None, "en"):
        return [lemma(w) for w in _WORD.findall(low)]
    return re.findall(r"[^\W_]+", low)


def clauses(text: str) -> list[str]:
    """Split a text at clause punctuation (and 'but')."""
    return [c for c in _CLAUSE.split(text.lower().replace("\u2019", "'")) if c and c.strip()]


def lemma_text(text: str, language: str | None = None) -> str:
    """Space-joined tokens of the whole text (used for keyword matching)."""
    return " " + " ".join(tokens(text, language)) + " "


def phrases(text: str, language: str | None = None, *, max_n: int = 3) -> set[str]:
    """Distinct candidate phrases of one text (1..max_n tokens; Chinese n-grams are joined without spaces).

    Args:
        text: Clean review text.
        language: ISO 639-1 code or ``None``.
        max_n: Longest phrase in tokens.
    """
    is_zh = language in {"zh", "ja"} or (language is None and bool(_HAN.search(text)))
    stop = ZH_STOPWORDS if is_zh else EN_STOPWORDS
    out: set[str] = set()
    if is_zh:  # one jieba call per text; clause breaks are the punctuation tokens
        segs: list[list[str]] = [[]]
        for t in _jieba().lcut(text.lower(), HMM=False):
            if _ZH_KEEP.search(t):
                segs[-1].append(t)
            elif segs[-1]:
                segs.append([])
    else:
        segs = [tokens(c, language) for c in clauses(text)]
    for toks in segs:
        n_tok = len(toks)
        for i in range(n_tok):
            first = toks[i]
            if first in stop:
                continue
            for n in range(1, max_n + 1):
                j = i + n
                if j > n_tok:
                    break
                last = toks[j - 1]
                if last in stop or last in PHRASE_MODIFIERS:
                    continue
                if n == 1 and (first in PHRASE_MODIFIERS or len(first) < 2 and not is_zh):
                    continue
                if is_zh and n == 1 and len(first) < 2:
                    continue
                out.add(("" if is_zh else " ").join(toks[i:j]))
    return out
