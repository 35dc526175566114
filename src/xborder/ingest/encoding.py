"""Read text files in the encoding :func:`xborder.core.encoding.detect_encoding` finds, and transcode to UTF-8."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

from xborder.core.encoding import detect_encoding  # the rules live in core (review cleaning uses them too)

__all__ = ["detect_encoding", "transcode_to_utf8", "sample_text"]


def sample_text(path: Path, encoding: str, n_bytes: int = 256_000) -> str:
    """The first ``n_bytes`` of a (possibly gzip-compressed) file decoded with ``encoding``."""
    from xborder.core.unpack import gzip_module

    opener = gzip_module().open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:  # type: ignore[operator]
        raw = fh.read(n_bytes)
    return raw.decode(encoding, errors="replace")


def transcode_to_utf8(src: Path, dst: Path, encoding: str) -> None:
    """Write ``src`` (gzip or plain, in ``encoding``) to ``dst`` as plain UTF-8, streaming."""
    from xborder.core.unpack import gzip_module

    opener = gzip_module().open if src.suffix == ".gz" else open
    with opener(src, "rb") as raw, open(dst, "wb") as out:  # type: ignore[operator]
        if encoding in {"utf-8", "utf-8-sig"}:
            head = raw.read(3)
            if head != codecs.BOM_UTF8:
                out.write(head)
            shutil.copyfileobj(raw, out, 1 << 20)
            return
        reader = codecs.getreader(encoding)(raw, "replace")
        while True:
            chunk = reader.read(1 << 20)
            if not chunk:
                break
            out.write(chunk.encode("utf-8"))
