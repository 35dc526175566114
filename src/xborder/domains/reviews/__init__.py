"""Voice of the customer: language, sentiment, pain points and delights from reviews, per product and market."""

from __future__ import annotations

__all__ = ["annotate_reviews", "log_odds_dirichlet", "tag_aspects", "detect_languages", "clean_text"]


def __getattr__(name: str):
    if name == "annotate_reviews":
        from xborder.domains.reviews.annotate import annotate_reviews

        return annotate_reviews
    if name == "log_odds_dirichlet":
        from xborder.domains.reviews.logodds import log_odds_dirichlet

        return log_odds_dirichlet
    if name == "tag_aspects":
        from xborder.domains.reviews.aspects import tag_aspects

        return tag_aspects
    if name == "detect_languages":
        from xborder.domains.reviews.language import detect_languages

        return detect_languages
    if name == "clean_text":
        from xborder.domains.reviews.clean import clean_text

        return clean_text
    raise AttributeError(name)
