"""Speed and memory of the reviews stage, end to end through the warehouse, against in-process baselines.

A pool of real reviews (Amazon Alexa, Women's clothing, UCI sentences, a Chinese sample) is written
to a fresh DuckDB warehouse, repeated to ``--n`` rows (default 1,000,000) with product ids, markets,
dates and ratings (about 15% of rows have no rating, so the text models run on them). Then
``run_reviews`` runs on it (``--workers`` processes) and we report reviews/second and peak memory
(RSS high-water mark of this process and of its worker processes), next to two baselines measured
on the same pool in the same process: raw VADER scoring and raw regex tokenisation.

With ``--model-only [OLD_MODEL.npz]`` it only measures the English text model on unrated English
reviews in this one process: ``predict_proba`` alone and ``annotate_reviews`` (clean, language,
sentiment, aspects, phrases) end to end, for the shipped model and, when given, an older model file,
alternating the two so that both see the same machine load.

Usage: python benchmarks/reviews_speed.py [--n 1000000] [--workers 2] [--small 20000]
       python benchmarks/reviews_speed.py --model-only [old_sentiment_en.npz]
Writes benchmarks/results/reviews_speed.json (reviews_speed_model.json with --model-only).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xborder.domains.reviews.datasets import load_alexa, load_chinese, load_uci, load_womens_clothing
from xborder.domains.reviews.sentiment import vader_scores

ROOT = Path(__file__).resolve().parents[1]


def _pool(data: Path) -> pd.DataFrame:
    a = load_alexa(data).assign(
        product="alexa:" + load_alexa(data)["group"].str.replace(" ", "_"), market="US"
    )
    w = load_womens_clothing(data, drop_neutral=False)
    w = w.assign(product="wc:" + w["group"].str.replace(" ", "_"), market="GB")
    u = pd.concat([load_uci(data, d) for d in ("amazon_cells", "yelp")]).assign(
        product="uci:sentences", market="US", rating=np.nan
    )
    c = load_chinese(data).sample(5000, random_state=0)
    c = c.assign(product="zh:" + c["group"], market="CN", rating=np.where(c["label"] == 1, 5.0, 1.0))
    pool = pd.concat([a, w, u, c], ignore_index=True)[["text", "rating", "product", "market"]]
    rng = np.random.default_rng(0)
    unrated = rng.random(len(pool)) < 0.15
    pool.loc[unrated, "rating"] = np.nan
    return pool.reset_index(drop=True)


def _baselines(pool: pd.DataFrame, k: int) -> dict[str, float]:
    texts = pool["text"].astype(str).tolist()[:k]
    t = time.perf_counter()
    vader_scores(texts)
    vader = len(texts) / (time.perf_counter() - t)
    word = re.compile(r"\w+")
    t = time.perf_counter()
    for s in texts:
        word.findall(s.lower())
    tok = len(texts) / (time.perf_counter() - t)
    return {"vader_reviews_per_s": round(vader, 1), "tokenise_reviews_per_s": round(tok, 1), "n": len(texts)}


def _warehouse(pool: pd.DataFrame, n: int, path: Path) -> None:
    from xborder.warehouse import connect

    con = connect(path)
    con.register("pool", pool.assign(i=np.arange(len(pool))))
    reps = int(np.ceil(n / len(pool)))
    con.execute(
        "INSERT INTO reviews (review_id, product_id, market_code, reviewed_at, rating, text, source) "
        "SELECT 'b:' || (r.range * 1000003 + p.i), p.product, p.market, "
        "TIMESTAMP '2023-01-01' + to_days(CAST((p.i * 7 + r.range) % 540 AS INTEGER)), p.rating, p.text, 'bench' "
        f"FROM pool p, range({reps}) r WHERE r.range * {len(pool)} + p.i < {n}"
    )
    con.close()


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _run(path: Path, workers: int, memory_limit: str) -> dict:
    from xborder.core.settings import get_settings
    from xborder.domains.reviews.stage import run_reviews
    from xborder.warehouse import connect

    con = connect(path)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    n = con.execute("SELECT count(*) FROM reviews").fetchall()[0][0]
    samples: list[tuple[float, float]] = []

    def progress(frac: float, msg: str) -> None:
        samples.append((round(frac, 3), round(_rss_mb(), 1)))

    t = time.perf_counter()
    s = run_reviews(
        con,
        get_settings(),
        run_id=f"bench-{workers}-{n}",
        workers=workers,
        progress=progress,
        batch_size=20_000,
    )
    dt = time.perf_counter() - t
    con.close()
    every = max(1, len(samples) // 12)
    return {
        "n": int(n),
        "workers": workers,
        "seconds": round(dt, 1),
        "reviews_per_s": round(n / dt, 1),
        "annotate_seconds": s["annotate_seconds"],
        "rss_mb_during_run": samples[::every] + samples[-1:],
        "improvement_opportunities": s["improvement_opportunities"],
        "phrases_pruned": s["phrases_pruned"],
        "sentiment_sources": s["sentiment_sources"],
        "text_flags": s["text_flags"],
    }


def _model_speed(data: Path, old: Path | None, k: int = 4000, rounds: int = 3) -> dict:
    """Reviews/s of the English model alone and of annotate_reviews with it, new vs old model file."""
    from xborder.domains.reviews import annotate
    from xborder.domains.reviews.sentiment import TextSentimentModel, english_model

    w = load_womens_clothing(data, drop_neutral=False).sample(k // 2, random_state=0)
    a = load_alexa(data).sample(k // 2, random_state=0)
    texts = pd.concat([w["text"], a["text"]]).astype(str).tolist()
    frame = pd.DataFrame({"review_id": [str(i) for i in range(len(texts))], "text": texts, "language": "en"})
    models = {"shipped": english_model()}
    if old is not None:
        models["old"] = TextSentimentModel.load(old)
    for m in models.values():  # warm up (VADER, vectorisers, word index)
        m.predict_proba(texts[:50])
    best: dict[str, dict[str, float]] = {name: {"predict": 0.0, "annotate": 0.0} for name in models}
    original = annotate.english_model
    try:
        for _ in range(rounds):
            for name, m in models.items():
                t = time.perf_counter()
                m.predict_proba(texts)
                best[name]["predict"] = max(best[name]["predict"], len(texts) / (time.perf_counter() - t))
                annotate.english_model = lambda m=m: m  # type: ignore[assignment]
                t = time.perf_counter()
                annotate.annotate_reviews(frame)
                best[name]["annotate"] = max(best[name]["annotate"], len(texts) / (time.perf_counter() - t))
    finally:
        annotate.english_model = original  # type: ignore[assignment]
    return {
        "n_texts": len(texts),
        "rounds": rounds,
        "note": "best of the rounds; unrated English reviews (Women's clothing + Alexa), one process",
        **{
            name: {
                "model_reviews_per_s": round(v["predict"], 1),
                "annotate_reviews_per_s": round(v["annotate"], 1),
            }
            for name, v in best.items()
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--n", type=int, default=1_000_000, help="Reviews in the large (memory) run.")
    ap.add_argument(
        "--small", type=int, default=20_000, help="Reviews in the speed runs (1 and 2 workers; 0 = skip)."
    )
    ap.add_argument("--workers", type=int, default=2, help="Workers of the large run.")
    ap.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit during the runs.")
    ap.add_argument("--out", default=None, help="Result file name in benchmarks/results/.")
    ap.add_argument(
        "--model-only",
        nargs="?",
        const="",
        default=None,
        metavar="OLD_MODEL",
        help="Only time the English model (optionally against an older model file).",
    )
    args = ap.parse_args()
    if args.model_only is not None:
        res_m = _model_speed(args.data, Path(args.model_only) if args.model_only else None)
        res_m["load_average"] = os.getloadavg()
        out_m = ROOT / "benchmarks" / "results" / (args.out or "reviews_speed_model.json")
        out_m.write_text(json.dumps(res_m, indent=2))
        print(json.dumps(res_m, indent=1))
        return
    pool = _pool(args.data)
    res: dict = {"pool_reviews": len(pool), "load_average_start": os.getloadavg()}
    res["baselines"] = _baselines(pool, 5000)
    with tempfile.TemporaryDirectory() as tmp:
        if args.small:
            small = Path(tmp) / "small.duckdb"
            _warehouse(pool, args.small, small)
            res["speed"] = [_run(small, 1, args.memory_limit), _run(small, 2, args.memory_limit)]
            for r in res["speed"]:
                r["ratio_to_vader"] = round(r["reviews_per_s"] / res["baselines"]["vader_reviews_per_s"], 3)
        if args.n:
            big = Path(tmp) / "big.duckdb"
            _warehouse(pool, args.n, big)
            res["large"] = _run(big, args.workers, args.memory_limit)
            res["large"]["ratio_to_vader"] = round(
                res["large"]["reviews_per_s"] / res["baselines"]["vader_reviews_per_s"], 3
            )
    res["peak_rss_mb_self"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    res["peak_rss_mb_largest_worker"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    res["load_average_end"] = os.getloadavg()
    out = ROOT / "benchmarks" / "results" / (args.out or "reviews_speed.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2, ensure_ascii=False))
    print(json.dumps({k: v for k, v in res.items() if k != "large"}, indent=1)[:3000])
    if "large" in res:
        print("large:", {k: v for k, v in res["large"].items() if k != "rss_mb_during_run"})
        print("rss during large run (fraction, MB):", res["large"]["rss_mb_during_run"])


if __name__ == "__main__":
    main()
