"""Numbered SQL migrations (``migrations/NNN_name.sql``), each applied once, in one transaction."""

from __future__ import annotations

import re
from importlib import resources

import duckdb

__all__ = ["apply_migrations", "current_version", "list_migrations"]

_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def list_migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every migration shipped with the package, in order."""
    out = []
    for entry in resources.files("xborder.warehouse").joinpath("migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            out.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    out.sort()
    versions = [v for v, _, _ in out]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"Two migrations share a number: {versions}")
    return out


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """Highest applied migration number, 0 for an empty warehouse."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not applied yet; returns the file names applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    con.execute("COMMENT ON TABLE schema_migrations IS 'Migrations applied to this warehouse file.'")
    con.execute("COMMENT ON COLUMN schema_migrations.version IS 'Migration number (NNN of NNN_name.sql).'")
    con.execute("COMMENT ON COLUMN schema_migrations.name IS 'Migration file name.'")
    con.execute("COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied (UTC).'")
    done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in list_migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
