"""Spreadsheet formula injection: cells a spreadsheet would run as a formula are written as text (OWASP CSV injection).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a NUL (OWASP "CSV
Injection"; ASVS 1.2.10) is prefixed with a single quote, which spreadsheets read as "this is text". Every
spreadsheet and CSV the project writes passes its text cells through :func:`neutralise` (Python) or
:func:`neutralise_sql` (DuckDB ``COPY``). Numbers stay numbers: only text is touched.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_LEADS", "neutralise", "neutralise_sql", "is_formula_like"]

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\x00")
"""First characters that make Excel, LibreOffice Calc or Google Sheets read a cell as a formula."""


def is_formula_like(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet would evaluate (starts with one of :data:`FORMULA_LEADS`)."""
    return isinstance(value, str) and value.startswith(FORMULA_LEADS)


def neutralise(value: Any) -> Any:
    """``value`` with a single quote in front when it is formula-like text; anything else unchanged.

    Args:
        value: A cell value (text, number, date, None ...).

    Returns:
        ``"'" + value`` for formula-like text, else ``value`` itself.
    """
    return "'" + value if is_formula_like(value) else value


def neutralise_sql(expr: str) -> str:
    """A DuckDB SQL expression giving ``expr`` as text, quote-prefixed when formula-like (NULL stays NULL).

    Args:
        expr: A SQL expression (a column name, usually) of any type.

    Returns:
        SQL text for use in a ``SELECT`` list, e.g. ``COPY (SELECT {neutralise_sql('value')} AS value ...)``.
    """
    text = f"CAST({expr} AS VARCHAR)"
    leads = ", ".join(f"chr({ord(c)})" for c in FORMULA_LEADS)
    return f"(CASE WHEN left({text}, 1) IN ({leads}) THEN '''' || {text} ELSE {text} END)"
