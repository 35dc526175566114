"""The report's charts, twice: interactive plotly figures for the HTML and static PNGs (matplotlib) for the PDF."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from xborder.report.tables import levels_of

__all__ = ["Chart", "demand_chart", "bar_chart", "waterfall_chart", "cjk_font_name", "plotly_js"]

PALETTE = {
    "history": "#1f4e79",
    "forecast": "#c0504d",
    "band": ["#f4c7c3", "#fbe3e1"],
    "pos": "#2e7d32",
    "neg": "#c62828",
    "total": "#1f4e79",
    "bar": "#4472c4",
}
_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]


@dataclass
class Chart:
    """One chart: a plotly figure (as JSON) for the screen and a PNG (base64) for print."""

    plotly: dict[str, Any] | None
    png: str | None
    title: str


def cjk_font_name() -> str | None:
    """The Noto Sans CJK family matplotlib can use for Chinese labels, or None when not installed."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in _FONTS[:2] if n in names), None)


def plotly_js() -> str:
    """plotly.js from the installed plotly package (so the HTML needs no network)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _mpl():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = _FONTS
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["font.size"] = 9
    return plt


def _png(fig: Any) -> str:
    plt = _mpl()
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=130)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _fig_json(fig: Any) -> dict[str, Any]:
    return json.loads(fig.to_json())


def demand_chart(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    title: str,
    labels: dict[str, str],
    static: bool,
    interactive: bool,
) -> Chart | None:
    """Monthly history, the forecast and its intervals (widest band lightest)."""
    if history.empty and forecast.empty:
        return None
    levels = levels_of(forecast)
    fig_json = png = None
    if interactive:
        import plotly.graph_objects as go

        fig = go.Figure()
        for i, lv in enumerate(levels):
            color = PALETTE["band"][min(i, 1)] if len(levels) > 1 else PALETTE["band"][0]
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
                    fillcolor=color,
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
                    line={"color": PALETTE["history"]},
                )
            )
        if not forecast.empty:
            fig.add_trace(
                go.Scatter(
                    x=forecast["ds"],
                    y=forecast["yhat"],
                    mode="lines+markers",
                    name=labels["forecast"],
                    line={"color": PALETTE["forecast"], "dash": "dash"},
                )
            )
        fig.update_layout(
            title=title,
            height=340,
            margin={"l": 50, "r": 20, "t": 40, "b": 40},
            yaxis_title=labels["units"],
            legend={"orientation": "h", "y": -0.15},
        )
        fig_json = _fig_json(fig)
    if static:
        plt = _mpl()
        fig, ax = plt.subplots(figsize=(7.2, 2.8))
        for i, lv in enumerate(levels):
            ax.fill_between(
                forecast["ds"],
                forecast[f"lo_{lv}"],
                forecast[f"hi_{lv}"],
                color=PALETTE["band"][min(i, 1)],
                label=labels["interval"].format(level=lv),
            )
        if not history.empty:
            ax.plot(
                history["ds"],
                history["y"],
                marker="o",
                ms=3,
                color=PALETTE["history"],
                label=labels["history"],
            )
        if not forecast.empty:
            ax.plot(
                forecast["ds"],
                forecast["yhat"],
                ls="--",
                marker="o",
                ms=3,
                color=PALETTE["forecast"],
                label=labels["forecast"],
            )
        ax.set_title(title)
        ax.set_ylabel(labels["units"])
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=7, ncol=4)
        fig.autofmt_xdate()
        png = _png(fig)
    return Chart(fig_json, png, title)


def bar_chart(
    names: list[str],
    values: list[float],
    *,
    title: str,
    value_label: str,
    static: bool,
    interactive: bool,
    signed: bool = False,
) -> Chart | None:
    """Horizontal bars (factor contributions, pain-point shares); negative bars red when ``signed``."""
    if not names:
        return None
    colors = [(PALETTE["neg"] if v < 0 else PALETTE["pos"]) if signed else PALETTE["bar"] for v in values]
    fig_json = png = None
    if interactive:
        import plotly.graph_objects as go

        fig = go.Figure(go.Bar(x=values, y=names, orientation="h", marker_color=colors))
        fig.update_layout(
            title=title,
            height=max(200, 40 + 28 * len(names)),
            xaxis_title=value_label,
            margin={"l": 180, "r": 20, "t": 40, "b": 40},
            yaxis={"autorange": "reversed"},
        )
        fig_json = _fig_json(fig)
    if static:
        plt = _mpl()
        fig, ax = plt.subplots(figsize=(7.2, max(1.6, 0.6 + 0.28 * len(names))))
        ax.barh(range(len(names)), values, color=colors)
        ax.set_yticks(range(len(names)), [n if len(n) <= 40 else n[:39] + "…" for n in names])
        ax.invert_yaxis()
        ax.set_xlabel(value_label)
        ax.set_title(title)
        ax.grid(axis="x", alpha=0.3)
        png = _png(fig)
    return Chart(fig_json, png, title)


def waterfall_chart(
    steps: list[tuple[str, float]],
    *,
    total_label: str,
    title: str,
    currency: str,
    static: bool,
    interactive: bool,
    plotly_fig: Any = None,
) -> Chart | None:
    """Landed-cost waterfall: each component adds to the running cost, the last bar is the total.

    ``plotly_fig`` is the landed-cost engine's own figure when it provides one.
    """
    if not steps:
        return None
    total = float(sum(v for _, v in steps))
    fig_json = png = None
    if interactive:
        if plotly_fig is None:
            import plotly.graph_objects as go

            plotly_fig = go.Figure(
                go.Waterfall(
                    x=[n for n, _ in steps] + [total_label],
                    y=[v for _, v in steps] + [total],
                    measure=["relative"] * len(steps) + ["total"],
                    texttemplate="%{y:.2f}",
                    connector={"line": {"color": "#999"}},
                )
            )
            plotly_fig.update_layout(
                title=title, height=320, yaxis_title=currency, margin={"l": 50, "r": 20, "t": 40, "b": 60}
            )
        fig_json = _fig_json(plotly_fig)
    if static:
        plt = _mpl()
        fig, ax = plt.subplots(figsize=(7.2, 2.6))
        running = 0.0
        names = [n for n, _ in steps] + [total_label]
        for i, (_, v) in enumerate(steps):
            ax.bar(
                i,
                v,
                bottom=running if v >= 0 else running + v,
                color=PALETTE["pos"] if v >= 0 else PALETTE["neg"],
            )
            ax.text(i, running + max(v, 0), f"{v:.2f}", ha="center", va="bottom", fontsize=7)
            running += v
        ax.bar(len(steps), total, color=PALETTE["total"])
        ax.text(len(steps), total, f"{total:.2f}", ha="center", va="bottom", fontsize=7, fontweight="bold")
        ax.set_xticks(
            range(len(names)), [n if len(n) <= 14 else n[:13] + "…" for n in names], rotation=20, ha="right"
        )
        ax.set_ylabel(currency)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
        png = _png(fig)
    return Chart(fig_json, png, title)
