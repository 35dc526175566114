"""XLSX workbooks: one sheet of a workbook staged like a CSV (the first, or the one ``--sheet`` names)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import duckdb

from xborder.core.errors import BadInputError
from xborder.ingest.formats import Member, Staged, _check_names, _stage_arrow, _unique, _wide
from xborder.ingest.limits import IngestLimits
from xborder.ingest.sniff import find_header, looks_like_header

__all__ = ["stage_xlsx", "pick_sheet", "sheet_names"]


def sheet_names(path: Any) -> list[str]:
    """The sheet names of a workbook, in order."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def pick_sheet(members: list[Member], sheet: str) -> list[Member]:
    """The members with ``sheet`` (a name, or a 1-based number) to read from each XLSX workbook.

    The sheet joins the member's name (``book.xlsx[Sheet2]``) and its identity: the SHA-256 recorded for a
    non-default sheet is that of the file's digest and the sheet name, so reading another sheet of a workbook
    ingested before is not mistaken for the same file.

    Raises:
        BadInputError: none of the inputs is a workbook.
    """
    if not any(m.fmt == "xlsx" for m in members):
        raise BadInputError(
            f"--sheet {sheet!r} applies to XLSX workbooks, and none of the inputs is one.",
            hint="Leave out --sheet for CSV, Parquet and JSON Lines files.",
        )
    out = []
    for m in members:
        if m.fmt != "xlsx":
            out.append(m)
            continue
        digest = hashlib.sha256(f"{m.sha256}:sheet={sheet}".encode()).hexdigest()
        out.append(replace(m, name=f"{m.name}[{sheet}]", sheet=sheet, sha256=digest))
    return out


def _sheets_hint(m: Member) -> str:
    try:
        names = sheet_names(m.path)
    except Exception:  # noqa: BLE001 - only a hint
        return "Check the workbook."
    return "Its sheets: " + ", ".join(repr(n) for n in names) + " (--sheet NAME or --sheet NUMBER picks one)."


def _sheet(wb: Any, m: Member) -> Any:
    """The worksheet ``m.sheet`` names (a name, or a 1-based number), the first one by default."""
    if not m.sheet:
        return wb.worksheets[0]
    if m.sheet in wb.sheetnames:
        return wb[m.sheet]
    if m.sheet.isdigit() and 1 <= int(m.sheet) <= len(wb.worksheets):
        return wb.worksheets[int(m.sheet) - 1]
    raise BadInputError(
        f"{m.name}: the workbook has no sheet {m.sheet!r}.",
        hint="Its sheets: " + ", ".join(repr(n) for n in wb.sheetnames) + " (by name, or by number from 1).",
    )


def _cell(v: object) -> str | None:
    import datetime as dt

    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def stage_xlsx(con: duckdb.DuckDBPyConnection, m: Member, table: str, limits: IngestLimits) -> Staged:
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():  # "Workbook contains no default style" is harmless (Keepa exports)
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(m.path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise BadInputError(
            f"{m.name} is not a readable XLSX workbook ({type(exc).__name__}: {exc})."
        ) from exc
    try:
        ws = _sheet(wb, m)
        sheet = ws.title
        if (ws.max_column or 0) > limits.max_columns:  # the sheet's declared dimension
            raise _wide(m.name, int(ws.max_column or 0), limits)
        if hasattr(ws, "reset_dimensions"):  # Amazon Ads workbooks say A1:A1: read every row anyway
            ws.reset_dimensions()
        rows = []
        for r in ws.iter_rows(values_only=True):
            if len(r) > limits.max_columns:  # a dimension that lied: nothing may stand past the limit
                if any(v not in (None, "") for v in r[limits.max_columns :]):
                    raise _wide(m.name, len(r), limits)
                r = r[: limits.max_columns]
            rows.append([_cell(v) for v in r])
    except BadInputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a corrupt sheet fails while rows are read
        raise BadInputError(f"{m.name}: the sheet cannot be read ({type(exc).__name__}: {exc}).") from exc
    finally:
        wb.close()
    if not rows:
        raise BadInputError(f"{m.name}: the sheet {sheet!r} is empty.", hint=_sheets_hint(m))
    idx, _ = find_header([[c or "" for c in r] for r in rows[:50]])
    header_row = [c or "" for c in rows[idx]]
    has_header = looks_like_header(header_row)
    width = max(len(r) for r in rows)
    names = (
        _unique(header_row + [""] * (width - len(header_row)))
        if has_header
        else [f"column{i}" for i in range(width)]
    )
    _check_names(names, m.name)
    data = rows[idx + 1 :] if has_header else rows[idx:]
    while data and not any(c not in (None, "") for c in data[-1]):
        data.pop()
    _stage_arrow(con, table, names, data)
    return Staged(table, names, len(data), [], "xlsx", None, sheet)
