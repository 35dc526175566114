"""The xborder category taxonomy (top levels of Google's product taxonomy, mapped to HS chapters).

``catalog/data/categories.csv`` is the single list every engine groups, prices and checks by:
``category`` (id), English and Simplified Chinese names, the Google product taxonomy branch
it corresponds to, and the HS chapters its goods usually fall in.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["categories", "CATEGORY_IDS"]


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    with (
        resources.files("xborder.catalog")
        .joinpath("data", "categories.csv")
        .open("r", encoding="utf-8") as fh
    ):
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def categories() -> pd.DataFrame:
    """The taxonomy as a frame (one row per category id)."""
    return _load().copy()


CATEGORY_IDS: tuple[str, ...] = tuple(_load()["category"])
