"""Per-review annotation: clean text, language, sentiment (rating first), aspects, cues and phrases.

:func:`annotate_reviews` is pure (frame in, frame out) and works batch by batch, so a
pipeline can stream any number of reviews through it with bounded memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.reviews.aspects import aspect_tagger, cue_taggers
from xborder.domains.reviews.clean import clean_texts, count_flags
from xborder.domains.reviews.language import detect_languages
from xborder.domains.reviews.sentiment import english_model, polarity_from_probability, zh_lexicon_scores
from xborder.domains.reviews.text import lemma_text, phrases

__all__ = ["annotate_reviews", "score_texts", "ANNOTATION_COLUMNS"]

ANNOTATION_COLUMNS = [
    "review_id",
    "text_clean",
    "flags",
    "language",
    "language_source",
    "sentiment_score",
    "sentiment_source",
    "polarity",
    "aspects",
    "needs",
    "scenarios",
    "emotions",
    "phrases",
]


def score_texts(
    texts: list[str], languages: list[str | None], *, zh_model: Any = None, en_model: Any = None
) -> tuple[np.ndarray, list[str]]:
    """Probability of positive sentiment per text and where it came from.

    English (and undetermined Latin-script text) uses the shipped English model; Chinese uses
    ``zh_model`` when given (fitted on the user's own labelled reviews), else the lexicon.
    Other languages get NaN with source ``unsupported_language``; empty texts ``empty``.
    """
    prob = np.full(len(texts), np.nan)
    source = ["empty" if not t else "unsupported_language" for t in texts]
    en_idx = [
        i for i, (t, lang) in enumerate(zip(texts, languages, strict=True)) if t and lang in {"en", None}
    ]
    zh_idx = [i for i, (t, lang) in enumerate(zip(texts, languages, strict=True)) if t and lang == "zh"]
    if en_idx:
        model = en_model if en_model is not None else english_model()
        prob[en_idx] = model.predict_proba([texts[i] for i in en_idx])
        tag = "model_en_nlp" if type(model).__name__ == "EmbeddingSentiment" else "model_en"
        for i in en_idx:
            source[i] = tag
    if zh_idx:
        zh_texts = [texts[i] for i in zh_idx]
        if zh_model is not None:
            prob[zh_idx] = zh_model.predict_proba(zh_texts)
            tag = "model_zh_runtime"
        else:
            prob[zh_idx] = zh_lexicon_scores(zh_texts)
            tag = "lexicon_zh"
        for i in zh_idx:
            source[i] = tag
    return prob, source


def annotate_reviews(
    df: pd.DataFrame,
    *,
    zh_model: Any = None,
    with_phrases: bool = True,
    rating_low: float = 2.0,
    rating_high: float = 4.0,
    nlp: bool = False,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Annotate a batch of reviews.

    Args:
        df: Columns ``review_id``, ``text`` and optionally ``title``, ``rating``, ``label``, ``language``.
        zh_model: A fitted Chinese :class:`~xborder.domains.reviews.sentiment.TextSentimentModel`, if any.
        with_phrases: Also extract candidate phrases (needed for pain points and delights).
        rating_low: Ratings at or below this are negative.
        rating_high: Ratings at or above this are positive (in between: neutral).
        nlp: Score unrated English text with the embedding model of the ``nlp`` extra
            (:mod:`xborder.domains.reviews.embed`; more accurate, far slower).

    Returns:
        The annotation frame (:data:`ANNOTATION_COLUMNS`) and the count of each text-cleaning flag.
    """
    n = len(df)
    raw = df["text"].tolist()
    if "title" in df.columns:
        titles = df["title"].tolist()
        raw = [
            t if (isinstance(h, float) or not h) else (f"{h}. {t}" if isinstance(t, str) and t else h)
            for t, h in zip(raw, titles, strict=True)
        ]
    text, flags = clean_texts(raw)
    given = df["language"].tolist() if "language" in df.columns else [None] * n
    given = [g.lower()[:2] if isinstance(g, str) and g.strip() else None for g in given]
    need = [i for i, g in enumerate(given) if g is None]
    detected = detect_languages([text[i] for i in need]) if need else []
    language = list(given)
    lang_source = ["given" if g else "undetermined" for g in given]
    for i, lang in zip(need, detected, strict=True):
        if lang is not None:
            language[i] = lang
            lang_source[i] = "detected"

    rating = (
        pd.to_numeric(df["rating"], errors="coerce").to_numpy(dtype=float)
        if "rating" in df
        else np.full(n, np.nan)
    )
    label = (
        pd.to_numeric(df["label"], errors="coerce").to_numpy(dtype=float)
        if "label" in df
        else np.full(n, np.nan)
    )
    score = np.full(n, np.nan)
    source = ["none"] * n
    polarity: list[int | None] = [None] * n
    todo = []
    for i in range(n):
        r, lab = rating[i], label[i]
        if r == r:
            score[i] = float(np.clip((r - 1.0) / 4.0, 0.0, 1.0))
            source[i] = "rating"
            polarity[i] = -1 if r <= rating_low else (1 if r >= rating_high else 0)
        elif lab == lab:
            score[i] = float(lab)
            source[i] = "label"
            polarity[i] = 1 if lab >= 1 else -1
        else:
            todo.append(i)
    if todo:
        en_model = None
        if nlp:
            from xborder.domains.reviews.embed import nlp_model

            en_model = nlp_model()
        p, src = score_texts(
            [text[i] for i in todo], [language[i] for i in todo], zh_model=zh_model, en_model=en_model
        )
        for k, i in enumerate(todo):
            source[i] = src[k]
            if p[k] == p[k]:
                score[i] = float(p[k])
                polarity[i] = polarity_from_probability(float(p[k]))

    tagger = aspect_tagger()
    cues = cue_taggers()
    aspects: list[list[str]] = []
    needs: list[list[str]] = []
    scen: list[list[str]] = []
    emo: list[list[str]] = []
    phr: list[list[str]] = []
    for t, lang in zip(text, language, strict=True):
        if not t:
            aspects.append([])
            needs.append([])
            scen.append([])
            emo.append([])
            phr.append([])
            continue
        zh = lang in {"zh", "ja"}
        lem = None if zh else lemma_text(t, lang if lang else "en")
        aspects.append(tagger.tag(t, lang, lemmas=lem))
        needs.append(cues["need"].tag(t, lang, lemmas=lem))
        scen.append(cues["scenario"].tag(t, lang, lemmas=lem))
        emo.append(cues["emotion"].tag(t, lang, lemmas=lem))
        phr.append(sorted(phrases(t, lang)) if with_phrases else [])
    out = pd.DataFrame(
        {
            "review_id": df["review_id"].astype(str).to_numpy(),
            "text_clean": text,
            "flags": flags,
            "language": language,
            "language_source": lang_source,
            "sentiment_score": score,
            "sentiment_source": source,
            "polarity": pd.array(polarity, dtype="Int8"),
            "aspects": aspects,
            "needs": needs,
            "scenarios": scen,
            "emotions": emo,
            "phrases": phr,
        }
    )
    return out, count_flags(flags)
