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

from xborder.core import i18n
from xborder.domains.landed_cost.waterfall import waterfall_steps
from xborder.report.sections import levels_of

__all__ = [
    "Chart",
    "figure_chart",
    "demand_chart",
    "bar_chart",
    "waterfall_chart",
    "cohort_heatmap",
    "stock_projection_chart",
    "pareto_chart",
    "waterfall_figure",
    "waterfall",
    "plotly_js",
    "plotly_html",
    "FONT_FAMILY",
]

PALETTE: dict[str, Any] = {
    "history": "#1f4e79",
    "forecast": "#c0504d",
    "band": ["rgba(192,80,77,0.18)", "rgba(192,80,77,0.35)"],
    "pos": "#2e7d32",
    "neg": "#c62828",
    "bar": "#4472c4",
    "cost": "#c0504d",
    "gain": "#2e7d32",
    "loss": "#7f1d1d",
    "total": "#1f4e79",
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


def figure_chart(fig: Any, title: str) -> Chart:
    """A domain's plotly figure in the report's fonts and colours. The panel's heading names it, so the
    figure keeps only a title of its own (``title`` is the chart's name for the page, not drawn twice)."""
    own = fig.layout.title.text if fig.layout.title and fig.layout.title.text else ""
    chart = _chart(fig, own)
    chart.title = title
    if not own:
        chart.plotly["layout"].setdefault("margin", {})["t"] = 24
    return chart


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


def pareto_chart(routes: pd.DataFrame, *, title: str, labels: dict[str, str]) -> Chart | None:
    """Routes as points of cost per unit (x) against days (y), one colour per mode; the Pareto front joined.

    Args:
        routes: Columns modes, route, cost (per unit), days, pareto (bool).
        title: Chart title.
        labels: ``cost`` and ``days`` axis labels.
    """
    import plotly.graph_objects as go

    r = routes.dropna(subset=["cost", "days"])
    if r.empty:
        return None
    fig = go.Figure()
    for mode, g in r.groupby("modes", sort=True):
        fig.add_trace(go.Scatter(x=g["cost"], y=g["days"], mode="markers", name=str(mode), text=g["route"],
                                 marker={"size": 9}, hovertemplate="%{text}<br>%{x:.2f} / %{y:.0f}<extra></extra>"))  # fmt: skip
    front = r[r["pareto"]].sort_values("cost")
    fig.add_trace(go.Scatter(x=front["cost"], y=front["days"], mode="lines", name="Pareto",
                             line={"color": PALETTE["forecast"], "dash": "dot"}, hoverinfo="skip"))  # fmt: skip
    fig.update_layout(height=340, xaxis_title=labels["cost"], yaxis_title=labels["days"])
    return _chart(fig, title)


def cohort_heatmap(retention: pd.DataFrame, *, title: str, labels: dict[str, str]) -> Chart | None:
    """Cohort retention heat map: first-purchase month (rows) × months since (columns), share still buying.

    Args:
        retention: Columns cohort_month, months_since, retention (0..1).
        title: Chart title.
        labels: ``months_since``, ``cohort`` and ``retention`` axis/legend labels.
    """
    import plotly.graph_objects as go

    if retention.empty:
        return None
    grid = retention.pivot(index="cohort_month", columns="months_since", values="retention").sort_index()
    rows = [str(c)[:7] for c in grid.index]
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy() * 100, x=list(grid.columns), y=rows, colorscale="Blues", zmin=0,
            texttemplate="%{z:.0f}", colorbar={"title": labels["retention"]}, hoverongaps=False,
        )
    )  # fmt: skip
    fig.update_layout(
        height=max(260, 90 + 24 * len(rows)),
        xaxis={"title": labels["months_since"], "dtick": 1},
        yaxis={"title": labels["cohort"], "autorange": "reversed", "type": "category"},
    )
    return _chart(fig, title)


def waterfall_chart(
    steps: list[tuple[str, float, str]], *, title: str, currency: str, result: str | None = None
) -> Chart | None:
    """Landed-cost waterfall: ``(label, amount, measure)`` steps, measure ``relative`` or ``total``.

    The steps follow the landed-cost engine's own waterfall (xborder.domains.landed_cost.waterfall): cost lines
    up to the landed cost, then fees and VAT on the sale and the unit margin (``result``) up to the price.
    """
    if not steps:
        return None
    fig = waterfall_figure(steps, currency=currency, result=result)
    fig.update_layout(height=320)
    return _chart(fig, title)


def waterfall_figure(steps: list[tuple[str, float, str]], *, currency: str, result: str | None = None) -> Any:
    """Floating-bar waterfall of ``(label, amount, measure)`` steps (measure ``relative`` or ``total``).

    Costs are red and totals blue; the step labelled ``result`` (the unit margin) is green when it is a
    gain and dark red when it is a loss, so a loss never looks like a saving (plotly's Waterfall trace
    has a single colour for every increase, hence bars with explicit bases). Connectors show the
    running level between steps.
    """
    import plotly.graph_objects as go

    level = 0.0
    bases: list[float] = []
    heights: list[float] = []
    colors: list[str] = []
    path = [0.0]
    for label, v, m in steps:
        if m == "total":
            bases.append(0.0)
            colors.append(PALETTE["total"])
            level = v
        else:
            bases.append(level)
            if label == result:
                colors.append(PALETTE["gain"] if v >= 0 else PALETTE["loss"])
            else:
                colors.append(PALETTE["cost"] if v >= 0 else PALETTE["gain"])
            level += v
        heights.append(v)
        path.append(level)
    fig = go.Figure(
        go.Bar(
            x=[s[0] for s in steps],
            y=heights,
            base=bases,
            marker={"color": colors},
            text=[f"{v:,.2f}" for v in heights],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{text} " + currency + "<extra></extra>",
        )
    )
    for i in range(len(steps) - 1):
        y = path[i + 1]
        fig.add_shape(
            type="line", xref="x", yref="y", x0=i + 0.4, x1=i + 0.6, y0=y, y1=y,
            line={"color": "#999", "width": 1},
        )  # fmt: skip
    ends = path + [b + h for b, h in zip(bases, heights, strict=True)]
    lo, hi = min(ends), max(ends)
    pad = 0.15 * (hi - lo or 1.0)
    fig.update_layout(
        yaxis_title=currency,
        showlegend=False,
        xaxis={"automargin": True},
        yaxis={"range": [lo - (pad if lo < 0 else 0), hi + pad]},
    )
    return fig


def waterfall(result: Any, *, title: str | None = None, lang: str = "en") -> Any:
    """A plotly Figure: the waterfall from unit cost to selling price, labelled in ``lang`` (imports plotly lazily)."""
    d = result.to_dict(lang) if hasattr(result, "to_dict") else result
    cur = d["currency"]
    fig = waterfall_figure(
        waterfall_steps(d, lang), currency=cur, result=i18n.render("landed_cost.chart_unit_margin", lang)
    )
    fig.update_layout(
        title=title
        or i18n.render(
            "landed_cost.chart_title",
            lang,
            market=d["market"],
            mode=d["mode"],
            as_of=d["as_of"],
            currency=cur,
        ),
        template="plotly_white",
    )
    return fig


def stock_projection_chart(
    path: pd.DataFrame, *, title: str, labels: dict[str, str], start: Any = None
) -> Chart | None:
    """Expected stock on hand and position (on hand + on order) with the reorder point and order arrivals.

    Args:
        path: Columns day, on_hand, position, reorder_point, arrival (xborder.domains.inventory.projection).
        title: Chart title.
        labels: ``on_hand``, ``position``, ``reorder_point``, ``arrival``, ``day`` and ``units`` labels.
        start: Date of day 0 (x axis in dates), else days.
    """
    import plotly.graph_objects as go

    if path.empty:
        return None
    x = pd.to_datetime(start) + pd.to_timedelta(path["day"], unit="D") if start is not None else path["day"]
    fig = go.Figure()
    fig.add_scatter(x=x, y=path["on_hand"], name=labels["on_hand"], line={"color": PALETTE["history"]})
    fig.add_scatter(
        x=x, y=path["position"], name=labels["position"], line={"color": PALETTE["bar"], "dash": "dot"}
    )
    fig.add_scatter(
        x=x,
        y=path["reorder_point"],
        name=labels["reorder_point"],
        line={"color": PALETTE["neg"], "dash": "dash"},
    )
    got = path["arrival"] > 0
    fig.add_bar(
        x=x[got], y=path.loc[got, "arrival"], name=labels["arrival"], marker_color=PALETTE["pos"], opacity=0.5
    )
    fig.update_layout(
        height=360, xaxis={"title": labels["day"]}, yaxis={"title": labels["units"], "rangemode": "tozero"}
    )
    return _chart(fig, title)
