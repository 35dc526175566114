"""Helpers of the query layer: absent tables, column discovery, JSON-able rows, picking the run to show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xborder.api.db import Database
from xborder.core.jsonable import to_jsonable

__all__ = ["missing_note", "records", "pick_col", "filtered_rows", "quote"]


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


def pick_col(cols: Sequence[str], *candidates: str) -> str | None:
    """The first of ``candidates`` that is a column of the table."""
    for c in candidates:
        if c in cols:
            return c
    return None


def filtered_rows(
    db: Database,
    table: str,
    filters: Sequence[tuple[Sequence[str], Any]],
    *,
    run_id: str | None = None,
    order_by: Sequence[str] = (),
    limit: int = 1000,
) -> dict[str, Any]:
    """Rows of ``table`` matching every filter ((candidate columns, value), first existing column used).

    When the table has a ``run_id`` column, rows of ``run_id`` are returned if there are any, else the
    rows of the latest run that has some (run ids sort by time). The result says which run it used.
    """
    cols = db.columns(table)
    if not cols:
        return {"rows": [], "note": missing_note(table), "run_id": None}
    where, params = [], []
    for candidates, value in filters:
        col = pick_col(cols, *candidates)
        if col is None:
            return {
                "rows": [],
                "note": f"Table '{table}' has none of the columns {list(candidates)}.",
                "run_id": None,
            }
        where.append(f"{quote(col)} = ?")
        params.append(value)
    cond = " AND ".join(where) or "TRUE"
    used_run = None
    order = ", ".join(quote(c) for c in order_by if c in cols)
    qualify = ""
    if "run_id" in cols:  # one scan: the requested run's rows if it has any, else the latest run's
        qualify = (
            " QUALIFY run_id = coalesce(max(CASE WHEN run_id = ? THEN run_id END) OVER (), "
            "max(run_id) OVER ())"
        )
        params = [*params, run_id]
    sql = (
        f"SELECT * FROM {quote(table)} WHERE {cond}{qualify}"
        + (f" ORDER BY {order}" if order else "")
        + f" LIMIT {int(limit)}"
    )
    with db.read() as cur:
        rows = records(cur, sql, params)
    used_run = rows[0].get("run_id") if rows and "run_id" in cols else None
    if "run_id" in cols and not rows:
        return {"rows": [], "note": f"No rows in '{table}' for this selection in any run.", "run_id": None}
    note = None if rows else f"No rows in '{table}' for this selection."
    if run_id and used_run and used_run != run_id:
        note = f"No rows of run {run_id}; showing run {used_run}."
    return {"rows": rows, "note": note, "run_id": used_run}
