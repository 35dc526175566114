"""The waterfall of one landed-cost result as data: cost lines build up to the landed cost, then the sale's
fees and VAT and the unit margin up to the price (the report's charts draw it)."""

from __future__ import annotations

from typing import Any

from xborder.core import i18n
from xborder.domains.landed_cost.result import line_label

__all__ = ["COST_LINES", "SALE_LINES", "waterfall_steps", "result_from_row"]

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
