"""Brand/IP screen: titles naming a famous trademark or licensed franchise, and markets dominated by them.

A product whose title names a famous mark (a licensed character, a luxury or electronics brand, a band) may not
be sold abroad without the owner's licence for that territory; a market × category whose listings are mostly
famous brands is hard to enter. The screen is a short hand-picked list (:data:`FAMOUS_MARKS`, owner in the
comment), matched as whole words, case-insensitive — a flag for a person to check, not legal advice, and not
exhaustive. Generic words that are also marks (apple, frozen, paddington, london) are left out or matched only
with their distinctive context ("iPhone", "Paddington Bear").
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["FAMOUS_MARKS", "find_mark", "title_marks", "listing_brand_share", "DOMINANT_SHARE"]

FAMOUS_MARKS: dict[str, str] = {
    # licensed characters and franchises (owner)
    "Disney": r"disney",  # The Walt Disney Company
    "Mickey Mouse": r"mickey(?: mouse)?",  # Disney
    "Minnie Mouse": r"minnie(?: mouse)?",  # Disney
    "Winnie the Pooh": r"winnie[- ]the[- ]pooh",  # Disney
    "Marvel": r"marvel",  # Marvel / Disney
    "Spider-Man": r"spider[- ]?man",  # Marvel / Disney
    "Star Wars": r"star wars",  # Lucasfilm / Disney
    "Pixar": r"pixar",  # Disney
    "Hello Kitty": r"hello kitty",  # Sanrio
    "Pokémon": r"pok[eé]mon",  # The Pokémon Company
    "Super Mario": r"super mario",  # Nintendo
    "Barbie": r"barbie",  # Mattel
    "Hot Wheels": r"hot wheels",  # Mattel
    "LEGO": r"lego",  # LEGO A/S
    "Playmobil": r"playmobil",  # geobra Brandstätter
    "Harry Potter": r"harry potter|hogwarts",  # Warner Bros.
    "Batman": r"batman",  # DC Comics / Warner Bros.
    "Superman": r"superman",  # DC Comics / Warner Bros.
    "Peppa Pig": r"peppa pig",  # Hasbro
    "Paw Patrol": r"paw patrol",  # Spin Master
    "Minions": r"minions",  # Universal / Illumination
    "Transformers": r"transformers",  # Hasbro
    "My Little Pony": r"my little pony",  # Hasbro
    "Sesame Street": r"sesame street",  # Sesame Workshop
    "Snoopy": r"snoopy|peanuts gang",  # Peanuts Worldwide
    "Moomin": r"moomins?",  # Moomin Characters
    "Paddington Bear": r"paddington bear",  # Paddington and Company
    "Top Trumps": r"top trumps",  # Winning Moves
    "Doctor Who": r"doctor who|dr\.? who",  # BBC
    "High School Musical": r"high school musical",  # Disney
    "James Bond": r"james bond|007",  # Danjaq / EON
    "Betty Boop": r"betty boop",  # Fleischer Studios
    # personalities and bands (estates and rights holders)
    "Elvis": r"elvis",  # Elvis Presley Enterprises / Authentic Brands Group
    "Marilyn Monroe": r"marilyn monroe",  # Authentic Brands Group
    "The Beatles": r"beatles",  # Apple Corps
    "Guns N' Roses": r"guns n'? roses|guns and roses",  # the band's trademark
    # consumer brands
    "Coca-Cola": r"coca[- ]cola",
    "Nike": r"nike",
    "Adidas": r"adidas",
    "iPhone": r"iphone|ipad|airpods",  # Apple Inc.
    "Samsung": r"samsung",
    "Gucci": r"gucci",
    "Chanel": r"chanel",
    "Louis Vuitton": r"louis vuitton",
    "Rolex": r"rolex",
    "PlayStation": r"playstation",  # Sony
    "Xbox": r"xbox",  # Microsoft
    "Ferrari": r"ferrari",
}
"""Display name → pattern (whole words, case-insensitive). Hand-picked; owners in the comments."""

DOMINANT_SHARE = 0.5
"""A market × category is flagged when famous marks hold at least this share of its listings' (estimated) sales."""

_PATTERN = re.compile(
    "|".join(f"(?P<m{i}>\\b(?:{p})\\b)" for i, p in enumerate(FAMOUS_MARKS.values())), re.IGNORECASE
)
_NAMES = list(FAMOUS_MARKS)


def find_mark(text: object) -> str | None:
    """The first famous mark named in ``text`` (its display name), or None."""
    if not isinstance(text, str) or not text:
        return None
    m = _PATTERN.search(text)
    if m is None or m.lastgroup is None:
        return None
    return _NAMES[int(m.lastgroup[1:])]


def title_marks(titles: pd.Series) -> pd.Series:
    """The famous mark each title names (None where none), computed once per distinct title."""
    uniq = {t: find_mark(t) for t in titles.dropna().unique()}
    return titles.map(uniq)


def listing_brand_share(listings: pd.DataFrame) -> pd.DataFrame:
    """Per ``market × category``: the share of the listings' weight held by famous marks (``brand_share``) and
    the heaviest mark (``top_mark``).

    A listing names a mark through its seller/brand or its title. The weight of a listing is its estimated
    units (``est_units``) when any listing has one, else its rating count, else 1 (competition.py's basis).
    """
    cols = ["market", "category", "brand_share", "top_mark"]
    if listings is None or listings.empty:
        return pd.DataFrame(columns=cols)
    lst = listings.copy()
    by_seller = title_marks(lst["seller"]) if "seller" in lst else pd.Series(None, index=lst.index)
    by_title = title_marks(lst["title"]) if "title" in lst else pd.Series(None, index=lst.index)
    lst["_mark"] = by_seller.combine_first(by_title)
    basis = next((c for c in ("est_units", "rating_count") if c in lst and lst[c].notna().any()), None)
    lst["_w"] = pd.to_numeric(lst[basis], errors="coerce").fillna(0.0) if basis else 1.0
    if not (lst["_w"] > 0).any():
        lst["_w"] = 1.0
    lst["_wm"] = np.where(lst["_mark"].notna(), lst["_w"], 0.0)
    g = lst.groupby(["market", "category"], dropna=False)
    out = (g["_wm"].sum() / g["_w"].sum().where(lambda s: s > 0)).rename("brand_share").to_frame()
    marked = lst[lst["_mark"].notna()]
    heaviest = (
        marked.groupby(["market", "category", "_mark"])["_w"]
        .sum()
        .reset_index()
        .sort_values("_w", ascending=False)
    )
    top = heaviest.drop_duplicates(["market", "category"]).set_index(["market", "category"])["_mark"]
    out["top_mark"] = top.reindex(out.index)
    return out.reset_index()[cols]
