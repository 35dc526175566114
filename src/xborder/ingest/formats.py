"""Read any supported file into an all-text staging table: CSV/TSV (any delimiter, quoted multi-line
fields, .gz), Parquet, XLSX, JSON Lines; .zip archives and folders expand to their members."""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from xborder.core.errors import BadInputError
from xborder.ingest.encoding import detect_encoding
from xborder.ingest.limits import IngestLimits
from xborder.ingest.sniff import Dialect

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
    modified: str | None = None  # a zip member's time (local, zips carry no zone) or a file's mtime (UTC)
    modified_source: str | None = None  # zip_member | file_mtime


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
    """SHA-256 of a file's bytes (the one ``xborder ingest`` computed in the background at its start, if any:
    :func:`xborder.core.unpack.known_sha256`)."""
    from xborder.core.unpack import known_sha256

    known = known_sha256(path)
    if known is not None:
        return known
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


def _too_big(name: str, size: int, limits: IngestLimits, what: str = "is") -> BadInputError:
    return BadInputError(
        f"{name} {what} {size:,} bytes; the limit is {limits.max_file_bytes:,} bytes per file (setting "
        "ingest_max_file_bytes). Nothing was loaded.",
        hint="Split the file (e.g. by month) and ingest the parts, or raise the setting.",
    )


def _gzip_size(path: Path) -> int:
    """Uncompressed size a .gz file declares, 0 when unknown (:func:`xborder.core.unpack.declared_size`)."""
    from xborder.core.unpack import declared_size

    return declared_size(path)


def _check_file(path: Path, limits: IngestLimits) -> None:
    if not path.is_file():
        raise BadInputError(
            f"{path} is not a regular file (a pipe, socket or device?); nothing was read.",
            hint="Save the data to a file first and ingest that file.",
        )
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise _too_big(path.name, size, limits)
    if path.suffix.lower() == ".gz" and _gzip_size(path) > limits.max_file_bytes:
        raise _too_big(path.name, _gzip_size(path), limits, "unpacks to")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            with zipfile.ZipFile(path) as zf:
                unpacked = sum(i.file_size for i in zf.infolist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise BadInputError(f"{path.name} is not a readable XLSX workbook ({exc}).") from exc
        if unpacked > limits.max_file_bytes:
            raise _too_big(path.name, unpacked, limits, "unpacks to")


def expand_inputs(path: Path, tmpdir: Path, limits: IngestLimits | None = None) -> list[Member]:
    """The tables inside ``path``: itself, the members of a .zip, or the supported files of a folder.

    A file, or zip member, larger than ``limits.max_file_bytes`` (unpacked) and anything that is not a
    regular file (a FIFO would block the read forever) raise BadInputError before anything is read.
    """
    limits = limits or IngestLimits()
    if not path.exists():
        raise BadInputError(
            f"No such file or folder: {path}", hint="Check the path (and quote names with spaces)."
        )
    if path.is_dir():
        # Sub-folders too (a seller's export folder by year or report type); hidden files and folders skipped.
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        out: list[Member] = []
        for p in files:
            if p.suffix.lower() == ".zip" or _fmt_of(p) is not None:
                if p.name.endswith(".rejected.csv") or p.suffix.lower() in {".md", ".toml"}:
                    continue
                rel = p.relative_to(path).as_posix()  # 2019/orders.csv and 2020/orders.csv stay apart
                out.extend(
                    replace(x, name=rel + x.name[len(p.name) :]) for x in expand_inputs(p, tmpdir, limits)
                )
        if not out:
            raise BadInputError(f"The folder {path} holds no CSV/TSV/Parquet/XLSX/JSON Lines/zip files.")
        return out
    _check_file(path, limits)
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
                label = f"{path.name}/{info.filename}"
                if info.file_size > limits.max_file_bytes:
                    raise _too_big(label, info.file_size, limits, "unpacks to")
                dest = tmpdir / f"{len(list(tmpdir.iterdir()))}_{inner.name}"
                try:
                    written = 0
                    with zf.open(info) as src, open(dest, "wb") as dst:
                        while chunk := src.read(1 << 20):
                            written += len(chunk)
                            if written > limits.max_file_bytes:  # the member's declared size lied
                                raise _too_big(label, written, limits, "unpacks to more than")
                            dst.write(chunk)
                except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError) as exc:
                    raise BadInputError(
                        f"{path}: member {info.filename} is corrupt or truncated ({exc})."
                    ) from exc
                _check_file(dest, limits)
                stamp = "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*info.date_time)
                out.append(
                    Member(label, dest, fmt, file_sha256(dest), modified=stamp, modified_source="zip_member")
                )
        if not out:
            raise BadInputError(f"The zip archive {path} holds no supported table files.")
        return out
    fmt = _fmt_of(path)
    if fmt is None:
        raise BadInputError(
            f"Unsupported file type: {path.name}.",
            hint="Use CSV/TSV/TXT (optionally .gz), .zip, Parquet, XLSX or JSON Lines (.jsonl).",
        )
    return [
        Member(path.name, path, fmt, file_sha256(path), modified=_mtime(path), modified_source="file_mtime")
    ]


def _mtime(path: Path) -> str | None:
    """The file's modification time in UTC (``YYYY-MM-DD HH:MM:SS``), or None when the system has none."""
    import datetime as dt

    try:
        ts = path.stat().st_mtime
    except OSError:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


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


def _check_names(names: list[str], file_name: str) -> None:
    """Refuse column names longer than a header's (a broken first row, or data read as the header)."""
    from xborder.ingest.csvread import MAX_HEADER_CHARS

    longest = max((len(n) for n in names), default=0)
    if longest > MAX_HEADER_CHARS:
        raise BadInputError(
            f"{file_name}: a column name has {longest:,} characters; column names are short (at most "
            f"{MAX_HEADER_CHARS:,} characters here), so the header row is broken. Nothing was loaded.",
            hint="Check that the first row of the table names its columns.",
        )


def _stage_arrow(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[list[str | None]]
) -> None:
    import pyarrow as pa  # only XLSX and JSON Lines need it: not imported for a CSV ingest

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


def _stage_csv(
    con: duckdb.DuckDBPyConnection, m: Member, table: str, tmpdir: Path, limits: IngestLimits
) -> Staged:
    from xborder.ingest.csvread import stage_csv

    sample, truncated = _read_sample(m.path)
    if not sample.strip():
        raise BadInputError(f"{m.name} is empty.", hint="Export the data again; the file has no rows.")
    names, n, rejects, enc, dialect = stage_csv(con, m, table, tmpdir, limits, sample, truncated)
    return Staged(table, names, n, rejects, enc, dialect)


def _wide(name: str, n: int, limits: IngestLimits) -> BadInputError:
    return BadInputError(
        f"{name}: a row has more than {limits.max_columns:,} columns ({n:,} or more); the limit is "
        f"{limits.max_columns:,} (setting ingest_max_columns). Nothing was loaded.",
        hint="Check that the file is the export you meant, or split its columns.",
    )


def _jsonl_lines(path: Path, limits: IngestLimits) -> Iterator[tuple[bytes, bool]]:
    """(line, too long) per line of a JSON Lines file; a line over the field limit is cut and flagged."""
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    cap = limits.max_field_bytes
    with opener(path, "rb") as fh:  # type: ignore[operator]
        while line := fh.readline(cap + 1):
            if len(line) > cap and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):
                    line = fh.readline(1 << 20)
                yield b"", True
                continue
            yield line, False


def _stage_jsonl(con: duckdb.DuckDBPyConnection, m: Member, table: str, limits: IngestLimits) -> Staged:
    records: list[dict] = []
    rejects = []
    keys: dict[str, None] = {}
    try:
        for i, (line, too_long) in enumerate(_jsonl_lines(m.path, limits), start=1):
            if too_long:
                rejects.append(
                    {"row_number": i, "column_name": None, "value": "", "reason_code": "field_too_long",
                     "reason": f"line {i} is longer than {limits.max_field_bytes:,} bytes (setting "
                               "ingest_max_field_bytes)", "raw": None}
                )  # fmt: skip
                continue
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
            if len(keys) > limits.max_columns:
                raise _wide(m.name, len(keys), limits)
            records.append(obj)
    except (OSError, EOFError, zlib.error) as exc:
        raise BadInputError(f"{m.name} cannot be read to the end ({exc}): truncated or corrupt?") from exc
    names = list(keys)
    _check_names(names, m.name)

    def txt(v: object) -> str | None:
        if v is None:
            return None
        return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)

    _stage_arrow(con, table, names, [[txt(r.get(k)) for k in names] for r in records])
    return Staged(table, names, len(records), rejects, "utf-8", None)


def _stage_parquet(con: duckdb.DuckDBPyConnection, m: Member, table: str, limits: IngestLimits) -> Staged:
    p = str(m.path).replace("'", "''")
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{p}')").fetchall()]
        if len(cols) > limits.max_columns:
            raise _wide(m.name, len(cols), limits)
        _check_names(cols, m.name)
        sel = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in cols)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE \"{table}\" AS SELECT row_number() OVER () AS _row, {sel} FROM read_parquet('{p}')"
        )
    except duckdb.Error as exc:
        raise BadInputError(f"{m.name} is not a readable Parquet file: {str(exc).splitlines()[0]}") from exc
    n = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
    return Staged(table, cols, int(n), [], "parquet", None)


def stage_member(
    con: duckdb.DuckDBPyConnection, m: Member, table: str, tmpdir: Path, limits: IngestLimits | None = None
) -> Staged:
    """Read one table into the temp table ``table`` (all VARCHAR, plus ``_row`` = data row number).

    Rows that cannot be read (wrong number of fields, broken quoting, bytes that are not text, a field or
    line over the limits) are returned as ``Staged.rejects`` for quarantine; the other rows are staged.
    """
    limits = limits or IngestLimits()
    if m.fmt == "parquet":
        return _stage_parquet(con, m, table, limits)
    if m.fmt == "xlsx":
        from xborder.ingest.xlsx import stage_xlsx

        return stage_xlsx(con, m, table, limits)
    if m.fmt == "jsonl":
        return _stage_jsonl(con, m, table, limits)
    return _stage_csv(con, m, table, tmpdir, limits)
