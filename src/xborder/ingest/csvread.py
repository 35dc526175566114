"""Read delimited text into an all-text staging table: one strict DuckDB pass, or row by row when it fails.

The file's dialect and header are found in Python from its first 256 kB (:mod:`xborder.ingest.sniff`);
a header wider than the column limit refuses the file at once. DuckDB then reads the whole file strictly
with those columns (no sniffing of its own). A clean file is read once; a file with any bad row — too few
or too many fields, a broken quote, a line over 8 MB, bytes that are not text — is read again by Python's
``csv`` module, line by line with every line and field capped, and each bad row is quarantined with its
data row number and reason while the good rows go on. (DuckDB's own reject tables are not used: their
cost grows with the square of the fields of a wide row, so one line of 500,000 columns ran for minutes.)
"""

from __future__ import annotations

import codecs
import csv
import gzip
import zlib
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import duckdb

from xborder.core.errors import BadInputError
from xborder.ingest.encoding import detect_encoding, transcode_to_utf8
from xborder.ingest.limits import MAX_LINE_BYTES, IngestLimits
from xborder.ingest.sniff import Dialect, sniff_text

__all__ = ["stage_csv", "header_of", "csv_options", "looks_binary"]

MAX_HEADER_CHARS = 1_000
"""Longest column name: a longer header field is a broken first line (and would slow every name match)."""
_TOO_LONG = "\ufffe"  # stands for a line over the limit (a non-character: never in real text)
_BAD_BYTES = "\uffff"  # starts a line whose bytes were not valid UTF-8


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def csv_options(path: Path, d: Dialect) -> str:
    """read_csv options for ``path`` read with dialect ``d`` (no sniffing by DuckDB)."""
    q = _sql_str(d.quote)
    return (
        f"{_sql_str(str(path))}, auto_detect=false, header={str(d.header).lower()}, skip={d.skip}, "
        f"delim={_sql_str(d.delimiter)}, quote={q}, escape={q}, strict_mode=true, "
        f"max_line_size={MAX_LINE_BYTES}, encoding='utf-8'"
    )


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly not text: NUL and other control characters (images, PDFs, zips)."""
    if not text:
        return False
    ctrl = sum(1 for ch in text[:65536] if ch < " " and ch not in "\t\n\r\x0c")
    return ctrl > 0.05 * min(len(text), 65536)


def header_of(text: str, d: Dialect, limits: IngestLimits, name: str) -> list[str]:
    """The header fields (or the width of a headerless file as column0..N) from the sample ``text``.

    Raises BadInputError when the header is wider than ``limits.max_columns``.
    """
    lines = text.splitlines(keepends=True)[d.skip :]
    quoting = {"quotechar": d.quote} if d.quote else {"quoting": csv.QUOTE_NONE}
    old = csv.field_size_limit(max(limits.max_field_bytes, 131_072))
    try:
        rec = next(csv.reader(iter(lines), delimiter=d.delimiter, **quoting), [])  # type: ignore[call-overload]
    except csv.Error:
        rec = []
    finally:
        csv.field_size_limit(old)
    if len(rec) > limits.max_columns:
        more = "at least " if "\n" not in text else ""
        raise BadInputError(
            f"{name}: the first row has {more}{len(rec):,} columns; the limit is {limits.max_columns:,} "
            "(setting ingest_max_columns). A file this wide is not an export xborder reads (or its "
            "delimiter was mistaken); nothing was loaded.",
            hint="Check that the file is the export you meant, or split its columns; raise the setting only "
            "for a genuine table.",
        )
    if d.header:
        longest = max((len(v) for v in rec), default=0)
        if longest > MAX_HEADER_CHARS:
            raise BadInputError(
                f"{name}: the first row, read as the header, has a field of {longest:,} characters; column names "
                f"are short (at most {MAX_HEADER_CHARS:,} characters here), so the file is not a table with a "
                "header, or its first line is broken. Nothing was loaded.",
                hint="Check that the file is the export you meant and that its first line names the columns.",
            )
        return [str(v) for v in rec]
    return [f"column{i}" for i in range(max(len(rec), 1))]


def _decoder_lines(path: Path, limits: IngestLimits) -> Iterator[str]:
    """Lines of the UTF-8 file ``path`` (plain or .gz) as text, each at most MAX_LINE_BYTES.

    A longer line is consumed and replaced by the marker ``_TOO_LONG``; a line whose bytes are not UTF-8
    is decoded with replacement characters and starts with ``_BAD_BYTES``. More than
    ``limits.max_file_bytes`` in all refuses the file (a compressed file can unpack to far more than its size).
    """
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    total = 0
    with opener(path, "rb") as fh:  # type: ignore[operator]
        while True:
            b = fh.readline(MAX_LINE_BYTES + 1)
            if not b:
                return
            total += len(b)
            if len(b) > MAX_LINE_BYTES and not b.endswith(b"\n"):
                while b and not b.endswith(b"\n"):
                    b = fh.readline(1 << 20)
                    total += len(b)
                    if total > limits.max_file_bytes:
                        break
                yield _TOO_LONG + "\n"
            else:
                try:
                    yield b.decode("utf-8")
                except UnicodeDecodeError:
                    yield _BAD_BYTES + b.decode("utf-8", "replace")
            if total > limits.max_file_bytes:
                raise BadInputError(
                    f"{path.name} unpacks to more than {limits.max_file_bytes:,} bytes, the limit per file "
                    "(setting ingest_max_file_bytes). Nothing was loaded.",
                    hint="Split the file and ingest the parts, or raise the setting.",
                )


class _Lines:
    """An iterator of lines that remembers the lines of the current record and can take lines back."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._pending: deque[str] = deque()
        self.record: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._pending.popleft() if self._pending else next(self._lines)
        self.record.append(line)
        return line

    def take(self) -> list[str]:
        """The physical lines of the record just parsed (and forget them)."""
        out, self.record = self.record, []
        return out

    def again(self, lines: list[str]) -> None:
        """Read ``lines`` again before the rest of the file."""
        self._pending.extendleft(reversed(lines))


def _robust(
    path: Path, d: Dialect, width: int, limits: IngestLimits, out: Path, name: str
) -> tuple[int, list[dict]]:
    """Write the good records of ``path`` to ``out`` as ``_row,fields...``; return (rows kept, rejects).

    A record that has the wrong number of fields and spans several lines is an unclosed quote that ran
    on: its first line is quarantined and the lines after it are read again as rows of their own.
    """
    lines = _Lines(_decoder_lines(path, limits))
    for _ in range(d.skip):
        next(lines, None)
    lines.take()
    quoting = {"quotechar": d.quote} if d.quote else {"quoting": csv.QUOTE_NONE}
    reader = csv.reader(lines, delimiter=d.delimiter, **quoting)  # type: ignore[call-overload]
    rejects: list[dict] = []
    kept = row = 0
    old = csv.field_size_limit(limits.max_field_bytes + 1)

    def reject(code: str, why: str, value: str) -> None:
        value = value.replace(_TOO_LONG, "").replace(_BAD_BYTES, "").rstrip("\r\n")
        rejects.append(
            {"row_number": row, "column_name": None, "value": value[:1000], "reason_code": code,
             "reason": f"{why} (data row {row}); fix the row in {name} and ingest it again"[:1000], "raw": None}
        )  # fmt: skip

    def ran_on(raw: list[str], why: str) -> bool:
        """Quarantine the first line of a record that swallowed the next lines; read those again."""
        if len(raw) < 2:
            return False
        reject("malformed_row", f"{why}; an unclosed quote ran on over {len(raw) - 1:,} more lines, which are "
               "read again", raw[0])  # fmt: skip
        lines.again(raw[1:])
        return True

    header = d.header
    try:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            while True:
                try:
                    rec = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    raw = lines.take()
                    if header:
                        header = False
                        continue
                    row += 1
                    big = "field limit" in str(exc)
                    why = (
                        f"a field longer than {limits.max_field_bytes:,} bytes"
                        if big
                        else f"row cannot be parsed: {exc}"
                    )
                    if not ran_on(raw, why):
                        reject("field_too_long" if big else "malformed_row", why, raw[0] if raw else "")
                    continue
                raw = lines.take()
                if header:
                    header = False
                    continue
                if not rec:  # a blank line is no row (as in DuckDB's read)
                    continue
                row += 1
                text = d.delimiter.join(rec)
                fewer = "fewer" if len(rec) < width else "more"
                why = f"row has {fewer} fields ({len(rec):,}) than the header ({width:,})"
                if (len(rec) != width or _TOO_LONG in text) and ran_on(raw, why):
                    pass
                elif _TOO_LONG in text:
                    reject("field_too_long", f"a line longer than {MAX_LINE_BYTES:,} bytes", text)
                elif _BAD_BYTES in text:
                    reject("bad_encoding", "bytes that are not valid text in the file's encoding", text)
                elif len(rec) != width:
                    reject("malformed_row", why, text)
                elif any(len(v) > limits.max_field_bytes for v in rec):
                    reject("field_too_long", f"a field longer than {limits.max_field_bytes:,} bytes", text)
                elif len(text) > MAX_LINE_BYTES:
                    reject("field_too_long", f"a row longer than {MAX_LINE_BYTES:,} bytes", text)
                else:
                    w.writerow([row, *rec])
                    kept += 1
    except (OSError, EOFError, zlib.error) as exc:
        raise BadInputError(
            f"{name} cannot be read to the end ({exc}): the file is truncated or corrupt.",
            hint="Download or export it again.",
        ) from exc
    finally:
        csv.field_size_limit(old)
    return kept, rejects


def _whole_file_encoding(path: Path) -> str:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    dec = codecs.getincrementaldecoder("utf-8")()
    with opener(path, "rb") as fh:  # type: ignore[operator]
        while chunk := fh.read(1 << 20):
            try:
                dec.decode(chunk)
            except UnicodeDecodeError:
                return detect_encoding(chunk + fh.read(4 << 20))
    return "utf-8"


def stage_csv(
    con: duckdb.DuckDBPyConnection,
    m: object,
    table: str,
    tmpdir: Path,
    limits: IngestLimits,
    sample: bytes,
    truncated: bool,
) -> tuple[list[str], int, list[dict], str, Dialect]:
    """Stage the delimited file of member ``m`` into ``<table>_raw`` and the view ``table`` (with ``_row``).

    Returns (column names as in the file, rows staged, rejects, encoding, dialect).
    """
    from xborder.ingest.formats import _unique

    name, src = m.name, m.path  # type: ignore[attr-defined]
    enc = detect_encoding(sample, truncated=truncated)
    for attempt in range(2):
        path = src
        if enc not in {"utf-8", "utf-8-sig"}:
            path = tmpdir / f"utf8_{table}_{attempt}.csv"
            try:
                transcode_to_utf8(src, path, enc)
            except (OSError, EOFError, zlib.error) as exc:
                raise BadInputError(f"{name} cannot be read: {exc} (truncated or corrupt file?).") from exc
        text = sample.decode("utf-8-sig" if enc == "utf-8-sig" else enc, errors="replace").lstrip("\ufeff")
        if looks_binary(text):
            raise BadInputError(
                f"{name} is not a text table: its first bytes are mostly control characters (a binary file, "
                "an archive or an image saved with a .csv/.txt name?). Nothing was loaded.",
                hint="Export the data as CSV, TSV, XLSX, Parquet or JSON Lines.",
            )
        dialect = sniff_text(text, truncated=truncated)
        header = header_of(text, dialect, limits, name)
        names = _unique(header)
        cols = ", ".join(f"{_sql_str(n)}: 'VARCHAR'" for n in names)
        try:
            con.execute(
                f'CREATE OR REPLACE TEMP TABLE "{table}_raw" AS SELECT * FROM read_csv({csv_options(path, dialect)}, '
                f"columns={{{cols}}})"
            )
        except duckdb.Error as exc:
            if attempt == 0 and enc in {"utf-8", "utf-8-sig"} and "unicode" in str(exc).lower():
                whole = _whole_file_encoding(src)  # the sample looked like UTF-8 but later bytes are not
                if whole not in {"utf-8", "utf-8-sig"}:
                    enc = whole
                    continue
            break
        base = con.execute(f'SELECT coalesce(min(rowid), 0) FROM "{table}_raw"').fetchone()[0]  # type: ignore[index]
        sel = ", ".join(f'"{n.replace(chr(34), chr(34) * 2)}"' for n in names)
        con.execute(
            f'CREATE OR REPLACE TEMP VIEW "{table}" AS SELECT rowid - {int(base)} + 1 AS _row, {sel} FROM "{table}_raw"'
        )
        n = con.execute(f'SELECT count(*) FROM "{table}_raw"').fetchone()[0]  # type: ignore[index]
        return names, int(n), [], enc, dialect
    # Some row is bad: read row by row, quarantine the bad rows, stage the good ones.
    clean = tmpdir / f"clean_{table}.csv"
    kept, rejects = _robust(path, dialect, len(names), limits, clean, name)
    cols = ", ".join(f"{_sql_str(n)}: 'VARCHAR'" for n in names)
    clean_dialect = Dialect(delimiter=",", quote='"', skip=0, header=False)
    try:
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE "{table}_raw" AS SELECT * FROM read_csv({csv_options(clean, clean_dialect)}, '
            f"columns={{'_row': 'BIGINT', {cols}}})"
        )
    except duckdb.Error as exc:  # not expected: the rows were re-written by Python's csv writer
        raise BadInputError(
            f"{name} cannot be parsed as delimited text: {str(exc).splitlines()[0][:300]}"
        ) from exc
    con.execute(f'CREATE OR REPLACE TEMP VIEW "{table}" AS SELECT * FROM "{table}_raw"')
    return names, kept, rejects, enc, dialect
