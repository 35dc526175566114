"""Warehouse glue of the reviews engine: stream the ``reviews`` table, annotate, aggregate, write findings.

Reads ``reviews`` (+ ``products.category``), streams it in batches through
:func:`xborder.domains.reviews.annotate.annotate_reviews`, writes ``review_analysis`` per batch, keeps
only phrase counters in memory (pruned when they grow past a bound), then aggregates in DuckDB
and writes ``review_groups``, ``review_aspects``, ``review_phrases``, ``review_cues`` and
``improvement_opportunities`` for the run. The findings come from the engine as message codes (stored in
``improvement_opportunities.summary``); their English and Chinese words (``summary_en``/``summary_zh``) are
rendered here from the message catalogue (``domains/reviews/messages/``). The run's record is the runner's.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
from pydantic import Field

from xborder.domains.reviews.annotate import annotate_reviews
from xborder.domains.reviews.clean import FLAGS
from xborder.domains.reviews.dossier import SECTION
from xborder.domains.reviews.ranking import (
    GROUP,
    aspect_trends,
    contrast_phrases,
    improvement_opportunities,
    rank_aspects,
)
from xborder.domains.reviews.stage import queries as q
from xborder.domains.reviews.summary import opportunity_messages
from xborder.domains.reviews.tables import (
    IMPROVEMENT_OPPORTUNITIES,
    REVIEW_ANALYSIS,
    REVIEW_ASPECTS,
    REVIEW_CUES,
    REVIEW_GROUPS,
    REVIEW_PHRASES,
    TABLES,
)
from xborder.domains.reviews.wording import render_messages
from xborder.schema import Table
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, write_frame

__all__ = ["run_reviews", "train_zh_model", "ReviewsParams", "STAGE"]

Progress = Callable[[float, str], None] | None


def train_zh_model(
    con: Any, where: str, params: list[Any], *, sample: int = 50_000, min_per_class: int = 100
) -> tuple[Any, dict[str, Any]]:
    """Fit the Chinese sentiment model on the warehouse's own rated/labelled Chinese reviews.

    Returns ``(model or None, info)``; ``None`` (lexicon fallback) when no unrated Chinese review
    needs a model or fewer than ``min_per_class`` examples of either class exist.
    """
    from xborder.domains.reviews.sentiment import TextSentimentModel

    unrated = con.execute(q.zh_unrated_count(where), params).fetchall()[0][0]
    if not unrated:
        return None, {"zh_model": "not needed"}
    rows = con.execute(q.zh_training_rows(where, sample), params).df()
    y = rows["y"].astype(int)
    if y.sum() < min_per_class or (len(y) - y.sum()) < min_per_class:
        return None, {
            "zh_model": "lexicon",
            "reason": f"only {int(y.sum())} positive / {int(len(y) - y.sum())} "
            f"negative labelled Chinese reviews (need {min_per_class} each)",
        }
    model = TextSentimentModel(analyzer="char", n_features=2**18, vader_weight=0.0, C=4.0)
    model.fit(rows["text"].astype(str).tolist(), y.to_numpy())
    return model, {
        "zh_model": "trained at run time",
        "zh_training_rows": int(len(rows)),
        "zh_unrated": int(unrated),
    }


def _analysis_frame(run_id: str, df: pd.DataFrame, ann: pd.DataFrame) -> pd.DataFrame:
    """The ``review_analysis`` rows of one batch, Arrow-typed (lists stay lists, polarity stays TINYINT)."""
    import pyarrow as pa

    lst = pa.list_(pa.string())
    table = pa.table(
        {
            "run_id": pa.array([run_id] * len(df), pa.string()),
            "review_id": pa.array(ann["review_id"].tolist(), pa.string()),
            "product_id": pa.array(df["product_key"].tolist(), pa.string()),
            "category": pa.array(df["category"].where(df["category"].notna(), None).tolist(), pa.string()),
            "market": pa.array(df["market"].tolist(), pa.string()),
            "reviewed_at": pa.array(pd.to_datetime(df["reviewed_at"]), pa.timestamp("us")),
            "language": pa.array(ann["language"].tolist(), pa.string()),
            "language_source": pa.array(ann["language_source"].tolist(), pa.string()),
            "sentiment_score": pa.array(ann["sentiment_score"].tolist(), pa.float64()),
            "sentiment_source": pa.array(ann["sentiment_source"].tolist(), pa.string()),
            "polarity": pa.array([None if pd.isna(p) else int(p) for p in ann["polarity"]], pa.int8()),
            "aspects": pa.array(ann["aspects"].tolist(), lst),
            "needs": pa.array(ann["needs"].tolist(), lst),
            "scenarios": pa.array(ann["scenarios"].tolist(), lst),
            "emotions": pa.array(ann["emotions"].tolist(), lst),
            "flags": pa.array(ann["flags"].tolist(), pa.string()),
            "n_chars": pa.array([len(t) for t in ann["text_clean"]], pa.int32()),
        }
    )
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _count_phrases(
    counters: dict[tuple, tuple[Counter, Counter]], df: pd.DataFrame, ann: pd.DataFrame
) -> None:
    for key, cat, mkt, pol, phr in zip(
        df["product_key"], df["category"], df["market"], ann["polarity"], ann["phrases"], strict=True
    ):
        if pd.isna(pol) or pol == 0 or not phr:
            continue
        side = 0 if pol < 0 else 1
        groups = [("product", key, mkt)]
        if isinstance(cat, str) and cat:
            groups.append(("category", f"cat:{cat}", mkt))
        for g in groups:
            pair = counters.get(g)
            if pair is None:
                pair = counters[g] = (Counter(), Counter())
            pair[side].update(phr)


def _prune(counters: dict[tuple, tuple[Counter, Counter]]) -> int:
    """Lossy counting: drop phrases seen once (they can never reach min_count on their own)."""
    dropped = 0
    for pair in counters.values():
        for c in pair:
            ones = [k for k, v in c.items() if v <= 1]
            dropped += len(ones)
            for k in ones:
                del c[k]
    return dropped


def _batches(
    con: Any,
    where: str,
    params: list[Any],
    batch_size: int,
    workers: int,
    zh_model: Any,
    nlp: bool = False,
):
    cur = con.cursor()
    reader = cur.sql(q.review_stream(where), params=params).to_arrow_reader(batch_size)
    frames = (b.to_pandas() for b in reader)
    if workers <= 1:
        for df in frames:
            yield df, annotate_reviews(df, zh_model=zh_model, nlp=nlp)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: forking after DuckDB/lingua threads have started can deadlock the children
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as ex:
        pending: list[tuple[pd.DataFrame, Any]] = []
        for df in frames:
            pending.append((df, ex.submit(annotate_reviews, df, zh_model=zh_model, nlp=nlp)))
            if len(pending) > workers:
                d, fut = pending.pop(0)
                yield d, fut.result()
        for d, fut in pending:
            yield d, fut.result()


def run_reviews(
    con: Any,
    settings: Any,
    *,
    run_id: str,
    markets: list[str] | None = None,
    progress: Progress = None,
    product_ids: list[str] | None = None,
    batch_size: int = 20_000,
    workers: int = 1,
    min_mentions: int = 3,
    max_phrase_entries: int = 3_000_000,
    nlp: bool = False,
) -> dict[str, Any]:
    """Analyse the warehouse's reviews and write the findings of run ``run_id``.

    The run's record (``runs``) is the caller's: :func:`xborder.pipeline.runner.run_stage` or the pipeline
    create it and record the outcome; this function only replaces the run's rows in the tables it writes.

    Args:
        con: Writable DuckDB connection.
        settings: :class:`xborder.core.settings.Settings` (unused today; kept for the stage contract).
        run_id: Id stamped on every output row.
        markets: Only these ISO2 markets (``ZZ`` = reviews without a market). Reviews without a market
            are always included: what buyers say of a product applies in every market until the data
            says where it was said (their findings carry market ``ZZ``, which selection uses as the
            fallback for each market).
        progress: ``callable(fraction, message)``.
        product_ids: Only these products.
        batch_size: Reviews per streamed batch.
        workers: Processes annotating batches in parallel.
        min_mentions: Negative mentions an aspect needs to become an improvement opportunity.
        max_phrase_entries: Bound on in-memory phrase counters (rarest phrases pruned beyond it).
        nlp: Use the ``nlp`` extra: embedding sentiment for unrated English text, and embedding-based
            grouping of pain/delight phrases that no aspect lexicon matches.

    Returns:
        A JSON-able summary (counts, language mix, text flags, timings).
    """
    t0 = time.perf_counter()
    if markets:
        markets = sorted({str(m).upper() for m in markets} | {q.UNKNOWN_MARKET})
    delete_run_rows(con, TABLES, run_id)
    where, wparams = q.filters(markets, product_ids)
    n_total = con.execute(q.review_count(where), wparams).fetchall()[0][0]
    summary: dict[str, Any] = {"run_id": run_id, "reviews": int(n_total)}
    if not n_total:
        summary["note"] = "No reviews matched; load some with `xborder ingest <file> --as reviews`."
        return summary
    if progress:
        progress(0.0, "preparing sentiment models")
    zh_model, zh_info = train_zh_model(con, where, wparams)
    summary.update(zh_info)
    counters: dict[tuple, tuple[Counter, Counter]] = {}
    flags: Counter[str] = Counter()
    done = pruned = 0
    entries = 0
    t_ann = time.perf_counter()
    for df, (ann, fl) in _batches(con, where, wparams, batch_size, workers, zh_model, nlp):
        flags.update(fl)
        write_frame(con, REVIEW_ANALYSIS, _analysis_frame(run_id, df, ann))
        _count_phrases(counters, df, ann)
        entries += int(sum(ann["phrases"].map(len)))
        if entries > max_phrase_entries:
            pruned += _prune(counters)
            entries = sum(len(c) for pair in counters.values() for c in pair)
        done += len(df)
        if progress:
            progress(0.9 * done / n_total, f"annotated {done:,} of {n_total:,} reviews")
    summary["annotate_seconds"] = round(time.perf_counter() - t_ann, 2)
    summary["phrases_pruned"] = pruned
    summary["text_flags"] = {k: int(flags.get(k, 0)) for k in FLAGS}
    if progress:
        progress(0.92, "ranking aspects and phrases")
    summary.update(_aggregate(con, run_id, counters, min_mentions=min_mentions, nlp=nlp))
    summary["languages"] = dict(con.execute(q.language_mix(run_id)).fetchall())
    summary["sentiment_sources"] = dict(con.execute(q.sentiment_mix(run_id)).fetchall())
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    summary["reviews_per_second"] = round(n_total / max(summary["seconds"], 1e-9), 1)
    if progress:
        progress(1.0, "done")
    return summary


_OPPORTUNITY_HELPERS = (
    "n_mentions",
    "n_negative_mentions",
    "n_positive_mentions",
    "negative_share",
    "positive_share",
    "trend_periods",
    "trend_rank",
    "examples",
)
"""Columns the opportunities carry over from the aspect rows they were chosen from: stored in review_aspects,
not in improvement_opportunities."""


def _write(con: Any, table: Table, frame: pd.DataFrame, run_id: str, *, ignore: Iterable[str] = ()) -> None:
    """Write ``frame`` into ``table`` by its declared columns, stamping ``run_id``."""
    write_frame(con, table, frame.assign(run_id=run_id), ignore=ignore)


def _aggregate(
    con: Any,
    run_id: str,
    counters: dict[tuple, tuple[Counter, Counter]],
    *,
    min_mentions: int,
    nlp: bool = False,
) -> dict[str, Any]:
    totals = con.execute(q.group_totals(run_id)).df()
    write_frame(con, REVIEW_GROUPS, totals)
    counts = con.execute(q.aspect_counts(run_id)).df()
    aspects = rank_aspects(counts, totals)
    trends = aspect_trends(con.execute(q.aspect_periods(run_id)).df())
    aspects = aspects.merge(trends, on=[*GROUP, "aspect"], how="left")
    aspects["trend_rank"] = (
        aspects.groupby(GROUP)["trend_slope_pp"].rank(method="first", ascending=False).astype("Int64")
    )
    examples = q.aspect_examples(con, run_id)
    aspects["examples"] = [
        json.dumps(examples.get((s, p, m, a), []), ensure_ascii=False)
        for s, p, m, a in zip(
            aspects["scope"], aspects["product_id"], aspects["market"], aspects["aspect"], strict=True
        )
    ]
    _write(con, REVIEW_ASPECTS, aspects, run_id)
    phrase_frames = []
    for (scope, key, mkt), (neg, pos) in counters.items():
        ph = contrast_phrases(neg, pos, min_count=min_mentions)
        if len(ph):
            phrase_frames.append(ph.assign(scope=scope, product_id=key, market=mkt))
    phrases = (
        pd.concat(phrase_frames, ignore_index=True)
        if phrase_frames
        else pd.DataFrame(
            columns=[*GROUP, "kind", "phrase", "aspect", "n_negative", "n_positive", "log_odds", "z", "rank"]
        )
    )
    if nlp and len(phrases) and phrases["aspect"].isna().any():
        from xborder.domains.reviews.embed import group_phrases

        todo = sorted(set(phrases.loc[phrases["aspect"].isna(), "phrase"]))
        found = group_phrases(todo)
        phrases["aspect"] = [
            a if a is not None and a == a else found.get(p)
            for a, p in zip(phrases["aspect"], phrases["phrase"], strict=True)
        ]
    cats = totals[[*GROUP, "category"]]
    phrases = phrases.merge(cats, on=GROUP, how="left")
    _write(con, REVIEW_PHRASES, phrases, run_id)
    cues = con.execute(q.cue_counts(run_id)).df()
    _write(con, REVIEW_CUES, cues, run_id)
    opp = improvement_opportunities(aspects, totals, phrases, min_mentions=min_mentions)
    if len(opp):
        findings = []
        r: Any
        for r in opp.itertuples(index=False):
            findings.append(
                opportunity_messages(
                    r.aspect,
                    r.evidence_share,
                    int(r.n_reviews),
                    int(r.n_negative),
                    r.trend_direction,
                    json.loads(r.top_phrases),
                )
            )
        opp["summary"] = [json.dumps(f, ensure_ascii=False) for f in findings]
        opp["summary_en"] = [render_messages(f, "en") for f in findings]
        opp["summary_zh"] = [render_messages(f, "zh") for f in findings]
        _write(con, IMPROVEMENT_OPPORTUNITIES, opp, run_id, ignore=_OPPORTUNITY_HELPERS)
    return {
        "groups": int(len(totals)),
        "aspect_rows": int(len(aspects)),
        "phrase_rows": int(len(phrases)),
        "improvement_opportunities": int(len(opp)),
    }


class ReviewsParams(Params):
    """Parameters of the reviews stage (see :func:`run_reviews`)."""

    product_ids: list[str] | None = None
    batch_size: int = Field(20_000, ge=100, le=10_000_000)
    workers: int = Field(1, ge=1, le=256)
    min_mentions: int = Field(3, ge=1, le=1_000_000)
    max_phrase_entries: int = Field(3_000_000, ge=1000, le=1_000_000_000)
    nlp: bool = False


def _run(ctx: StageContext, p: ReviewsParams) -> dict[str, Any]:
    return run_reviews(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets, progress=ctx.progress,
                       **p.model_dump())  # fmt: skip


STAGE = Stage(
    "reviews", _run, ReviewsParams, writes=TABLES, weight=0.15, title="Customer voice", dossier=SECTION
)
