"""Advertising's part of an opportunity dossier: what the product's Sponsored Products ads cost and returned."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from xborder.domains.marketing.keywords import TIERS
from xborder.warehouse.dossier import Pair, Reader, Section

__all__ = [
    "SECTION",
    "build",
    "weekly_acos",
    "top_keywords",
    "keyword_mix",
    "review_note",
    "KEYWORD_FIELDS",
    "REVIEW_FIELDS",
    "TOP_KEYWORDS",
]

TOP_KEYWORDS = 12
"""Search terms of the product's keyword matrix shown in the dossier (those with most spend)."""
KEYWORD_FIELDS = ("search_term", "tier", "clicks", "orders", "spend", "sales", "acos", "cvr", "action",
                  "money_at_stake", "review_pains", "review_delights")  # fmt: skip
REVIEW_FIELDS = (
    "kind",
    "phrase",
    "z",
    "terms",
    "clicks",
    "orders",
    "spend",
    "sales",
    "cvr",
    "top_term",
    "searched",
)
"""Per review phrase of the product: what the search terms naming it did (``ad_review_terms``)."""


def weekly_acos(days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ACoS per week (Monday start) from daily rows of spend and sales: the ACoS-over-time series, oldest first;
    ``acos_note`` is ``no_sales`` for a week with spend and no sales (its ACoS has no value, and a blank must not
    read as no problem)."""
    weeks: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for d in days:
        day = d.get("period_start")
        if day is None:
            continue
        day = day.date() if hasattr(day, "date") and callable(day.date) else day
        w = weeks[day - timedelta(days=day.weekday())]
        w[0] += float(d.get("spend") or 0)
        w[1] += float(d.get("sales") or 0)
        w[2] += float(d.get("clicks") or 0)
    return [
        {"week": k, "spend": s, "sales": v, "clicks": c, "acos": s / v if v else None,
         "acos_note": "no_sales" if s > 0 and not v else None}
        for k, (s, v, c) in sorted(weeks.items())
    ]  # fmt: skip


def top_keywords(rows: list[dict[str, Any]], limit: int = TOP_KEYWORDS) -> list[dict[str, Any]]:
    """The keyword-matrix rows with most spend (ties: more clicks, then the term), reduced to KEYWORD_FIELDS."""
    ranked = sorted(rows, key=lambda r: (-float(r.get("spend") or 0), -float(r.get("clicks") or 0),
                                         str(r.get("search_term"))))  # fmt: skip
    return [{k: r.get(k) for k in KEYWORD_FIELDS} for r in ranked[:limit]]


def keyword_mix(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The whole keyword matrix of a product in one market summed per tier × call (terms, clicks, orders,
    spend, sales): the keyword-matrix chart. Tiers in the matrix's order, then calls by spend."""
    cells: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * 5)
    for r in rows:
        c = cells[(str(r.get("tier") or "unknown"), str(r.get("action") or "unknown"))]
        c[0] += 1
        for i, k in enumerate(("clicks", "orders", "spend", "sales"), start=1):
            c[i] += float(r.get(k) or 0)
    order = {t: i for i, t in enumerate(TIERS)}
    return [
        {
            "tier": t,
            "action": a,
            "terms": int(v[0]),
            "clicks": v[1],
            "orders": v[2],
            "spend": v[3],
            "sales": v[4],
        }
        for (t, a), v in sorted(
            cells.items(), key=lambda kv: (order.get(kv[0][0], len(order)), -kv[1][3], kv[0][1])
        )
    ]


def review_note(review_terms: list[dict[str, Any]]) -> dict[str, Any]:
    """The note on the product's review language: how many phrases its search terms name and how many are
    keyword ideas (named by no term); or, without any phrase, that none is known and what would give some."""
    if not review_terms:
        return {"code": "marketing.dossier_review_none", "args": {}}
    searched = sum(1 for r in review_terms if r.get("searched"))
    return {"code": "marketing.dossier_review_terms",
            "args": {"phrases": len(review_terms), "searched": searched, "ideas": len(review_terms) - searched}}  # fmt: skip


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """The product's ad spend, sales, ACoS and ROAS in the market, its break-even ACoS (or the note that it
    is unknown), its weekly ACoS and the search terms of its keyword matrix with most spend (tier, volume,
    conversion, cost, the harvest/negate call and the review phrases each names), the whole matrix per tier ×
    call, the review phrases with what the terms naming them did and a note on them; a note code when it was
    never advertised there."""
    rows = reader.rows("ad_metrics", grain="product", product_id=pair.product_id, market_code=pair.market)
    if not rows:
        return {"advertised": False, "note": {"code": "marketing.dossier_no_ads", "args": {}}}
    spend = sum(float(r.get("spend") or 0) for r in rows)
    sales = sum(float(r.get("sales") or 0) for r in rows)
    clicks = sum(float(r.get("clicks") or 0) for r in rows)
    orders = sum(float(r.get("orders") or 0) for r in rows)
    be = [r["break_even_acos"] for r in rows if r.get("break_even_acos") is not None]
    acos = spend / sales if sales else None
    days = reader.rows("ad_metrics", grain="product_day", product_id=pair.product_id, market_code=pair.market)
    out: dict[str, Any] = {
        "advertised": True,
        "currency": rows[0].get("currency"),
        "spend": spend,
        "sales": sales,
        "clicks": clicks,
        "orders": orders,
        "acos": acos,
        "roas": sales / spend if spend else None,
        "cvr": orders / clicks if clicks else None,
        "break_even_acos": min(be) if be else None,
        "acos_by_week": weekly_acos(days)[
            ::-1
        ],  # newest first: a page that shows a few rows shows the latest
        "keyword_terms": len(
            terms := reader.rows("ad_keyword_matrix", product_id=pair.product_id, market_code=pair.market)
        ),
        "keywords": top_keywords(terms),
        "keyword_mix": keyword_mix(terms),
        "review_terms": [
            {k: r.get(k) for k in REVIEW_FIELDS}
            for r in sorted(
                reader.rows("ad_review_terms", product_id=pair.product_id, market_code=pair.market),
                key=lambda r: (str(r.get("kind")), -abs(float(r.get("z") or 0)), str(r.get("phrase"))),
            )
        ],  # fmt: skip
    }
    # the review-language note, under `messages` so the report's page shows it as text (en/zh)
    out["messages"] = {"review_language": [review_note(out["review_terms"])]}
    if not be:
        out["note"] = {"code": "marketing.break_even_unknown", "args": {}}
    elif acos is not None and acos > min(be):
        out["note"] = {"code": "marketing.above_break_even", "args": {"acos": acos, "break_even": min(be)}}
    return out


SECTION = Section("marketing", build, tables=("ad_metrics", "ad_keyword_matrix", "ad_review_terms"))
