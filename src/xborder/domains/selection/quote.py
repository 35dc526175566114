"""What a supplier quote must say: the highest unit cost at which a product × market pair passes the margin gate.

A margin on an *estimated* unit cost is not an answer until the seller has a quote. The landed-cost line tells
how far the cost may go: the margin after duty, freight and fees is linear in the goods cost (duty and insurance
grow with the customs value, fees and freight do not), so the cost ceiling is

    ceiling = goods_cost + (unit_margin − gate × net_revenue) / cost_slope,
    cost_slope = 1 + (duty + additional_duty + insurance + import_tax_cost) / (goods_cost + freight)

in the landed-cost currency (per unit, delivered to the origin port as the quote's ``unit_cost``). A ceiling ≤ 0
means no unit cost passes: fees and freight already take the net price, and a quote will not change that (a
higher price, a multipack or another sales channel would). Duty charged on freight makes the slope a slight
over-estimate, so the ceiling errs low.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["cost_slope", "cost_ceiling", "margin_gate_outlook"]


def _num(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def cost_slope(lines: pd.DataFrame) -> pd.Series:
    """How much the unit margin falls per unit of goods cost, from landed-cost lines (``goods_cost``,
    ``freight``, ``insurance``, ``duty``, ``additional_duty``, ``import_tax_cost``); 1 where the value-linked
    charges are unknown or the base is 0."""
    base = _num(lines, "goods_cost") + _num(lines, "freight").fillna(0.0)
    linked = sum(
        _num(lines, c).fillna(0.0) for c in ("duty", "additional_duty", "insurance", "import_tax_cost")
    )
    slope = 1.0 + linked / base.where(base > 0)
    return slope.fillna(1.0).clip(lower=1.0)


def cost_ceiling(frame: pd.DataFrame, min_margin_pct: float) -> pd.Series:
    """The highest goods cost per unit (landed-cost currency) at which each pair's margin reaches
    ``min_margin_pct`` (% of net revenue); NaN where the landed-cost line is not known.

    Reads ``goods_cost``, ``unit_margin``, ``net_revenue`` and ``cost_slope`` (see :func:`cost_slope`).
    """
    g, um, nr = _num(frame, "goods_cost"), _num(frame, "unit_margin"), _num(frame, "net_revenue")
    k = _num(frame, "cost_slope").fillna(1.0)
    return g + (um - min_margin_pct / 100.0 * nr) / k


def margin_gate_outlook(frame: pd.DataFrame, min_margin_pct: float) -> pd.Series:
    """Per pair: ``passes`` (margin already at the gate), ``quote`` (passes if the supplier's unit price is at
    most the ceiling), ``no_cost`` (no unit cost passes) or None (no landed-cost line)."""
    ceiling = cost_ceiling(frame, min_margin_pct)
    margin = _num(frame, "margin_pct")
    out = pd.Series("no_cost", index=frame.index, dtype=object)
    out[(ceiling > 0).to_numpy()] = "quote"
    out[(margin >= min_margin_pct).to_numpy()] = "passes"
    out[ceiling.isna().to_numpy()] = None
    return out
