"""The message catalogue: every code in every language, same placeholders, real Chinese text."""

from __future__ import annotations

import re

import pytest

from xborder.core import i18n

CJK = re.compile(r"[\u4e00-\u9fff]")
# Codes whose Chinese text is legitimately the same as the English (metric acronyms, format patterns).
SAME_IN_BOTH = {"report.mase", "report.smape", "report.mae", "report.wape", "report.opp_page"}


def test_every_language_has_every_code_with_the_same_placeholders() -> None:
    assert i18n.check_catalogue() == []


def test_no_empty_text_and_chinese_is_chinese() -> None:
    for code in i18n.codes("en"):
        assert i18n.render(code, "en").strip(), code
        zh = i18n._catalogue("zh")[code]
        if code not in SAME_IN_BOTH and re.search(r"[A-Za-z]{3}", i18n._catalogue("en")[code]):
            assert CJK.search(zh), f"zh text of {code!r} has no Chinese: {zh!r}"


def test_render_formats_and_names_a_missing_code() -> None:
    assert i18n.render("report.interval", "en", level=95) == "95% interval"
    assert i18n.message({"code": "report.interval", "args": {"level": 80}}, "zh") == i18n.render(
        "report.interval", "zh", level=80
    )
    with pytest.raises(KeyError, match="report.nope"):
        i18n.render("report.nope", "en")
    with pytest.raises(KeyError):
        i18n.Translator("fr")
