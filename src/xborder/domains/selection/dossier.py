"""Selection's part of an opportunity dossier: the opportunity, its factors, the home baseline, other markets."""

from __future__ import annotations

import math
from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section, first

__all__ = ["SECTION", "build"]


def _rank(row: dict[str, Any]) -> float:
    r = row.get("rank")
    return math.inf if r is None or (isinstance(r, float) and math.isnan(r)) else float(r)


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """The pair's opportunity row (status, assessment, what is missing, risks), its factors (stored order), the
    same product in the home market (the baseline it is compared with) and the product's other markets (in list
    order, unranked last)."""
    opp = first(reader.rows("opportunities", product_id=pair.product_id, market=pair.market))
    others = sorted(
        reader.rows("opportunities", product_id=pair.product_id), key=lambda r: (_rank(r), r["market"])
    )
    home_market = (opp or {}).get("home_market")
    home = None
    if home_market and home_market != pair.market:
        home = first(reader.rows("opportunities", product_id=pair.product_id, market=home_market))
    return {
        "opportunity": opp,
        "factors": reader.rows("opportunity_factors", product_id=pair.product_id, market=pair.market),
        "home": home,
        "other_markets": [{k: r.get(k) for k in ("market", "score", "rank", "status")} for r in others],
    }


SECTION = Section("selection", build, tables=("opportunities", "opportunity_factors"))
