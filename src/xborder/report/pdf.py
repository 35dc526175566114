"""Print an HTML file to PDF with the system's headless Chromium (never downloads a browser)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["find_chromium", "html_to_pdf", "PdfUnavailableError", "CHROMIUM_FLAGS", "NO_CHROMIUM"]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-pdf-header-footer",
    "--hide-scrollbars",
    "--mute-audio",
)


NO_CHROMIUM = (
    "no Chromium browser was found on this machine (install Debian's `chromium` and `fonts-noto-cjk` packages, "
    "e.g. `apt-get install chromium fonts-noto-cjk`, or set XBORDER_CHROMIUM to a Chromium executable)"
)


class PdfUnavailableError(RuntimeError):
    """No PDF could be made; the message says why and what to install."""


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable: $XBORDER_CHROMIUM, then the usual names on PATH."""
    env = os.environ.get("XBORDER_CHROMIUM")
    if env:
        return env if Path(env).is_file() and os.access(env, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
    )


def html_to_pdf(html: Path, pdf: Path, *, timeout: float = 120.0) -> Path:
    """Render ``html`` (a local file) to ``pdf`` with headless Chromium; PdfUnavailableError when impossible."""
    exe = find_chromium()
    if exe is None:
        raise PdfUnavailableError(NO_CHROMIUM)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    tmp_pdf = pdf.with_name(pdf.name + ".part")
    with tempfile.TemporaryDirectory(prefix="xborder-chromium-") as profile:
        cmd = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={tmp_pdf}",
            html.resolve().as_uri(),
        ]
        try:
            proc = _run(cmd, timeout)
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailableError(f"Chromium did not finish printing within {timeout:.0f} s") from exc
        except OSError as exc:
            raise PdfUnavailableError(f"Chromium at {exe} could not be started: {exc}") from exc
    if proc.returncode != 0 or not tmp_pdf.is_file() or tmp_pdf.stat().st_size == 0:
        tail = " ".join((proc.stderr or "").strip().splitlines()[-2:])[:300]
        tmp_pdf.unlink(missing_ok=True)
        raise PdfUnavailableError(f"Chromium failed to print the PDF (exit code {proc.returncode}): {tail}")
    tmp_pdf.replace(pdf)
    return pdf
