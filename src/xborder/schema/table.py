"""What a table declaration is: its columns with type, meaning, unit and personal-data flag, its owner.

A table is declared once, here or in its domain's ``tables.py``; the warehouse DDL and comments, the
generated docs/data-model.md, the columns a stage inserts, the output-table lists of the run and the
report, and privacy erasure all derive from the declaration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Column", "Table", "ROLES"]

ROLES = ("input", "output", "reference", "system")
"""input: canonical tables ingest fills (their row counts enter a run's fingerprint); output: what a stage
writes per run; reference: seeded from the rule base; system: runs, logs, accounts."""


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Column:
    """One column: DuckDB type, what it means, its unit, and whether it holds personal data.

    Args:
        name: Column name.
        type: DuckDB type (``VARCHAR``, ``DOUBLE``, ``TIMESTAMP``, ``VARCHAR[]``, ...).
        doc: Meaning, shown in docs/data-model.md and as the column comment.
        unit: Unit of a quantity (``kg``, ``cm``, ``days``, ``fraction``, ``currency`` for money in the
            row's currency column, ``units``, ...); None for identifiers, codes and text.
        personal: The column holds personal data (a pseudonym counts: it still identifies one person);
            privacy erasure, retention and the data map are driven by this flag.
        nullable: False adds ``NOT NULL``.
        default: SQL default expression (``TRUE``, ``0``, ``current_timestamp``).
        message: The column holds message codes (JSON ``{"code", "args"}``) that text columns of the same row
            render for people; exports meant for people (the report workbook) leave it out.
    """

    name: str
    type: str
    doc: str
    unit: str | None = None
    personal: bool = False
    nullable: bool = True
    default: str | None = None
    message: bool = False

    def ddl(self) -> str:
        """The column's definition in ``CREATE TABLE``."""
        out = f"{self.name} {self.type}"
        if not self.nullable:
            out += " NOT NULL"
        if self.default is not None:
            out += f" DEFAULT {self.default}"
        return out

    def comment(self) -> str:
        """The comment stored in the warehouse: the meaning, then the unit."""
        return self.doc + (f" [unit: {self.unit}]" if self.unit else "")


@dataclass(frozen=True)
class Table:
    """A warehouse table: name, meaning, columns in order, key, owner and role.

    Args:
        name: Table name.
        doc: What one row is.
        columns: Columns in their stored order.
        owner: The stage or package that writes it (``ingest``, ``demand``, ``warehouse``, ``api``, ...).
        role: One of :data:`ROLES`.
        primary_key: Key columns (empty: no declared key; uniqueness kept by the writer).
        unique: Other unique column sets.
        dated_by: The column that dates a row (for status summaries), if any.
    """

    name: str
    doc: str
    columns: tuple[Column, ...]
    owner: str
    role: str = "output"
    primary_key: tuple[str, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    dated_by: str | None = None
    _by_name: dict[str, Column] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"Table {self.name}: role must be one of {ROLES}; got {self.role!r}")
        names = [c.name for c in self.columns]
        if len(names) != len(set(names)):
            raise ValueError(f"Table {self.name} declares a column twice: {names}")
        for key in (self.primary_key, *self.unique, (self.dated_by,) if self.dated_by else ()):
            missing = [k for k in key if k not in names]
            if missing:
                raise ValueError(f"Table {self.name}: key column(s) {missing} are not declared")
        self._by_name.update({c.name: c for c in self.columns})

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in stored order."""
        return tuple(c.name for c in self.columns)

    @property
    def personal_columns(self) -> tuple[str, ...]:
        """Columns flagged as personal data."""
        return tuple(c.name for c in self.columns if c.personal)

    @property
    def message_columns(self) -> tuple[str, ...]:
        """Columns of message codes (machine-readable twins of text columns)."""
        return tuple(c.name for c in self.columns if c.message)

    @property
    def run_scoped(self) -> bool:
        """True when rows belong to a run (a ``run_id`` column): re-running a stage replaces its rows."""
        return "run_id" in self._by_name

    def column(self, name: str) -> Column:
        """The declaration of column ``name`` (KeyError naming the table when absent)."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(
                f"Table {self.name} has no column {name!r}; it has {', '.join(self.column_names)}"
            ) from None

    def create_sql(self) -> str:
        """``CREATE TABLE`` for this declaration."""
        parts = [c.ddl() for c in self.columns]
        if self.primary_key:
            parts.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        parts += [f"UNIQUE ({', '.join(u)})" for u in self.unique]
        return f"CREATE TABLE {self.name} (\n    " + ",\n    ".join(parts) + "\n)"

    def comment_sql(self) -> list[str]:
        """``COMMENT ON`` statements for the table and every column."""
        out = [f"COMMENT ON TABLE {self.name} IS {_sql_str(self.doc)}"]
        out += [f"COMMENT ON COLUMN {self.name}.{c.name} IS {_sql_str(c.comment())}" for c in self.columns]
        return out
