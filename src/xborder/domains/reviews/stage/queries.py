"""SQL used by :mod:`xborder.domains.reviews.stage` (kept here so the pipeline module stays small).

Every aggregate works on ``review_analysis`` of one run, seen at two scopes: each product, and
each category (``cat:<category>``) when the product's category is known.
"""

from __future__ import annotations

import json
from typing import Any

from xborder.domains.reviews.clean import clean_text
from xborder.domains.reviews.tables import (
    IMPROVEMENT_OPPORTUNITIES,
    REVIEW_ASPECTS,
    REVIEW_CUES,
    REVIEW_GROUPS,
    REVIEW_PHRASES,
)
from xborder.warehouse.tables import read_rows

__all__ = [
    "UNKNOWN_MARKET",
    "filters",
    "review_count",
    "review_stream",
    "zh_unrated_count",
    "zh_training_rows",
    "group_totals",
    "aspect_counts",
    "aspect_periods",
    "aspect_examples",
    "cue_counts",
    "language_mix",
    "sentiment_mix",
    "findings",
]

_HAN = "[一-鿿]"
UNKNOWN_MARKET = "ZZ"


def _lit(s: str) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def filters(markets: list[str] | None, product_ids: list[str] | None) -> tuple[str, list[Any]]:
    """WHERE clause over ``reviews r`` for the market/product filters, and its parameters."""
    parts, params = ["TRUE"], []
    if markets:
        parts.append(
            f"coalesce(upper(r.market_code), '{UNKNOWN_MARKET}') IN ({', '.join('?' * len(markets))})"
        )
        params += [m.upper() for m in markets]
    if product_ids:
        parts.append(
            f"coalesce(r.product_id, 'source:' || r.source) IN ({', '.join('?' * len(product_ids))})"
        )
        params += list(product_ids)
    return " AND ".join(parts), params


def review_count(where: str) -> str:
    """How many reviews the filters select."""
    return f"SELECT count(*) FROM reviews r WHERE {where}"


def review_stream(where: str) -> str:
    """The reviews to annotate, with their product key, category and market."""
    return (
        "SELECT r.review_id, coalesce(r.product_id, 'source:' || r.source) AS product_key, p.category, "
        f"coalesce(upper(r.market_code), '{UNKNOWN_MARKET}') AS market, r.reviewed_at, r.rating, r.label, "
        "r.title, r.text, r.language "
        f"FROM reviews r LEFT JOIN products p ON p.product_id = r.product_id WHERE {where}"
    )


def zh_unrated_count(where: str) -> str:
    """Reviews that are Chinese-looking and have neither rating nor label."""
    return (
        f"SELECT count(*) FROM reviews r WHERE {where} AND r.rating IS NULL AND r.label IS NULL "
        f"AND regexp_matches(coalesce(r.text, ''), '{_HAN}')"
    )


def zh_training_rows(where: str, sample: int) -> str:
    """Chinese reviews with a rating (≥ 4 positive, ≤ 2 negative) or a label, sampled reproducibly."""
    return (
        "SELECT text, y FROM (SELECT r.text, CASE WHEN r.rating IS NOT NULL THEN (r.rating >= 4)::INT "
        f"ELSE r.label END AS y FROM reviews r WHERE {where} AND (r.rating IS NULL OR r.rating <> 3) "
        f"AND (r.rating IS NOT NULL OR r.label IS NOT NULL) AND regexp_matches(coalesce(r.text, ''), '{_HAN}')) "
        f"USING SAMPLE reservoir({int(sample)} ROWS) REPEATABLE (42)"
    )


def _scoped(run_id: str) -> str:
    cols = "review_id, reviewed_at, polarity, aspects, needs, scenarios, emotions, language, n_chars, market"
    return (
        f"scoped AS (SELECT 'product' AS scope, product_id, category, {cols} FROM review_analysis "
        f"WHERE run_id = {_lit(run_id)} UNION ALL SELECT 'category', 'cat:' || category, category, {cols} "
        f"FROM review_analysis WHERE run_id = {_lit(run_id)} AND category IS NOT NULL)"
    )


def group_totals(run_id: str) -> str:
    """One row per group in the column order of ``review_groups``."""
    return (
        f"WITH {_scoped(run_id)}, lang AS (SELECT scope, product_id, market, "
        "to_json(map(list(coalesce(language, 'und')), list(n))) AS languages FROM (SELECT scope, product_id, "
        "market, language, count(*) AS n FROM scoped GROUP BY ALL) GROUP BY ALL) "
        f"SELECT {_lit(run_id)} AS run_id, s.scope, s.product_id, any_value(s.category) AS category, s.market, "
        "count(*) AS n_reviews, count(*) FILTER (polarity = -1) AS n_negative, "
        "count(*) FILTER (polarity = 0) AS n_neutral, count(*) FILTER (polarity = 1) AS n_positive, "
        "count(*) FILTER (polarity IS NULL) AS n_unscored, avg(r.rating) AS avg_rating, "
        "any_value(lang.languages) AS languages, min(s.reviewed_at) AS first_review, "
        "max(s.reviewed_at) AS last_review FROM scoped s JOIN (SELECT review_id, rating FROM reviews) r USING (review_id) "
        "LEFT JOIN lang ON lang.scope = s.scope AND lang.product_id = s.product_id AND lang.market = s.market GROUP BY s.scope, s.product_id, s.market "
        "ORDER BY s.scope, s.product_id, s.market"
    )


def aspect_counts(run_id: str) -> str:
    """Mentions of each aspect per group, by polarity."""
    return (
        f"WITH {_scoped(run_id)}, m AS (SELECT scope, product_id, category, market, polarity, "
        "unnest(aspects) AS aspect FROM scoped) SELECT scope, product_id, any_value(category) AS category, "
        "market, aspect, count(*) AS n_mentions, count(*) FILTER (polarity = -1) AS n_negative_mentions, "
        "count(*) FILTER (polarity = 1) AS n_positive_mentions FROM m GROUP BY scope, product_id, market, aspect"
    )


def aspect_periods(run_id: str) -> str:
    """Monthly negative mentions of each aspect and the month's negative reviews (zeros included)."""
    return (
        f"WITH {_scoped(run_id)}, neg AS (SELECT * FROM scoped WHERE polarity = -1 AND reviewed_at IS NOT NULL), "
        "gm AS (SELECT scope, product_id, market, date_trunc('month', reviewed_at) AS period, count(*) AS n_negative "
        "FROM neg GROUP BY ALL), m AS (SELECT scope, product_id, market, date_trunc('month', reviewed_at) AS period, "
        "unnest(aspects) AS aspect FROM neg), cnt AS (SELECT scope, product_id, market, period, aspect, "
        "count(*) AS n FROM m GROUP BY ALL), ga AS (SELECT DISTINCT scope, product_id, market, aspect FROM cnt) "
        "SELECT ga.scope, ga.product_id, ga.market, ga.aspect, gm.period, coalesce(cnt.n, 0) AS n_negative_mentions, "
        "gm.n_negative FROM ga JOIN gm USING (scope, product_id, market) "
        "LEFT JOIN cnt USING (scope, product_id, market, aspect, period)"
    )


def aspect_examples(
    con: Any, run_id: str, *, per_aspect: int = 3, max_chars: int = 500
) -> dict[tuple, list[dict[str, str]]]:
    """Up to ``per_aspect`` verbatim reviews per group × aspect: negative first, readable length, newest."""
    rows = con.execute(
        f"WITH {_scoped(run_id)}, m AS (SELECT scope, product_id, market, review_id, polarity, reviewed_at, "
        "n_chars, unnest(aspects) AS aspect FROM scoped), ranked AS (SELECT *, row_number() OVER (PARTITION BY "
        "scope, product_id, market, aspect ORDER BY coalesce(polarity, 0), (n_chars < 30 OR n_chars > 600), "
        "reviewed_at DESC NULLS LAST, review_id) AS rn FROM m) SELECT k.scope, k.product_id, k.market, k.aspect, "
        f"k.review_id, r.text FROM ranked k JOIN (SELECT review_id, text FROM reviews) r USING (review_id) WHERE rn <= {int(per_aspect)} "
        "ORDER BY k.scope, k.product_id, k.market, k.aspect, rn"
    ).fetchall()
    out: dict[tuple, list[dict[str, str]]] = {}
    for scope, pid, mkt, asp, rid, text in rows:
        t, _ = clean_text(text, max_chars=max_chars)
        if len(t) >= max_chars:
            t = t.rstrip() + " …"
        out.setdefault((scope, pid, mkt, asp), []).append({"review_id": rid, "text": t})
    return out


def cue_counts(run_id: str) -> str:
    """Need, scenario and emotion mentions per group (column order of ``review_cues`` minus run_id)."""
    parts = []
    for kind, col in (("need", "needs"), ("scenario", "scenarios"), ("emotion", "emotions")):
        parts.append(
            f"SELECT scope, product_id, category, market, '{kind}' AS kind, unnest({col}) AS value, "
            "polarity FROM scoped"
        )
    return (
        f"WITH {_scoped(run_id)}, tot AS (SELECT scope, product_id, market, count(*) AS n FROM scoped GROUP BY ALL), "
        f"c AS ({' UNION ALL '.join(parts)}) SELECT c.scope, c.product_id, any_value(c.category) AS category, "
        "c.market, c.kind, c.value, count(*) AS n_reviews, count(*) FILTER (polarity = -1) AS n_negative, "
        "count(*) FILTER (polarity = 1) AS n_positive, count(*) / any_value(tot.n) AS share, "
        "count(*) FILTER (polarity = -1) / count(*) AS negative_share FROM c JOIN tot USING (scope, product_id, "
        "market) GROUP BY c.scope, c.product_id, c.market, c.kind, c.value"
    )


def language_mix(run_id: str) -> str:
    """Reviews per language in the run."""
    return (
        f"SELECT coalesce(language, 'und'), count(*) FROM review_analysis WHERE run_id = {_lit(run_id)} "
        "GROUP BY 1 ORDER BY 2 DESC"
    )


def sentiment_mix(run_id: str) -> str:
    """Reviews per sentiment source in the run."""
    return (
        f"SELECT sentiment_source, count(*) FROM review_analysis WHERE run_id = {_lit(run_id)} "
        "GROUP BY 1 ORDER BY 2 DESC"
    )


def findings(
    con: Any,
    run_id: str,
    *,
    scope: str = "product",
    product_ids: list[str] | None = None,
    markets: list[str] | None = None,
    limit: int = 20,
    top: int = 5,
) -> list[dict[str, Any]]:
    """The stored findings of a run, one dict per group (largest groups first), for summaries and JSON.

    Opportunities are shown with their rendered sentences (``summary_en``/``summary_zh``), not the
    message codes behind them (``summary``).
    """
    where, params = ["scope = ?"], [scope]
    if product_ids:
        where.append(f"product_id IN ({', '.join('?' * len(product_ids))})")
        params += list(product_ids)
    if markets:
        where.append(f"market IN ({', '.join('?' * len(markets))})")
        params += [m.upper() for m in markets]
    groups = read_rows(
        con,
        REVIEW_GROUPS,
        run_id,
        where=" AND ".join(where),
        params=params,
        order="n_reviews DESC, product_id, market",
        limit=limit,
    )
    shown = [c for c in IMPROVEMENT_OPPORTUNITIES.column_names if c != "summary"]
    out = []
    for g in groups.to_dict("records"):
        key = [g["scope"], g["product_id"], g["market"]]
        cond = "scope = ? AND product_id = ? AND market = ?"
        opp = read_rows(
            con,
            IMPROVEMENT_OPPORTUNITIES,
            run_id,
            where=cond,
            params=key,
            columns=shown,
            order="rank",
            limit=top,
        ).to_dict("records")
        asp = read_rows(con, REVIEW_ASPECTS, run_id, where=cond, params=key, columns=["aspect", "examples"])
        examples = {
            a: json.loads(e) if e else [] for a, e in zip(asp["aspect"], asp["examples"], strict=True)
        }
        for o in opp:
            o["phrases"] = json.loads(o["top_phrases"] or "[]")
            o["examples"] = examples.get(o["aspect"], [])
        phr = read_rows(
            con,
            REVIEW_PHRASES,
            run_id,
            where=cond,
            params=key,
            columns=["kind", "phrase", "aspect", "n_negative", "n_positive", "z"],
            order="kind, rank",
        ).to_dict("records")
        cues = read_rows(
            con,
            REVIEW_CUES,
            run_id,
            where=cond,
            params=key,
            columns=["kind", "value", "n_reviews", "share", "negative_share"],
            order="kind, n_reviews DESC",
        ).to_dict("records")
        g["languages"] = (
            json.loads(g["languages"]) if isinstance(g.get("languages"), str) else g.get("languages")
        )
        out.append(
            {
                "group": g,
                "opportunities": opp,
                "pains": [p for p in phr if p["kind"] == "pain"],
                "delights": [p for p in phr if p["kind"] == "delight"],
                "cues": cues,
            }
        )
    return out
