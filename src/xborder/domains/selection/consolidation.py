"""Combined freight: the picks going to one market by one mode share a shipment, its minimum and fixed charges.

A product shipped alone pays the freight card's minimum charge and per-shipment charges on its own consignment
(``landed_costs``: ``freight_qty`` chargeable kg or cbm, ``freight_rate``, ``freight_min_charge``,
``freight_fixed``, ``consignment_units``). Picks of the list that go to the same market by the same mode on the
same card travel together:

    Q = Σ q_i;  shipment cost = max(rate × Q, minimum) + fixed;  product i pays cost × q_i / Q,

i.e. its share of the chargeable weight (air) or volume (sea LCL), spread over its own units. Container modes
(a container per product) and express parcels are not combined. The margin moves by the freight saved times the
pair's ``cost_slope`` (insurance and duty on the customs value grow with freight as with the goods cost;
:mod:`xborder.domains.selection.quote`), and the expected gross profit with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xborder.domains.selection.evidence import gross_profit
from xborder.domains.selection.profiles import Profile
from xborder.domains.selection.shortlist import Shortlist, shortlist

__all__ = ["FREIGHT_COLUMNS", "combined_freight", "consolidate_picks", "Consolidation"]

FREIGHT_COLUMNS = ("freight_basis", "freight_qty", "freight_rate", "freight_min_charge", "freight_fixed")
"""The landed-cost columns a shipment is rebuilt from (per pair, in the landed-cost currency)."""

_COMBINED_BASES = ("kg", "cbm")


def _num(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def combined_freight(picks: pd.DataFrame) -> pd.DataFrame:
    """Freight per unit of each pick when the picks of one market, mode and card ship together.

    Reads ``market``, ``ship_mode``, ``consignment_units``, ``unit_freight`` and :data:`FREIGHT_COLUMNS`.
    Returns, on the same index: ``combined_freight`` (per unit; the unit freight where not combined),
    ``shipment_products`` (picks in the shipment, 1 alone), ``shipment_units`` and ``shipment_qty`` (chargeable
    kg or cbm of the whole shipment), ``shipment_basis``.
    """
    out = pd.DataFrame(index=picks.index)
    alone = _num(picks, "unit_freight")
    out["combined_freight"] = alone
    out["shipment_products"] = 1
    out["shipment_units"] = _num(picks, "consignment_units")
    out["shipment_qty"] = _num(picks, "freight_qty")
    out["shipment_basis"] = picks["freight_basis"] if "freight_basis" in picks else None
    if picks.empty or "freight_basis" not in picks:
        return out
    q, units = _num(picks, "freight_qty"), _num(picks, "consignment_units")
    rate, minimum, fixed = (_num(picks, c) for c in ("freight_rate", "freight_min_charge", "freight_fixed"))
    ok = (
        picks["freight_basis"].isin(_COMBINED_BASES)
        & (q > 0)
        & (units > 0)
        & rate.notna()
        & minimum.notna()
        & fixed.notna()
    )
    if not ok.any():
        return out
    key = pd.DataFrame(
        {
            "m": picks["market"].astype(str),
            "mode": picks["ship_mode"].astype(str),
            "b": picks["freight_basis"].astype(str),
            "r": rate.round(6),
            "mn": minimum.round(6),
            "f": fixed.round(6),
        }
    )[ok]
    for _, idx in key.groupby(list(key.columns), sort=False).groups.items():
        total_q = float(q[idx].sum())
        cost = max(float(rate[idx].iloc[0]) * total_q, float(minimum[idx].iloc[0])) + float(
            fixed[idx].iloc[0]
        )
        out.loc[idx, "combined_freight"] = cost * q[idx] / total_q / units[idx]
        out.loc[idx, "shipment_products"] = len(idx)
        out.loc[idx, "shipment_units"] = float(units[idx].sum())
        out.loc[idx, "shipment_qty"] = total_q
    return out


@dataclass
class Consolidation:
    """What combining the picks' freight did: shipments formed, picks whose margin changed, before/after."""

    shipments: list[dict] = field(default_factory=list)
    picks: int = 0
    combined: int = 0
    viable_before: int = 0
    viable_after: int = 0


def consolidate_picks(
    full: pd.DataFrame,
    profile: Profile,
    home: frozenset[str],
    *,
    launch_cost: float,
    top: int = 50,
    long_factors: bool = True,
) -> tuple[Shortlist, pd.DataFrame, Consolidation]:
    """Rank, combine the freight of the first ``top`` assessed picks per market and mode, re-rank.

    One pass: the list is built, its picks' shipments are formed, their margins and expected gross profits are
    recomputed on the combined freight, and the list is built again from the updated candidates (which may
    bring a new pick in; its freight is then its own). Returns the final shortlist, the updated candidates and
    a :class:`Consolidation` summary.
    """
    full = full.reset_index(drop=True).copy()  # one block per dtype: shortlist adds columns to it
    first = shortlist(full, profile, home, long_factors=long_factors)
    info = Consolidation()
    frame = first.frame
    in_list = frame[frame["status"].isin(["ranked", "gated"])].head(top)
    info.picks = len(in_list)
    info.viable_before = int((in_list["status"] == "ranked").sum())
    if "freight_basis" not in full or in_list.empty:
        info.viable_after = info.viable_before
        return first, full, info
    rows = in_list["_row"].to_numpy(dtype=int) if "_row" in in_list else in_list.index.to_numpy()
    picks = full.iloc[rows]
    comb = combined_freight(picks)
    saved = (_num(picks, "unit_freight") - comb["combined_freight"]).fillna(0.0)
    slope = _num(picks, "cost_slope").fillna(1.0)
    moved = saved.abs() > 1e-12
    info.combined = int((comb["shipment_products"] > 1).sum())
    upd = full.copy()
    idx = picks.index[moved.to_numpy()]
    if len(idx):
        gain = (saved * slope)[moved]
        um = _num(upd, "unit_margin")
        upd.loc[idx, "unit_margin"] = um[idx] + gain
        upd.loc[idx, "margin_pct"] = 100.0 * upd.loc[idx, "unit_margin"] / _num(upd, "net_revenue")[idx]
        to_profit = _num(upd, "market_price_profit")[idx] / _num(upd, "market_price")[idx]
        upd.loc[idx, "unit_margin_profit"] = _num(upd, "unit_margin_profit")[idx] + gain * to_profit
        upd.loc[idx, "unit_freight"] = comb.loc[idx, "combined_freight"]
        upd["gross_profit_6m"] = gross_profit(upd, launch_cost)
    upd = upd.copy()
    grouped = comb[comb["shipment_products"] > 1].assign(
        market=picks["market"], ship_mode=picks["ship_mode"], currency=picks.get("currency")
    )
    for (m, mode), g in grouped.groupby(["market", "ship_mode"], sort=True):
        info.shipments.append(
            {
                "market": m,
                "mode": mode,
                "products": len(g),
                "units": float(np.nansum(_num(picks, "consignment_units")[g.index])),
                "chargeable": round(float(np.nansum(_num(picks, "freight_qty")[g.index])), 6),
                "basis": str(g["shipment_basis"].iloc[0]),
            }
        )
    final = shortlist(upd, profile, home, long_factors=long_factors)
    out = final.frame
    info.viable_after = int(
        (out[out["status"].isin(["ranked", "gated"])].head(top)["status"] == "ranked").sum()
    )
    return final, upd, info
