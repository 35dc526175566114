"""Load versioned rule tables (``reference/data/**/*.csv``) and select the rules in force on a date.

Every rule row carries ``source`` (an address), ``valid_from``, ``valid_to`` (empty = open-ended),
``last_checked`` and ``confidence``: ``high`` (read in the official source), ``medium`` (a reputable secondary
source) or ``low`` (a documented assumption). Answers cite the rows they used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["CONFIDENCE_LEVELS", "RULE_COLUMNS", "load_table", "as_of", "weakest"]

RULE_COLUMNS = ("source", "valid_from", "valid_to", "last_checked", "confidence")
CONFIDENCE_LEVELS = ("high", "medium", "low")


@lru_cache(maxsize=64)
def _read(name: str) -> pd.DataFrame:
    path = resources.files("xborder.reference").joinpath("data", f"{name}.csv")
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False, comment=None)
    missing = [c for c in RULE_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"Rule table {name}.csv lacks the columns {missing}; every rule needs them.")
    for col in ("valid_from", "valid_to", "last_checked"):
        parsed = pd.to_datetime(df[col].replace("", None), format="%Y-%m-%d")
        # object dtype of datetime.date / None even when the whole column is empty (then pandas keeps datetime64)
        df[col] = pd.Series([d.date() if pd.notna(d) else None for d in parsed], index=df.index, dtype=object)
    bad = ~df["confidence"].isin(CONFIDENCE_LEVELS)
    if bad.any():
        raise ValueError(
            f"Rule table {name}.csv: confidence must be high, medium or low (rows {list(df.index[bad] + 2)})."
        )
    return df


def load_table(name: str) -> pd.DataFrame:
    """A copy of rule table ``name`` (file ``reference/data/<name>.csv``), dates parsed."""
    return _read(name).copy()


def as_of(df: pd.DataFrame, date: dt.date | str | None = None) -> pd.DataFrame:
    """Rows in force on ``date`` (default today): valid_from <= date and (valid_to empty or date <= valid_to)."""
    if date is None:
        d = dt.date.today()
    elif isinstance(date, str):
        d = dt.date.fromisoformat(date)
    else:
        d = date
    vf = df["valid_from"]
    vt = df["valid_to"]
    mask = vf.isna() | (vf <= d)
    mask &= vt.isna() | (vt >= d)
    return df[mask.to_numpy()]


def weakest(levels: Iterable[str]) -> str:
    """The weakest of ``levels`` (``low`` < ``medium`` < ``high``); ``""`` when there is none."""
    seen = [lv for lv in levels if lv in CONFIDENCE_LEVELS]
    return max(seen, key=CONFIDENCE_LEVELS.index) if seen else ""
