"""The report's labels: namespace ``report`` of the message catalogue (``report/messages/<lang>.toml``)."""

from __future__ import annotations

from typing import Any

from xborder.core import i18n

__all__ = ["MESSAGES", "t", "Translator"]


def _namespace(lang: str) -> dict[str, str]:
    return {k: i18n.render(f"report.{k}", lang) for k in i18n.Translator(lang, "report").keys}


MESSAGES: dict[str, dict[str, str]] = {lang: _namespace(lang) for lang in i18n.LANGS}
"""Every report label per language (unformatted)."""


def t(lang: str, key: str, **fmt: Any) -> str:
    """The label ``key`` in ``lang`` (``en``/``zh``), formatted with ``fmt``; KeyError if missing."""
    return i18n.render(f"report.{key}", lang, **fmt)


class Translator(i18n.Translator):
    """Callable bound to one language, for templates: ``_('rank')``."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang, "report")
