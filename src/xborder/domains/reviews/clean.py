"""Review text cleaning: HTML remnants, mojibake, control characters, over-long and emoji-only texts.

Every problem is repaired where possible and recorded as a flag on the row, never raised:
``empty``, ``html``, ``mojibake_fixed``, ``undecodable`` (U+FFFD replacement characters),
``control_chars``, ``truncated`` (longer than ``max_chars``), ``emoji_only`` (no letter or digit).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

__all__ = ["MAX_CHARS", "FLAGS", "clean_text", "clean_texts", "count_flags", "decode_bytes"]

MAX_CHARS = 5000
"""Characters of a review kept for analysis; longer texts are cut at a word boundary and flagged."""

FLAGS = ("empty", "html", "mojibake_fixed", "undecodable", "control_chars", "truncated", "emoji_only")

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]{0,200}>")
_BREAK_TAG = re.compile(r"<\s*(br|p|div|li)\b[^<>]*>", re.IGNORECASE)
_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
# Typical UTF-8-read-as-Windows-1252 sequences: "Ã©", "â€™", "Â ".
_MOJIBAKE = re.compile(
    "[ÃÂâ][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u017d\u017e\u0178\u02c6\u02dc]"
)


def _fix_mojibake(text: str) -> str | None:
    """Undo one round of UTF-8 bytes decoded as cp1252/latin-1, when that clearly helps."""
    for enc in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(_MOJIBAKE.findall(fixed)) < len(_MOJIBAKE.findall(text)):
            return fixed
    return None


def clean_text(text: object, *, max_chars: int = MAX_CHARS) -> tuple[str, tuple[str, ...]]:
    """Clean one review text.

    Args:
        text: The raw value (``None``, NaN, bytes and non-strings are accepted).
        max_chars: Longest text kept for analysis.

    Returns:
        ``(clean_text, flags)``; ``clean_text`` is ``""`` for empty input.
    """
    flags: list[str] = []
    if text is None or (isinstance(text, float) and text != text):
        return "", ("empty",)
    if isinstance(text, bytes | bytearray):
        text, _ = decode_bytes(bytes(text))
    s = str(text)
    if "<" in s and _TAG.search(s):
        s = _TAG.sub(" ", _BREAK_TAG.sub(" ", s))
        flags.append("html")
    if "&" in s and _ENTITY.search(s):
        s = html.unescape(s)
        if "html" not in flags:
            flags.append("html")
    if _MOJIBAKE.search(s):
        fixed = _fix_mojibake(s)
        if fixed is not None:
            s = fixed
            flags.append("mojibake_fixed")
    if "\ufffd" in s:
        flags.append("undecodable")
        s = s.replace("\ufffd", " ")
    if _CONTROL.search(s):
        s = _CONTROL.sub(" ", s)
        flags.append("control_chars")
    s = s.replace("\ufeff", "")
    if len(s) > max_chars:
        cut = s.rfind(" ", 0, max_chars)
        s = s[: cut if cut > max_chars // 2 else max_chars]
        flags.append("truncated")
    s = _SPACE.sub(" ", s).strip()
    if not s:
        return "", (*flags, "empty")
    if not _LETTER_OR_DIGIT.search(s):
        flags.append("emoji_only" if any(unicodedata.category(c) == "So" for c in s) else "empty")
    return s, tuple(flags)


def clean_texts(texts: Iterable[object], *, max_chars: int = MAX_CHARS) -> tuple[list[str], list[str]]:
    """Clean many texts; returns the clean texts and their flags joined by commas ('' when none)."""
    out_text: list[str] = []
    out_flags: list[str] = []
    for t in texts:
        s, f = clean_text(t, max_chars=max_chars)
        out_text.append(s)
        out_flags.append(",".join(f))
    return out_text, out_flags


def count_flags(flags: Iterable[str]) -> dict[str, int]:
    """How many rows carry each flag (from the comma-joined flags of :func:`clean_texts`)."""
    c: Counter[str] = Counter()
    for f in flags:
        if f:
            c.update(f.split(","))
    return {k: int(c.get(k, 0)) for k in FLAGS}


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Decode bytes of unknown encoding: BOM, UTF-8, else GB18030 or CP1252 as file ingest decides.

    Returns:
        ``(text, encoding used)``. Never raises; undecodable bytes become U+FFFD.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from xborder.core.encoding import detect_encoding  # the same rules as file ingest

    enc = detect_encoding(raw)
    return raw.decode(enc, errors="replace"), enc
