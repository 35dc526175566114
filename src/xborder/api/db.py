"""The server's warehouse handle: one DuckDB database, a cursor per request, serialised writes, a result cache.

DuckDB lets one process hold a warehouse file for writing; the server is that process. Every
request reads through its own cursor (``con.cursor()`` is a cheap, thread-safe duplicate
connection), short writes (accounts, audit) go through :meth:`Database.write` under a lock, and
heavy work (ingest, pipeline runs) takes :attr:`Database.work_lock` so only one runs at a time.
Because nothing else can write the file while the server holds it, query results can be cached
until the server itself changes the data (:meth:`Database.changed`).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from xborder.warehouse import connect

__all__ = ["Database", "dumps"]

T = TypeVar("T")

# orjson is in the web extra; without it the standard library does the same, slower.
try:
    import orjson
except ImportError:  # pragma: no cover
    orjson = None  # type: ignore[assignment]


def _dumps_std(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON (orjson when installed; the standard library for what orjson refuses, e.g. huge ints)."""
    if orjson is not None:
        try:
            return orjson.dumps(obj, default=str, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:
            pass
    return _dumps_std(obj)


class Database:
    """The warehouse as seen by the web app (one per app instance).

    Args:
        db_path: DuckDB warehouse file (created and migrated when absent).
        cache_size: Number of query results kept (0 disables the cache).
    """

    def __init__(self, db_path: str | Path, *, cache_size: int = 2048) -> None:
        self.path = str(db_path)
        self._con = connect(db_path)
        self.write_lock = threading.RLock()
        self.work_lock = threading.Lock()
        self.generation = 0
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._columns: dict[str, list[str]] | None = None
        # called after changed() (e.g. rebuild precomputed pages)
        self.on_change: list[Callable[[], None]] = []
        self.on_close: list[Callable[[], None]] = []  # called before the connection closes

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for reading, closed afterwards."""
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for a short write, holding the write lock (one writer at a time)."""
        with self.write_lock:
            cur = self._con.cursor()
            try:
                yield cur
            finally:
                cur.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor the caller closes (for background work)."""
        return self._con.cursor()

    def changed(self) -> None:
        """Forget cached results and schema after the data changed (ingest, run, migration)."""
        with self._cache_lock:
            self.generation += 1
            self._cache.clear()
            self._columns = None
        for hook in self.on_change:
            hook()

    def columns(self, table: str) -> list[str]:
        """Column names of ``table`` in the main schema; empty when the table does not exist (yet)."""
        cols = self._columns
        if cols is None:
            with self.read() as cur:
                rows = cur.execute(
                    "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' "
                    "ORDER BY table_name, column_index"
                ).fetchall()
            cols = {}
            for t, c in rows:
                cols.setdefault(t, []).append(c)
            self._columns = cols
        return cols.get(table, [])

    def has_table(self, table: str) -> bool:
        """Whether the table exists in this warehouse."""
        return bool(self.columns(table))

    def cached(self, key: tuple, compute: Callable[[], T]) -> T:
        """``compute()``'s result, remembered under ``key`` until the data changes."""
        if self.cache_size <= 0:
            return compute()
        full = (self.generation, *key)
        with self._cache_lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
        value = compute()
        with self._cache_lock:
            if full[0] == self.generation:
                self._cache[full] = value
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return value

    def peek(self, key: tuple) -> Any:
        """The cached value under ``key`` (as given to :meth:`cached`), or None; never computes."""
        if self.cache_size <= 0:
            return None
        with self._cache_lock:
            return self._cache.get((self.generation, *key))

    def cached_json(self, key: tuple, compute: Callable[[], Any]) -> bytes:
        """``compute()`` serialised to compact JSON bytes, cached like :meth:`cached` (hot API reads)."""
        # copied to its exact size: orjson's bytes keep a larger buffer, and these stay in memory
        return self.cached(("json", *key), lambda: bytes(memoryview(dumps(compute()))))

    def close(self) -> None:
        """Close the warehouse connection (after stopping background work registered in ``on_close``)."""
        for hook in self.on_close:
            hook()
        self._con.close()
