"""Compliance's part of an opportunity dossier: the requirements of the product in the market, and their summary."""

from __future__ import annotations

from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section, first

__all__ = ["SECTION", "build"]


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """The pair's requirement rows and its compliance summary (time to market, cost, items)."""
    return {
        "rows": reader.rows("compliance_checks", product_id=pair.product_id, market=pair.market),
        "summary": first(reader.rows("compliance_summary", product_id=pair.product_id, market=pair.market)),
    }


SECTION = Section("compliance", build, tables=("compliance_checks", "compliance_summary"))
