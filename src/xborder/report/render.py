"""Render a run's report files (HTML, PDF, XLSX per language) into a folder and record them."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from xborder.report.data import gather
from xborder.report.html import render_html
from xborder.report.pdf import NO_CHROMIUM, PdfUnavailableError, find_chromium, html_to_pdf
from xborder.report.xlsx import write_workbook
from xborder.warehouse.runs import utcnow

__all__ = ["render_report", "report_files", "file_name", "run_target_margin"]


def file_name(run_id: str, lang: str, fmt: str) -> str:
    """``xborder-report_<run_id>.<lang>.<fmt>``: runs never overwrite each other's files in one folder."""
    return f"xborder-report_{run_id}.{lang}.{fmt}"


def _record(
    con: Any, run_id: str, lang: str, fmt: str, path: Path | None, status: str, message: str | None
) -> None:
    con.execute("DELETE FROM report_files WHERE run_id = ? AND lang = ? AND format = ?", [run_id, lang, fmt])
    con.execute(
        "INSERT INTO report_files (run_id, lang, format, path, bytes, created_at, status, message) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            lang,
            fmt,
            None if path is None else str(path.resolve()),
            None if path is None else path.stat().st_size,
            utcnow(),
            status,
            message,
        ],
    )


def render_report(
    con: Any,
    run_id: str,
    *,
    langs: Sequence[str] = ("en", "zh"),
    out: Path,
    top_n: int = 10,
    progress: Callable[[float, str], None] | None = None,
    stages_override: dict[str, Any] | None = None,
    pdf: bool = True,
    target_margin: float | None = None,
) -> list[dict[str, Any]]:
    """Write the report of ``run_id`` to ``out`` in each language; returns one entry per file.

    ``target_margin`` (a fraction) is the margin the risks compare with; None = the run's own margin gate.

    Each entry: ``{"lang", "format", "path", "bytes", "status", "message"}``; the PDF entry has
    status ``missing`` and the reason when no Chromium is available (HTML and XLSX are still written).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tick = progress or (lambda f, m: None)
    tick(0.02, "reading the warehouse")
    data = gather(con, run_id, top_n=top_n, stages_override=stages_override)
    if target_margin is None:  # the margin gate the run's selection used, else the settings' default
        target_margin = run_target_margin(data)
    files: list[dict[str, Any]] = []
    pdf_reason = None if not pdf or find_chromium() else NO_CHROMIUM
    steps = len(langs) * 3
    done = 0
    prints: list[tuple[str, Path, Path]] = []
    for lang in langs:
        html_path = out / file_name(run_id, lang, "html")
        t0 = time.perf_counter()
        html_path.write_text(
            render_html(data, lang, interactive=True, target_margin=target_margin, pdf_missing=pdf_reason),
            encoding="utf-8",
        )
        files.append(_entry(con, run_id, lang, "html", html_path, t0))
        done += 1
        tick(done / steps, f"{lang}: HTML written")
        xlsx_path = out / file_name(run_id, lang, "xlsx")
        t0 = time.perf_counter()
        write_workbook(data, lang, xlsx_path)
        files.append(_entry(con, run_id, lang, "xlsx", xlsx_path, t0))
        done += 1
        tick(done / steps, f"{lang}: workbook written")
        if pdf and pdf_reason is None:
            print_html = out / f".print_{run_id}.{lang}.html"
            print_html.write_text(
                render_html(data, lang, interactive=False, target_margin=target_margin), encoding="utf-8"
            )
            prints.append((lang, print_html, out / file_name(run_id, lang, "pdf")))
        else:
            files.append(
                _missing(
                    con, run_id, lang, out / file_name(run_id, lang, "pdf"), pdf_reason or "PDF not requested"
                )
            )
            done += 1
    # Both languages print at once: one headless Chromium per PDF (the machine has 2 cores).
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, min(2, len(prints)))) as pool:
        futures = {
            pool.submit(_print_pdf, html, pdf_path): (lang, html, pdf_path) for lang, html, pdf_path in prints
        }
        for fut, (lang, html, pdf_path) in futures.items():
            error = fut.result()
            html.unlink(missing_ok=True)
            if error is None:
                files.append(_entry(con, run_id, lang, "pdf", pdf_path, t0))
            else:
                files.append(_missing(con, run_id, lang, pdf_path, error))
            done += 1
            tick(done / steps, f"{lang}: PDF {'written' if error is None else 'missing'}")
    return files


def _print_pdf(html: Path, pdf_path: Path) -> str | None:
    """Print one PDF; the reason as text when it cannot be made (never raises for a missing browser)."""
    try:
        html_to_pdf(html, pdf_path)
    except PdfUnavailableError as exc:
        return str(exc)
    return None


def _entry(con: Any, run_id: str, lang: str, fmt: str, path: Path, t0: float) -> dict[str, Any]:
    _record(con, run_id, lang, fmt, path, "ok", None)
    return {
        "lang": lang,
        "format": fmt,
        "path": str(path.resolve()),
        "bytes": path.stat().st_size,
        "status": "ok",
        "message": None,
        "seconds": round(time.perf_counter() - t0, 3),
    }


def _missing(con: Any, run_id: str, lang: str, path: Path, reason: str) -> dict[str, Any]:
    path.unlink(missing_ok=True)  # never leave an older run's PDF looking current
    _record(con, run_id, lang, "pdf", None, "missing", reason)
    return {
        "lang": lang,
        "format": "pdf",
        "path": None,
        "bytes": None,
        "status": "missing",
        "message": reason,
    }


def report_files(con: Any, run_id: str) -> list[dict[str, Any]]:
    """The files recorded for a run (what the web app serves), newest per language and format."""
    rows = con.execute(
        "SELECT lang, format, path, bytes, created_at, status, message FROM report_files WHERE run_id = ? "
        "ORDER BY lang, format",
        [run_id],
    ).fetchall()
    keys = ("lang", "format", "path", "bytes", "created_at", "status", "message")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def run_target_margin(data: Any) -> float:
    """The target margin (fraction) the run's selection gated on (its ``profile_settings.min_margin_pct``), else
    the settings' default ``target_margin``, so that a report rendered again says what the run said."""
    summary = ((data.stages.get("selection") or {}).get("summary") or {}) if data.stages else {}
    pct = (summary.get("profile_settings") or {}).get("min_margin_pct")
    if pct is not None:
        return float(pct) / 100.0
    from xborder.core.settings import Settings

    return float(Settings.target_margin)
