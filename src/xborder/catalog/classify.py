"""Assign products to taxonomy categories from their description (keyword rules with a confidence).

Rules are rows of ``catalog/data/category_keywords.csv``: a category and ``;``-separated keywords
(single words or two-word phrases). A description scores each category by the keywords it contains
(a two-word phrase counts twice, being more specific); the best category wins. Confidence =
share of the winning score among all scores × a saturation term (1 keyword: 0.5, 2: 0.75, 3+: ~1),
capped at 0.95 — rule-given categories never claim the certainty of a source or user category.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["classify", "classify_titles", "keyword_rules"]

_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)?")


def _stem(tok: str) -> str:
    if len(tok) > 4 and tok.endswith("ies"):
        return tok[:-3] + "y"
    if len(tok) > 4 and tok.endswith(("sses", "xes", "zes", "ches", "shes")):
        return tok[:-2]
    if len(tok) > 2 and tok.endswith("s") and not tok.endswith("ss"):
        return tok[:-1]
    return tok


def _terms(text: str) -> set[str]:
    toks = [_stem(t) for t in _TOKEN.findall(str(text).lower().replace("t-light", "tlight"))]
    return set(toks) | {f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)}


@lru_cache(maxsize=1)
def keyword_rules() -> dict[str, list[tuple[str, float]]]:
    """keyword term → [(category, weight)], from the keywords file."""
    with (
        resources.files("xborder.catalog")
        .joinpath("data", "category_keywords.csv")
        .open("r", encoding="utf-8") as fh
    ):
        table = [(r["category"], r["keywords"], r["weight"]) for r in csv.DictReader(fh)]
    rules: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for category, keywords, weight in table:
        for kw in keywords.split(";"):
            kw = kw.strip().lower().replace("t-light", "tlight")
            if not kw:
                continue
            toks = [_stem(t) for t in _TOKEN.findall(kw)]
            term = " ".join(toks[:2])
            rules[term].append((category, float(weight or 1) * (2.0 if len(toks) > 1 else 1.0)))
    return dict(rules)


def classify(title: str | None) -> tuple[str, float]:
    """(category id, confidence in [0, 0.95]) for one description; ('other', 0.0) when nothing matches."""
    if not title:
        return "other", 0.0
    rules = keyword_rules()
    scores: dict[str, float] = defaultdict(float)
    for term in _terms(title):
        for cat, w in rules.get(term, ()):
            scores[cat] += w
    if not scores:
        return "other", 0.0
    best = max(scores, key=lambda c: (scores[c], c))
    share = scores[best] / sum(scores.values())
    saturation = 1.0 - 0.5 ** scores[best]
    return best, round(min(0.95, share * saturation), 3)


def classify_titles(titles: list[str | None]) -> pd.DataFrame:
    """Frame with columns title, category, category_confidence for a list of titles (distinct ones computed once)."""
    import pandas as pd

    cache = {t: classify(t) for t in set(titles)}
    return pd.DataFrame(
        {
            "title": titles,
            "category": [cache[t][0] for t in titles],
            "category_confidence": [cache[t][1] for t in titles],
        }
    )
