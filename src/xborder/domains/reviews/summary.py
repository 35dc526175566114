"""Plain-language findings in English and Simplified Chinese (one sentence per aspect, a paragraph per group)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xborder.domains.reviews.lexicons import ASPECT_NAMES_ZH

__all__ = ["opportunity_sentence", "group_summary", "CUE_NAMES_ZH"]

CUE_NAMES_ZH = {
    "reliability": "可靠耐用",
    "right size / fit": "尺码合适",
    "comfort": "舒适",
    "good value": "性价比",
    "convenience": "方便",
    "quiet": "安静",
    "looks / style": "外观款式",
    "fast delivery": "快速送达",
    "long battery life": "续航长",
    "night / sleep": "夜间/睡眠",
    "travel": "旅行",
    "kitchen / cooking": "厨房烹饪",
    "work / office": "上班/办公",
    "children / family": "孩子/家人",
    "gift": "送礼",
    "outdoor / sport": "户外运动",
    "wedding / event": "婚礼/活动",
    "everyday use": "日常使用",
    "music / entertainment": "音乐娱乐",
    "delight": "喜悦",
    "disappointment": "失望",
    "frustration": "烦躁",
    "anger": "愤怒",
    "relief / trust": "放心/信任",
    "surprise": "惊讶",
}
_TREND_EN = {"rising": "and rising", "falling": "and falling", "flat": "and steady"}
_TREND_ZH = {"rising": "且呈上升趋势", "falling": "且呈下降趋势", "flat": "且保持平稳"}


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def opportunity_sentence(
    aspect: str,
    share: float,
    n_mentions: int,
    n_negative: int,
    trend: str | None,
    phrases: Sequence[str],
    lang: str = "en",
) -> str:
    """One sentence: how many unhappy buyers mention the aspect, its trend, and their words."""
    if lang == "zh":
        name = ASPECT_NAMES_ZH.get(aspect, aspect)
        s = f"{_pct(share)}的差评（{n_negative}条中的{n_mentions}条）提到{name}"
        if trend in _TREND_ZH:
            s += f"，{_TREND_ZH[trend]}"
        if phrases:
            s += "；常见说法：" + "、".join(f"“{p}”" for p in phrases[:3])
        return s + "。"
    s = f"{_pct(share)} of negative reviews ({n_mentions} of {n_negative}) mention {aspect}"
    if trend in _TREND_EN:
        s += f", {_TREND_EN[trend]}"
    if phrases:
        s += "; buyers say " + ", ".join(f'"{p}"' for p in phrases[:3])
    return s + "."


def group_summary(
    group: dict[str, Any],
    opportunities: Sequence[dict[str, Any]],
    delights: Sequence[str],
    cues: Sequence[dict[str, Any]],
    lang: str = "en",
    *,
    top: int = 3,
) -> str:
    """A short paragraph for one product/category × market.

    Args:
        group: A ``review_groups`` row (``product_id, market, n_reviews, n_negative, n_positive, avg_rating``).
        opportunities: ``improvement_opportunities`` rows of the group, best first.
        delights: Delight phrases, best first.
        cues: ``review_cues`` rows of the group (``kind, value, n_reviews, negative_share``).
        lang: ``en`` or ``zh``.
        top: How many opportunities to describe.
    """
    n, neg, pos = int(group["n_reviews"]), int(group["n_negative"] or 0), int(group["n_positive"] or 0)
    rating = group.get("avg_rating")
    has_rating = rating is not None and rating == rating
    needs = [c for c in cues if c["kind"] == "need"][:2]
    scen = [c for c in cues if c["kind"] == "scenario"][:2]
    emo = [c for c in cues if c["kind"] == "emotion" and (c.get("negative_share") or 0) >= 0.5][:1]
    if lang == "zh":
        head = f"{group['product_id']}（市场 {group['market']}）：共{n}条评论，差评{neg}条、好评{pos}条"
        head += f"，平均{rating:.1f}星。" if has_rating else "。"
        if opportunities:
            parts = [
                opportunity_sentence(
                    o["aspect"],
                    o["evidence_share"],
                    o["n_reviews"],
                    o["n_negative"],
                    o.get("trend_direction"),
                    o.get("phrases", []),
                    "zh",
                )
                for o in opportunities[:top]
            ]
            head += "主要改进点：" + "".join(parts)
        else:
            head += "差评中没有足够集中的问题可作为改进点。"
        if delights:
            head += "买家喜欢：" + "、".join(f"“{d}”" for d in delights[:3]) + "。"
        if needs or scen:
            zh = [CUE_NAMES_ZH.get(c["value"], c["value"]) for c in needs]
            head += ("买家的需求：" + "、".join(zh)) if zh else ""
            head += (
                ("；使用场景：" + "、".join(CUE_NAMES_ZH.get(c["value"], c["value"]) for c in scen))
                if scen
                else ""
            )
            head += "。"
        if emo:
            head += f"差评中的主要情绪：{CUE_NAMES_ZH.get(emo[0]['value'], emo[0]['value'])}。"
        return head
    head = f"{group['product_id']} in {group['market']}: {n} reviews, {neg} negative and {pos} positive"
    head += f", average {rating:.1f} stars. " if has_rating else ". "
    if opportunities:
        parts = [
            opportunity_sentence(
                o["aspect"],
                o["evidence_share"],
                o["n_reviews"],
                o["n_negative"],
                o.get("trend_direction"),
                o.get("phrases", []),
                "en",
            )
            for o in opportunities[:top]
        ]
        head += "Fix first: " + " ".join(parts)
    else:
        head += "No complaint is concentrated enough in the negative reviews to call an improvement."
    if delights:
        head += " Buyers love: " + ", ".join(f'"{d}"' for d in delights[:3]) + "."
    if needs:
        head += " They need " + " and ".join(c["value"] for c in needs)
        head += (", mostly for " + " and ".join(c["value"] for c in scen)) if scen else ""
        head += "."
    if emo:
        head += f" The dominant feeling in bad reviews: {emo[0]['value']}."
    return head
