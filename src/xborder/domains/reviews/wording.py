"""Words for the reviews messages: render a finding (a list of codes and numbers) in English or Chinese.

The sentences are in the message catalogue (``domains/reviews/messages/<lang>.toml``, table ``[reviews]``).
Some arguments are vocabulary or lists, prepared per language before the catalogue formats them:
``aspect`` is named in Chinese from :data:`~xborder.domains.reviews.lexicons.ASPECT_NAMES_ZH`, needs, usage
scenarios and emotions from :data:`~xborder.domains.reviews.lexicons.CUE_NAMES_ZH`; ``phrases`` (buyers' own
words) are each quoted (``reviews.list.open_quote`` … ``close_quote``) and joined with ``reviews.list.sep``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from xborder.core.i18n import message, render
from xborder.domains.reviews.lexicons import ASPECT_NAMES_ZH, CUE_NAMES_ZH

__all__ = ["render_messages"]

_CUES = ("need", "other_need", "scenario", "other_scenario", "emotion")
_ZH_NAMES: dict[str, Mapping[str, str]] = {"aspect": ASPECT_NAMES_ZH, **dict.fromkeys(_CUES, CUE_NAMES_ZH)}
_NAMES: dict[str, dict[str, Mapping[str, str]]] = {"zh": _ZH_NAMES}
"""Per language, the arguments that are vocabulary and their names (English: the names as they are)."""


def _args(args: Mapping[str, Any], lang: str) -> dict[str, Any]:
    names = _NAMES.get(lang, {})
    out = dict(args)
    for key, value in args.items():
        if key in names:
            out[key] = names[key].get(value, value)
        elif key == "phrases":
            left, right = render("reviews.list.open_quote", lang), render("reviews.list.close_quote", lang)
            out[key] = render("reviews.list.sep", lang).join(f"{left}{p}{right}" for p in value)
    return out


def render_messages(messages: Iterable[Mapping[str, Any]], lang: str) -> str:
    """The text of a finding: each message rendered in ``lang`` (``en`` or ``zh``), in order, joined."""
    return "".join(
        message({"code": m["code"], "args": _args(m.get("args") or {}, lang)}, lang) for m in messages
    )
