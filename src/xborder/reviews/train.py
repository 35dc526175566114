"""Rebuild the shipped English sentiment model from openly licensed data (a developer tool).

Trained on: UCI Sentiment Labelled Sentences, all three domains (CC BY 4.0, 3,000 sentences) and a
fixed random sample of 8,000 Women's E-Commerce Clothing Reviews with rating ≠ 3 (CC0; ≥ 4 stars
positive). Nothing from the Alexa, Datafiniti or Chinese sets is used (unclear or non-commercial
licences). Usage::

    python -m xborder.reviews.train --data ../shared/data --out src/xborder/reviews/models
    python -m xborder.reviews.train --data ../shared/data --nlp   # embedding head (nlp extra; UCI only)
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from xborder.reviews.clean import clean_texts
from xborder.reviews.datasets import UCI_DOMAINS, load_uci, load_womens_clothing
from xborder.reviews.sentiment import ENGLISH_MODEL_FILE, TextSentimentModel

__all__ = ["english_training_frame", "train_english", "train_nlp", "WOMENS_SAMPLE", "SEED"]

WOMENS_SAMPLE = 8000
SEED = 0


def english_training_frame(
    data_dir: Path, *, uci_domains: tuple[str, ...] = UCI_DOMAINS, womens: bool = True
) -> pd.DataFrame:
    """The English training rows: the chosen UCI domains plus the Women's clothing sample."""
    parts = [load_uci(data_dir, d) for d in uci_domains]
    if womens:
        w = load_womens_clothing(data_dir)
        parts.append(w.sample(min(WOMENS_SAMPLE, len(w)), random_state=SEED)[["text", "label", "group"]])
    df = pd.concat(parts, ignore_index=True)
    df["text"], _ = clean_texts(df["text"])
    return df


def train_english(frame: pd.DataFrame) -> TextSentimentModel:
    """Fit the default English model on a frame with ``text`` and ``label``."""
    return TextSentimentModel().fit(frame["text"].tolist(), frame["label"].to_numpy())


def main() -> None:
    """Command-line entry: train on the shared data and write the model file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="The shared/data folder.")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "models")
    ap.add_argument("--nlp", action="store_true", help="Only (re)build the embedding head of the nlp extra.")
    args = ap.parse_args()
    if args.nlp:
        print(f"wrote {train_nlp(args.data, args.out)}")
        return
    frame = english_training_frame(args.data)
    model = train_english(frame)
    card = {
        "trained_on": {
            "uci_sentences": dict.fromkeys(UCI_DOMAINS, 1000),
            "womens_clothing_sample": WOMENS_SAMPLE,
            "seed": SEED,
        },
        "licences": {"uci_sentences": "CC BY 4.0 (Kotzias et al., KDD 2015)", "womens_clothing": "CC0"},
        "n_rows": int(len(frame)),
        "positive_share": float(np.mean(frame["label"])),
        "built": dt.date.today().isoformat(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out / ENGLISH_MODEL_FILE, card=card)
    print(f"wrote {args.out / ENGLISH_MODEL_FILE} ({len(frame)} training rows)")


def train_nlp(data_dir: Path, out_dir: Path) -> Path:
    """Fit and write the optional embedding sentiment head (nlp extra) on the three UCI sentence sets."""
    from xborder.reviews.embed import NLP_MODEL_FILE, EmbeddingSentiment

    frame = english_training_frame(data_dir, womens=False)
    model = EmbeddingSentiment().fit(frame["text"].tolist(), frame["label"].to_numpy())
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(out_dir / NLP_MODEL_FILE)
    return out_dir / NLP_MODEL_FILE


if __name__ == "__main__":  # pragma: no cover
    main()
