"""Findings as messages (codes and numbers, no words): one sentence per aspect, a paragraph per group.

A message is ``{"code": "reviews.<key>", "args": {...}}``; a finding is a list of messages read one after
another. The words, in English and Simplified Chinese, are in ``domains/reviews/messages/<lang>.toml`` and
:func:`xborder.domains.reviews.wording.render_messages` puts them together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["Message", "TRENDS", "opportunity_messages", "group_messages"]

Message = dict[str, Any]
"""``{"code": ..., "args": {...}}`` (``args`` left out when there are none)."""

TRENDS = ("rising", "falling", "flat")
"""Trend directions that have words (``reviews.trend.<direction>``)."""


def _msg(key: str, **args: Any) -> Message:
    return {"code": f"reviews.{key}", "args": args} if args else {"code": f"reviews.{key}"}


def _one_or_two(one: str, two: str, name: str, values: Sequence[str]) -> Message:
    """Message ``one`` naming one value, or ``two`` naming two (as ``name`` and ``other_<name>``)."""
    if len(values) == 1:
        return _msg(one, **{name: values[0]})
    return _msg(two, **{name: values[0], f"other_{name}": values[1]})


def opportunity_messages(
    aspect: str,
    share: float,
    n_mentions: int,
    n_negative: int,
    trend: str | None,
    phrases: Sequence[str],
) -> list[Message]:
    """One sentence: how many unhappy buyers mention the aspect, its trend, and their words.

    Args:
        aspect: Aspect name (English; the Chinese rendering names it from the lexicons).
        share: Share of the negative reviews mentioning it (0..1).
        n_mentions: Negative reviews mentioning it.
        n_negative: Negative reviews of the group.
        trend: ``rising``, ``falling``, ``flat`` or None.
        phrases: Buyers' pain phrases of the aspect, best first (the first 3 are quoted).
    """
    out = [
        _msg(
            "opportunity",
            aspect=str(aspect),
            share=float(share),
            n_mentions=int(n_mentions),
            n_negative=int(n_negative),
        )
    ]
    if trend in TRENDS:
        out.append(_msg(f"trend.{trend}"))
    if phrases:
        out.append(_msg("buyers_say", phrases=[str(p) for p in phrases[:3]]))
    out.append(_msg("sentence_end"))
    return out


def group_messages(
    group: dict[str, Any],
    opportunities: Sequence[dict[str, Any]],
    delights: Sequence[str],
    cues: Sequence[dict[str, Any]],
    *,
    top: int = 3,
) -> list[Message]:
    """A short paragraph for one product/category × market.

    Args:
        group: A ``review_groups`` row (``product_id, market, n_reviews, n_negative, n_positive, avg_rating``).
        opportunities: ``improvement_opportunities`` rows of the group, best first (with ``phrases``).
        delights: Delight phrases, best first.
        cues: ``review_cues`` rows of the group (``kind, value, n_reviews, negative_share``).
        top: How many opportunities to describe.
    """
    n, neg, pos = int(group["n_reviews"]), int(group["n_negative"] or 0), int(group["n_positive"] or 0)
    rating = group.get("avg_rating")
    needs = [str(c["value"]) for c in cues if c["kind"] == "need"][:2]
    scen = [str(c["value"]) for c in cues if c["kind"] == "scenario"][:2]
    emo = [str(c["value"]) for c in cues if c["kind"] == "emotion" and (c.get("negative_share") or 0) >= 0.5][
        :1
    ]
    out = [
        _msg(
            "group.head",
            product_id=str(group["product_id"]),
            market=str(group["market"]),
            n_reviews=n,
            n_negative=neg,
            n_positive=pos,
        )
    ]
    if rating is not None and rating == rating:  # NaN: no rated review
        out.append(_msg("group.rating", rating=float(rating)))
    else:
        out.append(_msg("group.head_end"))
    if opportunities:
        out.append(_msg("group.fix_first"))
        shown = opportunities[:top]
        for i, o in enumerate(shown):
            sentence = opportunity_messages(
                o["aspect"],
                o["evidence_share"],
                o["n_reviews"],
                o["n_negative"],
                o.get("trend_direction"),
                o.get("phrases", []),
            )
            if i < len(shown) - 1:
                sentence[-1] = _msg("group.sentence_then")  # the end of a sentence another one follows
            out += sentence
    else:
        out.append(_msg("group.no_opportunity"))
    if delights:
        out.append(_msg("group.buyers_love", phrases=[str(d) for d in delights[:3]]))
    if needs:
        out.append(_one_or_two("group.need", "group.needs", "need", needs))
        if scen:
            out.append(_one_or_two("group.need_scenario", "group.need_scenarios", "scenario", scen))
        out.append(_msg("group.needs_end"))
    elif scen:
        out.append(_one_or_two("group.scenario_alone", "group.scenarios_alone", "scenario", scen))
    if emo:
        out.append(_msg("group.feeling", emotion=emo[0]))
    return out
