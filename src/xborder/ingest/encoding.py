"""Detect a text file's encoding (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK, CP1252/Latin-1) and transcode to UTF-8."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

__all__ = ["detect_encoding", "transcode_to_utf8", "sample_text"]

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Order matters: GB18030 (a superset of GBK/GB2312) decodes most Chinese text; CP1252 is the usual
# "ANSI" export of Western Excel; Latin-1 decodes any byte string and so is the last resort.
_CANDIDATES = ("gb18030", "cp1252", "latin-1")


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
    if _valid_utf8(data, truncated=truncated):
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=list(_CANDIDATES)).best()
    if best is not None and best.encoding:
        enc = best.encoding.replace("_", "-").lower()
        if enc in {"gb2312", "gbk", "gb18030"}:
            return "gb18030"
        if enc in {"cp1252", "windows-1252"}:
            return "cp1252"
        if enc in {"latin-1", "iso8859-1", "iso-8859-1", "latin_1"}:
            return "cp1252" if _decodes(data, "cp1252") else "latin-1"
        return enc
    for enc in _CANDIDATES:
        if _decodes(data, enc):
            return enc
    return "latin-1"


def _decodes(data: bytes, enc: str) -> bool:
    try:
        data.decode(enc)
        return True
    except UnicodeDecodeError:
        return False


def sample_text(path: Path, encoding: str, n_bytes: int = 256_000) -> str:
    """The first ``n_bytes`` of a (possibly gzip-compressed) file decoded with ``encoding``."""
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:  # type: ignore[operator]
        raw = fh.read(n_bytes)
    return raw.decode(encoding, errors="replace")


def transcode_to_utf8(src: Path, dst: Path, encoding: str) -> None:
    """Write ``src`` (gzip or plain, in ``encoding``) to ``dst`` as plain UTF-8, streaming."""
    import gzip

    opener = gzip.open if src.suffix == ".gz" else open
    with opener(src, "rb") as raw, open(dst, "wb") as out:  # type: ignore[operator]
        if encoding in {"utf-8", "utf-8-sig"}:
            head = raw.read(3)
            if head != codecs.BOM_UTF8:
                out.write(head)
            shutil.copyfileobj(raw, out, 1 << 20)
            return
        reader = codecs.getreader(encoding)(raw, errors="replace")
        while True:
            chunk = reader.read(1 << 20)
            if not chunk:
                break
            out.write(chunk.encode("utf-8"))
