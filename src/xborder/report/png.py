"""Static PNG images of the report's plotly charts, drawn by Kaleido with the system's Chromium (no download)."""

from __future__ import annotations

import os
from collections.abc import Sequence
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
    kaleido.write_fig_from_object_sync(figs)
    return None
