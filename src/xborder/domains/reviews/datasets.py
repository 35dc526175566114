"""Loaders for the public labelled review sets in ../shared/data (training, benchmarks and tests only).

Each loader returns a frame with ``text`` and ``label`` (1 positive, 0 negative) and, where the
source has them, ``rating``, ``date`` and ``group`` columns. This module does file I/O and is
not used by the engine.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

__all__ = ["UCI_DOMAINS", "load_uci", "load_womens_clothing", "load_alexa", "load_chinese", "load_datafiniti"]

UCI_DOMAINS = ("amazon_cells", "yelp", "imdb")


def load_uci(data_dir: Path, domain: str) -> pd.DataFrame:
    """UCI Sentiment Labelled Sentences (Kotzias et al. 2015, CC BY 4.0): 1,000 sentences per domain."""
    path = Path(data_dir) / "uci_sentiment_labelled_sentences" / f"{domain}_labelled.txt"
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        text, _, label = line.rstrip().rpartition("\t")
        if text and label in {"0", "1"}:
            rows.append((text.strip(), int(label)))
    df = pd.DataFrame(rows, columns=["text", "label"])
    df["group"] = domain
    return df


def load_womens_clothing(data_dir: Path, *, drop_neutral: bool = True) -> pd.DataFrame:
    """Women's E-Commerce Clothing Reviews (CC0). Label: rating ≥ 4 positive, ≤ 2 negative (3 dropped).

    The title, when present, is prepended to the text. ``recommended`` holds the source's flag.
    """
    df = pd.read_csv(
        Path(data_dir) / "womens_ecommerce_clothing_reviews" / "Womens_Clothing_E-Commerce_Reviews.csv.gz"
    )
    df = df.dropna(subset=["Review Text"])
    text = (df["Title"].fillna("").astype(str) + ". " + df["Review Text"].astype(str)).str.lstrip(". ")
    out = pd.DataFrame(
        {
            "text": text.to_numpy(),
            "rating": df["Rating"].astype(float).to_numpy(),
            "recommended": df["Recommended IND"].astype(int).to_numpy(),
            "group": df["Class Name"].fillna("unknown").astype(str).to_numpy(),
            "source_id": df["Clothing ID"].astype(str).to_numpy(),
        }
    )
    if drop_neutral:
        out = out[out["rating"] != 3].copy()
    out["label"] = (out["rating"] >= 4).astype(int)
    return out.reset_index(drop=True)


def load_alexa(data_dir: Path) -> pd.DataFrame:
    """Amazon Alexa reviews (no licence stated; evaluation only). Label: the source's ``feedback`` flag."""
    df = pd.read_csv(
        Path(data_dir) / "amazon_alexa_reviews" / "amazon_alexa.tsv", sep="\t", encoding="utf-8-sig"
    )
    df = df.dropna(subset=["verified_reviews"])
    df = df[df["verified_reviews"].astype(str).str.strip() != ""]
    return pd.DataFrame(
        {
            "text": df["verified_reviews"].astype(str).to_numpy(),
            "rating": df["rating"].astype(float).to_numpy(),
            "label": df["feedback"].astype(int).to_numpy(),
            "group": df["variation"].astype(str).to_numpy(),
            "date": pd.to_datetime(df["date"], format="%d-%b-%y", errors="coerce").to_numpy(),
        }
    )


def load_chinese(data_dir: Path) -> pd.DataFrame:
    """ChineseNlpCorpus online_shopping_10_cats (no licence file; evaluation only): ``cat`` as group."""
    path = Path(data_dir) / "chinese_online_shopping_10_cats" / "online_shopping_10_cats.zip"
    with zipfile.ZipFile(path) as z, z.open("online_shopping_10_cats.csv") as fh:
        df = pd.read_csv(fh, encoding="utf-8-sig")
    df = df.dropna(subset=["review"])
    return pd.DataFrame(
        {
            "text": df["review"].astype(str).str.replace("\ufeff", "").to_numpy(),
            "label": df["label"].astype(int).to_numpy(),
            "group": df["cat"].astype(str).to_numpy(),
        }
    )


def load_datafiniti(data_dir: Path) -> pd.DataFrame:
    """Datafiniti Amazon consumer reviews, file 1429_1 (CC BY-NC-SA 4.0; evaluation/demo only)."""
    path = Path(data_dir) / "datafiniti_amazon_consumer_reviews" / "1429_1.csv.zip"
    with zipfile.ZipFile(path) as z, z.open("1429_1.csv") as fh:
        df = pd.read_csv(fh, low_memory=False)
    df = df.dropna(subset=["reviews.text", "reviews.rating"])
    return pd.DataFrame(
        {
            "text": df["reviews.text"].astype(str).to_numpy(),
            "rating": df["reviews.rating"].astype(float).to_numpy(),
            "label": (df["reviews.rating"] >= 4).astype(int).to_numpy(),
            "group": df["asins"].astype(str).to_numpy(),
            "product": df["name"].astype(str).to_numpy(),
            "date": pd.to_datetime(df["reviews.date"], errors="coerce", utc=True)
            .dt.tz_localize(None)
            .to_numpy(),
        }
    )
