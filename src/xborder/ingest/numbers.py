"""Numbers read right or not at all: a column's decimal mark is decided once from all its values.

``1.234,56`` (German, French, Brazilian exports, usually with ``;`` as delimiter) and ``1,234.56`` (English)
cannot be read by one rule per value: ``1.234`` is 1234 in the first and 1.234 in the second. One SQL pass
counts the values only one reading allows (``2,5``, ``1.234,56``, ``1.234.567`` say decimal comma; ``2.5``,
``1,234.56``, ``1,234,567`` say decimal point); a column with only decimal-comma evidence is read with a
decimal comma, any other column with a decimal point (the mapping constant ``decimal = ","`` forces it).
Currency signs and codes around the number (``€ 12,50``, ``12.50 USD``, ``R$ 3,20``) are dropped.
"""

from __future__ import annotations

from typing import Any

import duckdb

__all__ = ["number_expr", "plan_decimal"]

_STRIP = r"^(R\$|US\$|[$€£¥₹₩₽]|[A-Z]{3}\s)|([$€£¥₹₩₽%]|\s[A-Z]{3})$|\s|\x{202F}|\x{00A0}|'"
_STRIP_SQL = _STRIP.replace("'", "''")
_COMMA_EVIDENCE = r"^[-+]?(\d{1,3}(\.\d{3})+,\d+|\d+,(\d{1,2}|\d{4,})|\d{1,3}(\.\d{3}){2,})$"
_POINT_EVIDENCE = r"^[-+]?(\d{1,3}(,\d{3})+\.\d+|\d+\.(\d{1,2}|\d{4,})|\d{1,3}(,\d{3}){2,})$"


def _clean(v: str) -> str:
    return f"regexp_replace(trim({v}), '{_STRIP_SQL}', '', 'g')"


def number_expr(v: str, decimal: str = ".") -> str:
    """SQL turning text ``v`` into DOUBLE with the decimal mark ``decimal``; NULL when it is not a number.

    Decimal point (default): plain numbers, ``1,234.5``, and a lone decimal comma ``2,55`` as before.
    Decimal comma: ``1.234,56``, ``1234,5``, ``1.234`` (= 1234).
    """
    x = _clean(v)
    if decimal == ",":
        return (
            f"TRY_CAST(CASE WHEN regexp_matches({x}, '^[-+]?(\\d{{1,3}}(\\.\\d{{3}})+|\\d+)(,\\d+)?$') "
            f"THEN replace(replace({x}, '.', ''), ',', '.') END AS DOUBLE)"
        )
    t = f"trim({v})"
    slow = (
        f"TRY_CAST(CASE WHEN regexp_matches({x}, '^[-+]?\\d{{1,3}}(,\\d{{3}})+(\\.\\d*)?$') THEN replace({x}, ',', '') "
        f"WHEN regexp_matches({x}, '^[-+]?\\d+,\\d+$') THEN replace({x}, ',', '.') "
        f"WHEN regexp_matches({x}, '^[-+]?\\d*\\.?\\d+([eE][-+]?\\d+)?$') THEN {x} END AS DOUBLE)"
    )
    fast = f"TRY_CAST({t} AS DOUBLE)"
    return f"CASE WHEN {fast} BETWEEN -1e300 AND 1e300 THEN {fast} ELSE {slow} END"


def plan_decimal(
    con: duckdb.DuckDBPyConnection, *, stage: str, column: str, constants: dict[str, Any] | None = None
) -> str:
    """The decimal mark of the number column ``column`` of ``stage``: ',' or '.' (see module docstring)."""
    forced = str((constants or {}).get("decimal") or "").strip()
    if forced in {",", "."}:
        return forced
    qcol = '"' + column.replace('"', '""') + '"'
    x = _clean(qcol)
    row = con.execute(
        f"""SELECT count(*) FILTER (WHERE regexp_matches(x, '{_COMMA_EVIDENCE}')),
                   count(*) FILTER (WHERE regexp_matches(x, '{_POINT_EVIDENCE}'))
            FROM (SELECT DISTINCT {x} AS x FROM {stage} WHERE contains({qcol}, ','))"""
    ).fetchone()
    comma, point = row if row is not None else (0, 0)
    if comma and not point:
        # Point evidence may hide in values without a comma (2.5): look for it only when needed.
        (point,) = con.execute(  # type: ignore[misc]
            f"""SELECT count(*) FROM (SELECT DISTINCT {x} AS x FROM {stage} WHERE NOT contains({qcol}, ','))
                WHERE regexp_matches(x, '{_POINT_EVIDENCE}')"""
        ).fetchone()
    return "," if comma and not point else "."
