"""What is known about each candidate, and from what: demand, margin, compliance, customer voice, competition.

Every candidate carries one *source* per item (``none`` when the item is not assessed) and, for each item that is
not assessed, a message saying why and the command that fills it. A profile ranks only candidates whose required
items (default: demand, margin, compliance) are assessed (:data:`ASSESSED`); the others are listed apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ITEMS",
    "SOURCES",
    "DEFAULT_REQUIRE",
    "demand_source",
    "assess",
    "missing_messages",
    "is_assessed",
]

ITEMS = ("demand", "margin", "compliance", "voice", "competition")
"""The five things a seller needs to know about a product × market before acting on it."""

SOURCES: dict[str, tuple[str, ...]] = {
    "demand": ("forecast", "analogue", "listing", "history", "none"),
    "margin": ("quote", "estimate", "category", "none"),
    "compliance": ("assessed", "category", "none"),
    "voice": ("product", "category", "none"),
    "competition": ("listings", "reviews", "none"),
}
"""Possible sources per item, best first. demand: statistical forecast of the pair | the demand engine's analogue
(pre-launch) forecast | observed marketplace sales of a listing | the pair's own last 6 months only (no forecast) |
none (a market-share guess or nothing). margin: landed cost on a supplier quote | on an estimated unit cost |
the median of the category's costed products (niches) | none. compliance: the rule base's answer for the pair |
for the category's products (niches) | none. voice: reviews of the product | of its category | none.
competition: competitor listings | review ratings of the market × category | none."""

DEFAULT_REQUIRE = ("demand", "margin", "compliance")
"""Items a candidate must have assessed to be ranked under a profile that does not say otherwise."""

_DEMAND = {
    "forecast": "forecast",
    "analogue": "analogue",
    "rank_estimate": "listing",
    "history": "history",
    "transfer": "none",
    "catalogue": "none",
}


def demand_source(demand_basis: pd.Series) -> np.ndarray:
    """Demand source per candidate from the candidate's ``demand_basis`` (unknown bases are ``none``)."""
    return demand_basis.map(_DEMAND).fillna("none").to_numpy(dtype=object)


def _col(frame: pd.DataFrame, name: str, default: Any = np.nan) -> pd.Series:
    return frame[name] if name in frame else pd.Series(default, index=frame.index)


def assess(frame: pd.DataFrame) -> pd.DataFrame:
    """The five ``<item>_source`` columns of a candidate frame.

    Reads ``demand_basis``, ``margin_pct`` with ``unit_cost_estimated``, ``compliance_known``, ``voice_level``
    (product | category), ``competitors`` / ``rating_gap`` and ``candidate_kind`` (niches take their margin and
    compliance from the category's products).
    """
    out = pd.DataFrame(index=frame.index)
    niche = _col(frame, "candidate_kind", "product").eq("niche").to_numpy()
    out["demand_source"] = demand_source(_col(frame, "demand_basis", "none").astype(object))
    has_margin = pd.to_numeric(_col(frame, "margin_pct"), errors="coerce").notna().to_numpy()
    est = _col(frame, "unit_cost_estimated", True).astype("boolean").fillna(True).to_numpy(dtype=bool)
    out["margin_source"] = np.select(
        [~has_margin, niche, est], ["none", "category", "estimate"], default="quote"
    ).astype(object)
    known = _col(frame, "compliance_known", False).astype("boolean").fillna(False).to_numpy(dtype=bool)
    out["compliance_source"] = np.select([~known, niche], ["none", "category"], default="assessed").astype(
        object
    )
    voice = _col(frame, "voice_level", None).astype(object)
    out["voice_source"] = voice.where(voice.isin(["product", "category"]), "none").to_numpy(dtype=object)
    lst = pd.to_numeric(_col(frame, "competitors"), errors="coerce").notna().to_numpy()
    rev = pd.to_numeric(_col(frame, "rating_gap"), errors="coerce").notna().to_numpy()
    out["competition_source"] = np.select([lst, rev], ["listings", "reviews"], default="none").astype(object)
    return out


def is_assessed(sources: pd.DataFrame, require: Iterable[str]) -> np.ndarray:
    """True where every required item's source is not ``none``."""
    ok = np.ones(len(sources), dtype=bool)
    for item in require:
        ok &= sources[f"{item}_source"].to_numpy() != "none"
    return ok


def _m(key: str, **args: Any) -> dict[str, Any]:
    return {"code": f"selection.missing.{key}", "args": args}


def _f(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(x) else x


_QUOTE_CMD = "xborder ingest <supplier quotes file>"


def _quote_message(
    row: dict[str, Any], cost_share: float | None, gate: float | None
) -> dict[str, Any] | None:
    """What a supplier quote must say for a costed pair: the highest unit price that passes the margin gate
    (on an estimated cost), or that no unit cost passes (fees and freight take the net price)."""
    ceiling, cost = _f(row.get("cost_ceiling")), _f(row.get("goods_cost"))
    est = row.get("margin_source") == "estimate"
    if gate is None or ceiling is None or cost is None:
        if est and cost_share is not None:
            return _m("margin_estimate", share=cost_share, command=_QUOTE_CMD)
        return None
    cur = str(row.get("currency") or "")
    if ceiling <= 0:
        return _m(
            "margin_no_unit_cost",
            market=str(row.get("market")),
            gate=gate,
            net=_f(row.get("net_revenue")) or 0.0,
            fees=_f(row.get("unit_fees")) or 0.0,
            freight=_f(row.get("unit_freight")) or 0.0,
            currency=cur,
        )
    margin = _f(row.get("margin_pct"))
    if not est and margin is not None and margin >= gate:
        return None
    key = "margin_estimate_ceiling" if est else "margin_quote_ceiling"
    args: dict[str, Any] = {"cost": cost, "ceiling": ceiling, "currency": cur, "gate": gate}
    return _m(key, share=cost_share or 0.0, command=_QUOTE_CMD, **args)


def missing_messages(
    row: dict[str, Any],
    *,
    covered_markets: set[str],
    analogue_products: int,
    costed_products: int,
    cost_share: float | None,
    min_margin_pct: float | None = None,
) -> list[dict[str, Any]]:
    """What is not known about one candidate, each as a message with the command that fills it.

    Args:
        row: the candidate with its ``<item>_source`` columns, ``product_id``, ``market``, ``demand_basis``,
            ``demand_6m``, ``has_price`` (a selling price or a quote exists for the product).
        covered_markets: markets the landed-cost rule base covers.
        analogue_products: how many products need an analogue forecast (the ``demand.analogue_products`` to ask).
        costed_products: how many products the landed-cost stage should cover to reach every candidate.
        cost_share: the estimated cost share when the margin rests on an estimated unit cost (advice to load a
            quote), None to leave that advice out.
        min_margin_pct: the profile's margin gate; with the row's ``cost_ceiling`` (see
            :mod:`xborder.domains.selection.quote`) the advice says the highest supplier price that passes it, or
            that no unit cost does.
    """
    pid, mk = str(row.get("product_id")), str(row.get("market"))
    niche = row.get("candidate_kind") == "niche"
    out: list[dict[str, Any]] = []
    if row.get("demand_source") == "none":
        if row.get("demand_basis") == "transfer":
            units = row.get("demand_6m")
            out.append(
                _m(
                    "demand_transfer",
                    units=float(units) if units is not None and not pd.isna(units) else 0.0,
                    command=f"xborder run --param demand.analogue_products={max(analogue_products, 1)}",
                )
            )
        else:
            out.append(_m("demand_unsold", command="xborder ingest <marketplace listings or sales export>"))
    if row.get("margin_source") == "none":
        if mk not in covered_markets:
            out.append(_m("margin_uncovered", market=mk, command=f"xborder landed-cost {pid} --market {mk}"))
        elif not niche and not row.get("has_price", True):
            out.append(_m("margin_no_cost", command="xborder ingest <supplier quotes file>"))
        elif row.get("demand_basis") == "catalogue":  # never sold: the landed-cost stage costs sold products
            out.append(_m("margin_not_costed", market=mk, command=f"xborder landed-cost {pid} --market {mk}"))
        else:
            n = max(costed_products, 1)
            out.append(
                _m(
                    "margin_not_costed",
                    market=mk,
                    command=f"xborder run --param landed_cost.max_products={n}",
                )
            )
    elif row.get("margin_source") in ("estimate", "quote"):
        quote = _quote_message(row, cost_share, min_margin_pct)
        if quote is not None:
            out.append(quote)
    if row.get("compliance_source") == "none":
        out.append(_m("compliance", market=mk, command=f"xborder compliance run --market {mk}"))
    if row.get("voice_source") == "none":
        out.append(_m("voice", command="xborder ingest <reviews file>; xborder reviews analyze"))
    if row.get("competition_source") == "none":
        out.append(
            _m("competition", market=mk, command="xborder ingest <Keepa or marketplace listings export>")
        )
    return out
