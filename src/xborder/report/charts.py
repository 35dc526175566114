"""The report's charts as plotly figures: interactive in the HTML, drawn static by Chromium for the PDF.

Both files embed plotly.js from the installed plotly package (no network). The print version calls
``Plotly.newPlot`` with ``staticPlot`` and a fixed A4 width, so headless Chromium prints vector
charts with the same fonts (Noto Sans CJK for Chinese) as the text around them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from xborder.report.sections import levels_of

__all__ = ["Chart", "demand_chart", "bar_chart", "waterfall_chart", "plotly_js", "plotly_html", "FONT_FAMILY"]

PALETTE = {
    "history": "#1f4e79",
    "forecast": "#c0504d",
    "band": ["rgba(192,80,77,0.18)", "rgba(192,80,77,0.35)"],
    "pos": "#2e7d32",
    "neg": "#c62828",
    "bar": "#4472c4",
}
FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Noto Sans", Arial, "Microsoft YaHei", sans-serif'
_BASE_LAYOUT = {
    "font": {"family": FONT_FAMILY, "size": 12},
    "paper_bgcolor": "white",
    "plot_bgcolor": "#f7f9fb",
    "margin": {"l": 60, "r": 20, "t": 44, "b": 48},
}


@dataclass
class Chart:
    """One chart: a plotly figure as JSON (``data`` and ``layout``) and its title."""

    plotly: dict[str, Any]
    title: str


def plotly_js() -> str:
    """plotly.js from the installed plotly package (so the HTML needs no network)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def plotly_html(chart: Chart, path: Any) -> None:
    """Write an interactive HTML page of one chart to ``path``; plotly.min.js is written once next to it
    (no network needed, and ten charts do not carry ten copies of plotly.js)."""
    import plotly.io as pio

    pio.write_html(chart.plotly, str(path), include_plotlyjs="directory", full_html=True)


def _chart(fig: Any, title: str) -> Chart:
    fig.update_layout(**_BASE_LAYOUT)
    fig.update_layout(title={"text": title, "x": 0.01, "font": {"size": 14}})
    return Chart(json.loads(fig.to_json()), title)


def demand_chart(
    history: pd.DataFrame, forecast: pd.DataFrame, *, title: str, labels: dict[str, str]
) -> Chart | None:
    """Sales history, the forecast and its prediction intervals (widest band lightest)."""
    import plotly.graph_objects as go

    if history.empty and forecast.empty:
        return None
    fig = go.Figure()
    for i, lv in enumerate(levels_of(forecast)):
        fig.add_trace(
            go.Scatter(
                x=forecast["ds"],
                y=forecast[f"hi_{lv}"],
                mode="lines",
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=forecast["ds"],
                y=forecast[f"lo_{lv}"],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=PALETTE["band"][min(i, 1)],
                name=labels["interval"].format(level=lv),
            )
        )
    if not history.empty:
        fig.add_trace(
            go.Scatter(
                x=history["ds"],
                y=history["y"],
                mode="lines+markers",
                name=labels["history"],
                line={"color": PALETTE["history"], "width": 1.6},
                marker={"size": 4},
            )
        )
    if not forecast.empty:
        fig.add_trace(
            go.Scatter(
                x=forecast["ds"],
                y=forecast["yhat"],
                mode="lines+markers",
                name=labels["forecast"],
                line={"color": PALETTE["forecast"], "dash": "dash", "width": 1.6},
                marker={"size": 4},
            )
        )
    fig.update_layout(height=330, yaxis_title=labels["units"], legend={"orientation": "h", "y": -0.14})
    return _chart(fig, title)


def bar_chart(
    names: list[str], values: list[float], *, title: str, value_label: str, signed: bool = False
) -> Chart | None:
    """Horizontal bars (factor contributions); negative bars red when ``signed``."""
    import plotly.graph_objects as go

    if not names:
        return None
    colors = [(PALETTE["neg"] if v < 0 else PALETTE["pos"]) if signed else PALETTE["bar"] for v in values]
    short = [n if len(n) <= 34 else n[:33] + "…" for n in names]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=short,
            orientation="h",
            marker_color=colors,
            hovertext=names,
            texttemplate="%{x:.3f}",
            textposition="outside",
            cliponaxis=False,
        )
    )
    lo, hi = min(0.0, min(values)), max(0.0, max(values))
    pad = 0.22 * (hi - lo or 1.0)
    fig.update_layout(
        height=max(180, 70 + 26 * len(names)),
        xaxis_title=value_label,
        xaxis={"range": [lo - (pad if lo < 0 else 0), hi + pad]},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return _chart(fig, title)


def waterfall_chart(
    steps: list[tuple[str, float, str]], *, title: str, currency: str, result: str | None = None
) -> Chart | None:
    """Landed-cost waterfall: ``(label, amount, measure)`` steps, measure ``relative`` or ``total``.

    The steps follow the landed-cost engine's own waterfall (xborder.domains.landed_cost.charts): cost lines up
    to the landed cost, then fees and VAT on the sale and the unit margin (``result``) up to the price.
    """
    from xborder.domains.landed_cost.charts import waterfall_figure

    if not steps:
        return None
    fig = waterfall_figure(steps, currency=currency, result=result)
    fig.update_layout(height=320)
    return _chart(fig, title)
