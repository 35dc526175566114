"""Waterfall chart of one landed-cost result: cost lines build up to the price, the rest is the unit margin."""

from __future__ import annotations

from typing import Any

from xborder.core import i18n
from xborder.domains.landed_cost.result import line_label

__all__ = ["COST_LINES", "SALE_LINES", "waterfall", "waterfall_figure", "waterfall_steps", "result_from_row"]

COST_COLOR, GAIN_COLOR, LOSS_COLOR, TOTAL_COLOR = "#c0504d", "#2e7d32", "#7f1d1d", "#1f4e79"

# Landed-cost lines in waterfall order (landed_costs columns): costs up to the landed cost, then what
# the sale costs on top of it; the margin is what is left of the price.
COST_LINES = (
    "goods_cost",
    "freight",
    "insurance",
    "duty",
    "additional_duty",
    "customs_fees",
    "low_value_charges",
    "import_tax_cost",
)
SALE_LINES = ("referral_fee", "fulfilment_fee", "other_fees", "output_vat")


def result_from_row(row: Any, lang: str = "en") -> dict[str, Any]:
    """The ``to_dict()`` shape :func:`waterfall` needs, from one ``landed_costs`` table row (dict or Series)."""
    r = dict(row)
    lines = [
        {"component": k, "label": line_label(k, lang), "amount": float(r.get(k) or 0.0)}
        for k in COST_LINES + SALE_LINES
    ]
    return {
        "market": r.get("market"),
        "mode": r.get("mode"),
        "as_of": str(r.get("as_of")),
        "currency": r.get("currency"),
        "lines": lines,
        "summary": {
            "landed_cost": float(r["landed_cost"]),
            "price": r.get("price"),
            "unit_margin": r.get("unit_margin"),
        },
    }


def waterfall_steps(result: Any, lang: str = "en") -> list[tuple[str, float, str]]:
    """(label, amount, measure) steps: landed-cost lines, a landed-cost total, fees and VAT, margin, price total.

    ``result`` is a :class:`~xborder.domains.landed_cost.LandedCostResult` or its ``to_dict()`` form; the
    total and margin labels are in ``lang``.
    """
    d = result.to_dict(lang) if hasattr(result, "to_dict") else result
    lines = {ln["component"]: ln for ln in d["lines"]}
    steps: list[tuple[str, float, str]] = []
    for key in COST_LINES:
        if key in lines and lines[key]["amount"]:
            steps.append((lines[key]["label"], float(lines[key]["amount"]), "relative"))
    steps.append(
        (i18n.render("landed_cost.chart_landed_cost", lang), float(d["summary"]["landed_cost"]), "total")
    )
    for key in SALE_LINES:
        if key in lines and lines[key]["amount"]:
            steps.append((lines[key]["label"], float(lines[key]["amount"]), "relative"))
    price = d["summary"]["price"]
    if price is not None and price == price:
        steps.append(
            (
                i18n.render("landed_cost.chart_unit_margin", lang),
                float(d["summary"]["unit_margin"]),
                "relative",
            )
        )
        steps.append((i18n.render("landed_cost.chart_price", lang), float(price), "total"))
    return steps


def waterfall_figure(
    steps: list[tuple[str, float, str]], *, currency: str, result: str | None = "Unit margin"
):  # noqa: ANN201
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
            colors.append(TOTAL_COLOR)
            level = v
        else:
            bases.append(level)
            if label == result:
                colors.append(GAIN_COLOR if v >= 0 else LOSS_COLOR)
            else:
                colors.append(COST_COLOR if v >= 0 else GAIN_COLOR)
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


def waterfall(result: Any, *, title: str | None = None, lang: str = "en"):  # noqa: ANN201
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
