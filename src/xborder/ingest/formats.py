"""Read any supported file into an all-text staging table: CSV/TSV (any delimiter, quoted multi-line
fields, .gz), Parquet, XLSX, JSON Lines; .zip archives and folders expand to their members."""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from xborder.core.errors import BadInputError
from xborder.ingest.encoding import detect_encoding, transcode_to_utf8
from xborder.ingest.sniff import Dialect, find_header, looks_like_header, sniff_text

__all__ = ["Member", "Staged", "expand_inputs", "stage_member", "file_sha256", "TEXT_SUFFIXES"]

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat", ".psv"}
_SAMPLE = 256_000


@dataclass
class Member:
    """One readable table: its display name, a local path, the format and the SHA-256 of its bytes."""

    name: str
    path: Path
    fmt: str
    sha256: str
    sheet: str | None = None


@dataclass
class Staged:
    """A staged table: data rows in ``table`` (all VARCHAR + ``_row``), rows rejected while parsing."""

    table: str
    columns: list[str]
    rows: int
    rejects: list[dict] = field(default_factory=list)
    encoding: str = "utf-8"
    dialect: Dialect | None = None
    sheet: str | None = None


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fmt_of(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    last = suffixes[-1] if suffixes else ""
    if last == ".gz" and len(suffixes) > 1:
        last = suffixes[-2]
    if last in {".parquet", ".pq"}:
        return "parquet"
    if last in {".xlsx", ".xlsm"}:
        return "xlsx"
    if last in {".jsonl", ".ndjson"}:
        return "jsonl"
    if last in TEXT_SUFFIXES or last == "":
        return "csv"
    return None


def expand_inputs(path: Path, tmpdir: Path) -> list[Member]:
    """The tables inside ``path``: itself, the members of a .zip, or the supported files of a folder."""
    if not path.exists():
        raise BadInputError(
            f"No such file or folder: {path}", hint="Check the path (and quote names with spaces)."
        )
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        out: list[Member] = []
        for p in files:
            if p.suffix.lower() == ".zip" or _fmt_of(p) is not None:
                if p.name.endswith(".rejected.csv") or p.suffix.lower() in {".md", ".toml"}:
                    continue
                out.extend(expand_inputs(p, tmpdir))
        if not out:
            raise BadInputError(f"The folder {path} holds no CSV/TSV/Parquet/XLSX/JSON Lines/zip files.")
        return out
    if path.suffix.lower() == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise BadInputError(
                f"{path} is not a readable zip archive ({exc}).", hint="Re-download or re-zip it."
            ) from exc
        out = []
        with zf:
            for info in zf.infolist():
                inner = Path(info.filename)
                if info.is_dir() or "__MACOSX" in inner.parts or inner.name.startswith("."):
                    continue
                fmt = _fmt_of(inner)
                if fmt is None:
                    continue
                dest = tmpdir / f"{len(list(tmpdir.iterdir()))}_{inner.name}"
                try:
                    with zf.open(info) as src, open(dest, "wb") as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
                except (zipfile.BadZipFile, EOFError, OSError) as exc:
                    raise BadInputError(
                        f"{path}: member {info.filename} is corrupt or truncated ({exc})."
                    ) from exc
                out.append(Member(f"{path.name}/{info.filename}", dest, fmt, file_sha256(dest)))
        if not out:
            raise BadInputError(f"The zip archive {path} holds no supported table files.")
        return out
    fmt = _fmt_of(path)
    if fmt is None:
        raise BadInputError(
            f"Unsupported file type: {path.name}.",
            hint="Use CSV/TSV/TXT (optionally .gz), .zip, Parquet, XLSX or JSON Lines (.jsonl).",
        )
    return [Member(path.name, path, fmt, file_sha256(path))]


def _read_sample(path: Path) -> tuple[bytes, bool]:
    import gzip

    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as fh:
                data = fh.read(_SAMPLE + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(_SAMPLE + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise BadInputError(
            f"{path.name} cannot be read: {exc} (truncated or corrupt compressed file?)."
        ) from exc
    return data[:_SAMPLE], len(data) > _SAMPLE


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, n in enumerate(names):
        n = (str(n).strip().lstrip("\ufeff") if n is not None else "") or f"column{i}"
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


def _stage_arrow(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[list[str | None]]
) -> None:
    cols = {
        c: pa.array([r[i] if i < len(r) else None for r in rows], type=pa.string())
        for i, c in enumerate(columns)
    }
    tbl = pa.table(cols) if cols else pa.table({"column0": pa.array([], type=pa.string())})
    con.execute("SELECT 1").fetchall()  # finish any pending result before register()
    con.register("_x_arrow", tbl)
    try:
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE "{table}" AS SELECT row_number() OVER () AS _row, * FROM _x_arrow'
        )
    finally:
        con.unregister("_x_arrow")


def _csv_sql(path: Path, d: Dialect, rejects: str) -> str:
    q = d.quote.replace("'", "''")
    return (
        f"SELECT * FROM read_csv('{str(path).replace(chr(39), chr(39) * 2)}', all_varchar=true, header={str(d.header).lower()}, "
        f"skip={d.skip}, delim='{d.delimiter if d.delimiter != chr(9) else chr(9)}', quote='{q}', escape='{q}', "
        f"store_rejects=true, rejects_table='{rejects}', rejects_scan='{rejects}_scan', strict_mode=true, "
        "max_line_size=8000000, encoding='utf-8')"
    )


_REASONS = {
    "MISSING COLUMNS": ("malformed_row", "row has fewer fields than the header"),
    "TOO MANY COLUMNS": ("malformed_row", "row has more fields than the header"),
    "UNQUOTED VALUE": ("malformed_row", "badly quoted field"),
    "LINE SIZE OVER MAXIMUM": ("field_too_long", "row longer than 8 MB"),
    "INVALID ENCODING": ("bad_encoding", "bytes that are not valid text in the detected encoding"),
    "INVALID STATE": ("malformed_row", "row cannot be parsed"),
    "CAST": ("malformed_row", "value cannot be read"),
}


def _stage_csv(con: duckdb.DuckDBPyConnection, m: Member, table: str, tmpdir: Path) -> Staged:
    sample, truncated = _read_sample(m.path)
    if not sample.strip():
        raise BadInputError(f"{m.name} is empty.", hint="Export the data again; the file has no rows.")
    enc = detect_encoding(sample, truncated=truncated)
    path = m.path
    for attempt in range(2):
        if enc not in {"utf-8", "utf-8-sig"} or (attempt == 1):
            conv = tmpdir / f"utf8_{table}.csv"
            try:
                transcode_to_utf8(m.path, conv, enc)
            except (OSError, EOFError, zlib.error) as exc:
                raise BadInputError(f"{m.name} cannot be read: {exc} (truncated or corrupt file?).") from exc
            path = conv
        text = (
            sample.decode(enc, errors="replace")
            if enc != "utf-8-sig"
            else sample.decode("utf-8-sig", "replace")
        )
        dialect = sniff_text(text.lstrip("\ufeff"), truncated=truncated)
        rj = f"_x_rj_{table}"
        con.execute(f"DROP TABLE IF EXISTS {rj}; DROP TABLE IF EXISTS {rj}_scan")
        try:
            con.execute(f'CREATE OR REPLACE TEMP TABLE "{table}_raw" AS {_csv_sql(path, dialect, rj)}')
        except (duckdb.InvalidInputException, duckdb.IOException, duckdb.ConversionException) as exc:
            msg = str(exc).splitlines()[0][:300]
            raise BadInputError(f"{m.name} cannot be parsed as delimited text: {msg}") from exc
        bad_enc = con.execute(f"SELECT count(*) FROM {rj} WHERE error_type = 'INVALID ENCODING'").fetchone()[
            0
        ]  # type: ignore[index]
        if bad_enc and attempt == 0:
            # The sample looked like UTF-8 but the file is not: detect on the whole file and transcode.
            import gzip

            opener = gzip.open if m.path.suffix.lower() == ".gz" else open
            with opener(m.path, "rb") as fh:  # type: ignore[operator]
                enc = detect_encoding(fh.read())
            if enc in {"utf-8", "utf-8-sig"}:
                break
            continue
        break
    cols = [r[0] for r in con.execute(f'DESCRIBE "{table}_raw"').fetchall()]
    names = _unique(cols)
    sel = ", ".join(f'"{c}"' if c == n else f'"{c}" AS "{n}"' for c, n in zip(cols, names, strict=True))
    first_data_line = dialect.skip + (1 if dialect.header else 0)
    rejects: list[dict] = []
    seen: set[int] = set()
    for line, col, etype, raw, emsg in con.execute(
        f"SELECT line, column_name, error_type::VARCHAR, csv_line, error_message FROM {rj} ORDER BY line"
    ).fetchall():
        row_number = int(line) - first_data_line
        if row_number in seen:  # one quarantine entry per rejected row
            continue
        seen.add(row_number)
        code, reason = _REASONS.get(etype, ("malformed_row", etype))
        rejects.append(
            {"row_number": row_number, "column_name": col, "value": (raw or "")[:1000], "reason_code": code,
             "reason": f"{reason} (line {line}: {emsg})"[:500], "raw": None}
        )  # fmt: skip
    # A view, not a copy: rowid of the freshly loaded table is the k-th parsed row. Inside a transaction
    # rowids start at a large offset: subtract the first one. Rows DuckDB rejected are not in the table, so
    # the k-th parsed row is data row k + (number of rejected rows before it): reject j (1-based, at data
    # row r_j) precedes parsed row k exactly when r_j - (j - 1) <= k.
    base = con.execute(f'SELECT coalesce(min(rowid), 0) FROM "{table}_raw"').fetchone()[0]  # type: ignore[index]
    k = f"(r.rowid - {int(base)} + 1)"
    row = k
    if rejects:
        thresholds = ", ".join(f"({r['row_number'] - j})" for j, r in enumerate(rejects))
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE "{table}_shift" AS SELECT * FROM (VALUES {thresholds}) v(t)'
        )
        row = f'{k} + (SELECT count(*) FROM "{table}_shift" WHERE t <= {k})'
    con.execute(f'CREATE OR REPLACE TEMP VIEW "{table}" AS SELECT {row} AS _row, {sel} FROM "{table}_raw" r')
    n = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
    return Staged(table, names, int(n), rejects, enc, dialect)


def _cell(v: object) -> str | None:
    import datetime as dt

    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _stage_xlsx(con: duckdb.DuckDBPyConnection, m: Member, table: str) -> Staged:
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
        ws = wb[m.sheet] if m.sheet else wb.worksheets[0]
        sheet = ws.title
        if hasattr(ws, "reset_dimensions"):  # Amazon Ads workbooks say A1:A1: read every row anyway
            ws.reset_dimensions()
        rows = [[_cell(v) for v in r] for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    if not rows:
        raise BadInputError(f"{m.name}: the first sheet is empty.")
    idx, _ = find_header([[c or "" for c in r] for r in rows[:50]])
    header_row = [c or "" for c in rows[idx]]
    has_header = looks_like_header(header_row)
    width = max(len(r) for r in rows)
    names = (
        _unique(header_row + [""] * (width - len(header_row)))
        if has_header
        else [f"column{i}" for i in range(width)]
    )
    data = rows[idx + 1 :] if has_header else rows[idx:]
    while data and not any(c not in (None, "") for c in data[-1]):
        data.pop()
    _stage_arrow(con, table, names, data)
    return Staged(table, names, len(data), [], "xlsx", None, sheet)


def _stage_jsonl(con: duckdb.DuckDBPyConnection, m: Member, table: str) -> Staged:
    import gzip

    opener = gzip.open if m.path.suffix.lower() == ".gz" else open
    records: list[dict] = []
    rejects = []
    keys: dict[str, None] = {}
    with opener(m.path, "rb") as fh:  # type: ignore[operator]
        for i, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line.decode(detect_encoding(line)))
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:
                rejects.append(
                    {
                        "row_number": i,
                        "column_name": None,
                        "value": line[:1000].decode("utf-8", "replace"),
                        "reason_code": "malformed_row",
                        "reason": f"line {i} is not a JSON object: {exc}"[:500],
                        "raw": None,
                    }
                )
                continue
            keys.update(dict.fromkeys(obj))
            records.append(obj)
    names = list(keys)

    def txt(v: object) -> str | None:
        if v is None:
            return None
        return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)

    _stage_arrow(con, table, names, [[txt(r.get(k)) for k in names] for r in records])
    return Staged(table, names, len(records), rejects, "utf-8", None)


def _stage_parquet(con: duckdb.DuckDBPyConnection, m: Member, table: str) -> Staged:
    p = str(m.path).replace("'", "''")
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{p}')").fetchall()]
        sel = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in cols)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE \"{table}\" AS SELECT row_number() OVER () AS _row, {sel} FROM read_parquet('{p}')"
        )
    except (duckdb.InvalidInputException, duckdb.IOException) as exc:
        raise BadInputError(f"{m.name} is not a readable Parquet file: {str(exc).splitlines()[0]}") from exc
    n = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
    return Staged(table, cols, int(n), [], "parquet", None)


def stage_member(con: duckdb.DuckDBPyConnection, m: Member, table: str, tmpdir: Path) -> Staged:
    """Read one table into the temp table ``table`` (all VARCHAR, plus ``_row`` = data row number)."""
    if m.fmt == "parquet":
        return _stage_parquet(con, m, table)
    if m.fmt == "xlsx":
        return _stage_xlsx(con, m, table)
    if m.fmt == "jsonl":
        return _stage_jsonl(con, m, table)
    return _stage_csv(con, m, table, tmpdir)
