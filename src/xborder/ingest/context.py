"""What a layout writer gets: the connection, the validated rows (`_x_good`) and helpers to quarantine more."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from xborder.ingest.pseudonym import pseudonymise_column

__all__ = ["LoadContext"]


@dataclass
class LoadContext:
    """State of one file's load inside the batch transaction."""

    con: duckdb.DuckDBPyConnection
    ingest_id: str
    file_name: str
    stage: str  # all-VARCHAR staged rows with _row
    good: str  # typed rows that passed validation (+ _row)
    mapping: dict[str, str]  # canonical field -> file header
    key: bytes  # pseudonymisation key
    constants: dict[str, Any] = field(default_factory=dict)
    quarantined: int = 0
    columns: list[str] = field(default_factory=list)  # every column of the staged file

    @property
    def stem(self) -> str:
        """File name without folders and suffixes (amazon_cells_labelled.txt → amazon_cells_labelled)."""
        return self.file_name.replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]

    def unmapped_columns(self) -> list[str]:
        """Columns of the file not used by a mapped field (the value columns of wide layouts)."""
        used = set(self.mapping.values())
        return [c for c in self.columns if c not in used and c != "_row"]

    def has(self, name: str) -> bool:
        """True when the file has the (optional) canonical field ``name``."""
        return name in self.mapping

    def const(self, name: str, default: Any = None) -> Any:
        """A constant from the mapping file (marketplace, currency, market, ...) or ``default``."""
        return self.constants.get(name, default)

    def quarantine_where(
        self, table: str, condition: str, column: str, value_sql: str, code: str, reason: str
    ) -> int:
        """Move rows of ``table`` matching ``condition`` to quarantine (reason ``code``); returns how many."""
        con = self.con
        n = con.execute(f"SELECT count(*) FROM {table} t WHERE {condition}").fetchone()[0]  # type: ignore[index]
        if not n:
            return 0
        con.execute(
            f"""INSERT INTO quarantine SELECT ?, ?, t._row, ?, CAST({value_sql} AS VARCHAR), ?, ?,
                (SELECT to_json(s) FROM {self.stage} s WHERE s._row = t._row)
                FROM {table} t WHERE {condition}""",
            [self.ingest_id, self.file_name, column, code, reason],
        )
        con.execute(f"DELETE FROM {table} AS t WHERE {condition}")
        self.quarantined += int(n)
        return int(n)

    def pseudonyms(self, value_sql: str, namespace: str, out_table: str) -> None:
        """Temp table ``out_table(raw, pkey)``: HMAC-SHA256 pseudonym of each value of ``value_sql`` over the good rows."""
        pseudonymise_column(
            self.con, self.good, value_sql, key=self.key, namespace=namespace, out_table=out_table
        )

    def count(self, table: str | None = None) -> int:
        """Rows in ``table`` (default: the validated rows)."""
        return int(self.con.execute(f"SELECT count(*) FROM {table or self.good}").fetchone()[0])  # type: ignore[index]
