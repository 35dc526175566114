"""Open the warehouse (creating and migrating it as needed) and summarise what it holds."""

from __future__ import annotations

from pathlib import Path

import duckdb

from xborder.core.errors import BadInputError
from xborder.warehouse.migrate import apply_migrations

__all__ = ["connect", "table_counts", "DATE_COLUMNS"]

# Which column dates each table, for status summaries.
DATE_COLUMNS: dict[str, str] = {
    "order_lines": "ordered_at",
    "sales": "period_start",
    "rank_snapshots": "observed_at",
    "search_trends": "ds",
    "reviews": "reviewed_at",
    "ingest_log": "started_at",
    "runs": "started_at",
    "supplier_offers": "valid_from",
    "listings": "first_seen",
}


def connect(db_path: str | Path = "xborder.duckdb", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB warehouse at ``db_path``; a new or older file is migrated to the current schema."""
    path = Path(db_path).expanduser()
    if str(db_path) != ":memory:":
        if read_only and not path.exists():
            raise BadInputError(
                f"No warehouse at {path}.",
                hint="Create one with `xborder init` or load data with `xborder ingest`.",
            )
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path) if str(db_path) != ":memory:" else ":memory:", read_only=read_only)
    except duckdb.IOException as exc:
        raise BadInputError(f"Cannot open the warehouse {path}: {exc}") from exc
    if not read_only:
        apply_migrations(con)
    return con


def table_counts(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Every base table with its row count and, where it has one, its date range."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]
    out: list[dict[str, object]] = []
    for t in tables:
        col = DATE_COLUMNS.get(t)
        if col:
            n, lo, hi = con.execute(f'SELECT count(*), min("{col}"), max("{col}") FROM "{t}"').fetchone()  # type: ignore[misc]
        else:
            (n,) = con.execute(f'SELECT count(*) FROM "{t}"').fetchone()  # type: ignore[misc]
            lo = hi = None
        out.append(
            {
                "table": t,
                "rows": int(n),
                "from": None if lo is None else str(lo),
                "to": None if hi is None else str(hi),
            }
        )
    return out
