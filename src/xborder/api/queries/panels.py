"""A run's domain panels for the dashboard: every ``domains/<d>/report.py`` panel, grouped by domain, as JSON-able views.

The panels are the report's own (:class:`xborder.core.panels.Panel`, found by
:func:`xborder.report.panels.panel_modules`); this module only turns them into what the dashboard
template draws: the plotly figure as JSON (drawn by the locally served plotly.js), each table's first
:data:`MAX_ROWS` rows formatted in the page's language with a count of the rest, the ``missing``
notice, or — when a domain's ``report_panels`` or one panel's figure raises — a failed panel with the
error's message (logged; the other panels are unaffected). A run's panels are built once per language
and kept in the warehouse handle's result cache until the data changes.
"""

from __future__ import annotations

import importlib
import logging
import time
from typing import Any

from xborder.api.db import Database
from xborder.core import i18n
from xborder.core.errors import NotFoundError
from xborder.core.panels import Panel

__all__ = ["MAX_ROWS", "domain_names", "domain_label", "run_panels", "panel_view"]

log = logging.getLogger("xborder.api")

MAX_ROWS = 25
"""Rows of a panel table shown on the page; the rest are counted ("n more rows")."""


def domain_names() -> list[str]:
    """Domains that provide report panels, in the report's order (alphabetical package names)."""
    from xborder.report.panels import panel_modules

    return [name.split(".")[2] for name in panel_modules()]


def domain_label(domain: str, lang: str) -> str:
    """A domain's name for people, in ``lang`` (the package name when the catalogue has none)."""
    code = f"dashboard.domain.{domain}"
    return i18n.render(code, lang) if i18n.has(code, lang) else domain


def _table_view(caption: str | None, df: Any, lang: str) -> dict[str, Any] | None:
    from xborder.report.sections import fmt

    if df is None or len(df) == 0:
        return None
    rows = [[fmt(v, lang) for v in rec] for rec in df.head(MAX_ROWS).itertuples(index=False)]
    total = int(len(df))
    return {
        "caption": caption,
        "head": [str(c) for c in df.columns],
        "rows": rows,
        "total": total,
        "more": max(0, total - MAX_ROWS),
    }


def panel_view(panel: Panel, lang: str) -> dict[str, Any]:
    """One panel as the template draws it (figure as plotly JSON in the report's fonts; ``failed`` when the
    figure cannot be serialised)."""
    from xborder.report.charts import figure_chart

    view: dict[str, Any] = {
        "key": panel.key,
        "anchor": "panel-" + panel.key.replace(".", "-"),
        "title": panel.title,
        "intro": panel.intro,
        "missing": panel.missing,
        "failed": None,
        "figure": None,
        "tables": [],
    }
    try:
        if panel.figure is not None and not panel.missing:
            chart = figure_chart(panel.figure, panel.title)
            layout = chart.plotly.setdefault("layout", {})
            layout.pop("width", None)  # the page's width decides; the height the domain chose stays
            layout["autosize"] = True
            view["figure"] = chart.plotly
        view["tables"] = [t for cap, df in panel.tables if (t := _table_view(cap, df, lang)) is not None]
    except Exception as exc:  # noqa: BLE001 - one panel's failure must not lose the page
        log.warning("dashboard panel %s failed to render: %s", panel.key, exc, exc_info=True)
        view.update(figure=None, tables=[], failed=f"{type(exc).__name__}: {exc}")
    return view


def _domain_panels(cur: Any, domain: str, run_id: str, lang: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    group: dict[str, Any] = {"domain": domain, "label": domain_label(domain, lang), "panels": []}
    try:
        mod = importlib.import_module(f"xborder.domains.{domain}.report")
        panels = sorted(mod.report_panels(cur, run_id, lang), key=lambda p: (p.order, p.key))
        group["panels"] = [panel_view(p, lang) for p in panels]
    except Exception as exc:  # noqa: BLE001 - one domain's failure must not lose the page
        log.warning("dashboard panels of %s failed for run %s: %s", domain, run_id, exc, exc_info=True)
        group["panels"] = [
            {
                "key": f"{domain}.error",
                "anchor": f"panel-{domain}-error",
                "title": f"{group['label']}: {i18n.render('dashboard.failed', lang)}",
                "intro": "",
                "missing": None,
                "failed": f"{type(exc).__name__}: {exc}",
                "figure": None,
                "tables": [],
            }
        ]
    group["seconds"] = round(time.perf_counter() - t0, 3)
    return group


def _build(db: Database, run_id: str, lang: str, domains: list[str]) -> dict[str, Any]:
    t0 = time.perf_counter()
    with db.read() as cur:
        groups = [_domain_panels(cur, d, run_id, lang) for d in domains]
    seconds = time.perf_counter() - t0
    log.info("panels of run %s (%s) built in %.2f s", run_id, lang, seconds)
    return {"run_id": run_id, "lang": lang, "groups": groups, "seconds": round(seconds, 3)}


def run_panels(db: Database, run_id: str, lang: str, domain: str | None = None) -> dict[str, Any]:
    """Every domain's panels of ``run_id`` in ``lang`` (or one ``domain``'s), built once per data generation.

    Args:
        db: The server's warehouse handle (its result cache keeps the built panels).
        run_id: A run in the ``runs`` table.
        lang: ``"en"`` or ``"zh"``.
        domain: Only this domain's panels (built and cached on their own).

    Returns:
        ``{"run_id", "lang", "groups": [{"domain", "label", "panels": [view, ...], "seconds"}], "seconds",
        "cached"}``; a view is :func:`panel_view`'s dict.

    Raises:
        NotFoundError: no such run, or no domain of that name has panels.
    """
    with db.read() as cur:
        if cur.execute("SELECT 1 FROM runs WHERE run_id = ?", [run_id]).fetchone() is None:
            raise NotFoundError(f"No run {run_id!r}.", hint="See the Runs page.")
    names = domain_names()
    if domain is not None and domain not in names:
        raise NotFoundError(i18n.render("dashboard.unknown_domain", lang, domain=domain))
    wanted = [domain] if domain is not None else names
    if domain is not None:  # the whole page's panels, when built already, hold this domain's
        whole = db.peek(("panels", run_id, lang, ""))
        if whole is not None:
            groups = [g for g in whole["groups"] if g["domain"] == domain]
            return {**whole, "groups": groups, "cached": True}
    key = ("panels", run_id, lang, domain or "")
    cached = db.peek(key) is not None
    built = db.cached(key, lambda: _build(db, run_id, lang, wanted))
    return {**built, "cached": cached}
