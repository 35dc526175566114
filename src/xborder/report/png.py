"""Static PNG images of the report's plotly charts, drawn by Kaleido with the system's Chromium (no download)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from xborder.report.pdf import NO_CHROMIUM, find_chromium

__all__ = ["write_png"]


def write_png(
    items: Sequence[tuple[dict[str, Any], Path]], *, width: int = 900, height: int = 380
) -> str | None:
    """Write each plotly figure (as a dict: ``data`` and ``layout``) to its PNG path, in one browser session.

    Returns None when written, else the reason no image could be made (no Chromium, or Kaleido missing);
    callers still write the interactive HTML charts then.
    """
    if not items:
        return None
    chromium = find_chromium()
    if chromium is None:
        return NO_CHROMIUM
    try:
        import kaleido
    except ImportError:  # pragma: no cover - kaleido is a default dependency
        return "the kaleido package is not installed (pip install kaleido)"
    os.environ.setdefault("BROWSER_PATH", chromium)  # choreographer (Kaleido's browser driver) reads it
    figs = [
        {"fig": fig, "path": str(path), "opts": {"format": "png", "width": width, "height": height}}
        for fig, path in items
    ]
    try:
        with _quiet_stderr() as said:
            kaleido.write_fig_from_object_sync(figs)
    except Exception as exc:  # noqa: BLE001 - a chart image is never worth a failed command
        detail = said[0].strip().splitlines()[-1:] if said and said[0].strip() else []
        return f"Kaleido could not draw the images ({type(exc).__name__}: {exc}{'; ' + detail[0] if detail else ''})"
    return None


@contextmanager
def _quiet_stderr() -> Iterator[list[str]]:
    """Keep what Chromium and Kaleido's browser driver write to stderr (browser noise, logged tracebacks of
    retried steps) out of the user's terminal and of ``--json`` callers' error stream; yields a list that holds
    the captured text afterwards (used in the reason when drawing fails)."""
    import logging
    import sys
    import tempfile

    said: list[str] = []
    loggers = [logging.getLogger(n) for n in ("kaleido", "choreographer", "logistro", "asyncio")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield said
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            for lg, lv in zip(loggers, levels, strict=True):
                lg.setLevel(lv)
            tmp.seek(0)
            said.append(tmp.read()[-4000:].decode("utf-8", "replace"))
