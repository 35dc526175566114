"""run_reviews on a small warehouse: findings, verbatim examples, bad input counted, filters, re-runs."""

from __future__ import annotations

import json

import pytest

from tests.conftest import shared_path
from xborder.core.settings import get_settings
from xborder.domains.reviews.stage import STAGE, run_reviews
from xborder.domains.reviews.wording import render_messages
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect


def test_run_reviews_end_to_end(review_db) -> None:
    con = connect(review_db)
    rid, summary = run_stage(
        con, get_settings(), STAGE, {"batch_size": 100}
    )  # 3 batches; the runner records the run
    n = con.execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert summary["reviews"] == n
    assert con.execute("SELECT count(*) FROM review_analysis WHERE run_id = ?", [rid]).fetchone()[0] == n
    # bad texts are counted, not fatal
    flags = summary["text_flags"]
    assert flags["empty"] == 1 and flags["emoji_only"] == 1 and flags["html"] == 1
    assert flags["truncated"] == 1 and flags["mojibake_fixed"] == 1
    # languages: given none, detected for the unrated mixed-language rows
    lang = dict(con.execute("SELECT review_id, language FROM review_analysis WHERE market = 'GB'").fetchall())
    assert {"de", "zh", "en"} <= set(lang.values())
    # noise is the top complaint of the fan in the US, with 3 verbatim negative examples from the reviews table
    top = con.execute(
        "SELECT aspect, negative_share, examples FROM review_aspects "
        "WHERE run_id = ? AND scope='product' AND product_id='shop:fan1' AND market='US' "
        "ORDER BY rank LIMIT 1",
        [rid],
    ).fetchone()
    assert top[0] == "noise" and top[1] == pytest.approx(30 / 48)
    examples = json.loads(top[2])
    assert len(examples) == 3
    for e in examples:
        original = con.execute(
            "SELECT text, rating FROM reviews WHERE review_id = ?", [e["review_id"]]
        ).fetchone()
        assert e["text"] == original[0] and original[1] <= 2
    # in DE noise complaints grow month by month (0 of 3 negatives in January, 5 of 8 in June)
    de = con.execute(
        "SELECT negative_share, trend_direction, trend_slope_pp, trend_rank FROM review_aspects WHERE "
        "run_id = ? AND scope='product' AND market='DE' AND aspect='noise'",
        [rid],
    ).fetchone()
    assert de[0] == pytest.approx(15 / 33) and de[1] == "rising" and de[2] > 5
    assert de[3] == 1  # the fastest-rising complaint
    # improvement opportunities for selection: product and category level, with example ids and run_id
    opp = con.execute(
        "SELECT scope, product_id, category, market, aspect, evidence_share, n_reviews, example_ids, "
        "opportunity_score, summary_en, summary_zh FROM improvement_opportunities "
        "WHERE run_id = ? AND market = 'US' ORDER BY scope, rank",
        [rid],
    ).df()
    assert set(opp["scope"]) == {"product", "category"}
    first = opp[opp["scope"] == "product"].iloc[0]
    assert first["aspect"] == "noise" and first["category"] == "home_kitchen"
    assert 0 < first["opportunity_score"] <= first["evidence_share"] <= 1
    assert len(json.loads(first["example_ids"])) == 3
    assert "noise" in first["summary_en"] and "噪音" in first["summary_zh"]
    assert first["summary_en"] == (
        '62% of negative reviews (30 of 48) mention noise, and steady; buyers say "loud", "noise", "noisy".'
    )
    assert (
        first["summary_zh"]
        == "62%的差评（48条中的30条）提到噪音，且保持平稳；常见说法：“loud”、“noise”、“noisy”。"
    )
    # each finding is stored as message codes; summary_en / summary_zh are their renderings
    for codes, en, zh in con.execute(
        "SELECT summary, summary_en, summary_zh FROM improvement_opportunities WHERE run_id = ?", [rid]
    ).fetchall():
        messages = json.loads(codes)
        assert messages[0]["code"] == "reviews.opportunity" and messages[0]["args"]["n_mentions"] > 0
        assert render_messages(messages, "en") == en and render_messages(messages, "zh") == zh
    assert "cat:home_kitchen" in set(opp["product_id"])
    # pain phrases: multi-word and lemmatised
    pains = [
        r[0]
        for r in con.execute(
            "SELECT phrase FROM review_phrases WHERE run_id = ? AND kind='pain' "
            "AND product_id='shop:fan1' AND market='US'",
            [rid],
        ).fetchall()
    ]
    assert "too loud" in pains
    delights = [
        r[0]
        for r in con.execute(
            "SELECT phrase FROM review_phrases WHERE run_id = ? AND "
            "kind='delight' AND product_id='shop:fan1' AND market='US'",
            [rid],
        ).fetchall()
    ]
    assert "easy to use" in delights or "easy" in delights
    # need–scenario–emotion view
    cues = con.execute(
        "SELECT kind, value FROM review_cues WHERE run_id = ? AND product_id='shop:fan1' AND market='DE'",
        [rid],
    ).fetchall()
    assert ("scenario", "night / sleep") in cues and ("emotion", "delight") in cues
    assert con.execute("SELECT status, kind FROM runs WHERE run_id = ?", [rid]).fetchone() == (
        "ok",
        "reviews",
    )
    # a re-run with the same id replaces its rows instead of duplicating them
    run_reviews(con, get_settings(), run_id=rid)
    assert con.execute("SELECT count(*) FROM review_analysis WHERE run_id = ?", [rid]).fetchone()[0] == n
    con.close()


def test_market_and_product_filters(review_db) -> None:
    con = connect(review_db)
    s = run_reviews(con, get_settings(), run_id="r-de", markets=["de"])
    # DE's reviews plus those without a market (they speak for every market), nothing from elsewhere
    want = "SELECT count(*) FROM reviews WHERE market_code = 'DE' OR market_code IS NULL"
    assert s["reviews"] == con.execute(want).fetchone()[0]
    assert s["reviews"] < con.execute("SELECT count(*) FROM reviews").fetchone()[0]
    got = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT market FROM improvement_opportunities WHERE run_id='r-de'"
        ).fetchall()
    }
    assert "DE" in got and got <= {"DE", "ZZ"}
    empty = run_reviews(con, get_settings(), run_id="r-none", product_ids=["nope"])
    assert empty["reviews"] == 0 and "note" in empty
    con.close()


@pytest.mark.shared_data
def test_ingested_alexa_reviews(tmp_path) -> None:
    """Real reviews through the ingest engine, then the reviews stage."""
    from xborder.ingest import ingest_path

    settings = get_settings()
    con = connect(tmp_path / "w.duckdb")
    ingest_path(
        con,
        shared_path("amazon_alexa_reviews", "amazon_alexa.tsv"),
        "reviews",
        settings=settings,
        reject_dir=tmp_path,
    )
    s = run_reviews(con, settings, run_id="r-alexa")
    assert s["reviews"] >= 3000 and s["improvement_opportunities"] > 0
    assert s["sentiment_sources"].get("rating", 0) >= 3000
    top = con.execute(
        "SELECT aspect FROM improvement_opportunities WHERE run_id='r-alexa' AND scope='product' "
        "ORDER BY n_reviews DESC LIMIT 5"
    ).fetchall()
    assert {"sound", "connectivity", "customer service"} & {t[0] for t in top}
    con.close()


@pytest.mark.slow
def test_two_worker_processes_give_the_same_findings(review_db) -> None:
    """Batches annotated in 2 spawned processes give exactly the single-process findings."""
    con = connect(review_db)
    run_reviews(con, get_settings(), run_id="r-1", batch_size=60)
    run_reviews(con, get_settings(), run_id="r-2", batch_size=60, workers=2)
    q = (
        "SELECT scope, product_id, market, aspect, n_reviews, evidence_share FROM improvement_opportunities "
        "WHERE run_id = ? ORDER BY ALL"
    )
    one, two = con.execute(q, ["r-1"]).fetchall(), con.execute(q, ["r-2"]).fetchall()
    assert one and one == two
    con.close()
