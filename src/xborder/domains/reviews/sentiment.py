"""Sentiment of review text without a rating: English (shipped model), Chinese (learned at run time or lexicon).

English: TF-IDF of hashed word 1-2-grams and character 2-5-grams, VADER's compound, positive and
negative scores, and the mean of static word vectors (``models/word_vectors_en.npz``, distilled once
from all-MiniLM-L6-v2, a word's vector negated inside the scope of "not", "never", "n't", ...)
into one logistic regression (scikit-learn). The word vectors carry what the pretrained encoder
knows about words the labelled training sentences never contain. Because the word-vector block is
linear, the shipped model folds it into one score per word, so scoring needs neither the vectors
nor PyTorch. Hashing keeps the shipped model a plain ``.npz`` of numbers (no pickle): idf weights,
coefficients, per-word scores, intercept and a JSON model card (see ``models/MODEL_CARD.md``).

Chinese: no openly licensed labelled Chinese review set could be shipped, so a character
1-3-gram model is fitted at run time on the user's own rated or labelled Chinese reviews
(:class:`TextSentimentModel` with ``analyzer='char'``). Without enough of them a small hand-written
lexicon (:mod:`xborder.domains.reviews.lexicons`) gives a rough score.

A star rating, where present, always wins (:func:`rating_polarity`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from xborder.domains.reviews.lexicons import ZH_NEGATIVE, ZH_NEGATORS, ZH_POSITIVE

__all__ = [
    "TextSentimentModel",
    "english_model",
    "vader_scores",
    "zh_lexicon_scores",
    "rating_polarity",
    "polarity_from_probability",
    "ENGLISH_MODEL_FILE",
    "WORD_VECTORS_FILE",
    "word_vectors",
    "signed_word_bag",
    "signed_word_mean",
]

ENGLISH_MODEL_FILE = "sentiment_en.npz"
WORD_VECTORS_FILE = "word_vectors_en.npz"

NEGATORS = frozenset(
    "not no never nothing none nobody nowhere nor neither cannot without hardly barely "
    "dont didnt doesnt isnt wasnt werent arent cant couldnt wont wouldnt shouldnt aint".split()
)
# words, and the punctuation that ends a negation's scope (as does the word "but")
_WV_TOKEN = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]|[.,!?;:()\n]")
_WV_BREAKS = frozenset(".,!?;:()\n") | {"but"}


@lru_cache(maxsize=1)
def word_vectors() -> tuple[list[str], np.ndarray]:
    """The shipped static English word vectors: (words, matrix n_words × k), loaded once.

    Built by ``python -m xborder.domains.reviews.train --word-vectors`` (needs the ``nlp`` extra): each word
    of the BERT uncased WordPiece vocabulary and of the VADER lexicon encoded alone by
    all-MiniLM-L6-v2 (Apache-2.0), reduced to 64 dimensions (SVD) and stored as int8 with one scale per dimension.
    """
    ref = resources.files("xborder.domains.reviews").joinpath("models").joinpath(WORD_VECTORS_FILE)
    with resources.as_file(ref) as p, np.load(p, allow_pickle=False) as z:
        words = str(z["words"]).split("\n")
        mat = z["q"].astype(np.float64) * z["scale"].astype(np.float64)
    return words, mat


def _signed_words(text: str) -> list[tuple[str, float]]:
    """The text's words with +1, or -1 inside a negation's scope (after "not", "never", "...n't" up to
    the next punctuation or "but")."""
    out: list[tuple[str, float]] = []
    negated = False
    for w in _WV_TOKEN.findall(text.lower().replace("\u2019", "'")):
        if w in _WV_BREAKS:
            negated = False
        elif w in NEGATORS or w.endswith("n't"):
            negated = True
        else:
            out.append((w, -1.0 if negated else 1.0))
    return out


def signed_word_bag(texts: Sequence[str], index: dict[str, int]) -> Any:
    """Sparse texts × vocabulary matrix: each known word counts ±1/(known words in the text).

    A word counts −1 when it follows a negator ("not", "never", "don't", ...) in the same clause
    (clauses end at punctuation and "but"); the negator itself is not counted.
    """
    import scipy.sparse as sp

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, t in enumerate(texts):
        start = len(vals)
        for w, sign in _signed_words(t):
            i = index.get(w)
            if i is not None:
                cols.append(i)
                vals.append(sign)
        k = len(vals) - start
        if k:
            rows.extend([r] * k)
            for j in range(start, len(vals)):
                vals[j] /= k
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(index)))


def signed_word_mean(texts: Sequence[str], scores: dict[str, float]) -> np.ndarray:
    """``signed_word_bag(texts, index) @ score_vector`` computed directly from a word → score dict.

    The scoring path of the shipped model (no sparse matrix is built).
    """
    out = np.zeros(len(texts))
    for r, t in enumerate(texts):
        total = 0.0
        k = 0
        for w, sign in _signed_words(t):
            v = scores.get(w)
            if v is not None:
                total += sign * v
                k += 1
        if k:
            out[r] = total / k
    return out


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_scores(texts: Sequence[str], *, max_chars: int = 1000) -> np.ndarray:
    """VADER (Hutto & Gilbert 2014) ``[compound, pos, neg]`` per text (first ``max_chars`` characters)."""
    an = _vader()
    out = np.zeros((len(texts), 3), dtype=np.float64)
    for i, t in enumerate(texts):
        if t:
            s = an.polarity_scores(t[:max_chars])
            out[i] = (s["compound"], s["pos"], s["neg"])
    return out


class TextSentimentModel:
    """Hashed TF-IDF (+ optional VADER features) logistic regression; scikit-learn style.

    Args:
        analyzer: ``'word+char'`` (English: word 1-2-grams and char_wb 2-5-grams) or ``'char'``
            (Chinese: character 1-3-grams).
        n_features: Hash buckets per vectoriser (a power of two).
        vader_weight: Scale of the VADER features (0 = not used).
        C: Inverse regularisation strength of the logistic regression.
        word_vectors: Also use the mean signed static word vector (:func:`word_vectors`,
            :func:`signed_word_bag`), scaled to unit mean norm on the training texts (English only).
    """

    idf_: list[np.ndarray]
    coef_: np.ndarray
    intercept_: float
    n_train_: int
    card_: dict[str, Any]
    wv_words_: list[str] | None = None
    wv_score_: np.ndarray | None = None
    wv_norm_: float = 1.0

    def __init__(
        self,
        *,
        analyzer: str = "word+char",
        n_features: int = 2**17,
        vader_weight: float = 1.0,
        C: float = 4.0,
        word_vectors: bool = False,
    ) -> None:
        self.analyzer = analyzer
        self.n_features = n_features
        self.vader_weight = vader_weight
        self.C = C
        self.word_vectors = word_vectors
        self._wv_index: dict[str, int] | None = None
        self._wv_scores: dict[str, float] | None = None

    def _vectorisers(self) -> list[Any]:
        from sklearn.feature_extraction.text import HashingVectorizer

        common = {"n_features": self.n_features, "alternate_sign": False, "norm": None}
        if self.analyzer == "char":
            return [HashingVectorizer(analyzer="char", ngram_range=(1, 3), **common)]
        return [
            HashingVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b|n't|!", **common),
            HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common),
        ]

    def _counts(self, texts: Sequence[str]) -> list[Any]:
        return [v.transform(texts) for v in self._vectorisers()]

    def _features(self, texts: Sequence[str]) -> Any:
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        blocks = []
        for counts, idf in zip(self._counts(texts), self.idf_, strict=True):
            counts = counts.tocsr().astype(np.float64)
            counts.data = 1.0 + np.log(counts.data)
            blocks.append(normalize(counts @ sp.diags(idf)))
        if self.vader_weight:
            blocks.append(sp.csr_matrix(vader_scores(texts) * self.vader_weight))
        return sp.hstack(blocks).tocsr()

    def _word_bag(self, texts: Sequence[str]) -> Any:
        if self._wv_index is None:
            self._wv_index = {w: i for i, w in enumerate(self.wv_words_ or [])}
        return signed_word_bag(texts, self._wv_index)

    def fit(self, texts: Sequence[str], labels: Any, *, sample_weight: Any = None) -> TextSentimentModel:
        """Fit on texts and 0/1 labels (1 = positive)."""
        from sklearn.linear_model import LogisticRegression

        texts = list(texts)
        y = np.asarray(labels, dtype=int)
        if len(set(y.tolist())) < 2:
            raise ValueError("Sentiment training needs both positive and negative examples.")
        n = len(texts)
        self.idf_ = []
        for counts in self._counts(texts):
            # document frequency per hash bucket (columns); an earlier version counted rows here
            df = np.asarray((counts > 0).sum(axis=0)).ravel()
            self.idf_.append(np.log((1.0 + n) / (1.0 + df)) + 1.0)  # sklearn's smooth idf
        x = self._features(texts)
        n_sparse = x.shape[1]
        vectors = None
        if self.word_vectors:
            import scipy.sparse as sp

            self.wv_words_, vectors = word_vectors()
            self._wv_index = None
            dense = self._word_bag(texts) @ vectors
            self.wv_norm_ = float(np.linalg.norm(dense, axis=1).mean()) or 1.0
            x = sp.hstack([x, sp.csr_matrix(dense / self.wv_norm_)]).tocsr()
        clf = LogisticRegression(C=self.C, solver="liblinear", max_iter=1000)
        clf.fit(x, y, sample_weight=sample_weight)
        coef = clf.coef_[0].astype(np.float64)
        self.coef_ = coef[:n_sparse]
        if vectors is not None:
            # The block is linear in the word bag, so fold it into one score per word.
            self.wv_score_ = vectors @ coef[n_sparse:] / self.wv_norm_
            self._wv_scores = None
        self.intercept_ = float(clf.intercept_[0])
        self.n_train_ = n
        return self

    def _check(self) -> None:
        if not hasattr(self, "coef_"):
            raise RuntimeError("This TextSentimentModel is not fitted yet; call fit() or load() first.")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each text is positive."""
        self._check()
        texts = list(texts)
        if not texts:
            return np.zeros(0)
        z = self._features(texts) @ self.coef_ + self.intercept_
        if self.wv_score_ is not None:
            if self._wv_scores is None:
                self._wv_scores = dict(zip(self.wv_words_ or [], self.wv_score_.tolist(), strict=True))
            z = z + signed_word_mean(texts, self._wv_scores)
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """1 (positive) or 0 (negative) per text."""
        return (self.predict_proba(texts) >= 0.5).astype(int)

    def save(self, path: str | Path, *, card: dict[str, Any] | None = None) -> None:
        """Write the fitted model as a compressed ``.npz`` of float32 arrays plus a JSON card."""
        self._check()
        meta = {
            "analyzer": self.analyzer,
            "n_features": self.n_features,
            "vader_weight": self.vader_weight,
            "C": self.C,
            "word_vectors": self.wv_score_ is not None,
            "wv_norm": self.wv_norm_,
            "intercept": self.intercept_,
            "n_train": self.n_train_,
            "card": card or {},
        }
        arrays: dict[str, Any] = {f"idf{i}": idf.astype(np.float32) for i, idf in enumerate(self.idf_)}
        arrays["coef"] = self.coef_.astype(np.float32)
        if self.wv_score_ is not None:
            arrays["wv_words"] = np.array("\n".join(self.wv_words_ or []))
            arrays["wv_score"] = self.wv_score_.astype(np.float32)
        arrays["meta"] = np.array(json.dumps(meta))
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Any) -> TextSentimentModel:
        """Read a model written by :meth:`save` (no pickle is involved)."""
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            m = cls(
                analyzer=meta["analyzer"],
                n_features=meta["n_features"],
                vader_weight=meta["vader_weight"],
                C=meta["C"],
                word_vectors=bool(meta.get("word_vectors", False)),
            )
            m.idf_ = [z[k].astype(np.float64) for k in sorted(k for k in z.files if k.startswith("idf"))]
            m.coef_ = z["coef"].astype(np.float64)
            if "wv_score" in z.files:
                m.wv_words_ = str(z["wv_words"]).split("\n")
                m.wv_score_ = z["wv_score"].astype(np.float64)
                m.wv_norm_ = float(meta.get("wv_norm", 1.0))
        m.intercept_ = float(meta["intercept"])
        m.n_train_ = int(meta["n_train"])
        m.card_ = meta.get("card", {})
        return m


@lru_cache(maxsize=1)
def english_model() -> TextSentimentModel:
    """The shipped English model (``xborder/reviews/models/sentiment_en.npz``), loaded once."""
    ref = resources.files("xborder.domains.reviews").joinpath("models").joinpath(ENGLISH_MODEL_FILE)
    with resources.as_file(ref) as p:
        if not p.exists():
            raise FileNotFoundError(
                f"The English sentiment model {p} is missing; rebuild it with "
                "`python -m xborder.domains.reviews.train --data ../shared/data`."
            )
        return TextSentimentModel.load(p)


def zh_lexicon_scores(texts: Sequence[str]) -> np.ndarray:
    """Rough probability-like score in [0, 1] from the hand-written Chinese lexicon (0.5 = no cue).

    Each positive cue counts +1 and each negative cue −1; a cue right after a negator (不, 没, ...)
    flips sign. The score is a logistic of the sum.
    """
    out = np.full(len(texts), 0.5)
    for i, t in enumerate(texts):
        s = 0.0
        for cues, sign in ((ZH_POSITIVE, 1.0), (ZH_NEGATIVE, -1.0)):
            for c in cues:
                start = t.find(c)
                while start >= 0:
                    negated = (
                        any(t[max(0, start - len(n)) : start] == n for n in ZH_NEGATORS)
                        and c[0] not in "不没"
                    )
                    s += -sign if negated else sign
                    start = t.find(c, start + len(c))
        out[i] = 1.0 / (1.0 + np.exp(-s))
    return out


def rating_polarity(rating: float | None, *, low: float = 2.0, high: float = 4.0) -> int | None:
    """-1 for ratings ≤ ``low`` stars, +1 for ≥ ``high``, 0 between, ``None`` without a rating."""
    if rating is None or rating != rating:
        return None
    return -1 if rating <= low else (1 if rating >= high else 0)


def polarity_from_probability(p: float, *, margin: float = 0.1) -> int:
    """-1 below 0.5 − margin, +1 above 0.5 + margin, 0 in between."""
    return -1 if p < 0.5 - margin else (1 if p > 0.5 + margin else 0)
