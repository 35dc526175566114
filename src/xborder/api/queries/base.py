"""Helpers of the query layer: absent tables, JSON-able rows, quoted identifiers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xborder.core.jsonable import to_jsonable

__all__ = ["missing_note", "records", "quote"]


def missing_note(table: str) -> str:
    """The note shown instead of rows when a table is not in this warehouse yet."""
    return f"Table '{table}' is not in this warehouse yet: run the pipeline (Runs page or `xborder run`) to build it."


def quote(name: str) -> str:
    """A double-quoted SQL identifier (names come from the catalogue, never from requests)."""
    return '"' + name.replace('"', '""') + '"'


def records(cur: Any, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Rows of a query as JSON-able dicts."""
    res = cur.execute(sql, list(params))
    names = [d[0] for d in res.description]
    return [to_jsonable(dict(zip(names, row, strict=True))) for row in res.fetchall()]
