"""Selection's part of an opportunity dossier: the score, rank, factors with their contributions, other markets."""

from __future__ import annotations

import math
from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section, first

__all__ = ["SECTION", "build"]


def _score(row: dict[str, Any]) -> float:
    s = row.get("score")
    return -math.inf if s is None or (isinstance(s, float) and math.isnan(s)) else float(s)


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """The pair's opportunity row, its factors (stored order) and the product's other markets (best first)."""
    opp = first(reader.rows("opportunities", product_id=pair.product_id, market=pair.market))
    others = sorted(
        reader.rows("opportunities", product_id=pair.product_id), key=lambda r: (-_score(r), r["market"])
    )
    return {
        "opportunity": opp,
        "factors": reader.rows("opportunity_factors", product_id=pair.product_id, market=pair.market),
        "other_markets": [{k: r.get(k) for k in ("market", "score", "rank")} for r in others],
    }


SECTION = Section("selection", build, tables=("opportunities", "opportunity_factors"))
