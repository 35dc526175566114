"""Review phrases (lemmatised) found in customer search terms (inflected), and the per-phrase totals."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.domains.marketing.review_terms import phrase_in_term, review_language, review_phrase_terms


def test_a_lemma_meets_its_inflections_and_nothing_else() -> None:
    named = [("leak", "leaking water bottle"), ("bottle", "water bottles"), ("stop", "stopped working"),
             ("easy clean", "easy to clean mat"), ("battery", "aa batteries"), ("dish", "dishes rack"),
             ("fit", "fitting sheet"), ("防水", "防水 浴室 垫")]  # fmt: skip
    assert all(phrase_in_term(p, t) for p, t in named)
    not_named = [("leak", "leather bottle"), ("easy clean", "easy grip"), ("mat", "matte"), ("glass", "gas"),
                 ("防水", "浴室 垫")]  # fmt: skip
    assert not any(phrase_in_term(p, t) for p, t in not_named)


def _row(term: str, product: str | None, clicks: float, orders: float, spend: float, sales: float) -> dict:
    return {"marketplace_id": "amazon.US", "market_code": "US", "currency": "USD", "product_id": product,
            "search_term": term, "clicks": clicks, "orders": orders, "spend": spend, "sales": sales}  # fmt: skip


def test_terms_get_their_phrases_and_phrases_their_terms_totals() -> None:
    m = pd.DataFrame([_row("leak proof water bottle", "p", 40, 4, 20.0, 80.0),
                      _row("leaking bottle", "p", 10, 0, 6.0, 0.0),
                      _row("cold water bottle", "p", 5, 1, 2.0, 20.0),
                      _row("leak proof bottle", None, 50, 5, 25.0, 100.0)])  # fmt: skip
    ph = pd.DataFrame({"product_id": ["p", "p", "p"], "review_scope": ["category"] * 3,
                       "kind": ["pain", "delight", "delight"], "phrase": ["leak", "cold", "easy clean"],
                       "z": [3.0, -2.5, -2.0], "n_negative": [5, 1, 0], "n_positive": [0, 9, 7]})  # fmt: skip
    out = review_language(m, ph)
    assert out["review_pains"].tolist() == ["leak", "leak", None, None]  # the last term has no known product
    assert out["review_delights"].tolist() == [None, None, "cold", None]
    assert out["review_scope"].tolist() == ["category", "category", "category", None]
    t = review_phrase_terms(m, ph).set_index("phrase")
    assert (t.loc["leak", "terms"], t.loc["leak", "clicks"], t.loc["leak", "orders"]) == (2, 50, 4)
    assert t.loc["leak", "cvr"] == pytest.approx(4 / 50) and t.loc["leak", "acos"] == pytest.approx(26 / 80)
    assert t.loc["leak", "top_term"] == "leak proof water bottle"
    assert not t.loc["easy clean", "searched"] and t.loc["easy clean", "terms"] == 0
    assert (
        review_phrase_terms(m, ph.iloc[:0]).empty
        and review_language(m, ph.iloc[:0])["review_pains"].isna().all()
    )
