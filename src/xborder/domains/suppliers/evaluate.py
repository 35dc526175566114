"""Supplier evaluation end to end (frames in, frames out): indicators, checks, TOPSIS rank and tier,
concentration and alternatives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.suppliers.ahp import GROUPS, IndicatorWeights
from xborder.domains.suppliers.checks import esg_gate, requirement_fit, standing, verification_status
from xborder.domains.suppliers.concentration import (
    alternatives,
    concentration,
    critical_products,
    main_sources,
)
from xborder.domains.suppliers.indicators import INDICATORS, latest_offers, offer_ratios, performance
from xborder.domains.suppliers.ranking import rank_suppliers
from xborder.domains.suppliers.shrink import shrink

__all__ = ["SupplierInputs", "EvaluationSettings", "evaluate", "weights_frame"]


@dataclass
class SupplierInputs:
    """The stage's inputs: ``suppliers`` (id, name, country), ``offers`` (with ``unit_cost_usd``), ``events``
    (with ``value_usd``), ``certificates``, ``verifications`` and compliance ``requirements``."""

    suppliers: pd.DataFrame
    offers: pd.DataFrame
    events: pd.DataFrame
    certificates: pd.DataFrame
    verifications: pd.DataFrame
    requirements: pd.DataFrame


@dataclass
class EvaluationSettings:
    """How suppliers are judged (the stage's parameters)."""

    as_of: dt.date
    window_days: int = 0
    grace_days: int = 0
    in_full_tolerance: float = 0.0
    gate_days: int = 730
    expiring_days: int = 60
    required_standards: tuple[str, ...] = ()
    strategic_share: float = 0.15
    core_share: float = 0.35
    alert_share: float = 0.30
    critical_share: float = 0.80
    min_known: int = 6
    prior_deliveries: float = 10.0
    prior_offers: float = 3.0
    extra: dict[str, Any] = field(default_factory=dict)


def _window(events: pd.DataFrame, s: EvaluationSettings) -> pd.DataFrame:
    day = pd.to_datetime(events["event_date"])
    keep = day <= pd.Timestamp(s.as_of)
    if s.window_days:
        keep &= day > pd.Timestamp(s.as_of) - pd.Timedelta(days=s.window_days)
    return events[keep]


def evaluate(
    inputs: SupplierInputs, weights: IndicatorWeights, s: EvaluationSettings
) -> dict[str, pd.DataFrame]:
    """``scores`` (one row per supplier), ``alternatives`` (one per product × supplier offering it) and
    ``concentration`` (per supplier and per country)."""
    sup = inputs.suppliers.drop_duplicates("supplier_id").set_index("supplier_id")
    events = _window(inputs.events, s)
    latest = offer_ratios(latest_offers(inputs.offers))
    ids = pd.Series(sorted(set(sup.index) | set(events["supplier_id"]) | set(latest.get("supplier_id", []))))
    perf = performance(ids, events, latest, grace_days=s.grace_days, in_full_tolerance=s.in_full_tolerance)
    perf, priors = shrink(perf, s.prior_deliveries, s.prior_offers)
    verif = verification_status(ids, inputs.verifications, s.as_of)
    fit = requirement_fit(latest, inputs.certificates, inputs.requirements, suppliers=ids, as_of=s.as_of,
                          required_standards=s.required_standards, expiring_days=s.expiring_days)  # fmt: skip
    gate = esg_gate(ids, events, s.as_of, gate_days=s.gate_days)
    table = (
        perf.join(fit.drop(columns="flags"))
        .join(verif.drop(columns="flags"))
        .join(gate.drop(columns="flags"))
    )
    table["standing"] = standing(verif, perf["financial_score"])
    known = table[list(INDICATORS)].notna().sum(axis=1)
    ranked = rank_suppliers(table, weights.weights, table["gated"], strategic_share=s.strategic_share,
                            core_share=s.core_share)  # fmt: skip
    table = table.join(ranked)
    table["name"] = sup["name"].reindex(table.index)
    table["country"] = sup["country"].reindex(table.index)
    flags = []
    for sid in table.index:
        f = [*gate.loc[sid, "flags"], *verif.loc[sid, "flags"], *fit.loc[sid, "flags"]]
        if known[sid] < s.min_known:
            f.append(
                {"code": "suppliers.thin_data", "args": {"known": int(known[sid]), "of": len(INDICATORS)}}
            )
        flags.append(f)
    table["flags"] = flags
    spend = _spend(events)
    table["spend_usd"] = spend.groupby("supplier_id")["spend_usd"].sum().reindex(table.index)
    table["as_of"] = s.as_of
    sources = pd.concat([latest[["supplier_id", "product_id"]] if len(latest) else pd.DataFrame(columns=["supplier_id", "product_id"]),
                         events.loc[events["product_id"].notna(), ["supplier_id", "product_id"]]]).drop_duplicates()  # fmt: skip
    critical = critical_products(spend, sources, share=s.critical_share)
    alt = alternatives(latest, table[["score", "tier", "verified", "gated", "name"]])
    if len(alt):
        alt["flags"] = alt["supplier_id"].map(table["flags"])
    main = main_sources(spend, alt, critical)
    conc = concentration(spend, sources, main, table.reset_index()[["supplier_id", "name", "country"]], critical,
                         alert_share=s.alert_share)  # fmt: skip
    return {"scores": table.reset_index(), "alternatives": alt, "concentration": conc,
            "critical": pd.DataFrame({"product_id": critical}), "priors": pd.DataFrame([priors.as_dict()])}  # fmt: skip


def _spend(events: pd.DataFrame) -> pd.DataFrame:
    d = events[(events["event_type"] == "delivery") & events["value_usd"].notna()]
    return d.rename(columns={"value_usd": "spend_usd"})[["supplier_id", "product_id", "spend_usd"]]


def weights_frame(weights: IndicatorWeights) -> pd.DataFrame:
    """One row per indicator: group, local and group weight, global weight, method and the consistency of
    its group's matrix and of the group matrix."""
    rows = []
    for group, items in GROUPS.items():
        cons = weights.consistency.get(group)
        top = weights.consistency.get("groups")
        for i in items:
            rows.append({
                "indicator": i, "group_name": group, "direction": "higher" if INDICATORS[i][0] > 0 else "lower",
                "unit": INDICATORS[i][1], "local_weight": weights.local.get(i, np.nan),
                "group_weight": weights.group_weights.get(group, np.nan), "weight": weights.weights[i],
                "method": weights.method, "group_cr": cons.cr if cons else np.nan,
                "group_lambda_max": cons.lambda_max if cons else np.nan, "top_cr": top.cr if top else np.nan,
            })  # fmt: skip
    return pd.DataFrame(rows)
