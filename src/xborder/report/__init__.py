"""The product-selection report of a run: self-contained HTML, PDF (headless Chromium) and Excel, in en/zh."""

from xborder.report.render import file_name, render_report, report_files

__all__ = ["render_report", "report_files", "file_name"]
