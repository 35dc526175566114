"""Open the warehouse (creating and migrating it as needed) and summarise what it holds."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from xborder.core.errors import BadInputError
from xborder.warehouse.migrate import apply_migrations

__all__ = ["connect", "table_counts", "DATE_COLUMNS", "WarehouseLockedError", "holder_command"]

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


_HOLDER = re.compile(r"\(PID (\d+)\)")


class WarehouseLockedError(BadInputError):
    """Another process holds the warehouse file (DuckDB allows one writer, or many readers, per file).

    Attributes:
        path: The warehouse file.
        pid: The holder's process id when DuckDB named it, else None.
        command: The holder's command line (from /proc) when it can be read, else "".
        read_only: Whether this was an attempt to open for reading only.
    """

    def __init__(self, path: Path, pid: int | None, read_only: bool) -> None:
        self.path, self.pid, self.read_only = path, pid, read_only
        self.command = holder_command(pid)
        who = f"process {pid}" + (f" ({self.command})" if self.command else "") if pid else "another process"
        super().__init__(
            f"The warehouse {path} is in use by {who}; it cannot be opened "
            f"{'even for reading' if read_only else 'for writing'} while that process holds it.",
            hint="Wait for that command to finish and run this again, or stop it. If it is `xborder serve`, use the "
            "server (its Data, Runs and Users pages or the REST API) while it runs.",
        )


def holder_command(pid: int | None) -> str:
    """The command line of process ``pid`` (Linux /proc), shortened; "" when unknown."""
    if not pid:
        return ""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    parts = [p.decode("utf-8", "replace") for p in raw.split(b"\0") if p]
    if parts and Path(parts[0]).name.startswith("python") and len(parts) > 1:
        parts = parts[1:]
    if parts:
        parts[0] = Path(parts[0]).name
    return " ".join(parts)[:120]


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
        text = str(exc)
        if "lock" in text.lower():
            m = _HOLDER.search(text)
            raise WarehouseLockedError(path, int(m.group(1)) if m else None, read_only) from exc
        raise BadInputError(f"Cannot open the warehouse {path}: {exc}") from exc
    # DuckDB draws its own progress bar on stdout for queries over ~2 s (on a loaded machine, even `xborder
    # --json status`): it broke --json output. Commands show their own progress (rich, on stderr).
    con.execute("SET enable_progress_bar = false")
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
