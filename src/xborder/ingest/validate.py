"""Vectorised validation in SQL: convert each mapped column to its type; rows that fail go to quarantine.

Per file and column, the date order and the decimal mark are decided once from all the column's values
(:mod:`xborder.ingest.dates`, :mod:`xborder.ingest.numbers`); then one statement converts every column
and finds, per row, the first failing check: a field over the size limit, a missing required value, a
value that does not read as its type, or a value breaking a plausibility rule
(:mod:`xborder.ingest.plausibility`). Failing rows go to ``quarantine`` with the rule named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb

from xborder.ingest.dates import COMMON_FORMATS, DatePlan, plan_dates, timestamp_expr
from xborder.ingest.layouts.base import Field
from xborder.ingest.limits import IngestLimits
from xborder.ingest.numbers import number_expr, plan_decimal
from xborder.ingest.plausibility import (
    CURRENCY_NAMES,
    NOT_GIVEN_WHEN_ZERO,
    Rule,
    country_value_sql,
    rules_for,
)

__all__ = ["number_sql", "plain_text_sql", "timestamp_sql", "validate_stage", "DEFAULT_DATE_FORMATS", "NULLS"]

DEFAULT_DATE_FORMATS = COMMON_FORMATS
NULLS = "('', 'nan', 'NaN', 'NA', 'N/A', 'n/a', 'null', 'NULL', 'None', '-', '--')"
_NULLS = NULLS


_SQL_TYPES = {
    "text": "VARCHAR",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
}


def _q(h: str) -> str:
    return '"' + h.replace('"', '""') + '"'


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def number_sql(v: str) -> str:
    """SQL turning text ``v`` into DOUBLE: plain, thousands separators (1,234.5), decimal comma (2,55),
    currency signs and percent; NULL when it is not a finite number."""
    return number_expr(v)


def timestamp_sql(v: str, formats: tuple[str, ...] = ()) -> str:
    """SQL turning text ``v`` into TIMESTAMP (ISO first, then the given formats or every common one)."""
    return timestamp_expr(v, DatePlan(tuple(formats)) if formats else None)


def _text(f: Field, src: str) -> str:
    if f.name in {"country", "origin_country", "ship_country"}:
        return country_value_sql(src)
    if f.name == "currency":
        names = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in CURRENCY_NAMES.items())
        return f"CASE WHEN trim({src}) IN ('', 'nan', 'NaN') THEN NULL ELSE CASE upper(trim({src})) {names} ELSE upper(trim({src})) END END"
    return plain_text_sql(src)


def plain_text_sql(src: str) -> str:
    """SQL: a text value trimmed, NULL when empty or 'nan'/'NaN' (what pandas writes for a missing cell)."""
    return f"CASE WHEN trim({src}) IN ('', 'nan', 'NaN') THEN NULL ELSE trim({src}) END"


class _Column:
    """One mapped field: how its text is parsed, its final value, and the checks on it."""

    def __init__(self, i: int, f: Field, header: str, parsed: str, note: str) -> None:
        self.i, self.f, self.header = i, f, header
        self.raw, self.value = f"_r{i}", f"_v{i}"
        self.parsed = parsed  # SQL over the raw column: the typed value (NULL when unreadable)
        self.note = note  # how the column is read (for messages), may be ''

    @property
    def final(self) -> str:
        """SQL over ``_v{i}``: the value handed to the writer."""
        if self.f.name in NOT_GIVEN_WHEN_ZERO and self.f.type in {"number", "integer"}:
            return f"CASE WHEN {self.value} = 0 THEN NULL ELSE {self.value} END"
        return self.value


def _plan(
    con: duckdb.DuckDBPyConnection, stage: str, i: int, f: Field, header: str, file_name: str, constants: dict
) -> _Column:
    src = _q(header)
    raw = f"CASE WHEN trim({src}) IN {NULLS} THEN NULL ELSE {src} END"
    if f.type == "text":
        return _Column(i, f, header, _text(f, src), "")
    if f.type in {"number", "integer"}:
        dec = plan_decimal(con, stage=stage, column=header, constants=constants)
        num = number_expr(src, dec)
        if f.type == "integer":
            num = f"TRY_CAST({num} AS BIGINT)"
        note = (
            "the column is read with a decimal comma (1.234,56), as its other values are written"
            if dec == ","
            else ""
        )
        return _Column(i, f, header, f"CASE WHEN ({raw}) IS NULL THEN NULL ELSE {num} END", note)
    if f.type in {"timestamp", "date"}:
        plan = plan_dates(
            con, stage=stage, column=header, file_name=file_name, explicit=f.date_formats,
            constants=constants, nulls=NULLS,
        )  # fmt: skip
        ts = timestamp_expr(src, plan)
        if f.type == "date":
            ts = f"CAST({ts} AS DATE)"
        note = f"the column is {plan.reason}" if plan.reason else ""
        return _Column(i, f, header, f"CASE WHEN ({raw}) IS NULL THEN NULL ELSE {ts} END", note)
    raise ValueError(f"unknown field type {f.type}")


def _one_of(values: list[str]) -> Callable[[str], str]:
    listed = "(" + ", ".join(_lit(v) for v in values) + ")"

    def violated(v: str) -> str:
        return f"{v} IN {listed}"

    return violated


def _narrow(con: duckdb.DuckDBPyConnection, stage: str, c: _Column, rules: list[Rule]) -> list[Rule]:
    """Set rules (codes) turned into a list of the column's offending values, found on its distinct values:
    the validation statement then tests ``value IN (bad values)`` — nothing at all when every code is
    known — instead of two long IN-lists per row."""
    out = []
    for r in rules:
        if r.kind != "set":
            out.append(r)
            continue
        # A table first: in one query DuckDB pushes the test below the DISTINCT and runs it on every row.
        con.execute(f"CREATE OR REPLACE TEMP TABLE _x_codes AS SELECT DISTINCT {_q(c.header)} FROM {stage}")
        bad = con.execute(
            f"""SELECT v FROM (SELECT DISTINCT {c.final} AS v FROM (SELECT {c.parsed} AS {c.value} FROM _x_codes))
                WHERE coalesce({r.violated("v")}, FALSE) LIMIT 1001"""
        ).fetchall()
        if len(bad) > 1000:
            out.append(r)
        elif bad:
            out.append(Rule(r.code, _one_of([str(v) for (v,) in bad]), r.why, "set"))
    return out


def validate_stage(
    con: duckdb.DuckDBPyConnection,
    *,
    stage: str,
    good: str,
    fields: tuple[Field, ...],
    mapping: dict[str, str],
    ingest_id: str,
    file_name: str,
    constants: dict[str, Any] | None = None,
    limits: IngestLimits | None = None,
) -> int:
    """Create ``good`` (typed, valid rows); quarantine the others (first failing check); returns quarantined.

    Raises BadInputError when a date column's day/month order cannot be decided (see :mod:`.dates`).
    """
    limits = limits or IngestLimits()
    constants = constants or {}
    cols: list[_Column] = []
    outer = ["_row"]
    for i, f in enumerate(fields):
        if f.name not in mapping:
            if f.required and not f.optional:
                raise ValueError(f"required field {f.name} is not mapped")
            # An optional column absent from the file is a typed NULL, so writers can always name it.
            outer.append(f"CAST(NULL AS {_SQL_TYPES[f.type]}) AS {_q(f.name)}")
            continue
        c = _plan(con, stage, i, f, mapping[f.name], file_name, constants)
        cols.append(c)
        outer.append(f"{c.final} AS {_q(f.name)}")
    # (condition, column, code, why) per check; the first true one names the row's reason.
    checks: list[tuple[str, _Column, str, str]] = []
    for c in cols:
        f = c.f
        nullish = f"({c.raw} IS NULL OR trim({c.raw}) IN {NULLS})"
        checks.append(
            (
                f"strlen({c.raw}) > {int(limits.max_field_bytes)}",
                c,
                "field_too_long",
                f"longer than {limits.max_field_bytes:,} bytes (setting ingest_max_field_bytes): the field is "
                "probably two fields run together by a quoting error; fix the quoting",
            )
        )
        if f.required:
            checks.append((nullish, c, "missing_required", f"required {f.type} is empty"))
        if f.type != "text":
            why = f"not a valid {f.type}" + (f"; {c.note}" if c.note else "")
            checks.append((f"(NOT {nullish} AND {c.value} IS NULL)", c, f"bad_{f.type}", why))
        for rule in _narrow(con, stage, c, rules_for(f.name, f.type, limits)):
            checks.append((f"coalesce({rule.violated(c.final)}, FALSE)", c, rule.code, rule.why))
    code = (
        "CASE " + " ".join(f"WHEN {cond} THEN {k}" for k, (cond, *_) in enumerate(checks)) + " END"
        if checks
        else "CAST(NULL AS INTEGER)"
    )
    inner = ["_row"] + [f"{_q(c.header)} AS {c.raw}, {c.parsed} AS {c.value}" for c in cols]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {good} AS SELECT {', '.join(outer)}, {code} AS _chk FROM "
        f"(SELECT {', '.join(inner)} FROM {stage})"
    )
    if not checks:
        return 0
    n = int(con.execute(f"SELECT count(*) FROM {good} WHERE _chk IS NOT NULL").fetchone()[0])  # type: ignore[index]
    if not n:
        return 0

    def case(values: list[str]) -> str:
        return "CASE g._chk " + " ".join(f"WHEN {k} THEN {v}" for k, v in enumerate(values)) + " END"

    col_case = case([_lit(c.header) for _, c, _, _ in checks])
    val_case = case([f"CAST(s.{_q(c.header)} AS VARCHAR)" for _, c, _, _ in checks])
    code_case = case([_lit(cd) for _, _, cd, _ in checks])
    why_case = case([_lit(f"{c.f.name} ({c.header}): {why}") for _, c, _, why in checks])
    con.execute(
        f"""INSERT INTO quarantine SELECT ?, ?, g._row, {col_case}, left({val_case}, 1000), {code_case},
            left({why_case}, 1000), to_json(s) FROM {good} g JOIN {stage} s USING (_row) WHERE g._chk IS NOT NULL""",
        [ingest_id, file_name],
    )
    con.execute(f"DELETE FROM {good} WHERE _chk IS NOT NULL")
    return n
