"""The xborder category taxonomy (top levels of Google's product taxonomy, mapped to HS chapters).

``catalog/data/categories.csv`` is the single list every engine groups, prices and checks by:
``category`` (id), English and Simplified Chinese names, the Google product taxonomy branch
it corresponds to, and the HS chapters its goods usually fall in.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["categories", "CATEGORY_IDS"]


@lru_cache(maxsize=1)
def _rows() -> tuple[dict[str, str], ...]:
    # the csv module, not pandas: ingest needs only the ids, and importing pandas costs it 0.3 s
    with (
        resources.files("xborder.catalog")
        .joinpath("data", "categories.csv")
        .open("r", encoding="utf-8") as fh
    ):
        return tuple(csv.DictReader(fh))


def categories() -> pd.DataFrame:
    """The taxonomy as a frame (one row per category id; every column text)."""
    import pandas as pd

    rows = _rows()
    return pd.DataFrame.from_records(list(rows), columns=list(rows[0])).astype(str)


CATEGORY_IDS: tuple[str, ...] = tuple(r["category"] for r in _rows())
