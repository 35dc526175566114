"""Rotate the pseudonym key: a new layer over every stored pseudonym, line keys untouched (docs/security.md)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from xborder.core.errors import BadInputError
from xborder.ingest.pseudonym import values_table
from xborder.schema import all_tables
from xborder.warehouse.keys import PSEUDONYM_COLUMNS, fingerprint, key_info, key_registry, layered
from xborder.warehouse.layers import forget_layer_map
from xborder.warehouse.tables import table_columns, table_exists

__all__ = ["RotateResult", "old_exports", "rotate_key"]

_MAP = "_x_rekey"


@dataclass
class RotateResult:
    """What a rotation did."""

    key_id: int
    fingerprint: str
    retired: str  # fingerprint of the key whose layer was outermost until now
    pseudonyms: int  # distinct stored pseudonyms re-keyed
    rows: dict[str, int] = field(default_factory=dict)  # "table.column" -> rows re-keyed
    seconds: float = 0.0
    # report files holding a pseudonym of before the rotation
    exports: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _present(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str | None]]:
    return [(t, c, w) for t, c, w in PSEUDONYM_COLUMNS if table_exists(con, t)]


def _distinct(con: duckdb.DuckDBPyConnection, cols: list[tuple[str, str, str | None]]) -> list[str]:
    parts = []
    for t, c, w in cols:
        value = f'unnest("{c}")' if c == "subject_keys" else f'"{c}"'
        parts.append(f'SELECT {value} AS v FROM "{t}"' + (f" WHERE {w}" if w else ""))
    sql = f"SELECT DISTINCT v FROM ({' UNION ALL '.join(parts)}) WHERE v IS NOT NULL"
    return [r[0] for r in con.execute(sql).fetchall()]


def rotate_key(
    con: duckdb.DuckDBPyConnection,
    *,
    reason: str,
    actor: str,
    now: dt.datetime,
    progress: Callable[[int, int, str], None] | None = None,
) -> RotateResult:
    """Add a new random key layer and re-key every stored pseudonym with it, in one transaction.

    Every value of every pseudonym column (:data:`xborder.warehouse.keys.PSEUDONYM_COLUMNS`) becomes
    HMAC(new key, value), through a map of the distinct values joined back in SQL. Line keys are not touched
    (they hash base-key pseudonyms, which ingest keeps making), so a re-ingest of an export still finds its
    lines. The registry (``pseudonym_keys``) records the new key and retires the one before; ``audit_log``
    records the rotation. The caller reseals the ledger (recorded row digests change) afterwards.
    ``progress(done, total, label)`` is called per column.

    Raises:
        BadInputError: no reason given, or the warehouse holds no key yet.
    """
    if not reason or not reason.strip():
        raise BadInputError("Say why the key is rotated.", hint='e.g. --reason "key seen in a shared script"')
    base = key_info(con)
    if base is None:
        raise BadInputError("This warehouse has no pseudonym key yet: nothing to rotate.")
    report = progress or (lambda done, total, label: None)
    started = time.perf_counter()
    registry = key_registry(con)
    new_text = secrets.token_hex(32)
    new_key = new_text.encode("utf-8")
    key_id = max(r["key_id"] for r in registry) + 1
    declared = {t.name: t for t in all_tables()}
    forget_layer_map(con)  # an ingest's map in this connection was made under the old layers
    con.execute("BEGIN TRANSACTION")
    try:
        cols = _present(con)
        values = _distinct(con, cols)
        values_table(con, _MAP, {"old": values, "new": [layered([new_key], v) for v in values]})
        res = RotateResult(key_id, fingerprint(new_key), registry[-1]["fingerprint"], len(values))
        for i, (t, c, w) in enumerate(cols):
            report(i, len(cols), f"{t}.{c}")
            n = _rekey(con, declared[t].primary_key, t, c, w)
            if n:
                res.rows[f"{t}.{c}"] = n
        report(len(cols), len(cols), "done")
        con.execute("DROP TABLE IF EXISTS temp._x_rekey")
        res.seconds = time.perf_counter() - started
        _register(con, registry, res, new_text, reason.strip(), actor, now)
        con.execute(
            "INSERT INTO audit_log (audit_id, occurred_at, user_id, username, ip, action, target, outcome, detail) "
            "VALUES (?, ?, NULL, ?, NULL, 'privacy.rotate_key', ?, 'ok', ?)",
            [secrets.token_hex(8), now, actor, f"pseudonym key {res.fingerprint}",
             json.dumps({"reason": reason.strip(), "retired": res.retired, "rows": res.rows,
                         "pseudonyms": res.pseudonyms})],
        )  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if table_exists(con, "report_files"):
        res.exports = old_exports(con, values)
    return res


def old_exports(con: duckdb.DuckDBPyConnection, old: list[str]) -> list[str]:
    """Report files (``report_files``) that hold one of the pseudonyms ``old`` (searched as erasure searches
    them: :func:`xborder.privacy.erase.exports_holding`, a PDF through its HTML)."""
    from pathlib import Path

    from xborder.privacy.erase import exports_holding

    rows = con.execute("SELECT path FROM report_files WHERE path IS NOT NULL ORDER BY created_at").fetchall()
    return exports_holding(list(dict.fromkeys(Path(r[0]) for r in rows)), old)


def _rekey(
    con: duckdb.DuckDBPyConnection, key: tuple[str, ...], table: str, column: str, where: str | None
) -> int:
    """Set ``column`` of ``table`` to its new form (rows matching ``where``); returns rows changed."""
    if column == "subject_keys":
        rows = con.execute(
            f'SELECT request_id, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
        ).fetchall()
        new = dict(con.execute(f"SELECT old, new FROM {_MAP}").fetchall())
        for rid, keys in rows:
            con.execute(
                f'UPDATE "{table}" SET "{column}" = ? WHERE request_id = ?',
                [[new.get(k, k) for k in keys], rid],
            )
        return len(rows)
    extra = f" AND ({where})" if where else ""
    if column in key:  # a key column: rows moved (DuckDB updates an indexed column as delete + insert)
        cols = table_columns(con, table)
        select = ", ".join(f'coalesce(m.new, t."{c}")' if c == column else f't."{c}"' for c in cols)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _x_rekey_rows AS SELECT {select} FROM "{table}" t
                JOIN {_MAP} m ON m.old = t."{column}" WHERE TRUE{extra}"""
        )
        n = int(con.execute("SELECT count(*) FROM _x_rekey_rows").fetchone()[0])  # type: ignore[index]
        con.execute(f'DELETE FROM "{table}" WHERE "{column}" IN (SELECT old FROM {_MAP}){extra}')
        names = ", ".join(f'"{c}"' for c in cols)
        con.execute(f'INSERT INTO "{table}" ({names}) SELECT * FROM _x_rekey_rows')
        con.execute("DROP TABLE _x_rekey_rows")
        return n
    n = con.execute(
        f"""UPDATE "{table}" SET "{column}" = m.new FROM {_MAP} m WHERE "{table}"."{column}" = m.old{extra}"""
    ).fetchone()[0]  # type: ignore[index]
    return int(n)


def _register(
    con: duckdb.DuckDBPyConnection,
    registry: list[dict],
    res: RotateResult,
    secret: str,
    reason: str,
    actor: str,
    now: dt.datetime,
) -> None:
    """Record the new key in the registry (the base key too, at the first rotation), retiring the current one."""
    stored = con.execute("SELECT count(*) FROM pseudonym_keys").fetchone()[0]  # type: ignore[index]
    if not stored:
        b = registry[0]
        con.execute(
            "INSERT INTO pseudonym_keys (key_id, fingerprint, created_at, created_by) VALUES (1, ?, ?, ?)",
            [b["fingerprint"], b["created_at"], b["created_by"]],
        )
    con.execute("UPDATE pseudonym_keys SET retired_at = ? WHERE retired_at IS NULL", [now])
    con.execute(
        "INSERT INTO pseudonym_keys (key_id, fingerprint, created_at, created_by, reason, rows_rekeyed, seconds) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [res.key_id, res.fingerprint, now, actor, reason, res.total, res.seconds],
    )
    con.execute("INSERT INTO pseudonym_key_layers (key_id, key) VALUES (?, ?)", [res.key_id, secret])
