"""Sentiment: the shipped English model, save/load without pickle, the Chinese lexicon, rating first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.reviews.annotate import annotate_reviews, score_texts
from xborder.reviews.sentiment import TextSentimentModel, english_model, rating_polarity, zh_lexicon_scores


def test_shipped_model_separates_clear_cases() -> None:
    m = english_model()
    p = m.predict_proba(["Absolutely love it, works perfectly", "Broke after a day, total waste of money"])
    assert p[0] > 0.8 and p[1] < 0.2
    assert m.card_["licences"]["womens_clothing"] == "CC0"


def test_save_load_round_trip(tmp_path) -> None:
    texts = ["good product", "great value", "love it", "bad product", "terrible", "waste of money"] * 3
    y = [1, 1, 1, 0, 0, 0] * 3
    m = TextSentimentModel(n_features=2**10, vader_weight=1.0).fit(texts, y)
    m.save(tmp_path / "m.npz", card={"trained_on": "test"})
    m2 = TextSentimentModel.load(tmp_path / "m.npz")
    np.testing.assert_allclose(
        m.predict_proba(["good value", "bad"]), m2.predict_proba(["good value", "bad"]), atol=1e-5
    )
    assert m2.card_ == {"trained_on": "test"}


def test_unfitted_model_says_so() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        TextSentimentModel().predict(["x"])


def test_chinese_lexicon_handles_negation() -> None:
    s = zh_lexicon_scores(["非常满意，推荐购买", "质量太差，很失望", "不满意", "这个"])
    assert s[0] > 0.5 and s[1] < 0.5 and s[2] < 0.5 and s[3] == 0.5


def test_rating_is_the_primary_signal() -> None:
    df = pd.DataFrame(
        {
            "review_id": ["a", "b", "c"],
            "text": ["I love it", "I love it", "I love it"],
            "rating": [1.0, 3.0, None],
        }
    )
    ann, _ = annotate_reviews(df)
    assert ann["sentiment_source"].tolist() == ["rating", "rating", "model_en"]
    assert ann["polarity"].tolist() == [-1, 0, 1]
    assert rating_polarity(2) == -1 and rating_polarity(4.5) == 1 and rating_polarity(None) is None


def test_unsupported_language_is_not_guessed() -> None:
    p, src = score_texts(["Das Produkt ist leider kaputt angekommen", ""], ["de", None])
    assert np.isnan(p).all() and src == ["unsupported_language", "empty"]


@pytest.mark.shared_data
def test_alexa_accuracy_of_the_shipped_model() -> None:
    """The shipped model never saw the Alexa reviews; measured 0.88 accuracy on all 3,149 (feedback flag)."""
    from xborder.reviews.datasets import load_alexa

    a = load_alexa(shared_path("amazon_alexa_reviews", "amazon_alexa.tsv").parents[1]).sample(
        800, random_state=3
    )
    pred = english_model().predict(a["text"].tolist())
    assert (pred == a["label"].to_numpy()).mean() >= 0.85
