"""Vectorised validation in SQL: convert each mapped column to its type; rows that fail go to quarantine."""

from __future__ import annotations

import duckdb

from xborder.ingest.layouts.base import Field

__all__ = ["number_sql", "timestamp_sql", "validate_stage", "DEFAULT_DATE_FORMATS"]

DEFAULT_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%B %d, %Y",
)
_NULLS = "('', 'nan', 'NaN', 'NA', 'N/A', 'n/a', 'null', 'NULL', 'None', '-', '--')"


_SQL_TYPES = {
    "text": "VARCHAR",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
}


def _q(h: str) -> str:
    return '"' + h.replace('"', '""') + '"'


def number_sql(v: str) -> str:
    """SQL turning text ``v`` into DOUBLE: plain, thousands separators (1,234.5), decimal comma (2,55),
    currency signs and percent; NULL when it is not a finite number."""
    t = f"trim({v})"
    x = f"regexp_replace({t}, '^[$€£¥]|R\\$|%$|\\s', '', 'g')"
    slow = (
        f"TRY_CAST(CASE WHEN regexp_matches({x}, '^[-+]?\\d{{1,3}}(,\\d{{3}})+(\\.\\d*)?$') THEN replace({x}, ',', '') "
        f"WHEN regexp_matches({x}, '^[-+]?\\d+,\\d+$') THEN replace({x}, ',', '.') "
        f"WHEN regexp_matches({x}, '^[-+]?\\d*\\.?\\d+([eE][-+]?\\d+)?$') THEN {x} END AS DOUBLE)"
    )
    fast = f"TRY_CAST({t} AS DOUBLE)"
    return f"CASE WHEN {fast} BETWEEN -1e300 AND 1e300 THEN {fast} ELSE {slow} END"


def timestamp_sql(v: str, formats: tuple[str, ...] = ()) -> str:
    """SQL turning text ``v`` into TIMESTAMP (ISO first, then the given or default formats)."""
    fmts = ", ".join("'" + f.replace("'", "''") + "'" for f in (formats or DEFAULT_DATE_FORMATS))
    return f"coalesce(TRY_CAST(trim({v}) AS TIMESTAMP), try_strptime(trim({v}), [{fmts}]))"


def _convert(f: Field, src: str) -> str:
    raw = f"CASE WHEN trim({src}) IN {_NULLS} THEN NULL ELSE {src} END"
    if f.type == "text":
        return f"CASE WHEN trim({src}) IN ('', 'nan', 'NaN') THEN NULL ELSE trim({src}) END"
    if f.type == "number":
        return f"CASE WHEN ({raw}) IS NULL THEN NULL ELSE {number_sql(src)} END"
    if f.type == "integer":
        return f"CASE WHEN ({raw}) IS NULL THEN NULL ELSE TRY_CAST({number_sql(src)} AS BIGINT) END"
    if f.type == "timestamp":
        return f"CASE WHEN ({raw}) IS NULL THEN NULL ELSE {timestamp_sql(src, f.date_formats)} END"
    if f.type == "date":
        return (
            f"CASE WHEN ({raw}) IS NULL THEN NULL ELSE CAST({timestamp_sql(src, f.date_formats)} AS DATE) END"
        )
    raise ValueError(f"unknown field type {f.type}")


def validate_stage(
    con: duckdb.DuckDBPyConnection,
    *,
    stage: str,
    good: str,
    fields: tuple[Field, ...],
    mapping: dict[str, str],
    ingest_id: str,
    file_name: str,
) -> int:
    """Create ``good`` (typed, valid rows); quarantine the others (first failing column); returns quarantined."""
    inner = ["_row"]
    outer = ["_row"]
    checks = []
    for i, f in enumerate(fields):
        if f.name not in mapping:
            if f.required and not f.optional:
                raise ValueError(f"required field {f.name} is not mapped")
            # An optional column absent from the file is a typed NULL, so writers can always name it.
            outer.append(f"CAST(NULL AS {_SQL_TYPES[f.type]}) AS {_q(f.name)}")
            continue
        src = _q(mapping[f.name])
        inner += [f"{src} AS _r{i}", f"{_convert(f, src)} AS {_q(f.name)}"]
        outer.append(_q(f.name))
        nullish = f"(_r{i} IS NULL OR trim(_r{i}) IN {_NULLS})"
        if f.required:
            checks.append((nullish, f.name, f"_r{i}", "missing_required", f"required {f.type} is empty"))
        if f.type != "text":
            checks.append(
                (
                    f"(NOT {nullish} AND {_q(f.name)} IS NULL)",
                    f.name,
                    f"_r{i}",
                    f"bad_{f.type}",
                    f"not a valid {f.type}",
                )
            )
    if checks:
        code = "CASE " + " ".join(f"WHEN {c} THEN {k}" for k, (c, *_) in enumerate(checks)) + " END"
    else:
        code = "CAST(NULL AS INTEGER)"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {good} AS SELECT {', '.join(outer)}, {code} AS _chk FROM "
        f"(SELECT {', '.join(inner)} FROM {stage})"
    )
    if not checks:
        return 0
    n = int(con.execute(f"SELECT count(*) FROM {good} WHERE _chk IS NOT NULL").fetchone()[0])  # type: ignore[index]
    if not n:
        return 0
    col_case = (
        "CASE g._chk "
        + " ".join(
            f"WHEN {k} THEN '{mapping[nm].replace(chr(39), chr(39) * 2)}'"
            for k, (_, nm, _, _, _) in enumerate(checks)
        )
        + " END"
    )
    val_case = (
        "CASE g._chk "
        + " ".join(
            f"WHEN {k} THEN CAST(s.{_q(mapping[nm])} AS VARCHAR)" for k, (_, nm, _, _, _) in enumerate(checks)
        )
        + " END"
    )
    code_case = (
        "CASE g._chk "
        + " ".join(f"WHEN {k} THEN '{cd}'" for k, (_, _, _, cd, _) in enumerate(checks))
        + " END"
    )
    why_case = (
        "CASE g._chk "
        + " ".join(
            f"WHEN {k} THEN '{nm} ({mapping[nm].replace(chr(39), chr(39) * 2)}): {why}'"
            for k, (_, nm, _, _, why) in enumerate(checks)
        )
        + " END"
    )
    con.execute(
        f"""INSERT INTO quarantine SELECT ?, ?, g._row, {col_case}, left({val_case}, 1000), {code_case}, {why_case},
            to_json(s) FROM {good} g JOIN {stage} s USING (_row) WHERE g._chk IS NOT NULL""",
        [ingest_id, file_name],
    )
    con.execute(f"DELETE FROM {good} WHERE _chk IS NOT NULL")
    return n
