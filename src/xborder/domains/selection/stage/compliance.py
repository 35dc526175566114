"""Read the compliance engine's answer per product × market: mandatory items, their short names, cost, time."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.selection.stage.inputs import InputRuns, latest

__all__ = ["read_compliance", "short_name"]

_MARKS = re.compile(
    r"\b(UKCA|CE|EN \d+|UN 38\.3|REACH|RoHS|WEEE|GPSR|GPSD|CPSIA|CPC|FCC|PSE|KC|CCC|BIS|CPNP|EPREL|"
    r"LUCID|INMETRO|ANATEL|SASO|SABER|UKNI|PSTI|TSCA|Prop 65|FDA|IC|RCM|NOM)\b"
)
_NAMED = {
    "General Product Safety Regulation": "GPSR",
    "General Product Safety Directive": "GPSD",
    "Packaging and Packaging Waste Regulation": "PPWR",
}


def short_name(text: object) -> str:
    """A requirement's short name: the marks it names ("CE", "EN 71", "UK REACH"), else its text up to the
    first ':', '(' or ',' (at most 28 characters)."""
    t = str(text or "").strip()
    head = t.split(":")[0]
    for long, short in _NAMED.items():
        if head.startswith(long):
            return short
    marks = list(dict.fromkeys(_MARKS.findall(head)))
    if marks:
        return ("UK " if head.startswith("UK ") and marks[0] == "REACH" else "") + "/".join(marks[:2])
    for sep in (":", "(", ",", ";"):
        t = t.split(sep)[0].strip()
    return t if len(t) <= 28 else t[:27].rstrip() + "…"


def _first(a: pd.Series, b: pd.Series) -> pd.Series:
    """``a`` where it has a value, else ``b``."""
    return (
        a.astype(object).where(a.notna(), b)
        if a.dtype == object or b.dtype == object
        else a.where(a.notna(), b)
    )


_OUT = [
    "product_id",
    "market",
    "compliance_items",
    "compliance_names",
    "compliance_cost",
    "compliance_cost_floor",
    "compliance_cost_unknown",
    "compliance_lead_days",
    "compliance_currency",
    "compliance_lead_unknown",
    "compliance_known",
]


def read_compliance(con: Any, runs: InputRuns | None = None) -> pd.DataFrame:
    """Mandatory compliance items per product × market: count, short names, cost and time to market, and
    ``compliance_known`` (TRUE: the compliance engine answered for the pair, even with no item).

    ``compliance_cost`` is the summed cost only where every mandatory item has a sourced cost; where any
    has none (``compliance_cost_unknown`` > 0) it is NaN — unknown, scored pessimistically, never 0 — and
    ``compliance_cost_floor`` keeps the sum of the known costs (a lower bound; 0 when none is known).

    Uses ``compliance_summary`` (one row per evaluated pair: critical-path time to market, summed cost) of the
    latest compliance run, and ``compliance_checks`` for the names (and, without a summary, as the fallback:
    count, summed cost_max, longest lead).
    """
    cols = ["product_id", "market", "mandatory", "requirement", "cost_max", "lead_time_days_max", "currency"]
    cc = latest(con, "compliance_checks", cols, runs=runs)
    cc = cc[cc["mandatory"].astype("boolean").fillna(False).to_numpy(dtype=bool)]
    cc = cc.assign(market=cc["market"].astype(str).str.upper())
    g = cc.groupby(["product_id", "market"])
    out = g.size().rename("compliance_items").astype(float).to_frame()
    out["compliance_names"] = g["requirement"].agg(
        lambda s: ", ".join(sorted({short_name(x) for x in s.dropna()})[:3])
    )
    out["compliance_cost"] = g["cost_max"].sum(min_count=1)
    out["compliance_cost_unknown"] = g["cost_max"].agg(lambda s: float((s.isna() | (s < 0)).sum()))
    out["compliance_lead_days"] = g["lead_time_days_max"].max()
    out["compliance_currency"] = g["currency"].first()
    out = out.reset_index()
    scols = [
        "product_id",
        "market",
        "n_mandatory",
        "time_to_market_days_max",
        "cost_max",
        "currency",
        "n_lead_time_unknown",
        "n_cost_unknown",
    ]
    sm = latest(con, "compliance_summary", scols, runs=runs)
    if len(sm):
        # every lead time unknown: the time to market is unknown, not 0
        all_unknown = sm["n_lead_time_unknown"].fillna(0) >= sm["n_mandatory"].fillna(0)
        sm.loc[all_unknown & (sm["n_mandatory"] > 0), "time_to_market_days_max"] = np.nan
        sm = sm.assign(market=sm["market"].astype(str).str.upper())
        sm = sm.rename(columns={"n_lead_time_unknown": "compliance_lead_unknown"})
        out = out.merge(sm.astype({"n_mandatory": float}), on=["product_id", "market"], how="outer")
        out["compliance_items"] = _first(out["n_mandatory"], out["compliance_items"])
        out["compliance_lead_days"] = _first(out["time_to_market_days_max"], out["compliance_lead_days"])
        out["compliance_cost"] = _first(out["cost_max"], out["compliance_cost"])
        n_unknown = pd.to_numeric(out["n_cost_unknown"], errors="coerce").astype(float)
        out["compliance_cost_unknown"] = _first(n_unknown, out["compliance_cost_unknown"])
        out["compliance_currency"] = _first(out["compliance_currency"], out["currency"])
        out = out.drop(
            columns=["n_mandatory", "time_to_market_days_max", "cost_max", "currency", "n_cost_unknown"]
        )
    unknown = pd.to_numeric(out["compliance_cost_unknown"], errors="coerce").fillna(0.0).astype(float)
    cost = pd.to_numeric(out["compliance_cost"], errors="coerce").astype(float)
    out["compliance_cost_unknown"] = unknown
    out["compliance_cost_floor"] = cost.fillna(0.0)
    out["compliance_cost"] = cost.where(unknown <= 0)
    out["compliance_known"] = True
    return out.reindex(columns=_OUT)
