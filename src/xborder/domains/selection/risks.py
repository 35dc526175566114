"""What speaks against a candidate, even a ranked one: risks as message codes with their numbers and weight.

A pick can be first on the weighted sum while one of its facts argues against it (falling demand at #1). Such a
fact is never dropped: it becomes a risk ``{"code": "selection.risk.<key>", "args": {..., "weight": w}}`` where
``weight`` is the share of the score the factor carries under the profile (0 when the fact is not a scored
factor). Thresholds are stated here and in docs/selection.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["THRESHOLDS", "risks_row", "risks_frame"]

THRESHOLDS = {
    "falling_demand_pct": -5.0,
    "small_volume_units": 100.0,
    "volatile_cv": 1.0,
    "few_big_orders_hhi": 0.3,
    "seasonal_peak_share": 0.35,
    "slow_compliance_days": 90.0,
    "thin_margin_points": 10.0,
}
"""falling demand: momentum below −5% (the explanation's "falling"); small volume: fewer than 100 units in
6 months; volatile: CV of the monthly units above 1; few big orders: order-size HHI above 0.3; seasonal peak:
one month holds more than 35% of the year's units; slow compliance: more than 90 days to market; thin margin:
within 10 points above the margin gate."""


def _num(v: object) -> float | None:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _risk(key: str, weight: float, **args: Any) -> dict[str, Any]:
    return {"code": f"selection.risk.{key}", "args": {**args, "weight": round(weight, 4)}}


def risks_row(r: Mapping[Any, Any], weights: Mapping[str, float]) -> list[dict[str, Any]]:
    """The risks of one candidate, heaviest first (see :data:`THRESHOLDS`)."""
    w = lambda f: float(weights.get(f, 0.0))  # noqa: E731
    t = THRESHOLDS
    out: list[dict[str, Any]] = []
    mom = _num(r.get("momentum_pct"))
    if mom is not None and mom <= t["falling_demand_pct"]:
        out.append(_risk("falling_demand", w("momentum_pct"), pct=mom))
    d6 = _num(r.get("demand_6m"))
    if d6 is not None and d6 < t["small_volume_units"]:
        out.append(_risk("small_volume", w("demand_6m"), units=d6, per_month=d6 / 6.0))
    src = r.get("demand_source")
    if src == "history":
        out.append(_risk("no_forecast", w("demand_6m")))
    elif src == "analogue":
        out.append(_risk("analogue_forecast", w("demand_6m")))
    m, gate = _num(r.get("margin_pct")), _num(r.get("gate_min_margin_pct"))
    if m is not None and gate is not None and gate <= m < gate + t["thin_margin_points"]:
        out.append(_risk("thin_margin", w("margin_pct"), pct=m, gate=gate))
    if r.get("margin_source") == "estimate":
        out.append(_risk("estimated_cost", w("margin_pct")))
    cv = _num(r.get("demand_cv"))
    if cv is not None and cv > t["volatile_cv"]:
        out.append(_risk("volatile_demand", w("demand_cv"), cv=cv))
    hhi = _num(r.get("order_hhi"))
    if hhi is not None and hhi > t["few_big_orders_hhi"]:
        out.append(_risk("few_big_orders", w("order_hhi"), hhi=hhi))
    peak = _num(r.get("seasonality_risk"))
    if peak is not None and peak > t["seasonal_peak_share"]:
        out.append(_risk("seasonal_peak", w("seasonality_risk"), share=peak))
    lead = _num(r.get("compliance_lead_days"))
    if lead is not None and lead > t["slow_compliance_days"]:
        out.append(_risk("slow_compliance", w("compliance_lead_days"), days=lead))
    flag = r.get("ip_flag")
    if isinstance(flag, str) and flag:
        out.append(_risk("brand_ip", w("brand_risk"), mark=flag))
    return sorted(out, key=lambda x: -x["args"]["weight"])


def risks_frame(frame: pd.DataFrame, weights: Mapping[str, float]) -> list[list[dict[str, Any]]]:
    """:func:`risks_row` for every row of ``frame``."""
    cols = [
        c
        for c in (
            "momentum_pct",
            "demand_6m",
            "demand_source",
            "margin_pct",
            "gate_min_margin_pct",
            "margin_source",
            "demand_cv",
            "order_hhi",
            "seasonality_risk",
            "compliance_lead_days",
            "ip_flag",
        )
        if c in frame
    ]
    return [risks_row(r, weights) for r in frame[cols].to_dict(orient="records")]
