"""Collect the domains' run-level panels (``domains/<name>/report.py``) for one run and language."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import pkgutil
from typing import Any

from xborder.core.panels import Panel

__all__ = ["collect", "panel_context", "panel_modules"]

log = logging.getLogger(__name__)


def panel_modules() -> list[str]:
    """Names of the domain modules that provide ``report_panels`` (``xborder.domains.<d>.report``)."""
    import xborder.domains as domains

    out = []
    for info in sorted(pkgutil.iter_modules(domains.__path__), key=lambda m: m.name):
        if info.ispkg and importlib.util.find_spec(f"xborder.domains.{info.name}.report") is not None:
            out.append(f"xborder.domains.{info.name}.report")
    return out


def collect(con: Any, run_id: str, lang: str) -> list[Panel]:
    """Every domain's panels for ``run_id`` in ``lang``, ordered; a domain whose panels fail to build gives
    one panel saying so (the report is still made)."""
    panels: list[Panel] = []
    for name in panel_modules():
        domain = name.split(".")[2]
        try:
            mod = importlib.import_module(name)
            panels.extend(mod.report_panels(con, run_id, lang))
        except Exception as exc:  # noqa: BLE001 - one domain's failure must not lose the report
            log.warning("report panels of %s failed: %s", domain, exc, exc_info=True)
            what = "无法生成" if lang == "zh" else "could not be built"
            panels.append(
                Panel(
                    key=f"{domain}.error", title=f"{domain}: {what}", missing=f"{type(exc).__name__}: {exc}"
                )
            )
    return sorted(panels, key=lambda p: (p.order, p.key))


def panel_context(panel: Panel, lang: str) -> dict[str, Any]:
    """A domain's run-level panel as the report template shows it: chart, tables (at most 30 rows), or why not."""
    from xborder.report import charts
    from xborder.report.sections import fmt

    tables = []
    for caption, df in panel.tables:
        if df is None or len(df) == 0:
            continue
        rows = [[fmt(v, lang) for v in rec] for rec in df.head(30).itertuples(index=False)]
        tables.append({"caption": caption, "head": [str(c) for c in df.columns], "rows": rows})
    return {
        "anchor": "panel-" + panel.key.replace(".", "-"),
        "title": panel.title,
        "intro": panel.intro,
        "chart": charts.figure_chart(panel.figure, panel.title) if panel.figure is not None else None,
        "tables": tables,
        "missing": panel.missing,
    }
