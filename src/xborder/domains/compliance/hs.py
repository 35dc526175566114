"""HS code suggestion: score the bundled HS 2022 subheadings against a product title and category.

The table ``hs/headings.csv`` holds HS 6-digit subheadings for common consumer goods with their
nomenclature description (World Customs Organization, HS 2022 edition) and search keywords.
A subheading scores by (1) keyword phrases found in the title, weighted by the inverse document
frequency of their words and by phrase length, plus (2) the TF-IDF cosine between the title and
the description + keywords; (3) subheadings in the chapters usual for the product's category
(``catalog/data/categories.csv`` ``hs_chapters``) get a 25 % bonus. The confidence is the top
score's share of the top three, banded high / medium / low. Accuracy on a hand-labelled set is
reported in docs/benchmarks.md; this is a suggestion for a customs broker to confirm, not a ruling.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from xborder.catalog import CATEGORY_IDS, categories
from xborder.core.errors import BadInputError
from xborder.reference import load_table

__all__ = ["HS_TABLE", "HsSuggestion", "suggest_hs", "tokens"]

HS_TABLE = "hs/headings"
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STOP = {
    "and",
    "or",
    "of",
    "the",
    "a",
    "an",
    "for",
    "with",
    "in",
    "on",
    "to",
    "set",
    "other",
    "by",
    "its",
    "kind",
    "than",
    "not",
    "whether",
    "including",
    "design",
    "new",
    "pack",
    "pcs",
    "piece",
    "x",
    "size",
    "colour",
    "color",
}


def _singular(tok: str) -> str:
    if len(tok) <= 3 or tok.endswith("ss"):
        return tok
    if tok.endswith("ies") and len(tok) > 4:
        return tok[:-3] + "y"
    if tok.endswith("es") and tok[:-2].endswith(("sh", "ch", "x", "ss")):
        return tok[:-2]
    if tok.endswith("s"):
        return tok[:-1]
    return tok


def tokens(text: str) -> list[str]:
    """Lower-cased, singularised word tokens without stop words or bare numbers."""
    out = []
    for raw in _WORD.findall(text.lower().replace("'", "")):
        for part in [raw, *raw.split("-")] if "-" in raw else [raw]:
            if part in _STOP or part.isdigit():
                continue
            out.append(_singular(part))
    return out


@dataclass(frozen=True)
class HsSuggestion:
    """One suggested subheading with its score, the words that matched and the rule row it came from."""

    hs6: str
    description: str
    score: float
    confidence: float
    confidence_band: str
    matched: tuple[str, ...]
    source: str
    valid_from: object


@lru_cache(maxsize=1)
def _index() -> tuple[
    pd.DataFrame, list[list[tuple[tuple[str, ...], str]]], list[Counter], dict[str, float], list[float]
]:
    # The TF-IDF is scikit-learn's TfidfVectorizer(analyzer=tokens, sublinear_tf=True, smooth_idf=True) plus a
    # cosine, written out (tests/domains/compliance/test_hs.py checks they agree). With sklearn itself (fit here,
    # transform + sparse product per title) 193 queries (the labelled dev and held-out titles, the tests'
    # titles, every category alone) got the same ranked suggestions and scores, and the accuracy figures were the
    # same, but one title took 0.93 ms instead of 0.44 ms (benchmarks/hs_suggest.py, held-out set; 1.48 vs 0.54
    # ms over the 193 queries, best of 3; 2-core machine at load average ~8). Titles come one at a time (CLI,
    # attribute inference), so the faster hand-written form stays.
    table = load_table(HS_TABLE)
    phrases = [
        [(tuple(tokens(k)), k.strip()) for k in kw.split(";") if tokens(k)] for kw in table["keywords"]
    ]
    docs = [
        Counter(tokens(d + " " + kw.replace(";", " ")))
        for d, kw in zip(table["description"], table["keywords"], strict=True)
    ]
    n = len(docs)
    df_count = Counter(t for d in docs for t in d)
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df_count.items()}
    norms = [math.sqrt(sum(((1 + math.log(c)) * idf[t]) ** 2 for t, c in d.items())) or 1.0 for d in docs]
    return table, phrases, docs, idf, norms


def _cosines(toks: list[str]) -> list[float]:
    """TF-IDF cosine between a title's tokens and the description + keywords of every subheading."""
    _, _, docs, idf, norms = _index()
    qvec = {t: (1 + math.log(c)) * idf.get(t, 0.0) for t, c in Counter(toks).items()}
    qnorm = math.sqrt(sum(v * v for v in qvec.values())) or 1.0
    return [
        sum(qvec[t] * (1 + math.log(d[t])) * idf[t] for t in qvec if t in d) / (qnorm * norm)
        for d, norm in zip(docs, norms, strict=True)
    ]


def _chapters(category: str | None) -> set[str]:
    if not category:
        return set()
    cats = categories().set_index("category")
    return {c.strip().zfill(2) for c in str(cats.loc[category, "hs_chapters"]).split(";") if c.strip()}


def suggest_hs(title: str | None, category: str | None = None, *, top: int = 3) -> list[HsSuggestion]:
    """The ``top`` best HS 6-digit subheadings for a product title and/or category.

    Args:
        title: Product title or description (any case); may be empty when a category is given.
        category: A category id of the xborder taxonomy; favours its usual HS chapters.
        top: How many suggestions to return (the first is the best; the others are alternatives).

    Returns:
        Suggestions sorted by score; empty when nothing matches at all.
    """
    if category is not None and category not in CATEGORY_IDS:
        raise BadInputError(f"Unknown category {category!r}.", hint="Use one of: " + ", ".join(CATEGORY_IDS))
    if not (title and title.strip()) and not category:
        raise BadInputError("Give a product title or a --category to suggest an HS code for.")
    if top < 1:
        raise BadInputError(f"--top must be at least 1. Got {top}.")
    table, phrases, _, idf, _ = _index()
    toks = tokens(title or "")
    tset = set(toks)
    joined = " " + " ".join(toks) + " "
    cosines = _cosines(toks)
    chapters = _chapters(category)
    scored: list[tuple[float, int, tuple[str, ...]]] = []
    chapter_of = [str(c).zfill(2) for c in table["chapter"]]
    for i in range(len(table)):
        matched = [(p, k) for p, k in phrases[i] if set(p) <= tset and f" {' '.join(p)} " in joined]
        kw_score = sum(sum(idf.get(t, 1.0) for t in p) * (1 + 0.5 * (len(p) - 1)) for p, _ in matched) / 4.0
        score = kw_score + cosines[i]
        if chapters and chapter_of[i] in chapters:
            score = score * 1.25 + (0.05 if toks else 0.2)
        if score > 0:
            scored.append((score, i, tuple(k for _, k in matched)))
    scored.sort(key=lambda s: (-s[0], s[1]))
    best = scored[: max(top, 3)]
    total = sum(s[0] for s in best[:3]) or 1.0
    out = []
    for score, i, keywords in best[:top]:
        share = score / total
        conf = share * (1 - math.exp(-score))
        band = "high" if conf >= 0.5 else "medium" if conf >= 0.3 else "low"
        row = table.iloc[i]
        out.append(
            HsSuggestion(
                hs6=str(row["hs6"]),
                description=str(row["description"]),
                score=round(score, 4),
                confidence=round(conf, 3),
                confidence_band=band,
                matched=keywords,
                source=str(row["source"]),
                valid_from=row["valid_from"],
            )
        )
    return out
