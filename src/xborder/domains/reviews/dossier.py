"""Customer voice's part of an opportunity dossier: the pain points to fix, with verbatim reviews behind them."""

from __future__ import annotations

import json
from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section

__all__ = ["SECTION", "build", "LEVELS"]

LEVELS = ("product_market", "product", "category_market", "category")
"""Where the pain points come from, most specific first: the product in the market, the product anywhere,
its category in the market, its category anywhere."""

_MAX_PAINS = 8
_MAX_CHARS = 180


def _pains(reader: Reader, pair: Pair) -> tuple[str, list[dict[str, Any]]]:
    attempts: list[tuple[str, list[dict[str, Any]]]] = [
        (
            "product_market",
            reader.rows("improvement_opportunities", product_id=pair.product_id, market=pair.market),
        ),
        ("product", reader.rows("improvement_opportunities", product_id=pair.product_id)),
    ]
    if pair.category:
        cat = [
            r
            for r in reader.rows("improvement_opportunities", category=pair.category)
            if r.get("scope") == "category"
        ]
        attempts += [
            ("category_market", [r for r in cat if r.get("market") == pair.market]),
            ("category", cat),
        ]
    for level, rows in attempts:
        if rows:
            rows = sorted(rows, key=lambda r: (r.get("rank") is None, r.get("rank") or 0))
            return level, rows[:_MAX_PAINS]
    return "", []


def _short(text: str) -> str:
    return text if len(text) <= _MAX_CHARS else text[: _MAX_CHARS - 1] + "…"


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """Pain points at the most specific level that has some, each with up to two verbatim examples, and a
    few example reviews of the product (else of its category)."""
    level, pains = _pains(reader, pair)
    out = []
    for r in pains:
        ids = r.get("example_ids")
        ids = json.loads(ids) if isinstance(ids, str) else list(ids or [])
        texts = {
            str(x["review_id"]): (f"{x['title']}. " if x.get("title") else "") + (x.get("text") or "")
            for x in reader.reviews(ids=[str(i) for i in ids])
        }
        quoted = [
            "“" + _short(texts[str(i)].strip(" ")) + "”" for i in ids if texts.get(str(i), "").strip(" ")
        ]
        out.append({**r, "example_texts": quoted[:2]})
    reviews = reader.reviews(product_id=pair.product_id)
    if not reviews and pair.category:
        reviews = reader.reviews(category=pair.category)
    return {"level": level, "pains": out, "examples": reviews}


SECTION = Section("reviews", build, tables=("improvement_opportunities",))
