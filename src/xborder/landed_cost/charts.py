"""Waterfall chart of one landed-cost result: cost lines build up to the price, the rest is the unit margin."""

from __future__ import annotations

from typing import Any

__all__ = ["waterfall", "waterfall_steps", "result_from_row"]

_ORDER = (
    "goods_cost",
    "freight",
    "insurance",
    "duty",
    "additional_duty",
    "customs_fees",
    "low_value_charges",
    "import_tax_cost",
)
_AFTER = ("referral_fee", "fulfilment_fee", "other_fees", "output_vat")
_LABELS = {
    "goods_cost": "Unit cost + packaging",
    "freight": "International freight",
    "insurance": "Cargo insurance",
    "duty": "Customs duty",
    "additional_duty": "Additional duties",
    "customs_fees": "Customs entry fees",
    "low_value_charges": "Low-value parcel charges",
    "import_tax_cost": "Import VAT/GST (not recoverable)",
    "referral_fee": "Marketplace referral/commission",
    "fulfilment_fee": "Fulfilment fee",
    "other_fees": "Payment/fixed platform fees",
    "output_vat": "VAT/GST in the price",
}


def result_from_row(row: Any) -> dict[str, Any]:
    """The ``to_dict()`` shape :func:`waterfall` needs, from one ``landed_costs`` table row (dict or Series)."""
    r = dict(row)
    lines = [{"component": k, "label": v, "amount": float(r.get(k) or 0.0)} for k, v in _LABELS.items()]
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


def waterfall_steps(result: Any) -> list[tuple[str, float, str]]:
    """(label, amount, measure) steps: landed-cost lines, a landed-cost total, fees and VAT, margin, price total.

    ``result`` is a :class:`~xborder.landed_cost.LandedCostResult` or its ``to_dict()`` form.
    """
    d = result.to_dict() if hasattr(result, "to_dict") else result
    lines = {ln["component"]: ln for ln in d["lines"]}
    steps: list[tuple[str, float, str]] = []
    for key in _ORDER:
        if key in lines and lines[key]["amount"]:
            steps.append((lines[key]["label"], float(lines[key]["amount"]), "relative"))
    steps.append(("Landed cost", float(d["summary"]["landed_cost"]), "total"))
    for key in _AFTER:
        if key in lines and lines[key]["amount"]:
            steps.append((lines[key]["label"], float(lines[key]["amount"]), "relative"))
    price = d["summary"]["price"]
    if price is not None and price == price:
        steps.append(("Unit margin", float(d["summary"]["unit_margin"]), "relative"))
        steps.append(("Selling price", float(price), "total"))
    return steps


def waterfall(result: Any, *, title: str | None = None):  # noqa: ANN201
    """A plotly Figure: the waterfall from unit cost to selling price (import plotly lazily)."""
    import plotly.graph_objects as go

    d = result.to_dict() if hasattr(result, "to_dict") else result
    steps = waterfall_steps(d)
    cur = d["currency"]
    fig = go.Figure(
        go.Waterfall(
            x=[s[0] for s in steps],
            y=[s[1] if s[2] == "relative" else 0 for s in steps],
            measure=[s[2] for s in steps],
            text=[f"{s[1]:,.2f}" for s in steps],
            textposition="outside",
            connector={"line": {"color": "#999"}},
        )
    )
    fig.update_layout(
        title=title or f"Landed cost per unit: {d['market']} by {d['mode']} as of {d['as_of']} ({cur})",
        yaxis_title=cur,
        showlegend=False,
        template="plotly_white",
    )
    return fig
