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
from xborder.domains.selection.risks import risks_frame
from xborder.domains.selection.stage.gather import Converter

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
)


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
    for lang in ("en", "zh"):
        out[f"explanation_{lang}"] = [render_explanation(m, lang) for m in out["explanation"]]
    # a risk's weight: the factor's share of the score (the profile's nominal weights when nothing was scored)
    out["risks"] = pd.Series(
        risks_frame(out, weights or factor_weights(profile, [f.name for f in FACTORS])),
        index=out.index,
        dtype=object,
    )
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
            )
            for r in rows
        ],
        index=out.index,
        dtype=object,
    )
    return out


def budget(ranked: pd.DataFrame, conv: Converter) -> pd.DataFrame:
    """Cash to start = landed cost of the first month's expected units + compliance cost (converted to the
    landed-cost currency with the ECB table when they differ); time to market = compliance lead time."""
    nan = pd.Series(np.nan, index=ranked.index)
    unit = pd.to_numeric(ranked["landed_cost"], errors="coerce") if "landed_cost" in ranked else nan
    stock = pd.to_numeric(ranked["demand_6m"], errors="coerce") / 6.0 * unit
    comp = pd.to_numeric(ranked["compliance_cost"], errors="coerce") if "compliance_cost" in ranked else nan
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
    ranked["time_to_market_days"] = (
        ranked["compliance_lead_days"] if "compliance_lead_days" in ranked else nan
    )
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
