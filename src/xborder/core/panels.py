"""Report panels: a domain's run-level view (a chart, tables and what is missing) for the report and dashboard.

A domain that has something to show across the portfolio (a supplier Pareto, a cash runway, a risk heat
map, a KPI scorecard ...) adds ``domains/<name>/report.py`` with::

    def report_panels(con, run_id: str, lang: str) -> list[Panel]: ...   # reads the run's tables, never writes

The report finds these modules itself (``xborder.report.panels.collect``); a domain never imports the
report. Texts are in the requested language (``"en"`` or ``"zh"``); a panel with nothing to show says
why and which command fills it in ``missing`` instead of showing an empty chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Panel"]


@dataclass
class Panel:
    """One run-level panel of a domain.

    Attributes:
        key: Stable id, ``"<domain>.<name>"`` (anchors, tests).
        title: Heading in the panel's language.
        intro: What the panel shows, from which data and how it is computed (one or two sentences).
        figure: A plotly figure (``plotly.graph_objects.Figure``) or None; the report applies its fonts.
        tables: ``(caption or None, frame)`` pairs; a frame's column names are the displayed headings.
        missing: Why there is nothing to show and what would fill it (then figure and tables are empty).
        order: Position among panels (smaller first).
    """

    key: str
    title: str
    intro: str = ""
    figure: Any | None = None
    tables: list[tuple[str | None, Any]] = field(default_factory=list)
    missing: str | None = None
    order: int = 100
