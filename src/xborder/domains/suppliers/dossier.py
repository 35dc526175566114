"""Suppliers' part of an opportunity dossier: the product's supplier shortlist with tier, score and flags."""

from __future__ import annotations

import json
from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section

__all__ = ["SECTION", "build", "short_flags"]

_SHOWN = 5


def short_flags(raw: Any, market: str | None = None) -> list[str]:
    """Flag codes without the namespace (``unverified``, ``missing_certificate:us_cpc``); certificate flags of
    other markets than ``market`` are left out."""
    flags = json.loads(raw) if isinstance(raw, str) else list(raw or [])
    out = []
    for f in flags:
        code = str(f.get("code", "")).removeprefix("suppliers.")
        args = f.get("args") or {}
        markets = str(args.get("markets", "-"))
        certificate_flag = code in ("missing_certificate", "missing_document", "expired_certificate")
        if market and certificate_flag and markets != "-" and market not in markets.split(", "):
            continue
        out.append(f"{code}:{args['certificate']}" if "certificate" in args else code)
    return out


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """The suppliers offering the product, best source first (at most five shown), with how many are verified;
    a note code when none offers it."""
    rows = reader.rows("supplier_alternatives", product_id=pair.product_id)
    if not rows:
        return {"suppliers": 0, "note": {"code": "suppliers.dossier_no_offers", "args": {}}}
    rows = sorted(rows, key=lambda r: r.get("product_rank") or 10**9)
    shortlist = [
        {
            "supplier": r.get("name") or r.get("supplier_id"),
            "tier": r.get("tier"),
            "score": r.get("score"),
            "unit_cost": r.get("unit_cost"),
            "currency": r.get("currency"),
            "moq": r.get("moq"),
            "lead_time_days": r.get("lead_time_days"),
            "verified": r.get("verified"),
            "flags": short_flags(r.get("flags"), pair.market),
        }
        for r in rows[:_SHOWN]
    ]
    return {
        "suppliers": len(rows),
        "verified_suppliers": sum(1 for r in rows if r.get("verified")),
        "best_supplier": shortlist[0]["supplier"],
        "best_tier": shortlist[0]["tier"],
        "shortlist": shortlist,
    }


SECTION = Section("suppliers", build, tables=("supplier_alternatives",))
