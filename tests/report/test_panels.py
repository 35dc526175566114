"""The domains' run-level report panels: found per domain, one failing domain does not lose the report."""

from __future__ import annotations

import sys
import types

import pandas as pd

from xborder.core.panels import Panel
from xborder.report import panels as panels_mod
from xborder.report.panels import panel_context as _panel


def _module(name: str, fn) -> str:
    mod = types.ModuleType(name)
    mod.report_panels = fn  # type: ignore[attr-defined]
    sys.modules[name] = mod
    return name


def test_collect_orders_panels_and_reports_a_failing_domain(monkeypatch) -> None:
    good = _module(
        "xborder.domains.fakegood.report",
        lambda con, run_id, lang: [
            Panel(key="fakegood.b", title=f"B {lang}", order=20),
            Panel(key="fakegood.a", title=f"A {lang}", order=10),
        ],
    )

    def boom(con, run_id, lang):
        raise ValueError("no table x")

    bad = _module("xborder.domains.fakebad.report", boom)
    monkeypatch.setattr(panels_mod, "panel_modules", lambda: [bad, good])
    out = panels_mod.collect(None, "r1", "zh")
    assert [p.key for p in out] == ["fakegood.a", "fakegood.b", "fakebad.error"]
    assert out[0].title == "A zh"
    assert out[2].missing == "ValueError: no table x"


def test_panel_context_formats_tables_and_keeps_the_figure() -> None:
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    df = pd.DataFrame({"Supplier": ["S1", "S2"], "Spend": [1234.5, 0.25]})
    ctx = _panel(
        Panel(key="suppliers.pareto", title="Pareto", figure=fig, tables=[("Top", df), (None, df.head(0))]),
        "en",
    )
    assert ctx["anchor"] == "panel-suppliers-pareto"
    assert ctx["chart"].plotly["data"][0]["type"] == "bar"
    assert len(ctx["tables"]) == 1 and ctx["tables"][0]["head"] == ["Supplier", "Spend"]
    assert ctx["tables"][0]["rows"][0][0] == "S1"


def test_real_domain_panel_modules_export_report_panels() -> None:
    import importlib

    for name in panels_mod.panel_modules():
        assert callable(importlib.import_module(name).report_panels), name
