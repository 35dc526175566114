"""Table helpers every stage and interface uses: does it exist, which columns, write a frame, read a run's rows.

Writes go by the table's declaration (:mod:`xborder.schema`): a frame is inserted into the declared columns
by name, columns it lacks are NULL, and a column the table does not declare is an error (a typo would
otherwise vanish). Reads tolerate a table that does not exist yet (an older warehouse, a stage not run):
they return an empty frame with the declared columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from xborder.schema import Table, table

__all__ = [
    "table_exists",
    "table_columns",
    "write_frame",
    "delete_run_rows",
    "read_rows",
    "latest_run_id",
    "latest_run_rows",
    "empty_frame",
]


def _decl(t: Table | str) -> Table:
    return t if isinstance(t, Table) else table(t)


def table_exists(con: Any, name: str) -> bool:
    """True when ``name`` is a table or view of the warehouse."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
        [name],
    ).fetchone()
    return bool(row and row[0])


def table_columns(con: Any, name: str) -> list[str]:
    """Column names of ``name`` in stored order (empty when the table does not exist)."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? "
        "ORDER BY ordinal_position",
        [name],
    ).fetchall()
    return [r[0] for r in rows]


def empty_frame(t: Table | str) -> pd.DataFrame:
    """An empty frame with the declared columns of ``t``."""
    return pd.DataFrame(columns=list(_decl(t).column_names))


def write_frame(con: Any, t: Table | str, df: pd.DataFrame, *, ignore: Iterable[str] = ()) -> int:
    """Insert ``df`` into table ``t`` by column name; returns the number of rows written.

    Args:
        con: Warehouse connection.
        t: The table (its declaration or its name).
        df: Rows; columns the table declares but ``df`` lacks are written as NULL.
        ignore: Helper columns of ``df`` that are not to be stored.

    Raises:
        ValueError: ``df`` has a column the table does not declare (and ``ignore`` does not name).
    """
    decl = _decl(t)
    if df is None or df.empty:
        return 0
    extra = [c for c in df.columns if c not in decl.column_names and c not in set(ignore)]
    if extra:
        raise ValueError(
            f"Table {decl.name} has no column(s) {extra}; it declares {', '.join(decl.column_names)}"
        )
    cols = [c for c in decl.column_names if c in df.columns]
    view = f"_xb_write_{decl.name}"
    con.register(view, df[cols])
    try:
        quoted = ", ".join(f'"{c}"' for c in cols)
        con.execute(f'INSERT INTO "{decl.name}" ({quoted}) SELECT {quoted} FROM "{view}"')
    finally:
        con.unregister(view)
    return int(len(df))


def delete_run_rows(con: Any, tables: Sequence[Table | str], run_id: str) -> None:
    """Delete the rows of ``run_id`` from each run-scoped table (a stage's clean re-run)."""
    for t in tables:
        decl = _decl(t)
        if decl.run_scoped and table_exists(con, decl.name):
            con.execute(f'DELETE FROM "{decl.name}" WHERE run_id = ?', [run_id])


def read_rows(
    con: Any,
    t: Table | str,
    run_id: str | None = None,
    *,
    where: str | None = None,
    params: Sequence[Any] = (),
    columns: Sequence[str] | None = None,
    order: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Rows of table ``t`` (of ``run_id`` when given and the table is run-scoped).

    ``where``/``order`` are SQL fragments over the declared columns (``params`` fill their ``?``). A table
    that does not exist yet gives an empty frame with the declared (or requested) columns.
    """
    decl = _decl(t)
    cols = list(columns or decl.column_names)
    missing = [c for c in cols if c not in decl.column_names]
    if missing:
        raise KeyError(f"Table {decl.name} declares no column(s) {missing}")
    if not table_exists(con, decl.name):
        return pd.DataFrame(columns=cols)
    sql = f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{decl.name}"'
    conds, args = [], list(params)
    if run_id is not None and decl.run_scoped:
        conds.append("run_id = ?")
        args = [run_id, *args]
    if where:
        conds.append(f"({where})")
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    if order:
        sql += f" ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return con.execute(sql, args).df()


def latest_run_id(con: Any, t: Table | str) -> str | None:
    """The most recent run (by ``runs.started_at``, else the largest id) with rows in table ``t``."""
    decl = _decl(t)
    if not decl.run_scoped or not table_exists(con, decl.name):
        return None
    row = con.execute(
        f'SELECT t.run_id FROM (SELECT DISTINCT run_id FROM "{decl.name}") t LEFT JOIN runs r USING (run_id) '
        "ORDER BY r.started_at DESC NULLS LAST, t.run_id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else str(row[0])


def latest_run_rows(
    con: Any, t: Table | str, *, where: str | None = None, params: Sequence[Any] = ()
) -> pd.DataFrame:
    """Rows of ``t`` from its most recent run (all rows when it is not run-scoped)."""
    decl = _decl(t)
    if not decl.run_scoped:
        return read_rows(con, decl, where=where, params=params)
    run = latest_run_id(con, decl)
    if run is None:
        return empty_frame(decl)
    return read_rows(con, decl, run, where=where, params=params)
