"""Compare the outputs of two demo runs: every warehouse table (ordered) and every report workbook's cells.

Used to check that a restructure leaves the outputs unchanged::

    XBORDER_PSEUDONYM_KEY=k xborder demo --out /tmp/before   # on the old commit
    XBORDER_PSEUDONYM_KEY=k xborder demo --out /tmp/after    # on the new commit
    python scripts/compare_outputs.py /tmp/before /tmp/after

Volatile values are left out: run and ingest ids, wall-clock times, file paths and durations. Floats are
compared with a relative tolerance of 1e-9 (summation order may change). Columns present on one side only
are listed, not compared (a restructure may add columns, e.g. message codes next to rendered text).
Exit code 0 when everything compared equal, 1 otherwise.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import duckdb

# Tables that record the session, not the analysis.
SKIP_TABLES = {"schema_migrations", "runs", "report_files", "jobs", "sessions", "login_attempts", "audit_log",
               "users", "ingest_log", "schema_tables", "pragma_database_list"}  # fmt: skip
VOLATILE = re.compile(
    r"^(run_id|ingest_id|path|bytes|created_at|updated_at|fitted_at|started_at|finished_at|seconds)$"
)
RUN_ID = re.compile(r"run-\d{8}T\d{6}-[0-9a-f]{6}")
ING_ID = re.compile(r"ing_\d{14}_[0-9a-f]{8}_[0-9a-f]{6}")
WHEN = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")


PATHS: list[tuple[str, str]] = []  # (path, placeholder): the two output folders and data folders


def _norm(v: object) -> object:
    if isinstance(v, str):
        for path, placeholder in PATHS:
            v = v.replace(path, placeholder)
        v = re.sub(r'"/[^"]*/data/demo"', '"DATA"', v)
        return ING_ID.sub("ING", RUN_ID.sub("RUN", v))
    return v


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return _norm(a) == _norm(b)


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t, c in con.execute(
        "SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_tables() t "
        "ON t.table_name = c.table_name AND t.schema_name = c.schema_name "
        "WHERE c.schema_name = 'main' ORDER BY c.table_name, c.column_index"
    ).fetchall():
        out.setdefault(t, []).append(c)
    return out


def compare_warehouses(a: Path, b: Path) -> list[str]:
    """Differences between the output tables of two warehouse files (empty list: equal)."""
    ca, cb = duckdb.connect(str(a), read_only=True), duckdb.connect(str(b), read_only=True)
    ta, tb = _tables(ca), _tables(cb)
    problems: list[str] = []
    for t in sorted(set(ta) - set(tb) - SKIP_TABLES):
        problems.append(f"table {t}: only in {a}")
    for t in sorted(set(tb) - set(ta) - SKIP_TABLES):
        print(f"note: table {t} only in {b}")
    for t in sorted((set(ta) & set(tb)) - SKIP_TABLES):
        only_a = [c for c in ta[t] if c not in tb[t]]
        only_b = [c for c in tb[t] if c not in ta[t]]
        if only_a:
            problems.append(f"table {t}: columns only in {a}: {only_a}")
        if only_b:
            print(f"note: table {t}: columns only in {b}: {only_b}")
        cols = [c for c in ta[t] if c in tb[t] and not VOLATILE.match(c)]
        if not cols:
            continue
        sel = ", ".join(f'"{c}"' for c in cols)
        order = ", ".join(f'"{c}" NULLS FIRST' for c in cols)
        ra = ca.execute(f'SELECT {sel} FROM "{t}" ORDER BY {order}').fetchall()
        rb = cb.execute(f'SELECT {sel} FROM "{t}" ORDER BY {order}').fetchall()
        if len(ra) != len(rb):
            problems.append(f"table {t}: {len(ra)} rows vs {len(rb)}")
            continue
        bad = [(i, c, x, y) for i, (rx, ry) in enumerate(zip(ra, rb, strict=True))
               for c, x, y in zip(cols, rx, ry, strict=True) if not _same(x, y)]  # fmt: skip
        if bad:
            i, c, x, y = bad[0]
            problems.append(f"table {t}: {len(bad)} cells differ, first row {i} column {c}: {x!r} vs {y!r}")
    return problems


def compare_workbooks(a: Path, b: Path) -> list[str]:
    """Differences between the cell values of two xlsx files (run ids and generation times normalised)."""
    import openpyxl

    wa, wb = openpyxl.load_workbook(a, read_only=True), openpyxl.load_workbook(b, read_only=True)
    problems: list[str] = []
    if wa.sheetnames != wb.sheetnames:
        return [f"{a.name}: sheets {wa.sheetnames} vs {wb.sheetnames}"]
    for name in wa.sheetnames:
        ra = [tuple(r) for r in wa[name].iter_rows(values_only=True)]
        rb = [tuple(r) for r in wb[name].iter_rows(values_only=True)]
        if name == "stages":  # durations and times differ between any two runs: compare stage, status, reason
            ra, rb = ([(r[0], r[1], r[5] if len(r) > 5 else None) for r in rows] for rows in (ra, rb))
        if (
            name == "run"
        ):  # the run's parameters: compare what the stages were given (notes are message codes now)
            ra, rb = ([_run_row(r) for r in rows] for rows in (ra, rb))
        if len(ra) != len(rb):
            problems.append(f"{a.name} sheet {name}: {len(ra)} rows vs {len(rb)}")
            continue
        diffs = [(i, x, y) for i, (rx, ry) in enumerate(zip(ra, rb, strict=True))
                 for x, y in zip(rx, ry, strict=False) if not _same(x, y) and not _volatile_cell(x, y)]  # fmt: skip
        if diffs:
            i, x, y = diffs[0]
            problems.append(
                f"{a.name} sheet {name}: {len(diffs)} cells differ, first in row {i}: {x!r} vs {y!r}"
            )
    return problems


def _run_row(row: tuple) -> tuple:
    import json

    if row and row[0] == "params" and isinstance(row[1], str):
        return ("params", json.dumps(json.loads(row[1]).get("stage_params"), sort_keys=True))
    return row


def _volatile_cell(x: object, y: object) -> bool:
    """Generation times and file paths differ between any two runs."""
    import datetime as dt

    if isinstance(x, dt.datetime) and isinstance(y, dt.datetime):
        return True
    return (
        isinstance(x, str)
        and isinstance(y, str)
        and (x.startswith("/") or bool(WHEN.match(x) and WHEN.match(y)))
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    args = ap.parse_args()
    PATHS.extend([(str(args.before), "OUT"), (str(args.after), "OUT")])
    problems = compare_warehouses(args.before / "demo.duckdb", args.after / "demo.duckdb")
    for lang in ("en", "zh"):
        xa = sorted(args.before.glob(f"*.{lang}.xlsx"))
        xb = sorted(args.after.glob(f"*.{lang}.xlsx"))
        if xa and xb:
            problems += compare_workbooks(xa[-1], xb[-1])
        else:
            problems.append(f"no {lang} workbook on one side")
    for p in problems:
        print("DIFF", p)
    print("outputs equal" if not problems else f"{len(problems)} difference(s)")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
