"""Charts of history + forecast + 80/95% intervals: a matplotlib Figure (PNG) and a plotly Figure (HTML)."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["forecast_png", "forecast_html"]


def forecast_png(history: pd.DataFrame, fc: pd.DataFrame, *, title: str) -> Any:
    """A matplotlib Figure for one series (caller saves it: ``fig.savefig(path)``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.6), dpi=110)
    ax.plot(history["ds"], history["y"], color="#333333", lw=1.2, label="history")
    ax.fill_between(fc["ds"], fc["lo_95"], fc["hi_95"], color="#1f77b4", alpha=0.15, label="95% interval")
    ax.fill_between(fc["ds"], fc["lo_80"], fc["hi_80"], color="#1f77b4", alpha=0.3, label="80% interval")
    kind = str(fc["kind"].iloc[0]) if len(fc) else "forecast"
    label = f"{fc['model'].iloc[0]} ({kind})" if len(fc) else "forecast"
    ax.plot(
        fc["ds"], fc["point"], color="#1f77b4", lw=1.8, ls="--" if kind == "analogue" else "-", label=label
    )
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("units")
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def forecast_html(history: pd.DataFrame, fc: pd.DataFrame, *, title: str) -> Any:
    """An interactive plotly Figure for one series (caller writes ``fig.to_html()``)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_trace(go.Scatter(x=history["ds"], y=history["y"], name="history", line={"color": "#333"}))
    for lv, alpha in ((95, 0.15), (80, 0.3)):
        fig.add_trace(
            go.Scatter(x=fc["ds"], y=fc[f"hi_{lv}"], line={"width": 0}, showlegend=False, hoverinfo="skip")
        )
        fig.add_trace(
            go.Scatter(
                x=fc["ds"],
                y=fc[f"lo_{lv}"],
                fill="tonexty",
                line={"width": 0},
                fillcolor=f"rgba(31,119,180,{alpha})",
                name=f"{lv}% interval",
            )
        )
    name = f"{fc['model'].iloc[0]} ({fc['kind'].iloc[0]})" if len(fc) else "forecast"
    fig.add_trace(go.Scatter(x=fc["ds"], y=fc["point"], name=name, line={"color": "#1f77b4"}))
    fig.update_layout(title=title, yaxis_title="units", template="plotly_white", height=380)
    return fig
