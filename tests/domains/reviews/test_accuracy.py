"""Accuracy targets (issue 5) on real held-out labelled data: never evaluated on training rows.

English: the default model is refit exactly as shipped but without the held-out UCI domain
(leave-one-domain-out, as in benchmarks/reviews_accuracy.py); target ≥ 0.85 pooled over the three
domains. Chinese: the run-time model fitted on one part of the Chinese set and scored on disjoint
rows; target ≥ 0.85.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import shared_path
from xborder.domains.reviews.clean import clean_texts
from xborder.domains.reviews.datasets import UCI_DOMAINS, load_chinese, load_uci
from xborder.domains.reviews.sentiment import TextSentimentModel
from xborder.domains.reviews.train import english_training_frame, train_english


@pytest.mark.slow
@pytest.mark.shared_data
def test_english_sentences_leave_one_domain_out_reaches_target() -> None:
    data = shared_path("uci_sentiment_labelled_sentences", "imdb_labelled.txt").parents[1]
    shared_path("womens_ecommerce_clothing_reviews", "Womens_Clothing_E-Commerce_Reviews.csv.gz")
    correct, total, per_domain = 0, 0, {}
    for held in UCI_DOMAINS:
        train = english_training_frame(data, uci_domains=tuple(d for d in UCI_DOMAINS if d != held))
        test = load_uci(data, held)
        assert held not in set(train["group"])  # the held-out domain is never trained on
        texts, _ = clean_texts(test["text"])
        pred = train_english(train).predict(texts)
        ok = int((pred == test["label"].to_numpy()).sum())
        per_domain[held] = ok / len(test)
        correct, total = correct + ok, total + len(test)
    # measured 2026-11-27: 0.856 pooled (amazon 0.876, yelp 0.853, imdb 0.839); previous model 0.844
    assert correct / total >= 0.85, per_domain
    assert min(per_domain.values()) >= 0.82, per_domain


@pytest.mark.slow
@pytest.mark.shared_data
def test_chinese_runtime_model_on_held_out_rows_reaches_target() -> None:
    data = shared_path("chinese_online_shopping_10_cats", "online_shopping_10_cats.zip").parents[1]
    c = load_chinese(data).sample(24_000, random_state=5).reset_index(drop=True)
    train, test = c.iloc[:16_000], c.iloc[16_000:]
    m = TextSentimentModel(analyzer="char", n_features=2**18, vader_weight=0.0, C=4.0)
    m.fit(train["text"].tolist(), train["label"].to_numpy())
    acc = float(np.mean(m.predict(test["text"].tolist()) == test["label"].to_numpy()))
    # 5-fold CV on all 62,773 rows in benchmarks/reviews_accuracy.py: 0.930
    assert acc >= 0.85
