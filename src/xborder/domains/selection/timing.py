"""Time to market of a product × market pair: compliance alongside production and shipping.

The goods can be sold once the compliance work is done *and* the first consignment has arrived; the two run in
parallel, so

    time_to_market = max(compliance critical path, supplier lead time + transit time)

* compliance: the compliance engine's critical path through the mandatory requirements (upper lead times);
  requirements whose lead time no source gives count 0 days and are named as unknown;
* supplier lead time: the latest quote's ``lead_time_days`` (``supplier_offers``), unknown without a quote;
* transit: the upper transit time of the freight card of the pair's shipping mode (the mode with the best margin),
  from the origin to the market's freight region (reference tables ``freight/rates`` and
  ``freight/derived_rates``: the exact lane first, then the ``*`` fall-backs, the newest card with a transit
  time).

The result is a lower bound whenever a part is unknown; :func:`ttm_message` says which.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["transit_table", "transit_days", "time_to_market", "ttm_message"]


def transit_table(cards: pd.DataFrame) -> pd.DataFrame:
    """Freight cards reduced to ``origin, dest_region, mode, transit_days_max`` (newest card with a transit time
    per lane and mode)."""
    c = cards.assign(transit_days_max=pd.to_numeric(cards["transit_days_max"], errors="coerce"))
    c = c.dropna(subset=["transit_days_max"])
    order = "valid_from" if "valid_from" in c else "transit_days_max"
    c = c.sort_values(order).drop_duplicates(["origin", "dest_region", "mode"], keep="last")
    return c[["origin", "dest_region", "mode", "transit_days_max"]].reset_index(drop=True)


def transit_days(lanes: pd.DataFrame, table: pd.DataFrame) -> pd.Series:
    """Upper transit days per row of ``lanes`` (``origin``, ``region``, ``mode``): the exact lane, then
    (``*``, region), (origin, ``*``), (``*``, ``*``); NaN where no card of that mode has a transit time."""
    out = pd.Series(np.nan, index=lanes.index, dtype=float)
    if table.empty or lanes.empty:
        return out
    look = table.set_index(["origin", "dest_region", "mode"])["transit_days_max"].to_dict()
    vals = []
    for o, r, m in zip(lanes["origin"], lanes["region"], lanes["mode"], strict=True):
        v = np.nan
        for key in ((o, r, m), ("*", r, m), (o, "*", m), ("*", "*", m)):
            if key in look:
                v = float(look[key])
                break
        vals.append(v)
    return pd.Series(vals, index=lanes.index, dtype=float)


def _num(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def time_to_market(frame: pd.DataFrame) -> pd.Series:
    """Days until the pair can be on sale (see the module docstring); NaN where neither the transit time nor the
    compliance path is known. Reads ``transit_days``, ``supply_days``, ``compliance_lead_days`` and
    ``compliance_known``."""
    transit, supply = _num(frame, "transit_days"), _num(frame, "supply_days")
    comp = _num(frame, "compliance_lead_days")
    known = frame["compliance_known"] if "compliance_known" in frame else pd.Series(False, index=frame.index)
    comp = comp.where(comp.notna() | ~known.astype("boolean").fillna(False).astype(bool), 0.0)
    goods = transit + supply.fillna(0.0)
    return pd.Series(np.fmax(goods.to_numpy(), comp.to_numpy()), index=frame.index)


_MODES = ("sea_lcl", "sea_fcl", "air", "rail", "express")


def _msg(key: str, **args: Any) -> dict[str, Any]:
    return {"code": f"selection.{key}", "args": args}


def ttm_message(row: Mapping[Any, Any]) -> dict[str, Any] | None:
    """The explanation's time-to-market message with its parts, or None when it is unknown."""
    days = row.get("time_to_market_days")
    if days is None or pd.isna(days):
        return None
    parts: list[dict[str, Any]] = []
    transit, supply = row.get("transit_days"), row.get("supply_days")
    if transit is not None and not pd.isna(transit):
        mode = row.get("ship_mode")
        if isinstance(mode, str) and mode in _MODES:
            parts.append(_msg("ttm_transit", mode=_msg(f"mode.{mode}"), days=float(transit)))
        else:  # a niche: the typical transit of the category's products
            parts.append(_msg("ttm_transit_typical", days=float(transit)))
        if supply is not None and not pd.isna(supply):
            parts.append(_msg("ttm_supply", days=float(supply)))
        else:
            parts.append(_msg("ttm_supply_unknown"))
    comp, unknown = row.get("compliance_lead_days"), row.get("compliance_lead_unknown")
    if comp is not None and not pd.isna(comp) and float(comp) > 0:
        parts.append(_msg("ttm_compliance", days=float(comp)))
    if unknown is not None and not pd.isna(unknown) and float(unknown) > 0:
        parts.append(_msg("ttm_compliance_unknown", n=float(unknown)))
    return _msg("time_to_market", days=float(days), parts=parts)
