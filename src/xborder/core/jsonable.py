"""Plain JSON values from frames, numpy scalars, dates and NaN (orjson does the work; NaN/inf become null)."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import orjson

__all__ = ["to_jsonable", "dumps"]

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def _default(obj: Any) -> Any:
    # pandas and numpy are looked up, not imported: an object of theirs means they are loaded already, and
    # a command that never touches them (``xborder ingest``) does not pay 0.3 s to import them.
    pd = sys.modules.get("pandas")
    if pd is not None:
        if isinstance(obj, pd.DataFrame):
            return obj.to_dict(orient="records")
        if obj is pd.NaT:
            return None
    if isinstance(obj, dt.datetime | dt.date):  # ISO 8601 as Python writes it (pandas Timestamps included)
        return obj.isoformat()
    if isinstance(obj, set | frozenset):
        return list(obj)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"Cannot encode {type(obj).__name__} as JSON")


def dumps(obj: Any, *, indent: bool = False) -> bytes:
    """UTF-8 JSON of ``obj`` (frames as lists of records, dates ISO 8601, NaN and inf as null)."""
    return orjson.dumps(obj, default=_default, option=_OPTIONS | (orjson.OPT_INDENT_2 if indent else 0))


def to_jsonable(obj: Any) -> Any:
    """``obj`` as plain JSON values (dict, list, str, int, float, bool, None)."""
    return orjson.loads(dumps(obj))
