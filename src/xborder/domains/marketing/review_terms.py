"""Review language in the keyword matrix: buyers' pain and delight phrases matched to the search terms.

The reviews domain ranks, per product (or category) × market, the phrases that set low-star reviews apart from
high-star ones (``review_phrases``: ``pain`` / ``delight``, lemmatised, 1-3 words). Here each phrase of an
advertised product is looked for in that product's customer search terms: a phrase is *in* a term when every
word of the phrase is a word of the term after a light stemming (plural, -ing, -ed: the phrases are lemmatised,
the queries are not); a Chinese phrase when its characters appear in the term. That gives

- per search term, the pains and delights it names (``review_language``) — a term that names a delight
  speaks the buyers' own words; one that names a pain draws buyers who fear it;
- per review phrase, the volume, conversion and cost of the search terms naming it (``review_phrase_terms``);
  a phrase no term names (``searched`` False) is a keyword idea from the reviews, with no evidence of volume.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["PHRASE_COLUMNS", "word_stems", "phrase_in_term", "review_language", "review_phrase_terms"]

PHRASE_COLUMNS = ("product_id", "review_scope", "kind", "phrase", "z", "n_negative", "n_positive")
"""Review phrases as the functions take them: ``product_id`` is the advertised product they apply to, and
``review_scope`` says whether they come from its own reviews (``product``) or its category's (``category``)."""

_WORD = re.compile(r"[0-9a-zà-ÿ]+|[\u3400-\u9fff]+", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")
_KEEP_S = ("ss", "us", "is")
_ACCOUNT = ["marketplace_id", "market_code", "currency"]
_MEASURES = ["clicks", "spend", "orders", "sales"]


def _stem(word: str) -> str:
    """Plural, -ing and -ed off, then a final e (``bottles``/``bottle`` → ``bottl``, ``leaking`` → ``leak``,
    ``stopped`` → ``stop``): both sides go through it, so only the lemma and its inflections need to meet."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("ches", "shes", "sses", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(_KEEP_S):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
                word = word[:-1]
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def word_stems(text: str) -> frozenset[str]:
    """The lower-case words of ``text``, lightly stemmed (:func:`_stem`)."""
    return frozenset(_stem(w) for w in _WORD.findall(str(text).lower()))


def phrase_in_term(phrase: str, term: str) -> bool:
    """Whether review phrase ``phrase`` is named by search term ``term`` (module docstring)."""
    if _CJK.search(phrase):
        return phrase.replace(" ", "") in str(term).replace(" ", "")
    words = word_stems(phrase)
    return bool(words) and words <= word_stems(term)


def _matches(matrix: pd.DataFrame, phrases: pd.DataFrame) -> pd.DataFrame:
    """(matrix row index, phrase row index) pairs of the same product where the phrase is in the term."""
    pairs: list[tuple[int, int]] = []
    if matrix.empty or phrases.empty:
        return pd.DataFrame({"row": pd.Series(dtype=int), "phrase_row": pd.Series(dtype=int)})
    stems = {i: word_stems(t) for i, t in zip(matrix.index, matrix["search_term"], strict=True)}
    by_product = {p: g.index for p, g in matrix.groupby("product_id", dropna=True)}
    for j, (product, phrase) in enumerate(zip(phrases["product_id"], phrases["phrase"], strict=True)):
        rows = by_product.get(product)
        if rows is None:
            continue
        if _CJK.search(str(phrase)):
            plain = str(phrase).replace(" ", "")
            pairs += [(i, j) for i in rows if plain in str(matrix.at[i, "search_term"]).replace(" ", "")]
            continue
        words = word_stems(str(phrase))
        if words:
            pairs += [(i, j) for i in rows if words <= stems[i]]
    return pd.DataFrame(pairs, columns=["row", "phrase_row"]).astype(int)


def review_language(matrix: pd.DataFrame, phrases: pd.DataFrame) -> pd.DataFrame:
    """``matrix`` (``ad_keyword_matrix`` rows) with ``review_scope`` (product | category, where the product has
    review phrases), ``review_pains`` and ``review_delights`` (the phrases each term names, strongest first,
    ``; ``-joined; empty when none) — rows and order unchanged."""
    out = matrix.copy()
    out["review_scope"] = None
    out["review_pains"] = None
    out["review_delights"] = None
    if out.empty or phrases.empty:
        return out
    ph = phrases.reset_index(drop=True)
    scope = ph.drop_duplicates("product_id").set_index("product_id")["review_scope"]
    out["review_scope"] = (
        out["product_id"].map(scope).astype(object).where(out["product_id"].isin(scope.index), None)
    )
    m = _matches(out, ph)
    if m.empty:
        return out
    m = m.assign(kind=ph["kind"].to_numpy()[m["phrase_row"]], phrase=ph["phrase"].to_numpy()[m["phrase_row"]],
                 z=ph["z"].abs().to_numpy()[m["phrase_row"]])  # fmt: skip
    m = m.sort_values(["row", "z"], ascending=[True, False])
    for kind, col in (("pain", "review_pains"), ("delight", "review_delights")):
        joined = m[m["kind"] == kind].groupby("row")["phrase"].agg(lambda s: "; ".join(dict.fromkeys(s)))
        out.loc[joined.index, col] = joined.to_numpy()
    return out


def review_phrase_terms(matrix: pd.DataFrame, phrases: pd.DataFrame) -> pd.DataFrame:
    """One row per account × advertised product × review phrase: the phrase's strength in the reviews (``z``,
    negative and positive reviews with it) and what the search terms naming it did — ``terms``, clicks,
    spend, orders, sales, CVR, ACoS and the largest such term; ``searched`` False when no term names it.

    Args:
        matrix: ``ad_keyword_matrix`` rows (account columns, ``product_id``, ``search_term`` and the measures).
        phrases: Review phrases per advertised product (:data:`PHRASE_COLUMNS`).
    """
    cols = [*_ACCOUNT, *PHRASE_COLUMNS, "terms", *_MEASURES, "cvr", "acos", "top_term", "searched"]
    if matrix.empty or phrases.empty:
        return pd.DataFrame(columns=cols)
    ph = phrases.reset_index(drop=True)
    accounts = matrix.dropna(subset=["product_id"])[[*_ACCOUNT, "product_id"]].drop_duplicates()
    base = accounts.merge(ph.reset_index(names="phrase_row"), on="product_id")
    if base.empty:
        return pd.DataFrame(columns=cols)
    m = _matches(matrix, ph)
    hits = matrix.loc[m["row"], [*_ACCOUNT, "search_term", *_MEASURES]].assign(
        phrase_row=m["phrase_row"].to_numpy()
    )
    hits = hits.sort_values("clicks", ascending=False)
    agg = hits.groupby([*_ACCOUNT, "phrase_row"], as_index=False, dropna=False).agg(
        terms=("search_term", "size"), top_term=("search_term", "first"),
        **{c: (c, "sum") for c in _MEASURES},  # type: ignore[arg-type]
    )  # fmt: skip
    out = base.merge(agg, on=[*_ACCOUNT, "phrase_row"], how="left")
    out["terms"] = out["terms"].fillna(0).astype(int)
    for c in _MEASURES:
        out[c] = out[c].fillna(0.0)
    out["searched"] = out["terms"] > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        out["cvr"] = out["orders"] / out["clicks"].where(out["clicks"] > 0)
        out["acos"] = out["spend"] / out["sales"].where(out["sales"] > 0)
    out["strength"] = out["z"].abs()
    keys = [*_ACCOUNT, "product_id", "kind", "clicks", "strength"]
    out = out.sort_values(keys, ascending=[True] * 5 + [False, False])
    return out[cols].reset_index(drop=True)
