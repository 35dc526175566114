"""Detect the encoding of text bytes (UTF-8, UTF-8 with BOM, UTF-16 with or without BOM, GB18030/GBK, CP1252/Latin-1).

Used by file ingest and by review cleaning (raw bytes in review dumps), so both follow the same rules.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["detect_encoding"]

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# After UTF-8: GB18030 (a superset of GBK/GB2312) when the bytes look like 2-byte characters, else CP1252
# (the "ANSI" export of Western Excel), else Latin-1, which decodes any byte string.


def _valid_utf8(data: bytes, *, truncated: bool) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of a sample is not an error.
        return truncated and exc.start >= len(data) - 3 and exc.reason == "unexpected end of data"


def detect_encoding(data: bytes, *, truncated: bool = False) -> str:
    """Best encoding name for ``data`` (a whole file or its first bytes when ``truncated``)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    bare16 = _utf16_without_bom(data)
    if bare16 is not None:
        return bare16
    if _valid_utf8(data, truncated=truncated):
        return "utf-8"
    if _looks_cjk(data) and _decodes(data, "gb18030", truncated=truncated):
        return "gb18030"
    return "cp1252" if _decodes(data, "cp1252", truncated=truncated) else "latin-1"


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' for UTF-16 text without a byte-order mark, else None.

    Text in Latin scripts written as UTF-16 has a NUL byte in every other position (the high byte of
    each character): at odd offsets for little-endian, at even ones for big-endian. Checked before UTF-8,
    since such bytes are also valid UTF-8 (full of NUL characters). Needs at least 8 characters, NULs in
    over 70% of one parity and under 5% of the other, and bytes that decode."""
    sample = data[:65536]
    half = len(sample) // 2
    if half < 8:
        return None
    odd = sample[1::2].count(0) / half
    even = sample[0::2].count(0) / half
    name = "utf-16-le" if odd > 0.7 and even < 0.05 else "utf-16-be" if even > 0.7 and odd < 0.05 else None
    if name is None:
        return None
    cut = sample[: half * 2]
    try:
        cut.decode(name)
    except UnicodeDecodeError as exc:  # a surrogate pair cut by the end of the sample is fine
        if exc.start < len(cut) - 4:
            return None
    return name


def _looks_cjk(data: bytes) -> bool:
    """GBK/GB18030 text has its non-ASCII bytes in runs of even length (2 bytes per character); Western
    single-byte text (é, £, ü between ASCII letters) has runs of 1. Both decode as GB18030, so we look."""
    sample = re.sub(
        rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]", b"\xa1\xa1", data[:2_000_000]
    )  # 4-byte chars
    runs = re.findall(rb"[\x80-\xff]+", sample)
    if not runs:
        return False
    even = sum(1 for r in runs if len(r) % 2 == 0)
    return even / len(runs) >= 0.9 and sum(map(len, runs)) / len(runs) >= 2


def _decodes(data: bytes, enc: str, *, truncated: bool = False) -> bool:
    try:
        data.decode(enc)
        return True
    except UnicodeDecodeError as exc:
        return truncated and exc.start >= len(data) - 3
