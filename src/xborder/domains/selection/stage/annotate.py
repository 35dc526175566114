"""Words and money on the shortlist: explanations, risks, what is missing, and the cash and time to start."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.selection.assessment import missing_messages
from xborder.domains.selection.evidence import Evidence
from xborder.domains.selection.explain import explain_frame, render_explanation
from xborder.domains.selection.factors import FACTORS
from xborder.domains.selection.profiles import Profile, factor_weights
from xborder.domains.selection.quote import cost_ceiling
from xborder.domains.selection.risks import risks_frame
from xborder.domains.selection.stage.gather import Converter
from xborder.domains.selection.timing import time_to_market, ttm_message

__all__ = ["annotate", "budget"]

_MISSING_COLS = (
    "product_id",
    "market",
    "candidate_kind",
    "demand_source",
    "demand_basis",
    "demand_6m",
    "margin_source",
    "compliance_source",
    "voice_source",
    "competition_source",
    "has_price",
    "margin_pct",
    "cost_ceiling",
    "goods_cost",
    "currency",
    "net_revenue",
    "unit_fees",
    "unit_freight",
)


_TTM_COLS = (
    "time_to_market_days",
    "transit_days",
    "supply_days",
    "ship_mode",
    "compliance_lead_days",
    "compliance_lead_unknown",
)
_COMPLIANCE_CODES = (
    "selection.no_certification",
    "selection.certification",
    "selection.certifications",
    "selection.certification_detail",
    "selection.certifications_detail",
)


def _with_ttm(messages: list[dict[str, Any]], ttm: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The explanation with the time-to-market message after the compliance message (else at the end)."""
    if ttm is None:
        return messages
    at = [i for i, m in enumerate(messages) if m.get("code") in _COMPLIANCE_CODES]
    pos = at[-1] + 1 if at else len(messages)
    return [*messages[:pos], ttm, *messages[pos:]]


def annotate(
    frame: pd.DataFrame,
    weights: dict[str, float],
    unavailable: list[str],
    profile: Profile,
    ev: Evidence,
    *,
    cost_share: float | None,
) -> pd.DataFrame:
    """Add ``explanation`` (+ its en/zh rendering), ``risks`` and ``missing`` to every candidate."""
    out = explain_frame(frame, weights, unavailable, missing_quantile=profile.missing_quantile)
    out["time_to_market_days"] = time_to_market(out)
    ttm_cols = [c for c in _TTM_COLS if c in out]
    explanations: list[Any] = [
        _with_ttm(list(m), ttm_message(r))
        for m, r in zip(out["explanation"], out[ttm_cols].to_dict(orient="records"), strict=True)
    ]
    out["explanation"] = pd.Series(explanations, index=out.index, dtype=object)
    for lang in ("en", "zh"):
        out[f"explanation_{lang}"] = [render_explanation(m, lang) for m in out["explanation"]]
    # a risk's weight: the factor's share of the score (the profile's nominal weights when nothing was scored)
    out["risks"] = pd.Series(
        risks_frame(out, weights or factor_weights(profile, [f.name for f in FACTORS])),
        index=out.index,
        dtype=object,
    )
    gate = profile.min_margin_pct
    out["cost_ceiling"] = cost_ceiling(out, gate) if gate is not None else np.nan
    products = out[out["candidate_kind"] != "niche"]
    analogue_n = int(products.loc[products["demand_basis"] == "transfer", "product_id"].nunique())
    costed_n = int(products["product_id"].nunique())
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()}
        for r in out.reindex(columns=list(_MISSING_COLS)).to_dict(orient="records")
    ]
    out["missing"] = pd.Series(
        [
            missing_messages(
                r,
                covered_markets=set(ev.covered_markets),
                analogue_products=analogue_n,
                costed_products=costed_n,
                cost_share=cost_share,
                min_margin_pct=profile.min_margin_pct,
            )
            for r in rows
        ],
        index=out.index,
        dtype=object,
    )
    return out


def budget(ranked: pd.DataFrame, conv: Converter) -> pd.DataFrame:
    """Cash to start = landed cost of the first month's expected units + compliance cost (converted to the
    landed-cost currency with the ECB table when they differ); time to market as :func:`annotate` set it."""
    nan = pd.Series(np.nan, index=ranked.index)
    unit = pd.to_numeric(ranked["landed_cost"], errors="coerce") if "landed_cost" in ranked else nan
    stock = pd.to_numeric(ranked["demand_6m"], errors="coerce") / 6.0 * unit
    # known compliance costs (a lower bound where an item's cost is unknown: compliance_cost_unknown > 0)
    ccol = "compliance_cost_floor" if "compliance_cost_floor" in ranked else "compliance_cost"
    comp = pd.to_numeric(ranked[ccol], errors="coerce") if ccol in ranked else nan
    cur = ranked["currency"] if "currency" in ranked else pd.Series(None, index=ranked.index, dtype=object)
    ccur = ranked["compliance_currency"] if "compliance_currency" in ranked else cur
    need = comp.notna() & cur.notna() & ccur.notna() & (cur != ccur)
    if need.any():
        to_profit = conv.series(comp[need], ccur[need])
        back = pd.Series([conv.rate(c) for c in cur[need]], index=to_profit.index, dtype=float)
        comp = comp.copy()
        comp[need] = to_profit / back
    ranked["budget_needed"] = stock.add(comp, fill_value=0.0).where(stock.notna() | comp.notna())
    ranked["budget_currency"] = cur.where(cur.notna(), ccur)
    if "time_to_market_days" not in ranked:
        ranked["time_to_market_days"] = time_to_market(ranked)
    return ranked


def top_records(ranked: pd.DataFrame, top: int) -> list[dict[str, Any]]:
    """The first ``top`` rows of the list (ranked, then gated) for the run's summary."""
    cols = [
        "rank",
        "status",
        "product_id",
        "market",
        "title",
        "category",
        "candidate_kind",
        "score",
        "demand_6m",
        "demand_source",
        "margin_pct",
        "margin_source",
        "gross_profit_6m",
        "profit_currency",
        "sold_before",
        "top_rank_stability",
        "explanation_en",
        "explanation_zh",
    ]
    head = ranked[ranked["rank"].notna()].head(top)
    return [{str(k): v for k, v in r.items()} for r in head.reindex(columns=cols).to_dict(orient="records")]
