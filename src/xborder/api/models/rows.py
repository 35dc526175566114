"""Row models built from table declarations: DuckDB type → Python type, every column optional."""

from __future__ import annotations

import datetime as dt
import keyword
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from xborder.schema import Table, table

__all__ = ["python_type", "row_model"]

_SCALARS: dict[str, Any] = {
    "VARCHAR": str,
    "TEXT": str,
    "UUID": str,
    "BOOLEAN": bool,
    "TINYINT": int,
    "SMALLINT": int,
    "INTEGER": int,
    "BIGINT": int,
    "HUGEINT": int,
    "UTINYINT": int,
    "USMALLINT": int,
    "UINTEGER": int,
    "UBIGINT": int,
    "FLOAT": float,
    "REAL": float,
    "DOUBLE": float,
    "DATE": dt.date,
    "TIMESTAMP": dt.datetime,
    "TIMESTAMPTZ": dt.datetime,
    "TIMESTAMP WITH TIME ZONE": dt.datetime,
    "JSON": Any,
}


def python_type(duckdb_type: str) -> Any:
    """The Python type a column of ``duckdb_type`` has in a JSON answer (``VARCHAR[]`` → ``list[str]``).

    ``JSON`` columns are ``Any`` (a JSON text, or its value where the answer decodes it); ``DECIMAL(p, s)``
    is a float.

    Raises:
        ValueError: a type the API cannot describe yet (add it to ``_SCALARS``).
    """
    name = duckdb_type.strip().upper()
    if name.endswith("[]"):
        return list[python_type(name[:-2])]  # type: ignore[misc]
    if name.startswith(("DECIMAL", "NUMERIC")):
        return float
    try:
        return _SCALARS[name]
    except KeyError:
        raise ValueError(f"No Python type for the DuckDB type {duckdb_type!r}: add it to _SCALARS") from None


def _field_name(column: str) -> tuple[str, str | None]:
    """A Python attribute for ``column`` and, when it had to differ (``from``, ``json``), its JSON name."""
    if column.isidentifier() and not keyword.iskeyword(column) and not hasattr(BaseModel, column):
        return column, None
    return column + "_", column


_NAMES: dict[str, tuple[str, tuple[str, ...] | None]] = {}


@cache
def _row_model(name: str, table_name: str, columns: tuple[str, ...] | None) -> type[BaseModel]:
    decl: Table = table(table_name)
    cols = decl.columns if columns is None else tuple(decl.column(c) for c in columns)
    spec: dict[str, Any] = {}
    for c in cols:
        attr, alias = _field_name(c.name)
        spec[attr] = (python_type(c.type) | None, Field(None, alias=alias, description=c.comment()))
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        name,
        __config__=ConfigDict(extra="allow", populate_by_name=True),
        __doc__=f"A row of `{decl.name}`: {decl.doc}",
        __module__="xborder.api.models",
        **spec,
    )
    return model


def row_model(table_name: str, name: str, columns: tuple[str, ...] | None = None) -> type[BaseModel]:
    """A model of a row of declared table ``table_name`` (or of some of its columns), every field optional.

    Keys the declaration does not have are allowed (an older warehouse file may hold a column since
    dropped); ``model_extra`` lists them.

    Args:
        table_name: The declared table (:func:`xborder.schema.table`).
        name: The model's name (its schema's name in the OpenAPI document).
        columns: The columns the answer holds, in order (default: every declared column).
    """
    key = (table_name, columns)
    if _NAMES.setdefault(name, key) != key:
        raise ValueError(f"Row model {name!r} is already {_NAMES[name]}; give {key} another name")
    return _row_model(name, table_name, columns)
