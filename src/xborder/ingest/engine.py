"""Ingest files into the warehouse: recognise, validate, pseudonymise, de-duplicate, log — one transaction per batch."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from xborder.core.csvsafe import neutralise_sql
from xborder.core.errors import BadInputError
from xborder.core.scratch import scratch, sweep_stale
from xborder.core.settings import Settings
from xborder.ingest.audit import audit_stored
from xborder.ingest.context import LoadContext
from xborder.ingest.countries import register_countries
from xborder.ingest.dates import SOURCE_DATE_ORDER
from xborder.ingest.fastpath import fast_stage, fast_validate, probe_csv
from xborder.ingest.formats import Member, Staged, expand_inputs, stage_member
from xborder.ingest.layouts.base import Layout, match_layout
from xborder.ingest.limits import IngestCall, IngestLimits, current_call, ingest_call, ingest_limits
from xborder.ingest.masking import PERSONAL_FIELDS, mask_quarantine, personal_headers
from xborder.ingest.reingest import Previous, previous_ingest, supersede
from xborder.ingest.result import IngestResult
from xborder.ingest.validate import validate_stage
from xborder.ingest.xlsx import pick_sheet
from xborder.ledger.runs import record_at_ingest
from xborder.warehouse.keys import warehouse_key
from xborder.warehouse.layers import layer_ingest
from xborder.warehouse.suppress import suppress_erased

__all__ = ["ingest_path"]

Progress = Callable[[float, str], None]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _new_id(sha: str) -> str:
    return f"ing_{_now():%Y%m%d%H%M%S}_{sha[:8]}_{secrets.token_hex(3)}"


def ingest_path(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    kind: str | None = None,
    *,
    settings: Settings,
    mapping: str | Path | None = None,
    reject_dir: str | Path | None = None,
    progress: Progress | None = None,
    force: bool = False,
    limits: IngestLimits | None = None,
    sheet: str | None = None,
    as_of: dt.date | None = None,
) -> list[IngestResult]:
    """Ingest a file, a .zip or a folder (one result per table) in ONE transaction.

    Every input row is stored, recognised as a duplicate or quarantined (table ``quarantine`` and
    ``<reject_dir>/<name>.rejected.csv``); ``ingest_log`` records the counts and the file's SHA-256.
    A file already ingested (same SHA-256 and kind) is skipped, unless the earlier ingest stored nothing,
    the mapping changed, or ``force`` is set: then it is read again and supersedes the earlier ingest
    (:mod:`xborder.ingest.reingest`). ``limits`` (default: from ``settings``) bound sizes and values
    (:mod:`xborder.ingest.limits`). ``sheet`` (a name or a 1-based number) picks the sheet of XLSX workbooks
    (default: the first); ``as_of`` dates snapshot reports that do not date themselves (FBA inventory,
    restock). Raises BadInputError for unreadable input, a file over the limits, a
    date column whose day/month order cannot be told, or a file that matches no layout of ``kind``; the
    warehouse is then unchanged.
    """
    from xborder.ingest.mapping import load_mapping

    path = Path(path).expanduser()
    custom: Layout | None = None
    constants: dict = {}
    if mapping is not None:
        custom, constants = load_mapping(Path(mapping).expanduser(), kind)
        kind = custom.kind
    if as_of is not None:
        constants = {**constants, "snapshot_date": as_of.isoformat()}
    key = warehouse_key(con, settings)
    report = progress or (lambda f, m: None)
    limits = limits or ingest_limits(settings)
    call = IngestCall(limits, force, constants.get("_mapping_digest"))
    results: list[IngestResult] = []
    sweep_stale()  # input copies a killed ingest left behind hold raw rows (core/scratch.py)
    with scratch("xborder-ingest-") as tmp, ingest_call(call):
        members = expand_inputs(path, Path(tmp), limits)
        if sheet is not None:
            members = pick_sheet(members, sheet)
        folder = len(members) > 1
        con.execute("SET enable_progress_bar = false")  # our own progress callback reports instead
        try:
            # Reading and recognising only creates temp tables: done before the transaction, so a reader
            # error (or the fast path giving up) cannot abort it.
            register_countries(con)
            plan = []
            for i, m in enumerate(members):
                report(0.3 * i / len(members), f"reading {m.name}")
                plan.append(_recognise(con, m, i, kind, custom, folder, Path(tmp)))
            plan.sort(key=lambda p: (p[2].order if p[2] else 999, p[0].name))
            con.execute("BEGIN TRANSACTION")
            try:
                tables = {
                    r[0]
                    for r in con.execute(
                        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary"
                    ).fetchall()
                }
                for j, (m, staged, lay, fmap, err) in enumerate(plan):
                    report(0.3 + 0.7 * j / len(plan), f"loading {m.name}")
                    batch = {r.ingest_id for r in results}
                    results.append(
                        _load_one(con, m, staged, lay, fmap, err, key, constants, limits, tables, batch)
                    )
                _apply_overrides(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            _drop_temps(con)
    record_at_ingest(con, [r.ingest_id for r in results])  # ledger entry at once; never fails the ingest
    report(1.0, "done")
    try:
        _write_rejects(con, results, Path(reject_dir or settings.report_dir))
    except (OSError, duckdb.Error) as exc:  # the data is committed; say where the reasons still are
        for r in results:
            if r.rows_quarantined and not r.rejected_csv:
                r.message += f"; could not write the rejected CSV ({exc}); see table quarantine, ingest_id {r.ingest_id}"
    return results


def _recognise(con, m: Member, i: int, kind, custom, folder: bool, tmp: Path):  # noqa: ANN001, ANN202
    want = custom.kind if custom is not None else (None if folder else kind)
    prev = previous_ingest(
        con, m.sha256, want, current_call().log_layout(custom and custom.name), force=current_call().force
    )
    if prev is not None:  # same bytes already ingested: no need to read the file again
        from xborder.ingest.layouts.base import all_layouts

        lay = custom or next((x for x in all_layouts() if x.name == prev[3]), None)
        if lay is not None:
            return (m, None, lay, None, prev)
    if m.fmt == "csv" and custom is None and (probe := probe_csv(con, m, tmp)) is not None:
        try:
            lay, fmap = match_layout(kind, probe.columns, m.name)
        except BadInputError:
            lay = None
        if lay is not None and lay.fast:
            fast = fast_stage(con, m, probe, lay, fmap, f"_x_stage_{i}")
            if fast is not None:
                return (m, fast, lay, fmap, None)
    staged = stage_member(con, m, f"_x_stage_{i}", tmp)
    if custom is not None:
        from xborder.ingest.layouts.base import resolve

        cmap = resolve(custom, staged.columns)
        if cmap is None:
            match_layout_custom_error(custom, staged.columns, m.name)
        return (m, staged, custom, cmap, None)
    try:
        lay, fmap = match_layout(kind, staged.columns, m.name)
    except BadInputError as exc:
        if not folder:
            raise
        try:
            lay, fmap = match_layout(None, staged.columns, m.name)
        except BadInputError:
            return (m, staged, None, None, str(exc))
    return (m, staged, lay, fmap, None)


def match_layout_custom_error(layout: Layout, headers: list[str], name: str) -> None:
    """Raise the usual missing-columns message for a mapping-file layout."""
    from xborder.ingest.layouts.base import _hint, _mismatch_message

    raise BadInputError(_mismatch_message(layout.kind, [layout], headers, name), hint=_hint(layout.kind))


def _load_one(
    con,  # noqa: ANN001
    m: Member,
    staged: Staged | None,
    lay,  # noqa: ANN001
    fmap,  # noqa: ANN001
    err,  # noqa: ANN001
    key: bytes,
    constants: dict,
    limits: IngestLimits,
    tables: set[str],
    batch: set[str],
) -> IngestResult:
    t0 = time.perf_counter()
    iid = _new_id(m.sha256)
    rows_in = int(err[1]) if staged is None else staged.rows + len(staged.rejects)
    res = IngestResult(
        iid, m.name, lay.kind if lay else "unrecognised", lay.name if lay else None, rows_in=rows_in
    )
    res.sha256 = m.sha256
    started = _now()
    if lay is None:
        res.status, res.message = "ignored", f"not recognised, nothing loaded: {err}"
        res.rows_in = 0
        return res
    prev = err if staged is None else None
    if prev is not None:
        _skip(res, prev)
    else:
        assert staged is not None
        q = _quarantine_parse_rejects(con, iid, m.name, staged)
        good = f"_x_good_{staged.table}"
        if getattr(staged, "fast_base", None) is not None:
            q += fast_validate(con, staged, lay, fmap, good, iid, m.name)
        else:
            order = SOURCE_DATE_ORDER.get(lay.source)  # a source's own locale, unless the mapping says
            q += validate_stage(
                con, stage=staged.table, good=good, fields=lay.fields, mapping=fmap, ingest_id=iid,
                file_name=m.name, constants={**({"date_order": order} if order else {}), **constants}, limits=limits,
            )  # fmt: skip
        ctx = LoadContext(
            con,
            iid,
            m.name,
            staged.table,
            good,
            fmap,
            key,
            {
                **constants,
                "_sheet": staged.sheet,
                "_modified": m.modified,
                "_modified_source": m.modified_source,
            },
            columns=staged.columns,
        )
        counts = lay.writer(con, ctx)
        relinked = layer_ingest(con, iid)  # the key layers of a rotated warehouse (docs/security.md)
        erased = suppress_erased(con, iid, m.name)  # rows of persons erased on request (docs/privacy.md)
        audit_stored(con, iid, m.name, limits, tables)
        res.rows_stored = counts.stored - erased - relinked
        res.rows_duplicate = counts.duplicate + relinked
        res.rows_quarantined = q + ctx.quarantined + counts.quarantined + erased
        res.extra = counts.extra
        if res.rows_quarantined:
            mapped = [fmap[f.name] for f in lay.fields if f.name in PERSONAL_FIELDS and f.name in fmap]
            mask_quarantine(con, iid, personal_headers(staged.columns, mapped))
        if not res.balanced:
            raise RuntimeError(
                f"internal accounting error for {m.name}: rows_in {rows_in} != stored {res.rows_stored} + "
                f"duplicate {res.rows_duplicate} + quarantined {res.rows_quarantined}"
            )
        res.message = (
            f"{res.rows_stored:,} stored, {res.rows_duplicate:,} duplicate, {res.rows_quarantined:,} quarantined "
            f"({staged.encoding})"
        )
        earlier = supersede(con, m.sha256, lay.kind, iid, batch)
        if earlier:
            ids = ", ".join(i for i, _ in earlier)
            res.extra["supersedes"] = [i for i, _ in earlier]
            res.message += (
                f"; read again (same file as {ids}, which stored nothing, used another mapping, or --force): "
                f"its {sum(n for _, n in earlier):,} quarantined rows were re-read, rows it stored count as "
                "duplicates"
            )
    res.seconds = time.perf_counter() - t0
    con.execute(
        """INSERT INTO ingest_log (ingest_id, started_at, finished_at, file_name, sha256, kind, layout, rows_in,
               rows_stored, rows_duplicate, rows_quarantined, status, message, file_modified, file_modified_source)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            iid,
            started,
            _now(),
            m.name,
            m.sha256,
            lay.kind,
            current_call().log_layout(lay.name) if lay.name.startswith("mapping:") else lay.name,
            res.rows_in,
            res.rows_stored,
            res.rows_duplicate,
            res.rows_quarantined,
            res.status,
            res.message,
            m.modified,
            m.modified_source if m.modified else None,
        ],
    )
    return res


def _skip(res: IngestResult, prev: Previous) -> None:
    """A file whose bytes were ingested before: nothing is read; its rows are counted as they went then."""
    res.status = "skipped"
    res.rows_in = prev.rows_in
    res.rows_duplicate = prev.rows_stored + prev.rows_duplicate
    res.rows_quarantined = prev.rows_quarantined
    res.message = f"same file (SHA-256) already ingested as {prev.ingest_id}; nothing added"
    if prev.rows_quarantined:
        res.message += (
            f"; its {prev.rows_quarantined:,} quarantined rows stay in the quarantine table under that ingest"
        )
    res.message += " (use --force to read it again, e.g. after changing a setting)"


def _quarantine_parse_rejects(con, iid: str, name: str, staged: Staged) -> int:  # noqa: ANN001
    for r in staged.rejects:
        con.execute(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                iid,
                name,
                r["row_number"],
                r["column_name"],
                r["value"],
                r["reason_code"],
                r["reason"],
                r["raw"],
            ],
        )
    return len(staged.rejects)


def _apply_overrides(con) -> None:  # noqa: ANN001
    con.execute(
        """UPDATE products SET category = o.category, category_confidence = 1.0, category_source = 'override'
           FROM product_category_overrides o
           WHERE products.product_id = o.product_id
             AND (products.category IS DISTINCT FROM o.category OR products.category_source IS DISTINCT FROM 'override')"""
    )


def _drop_temps(con) -> None:  # noqa: ANN001
    try:
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '\\_x\\_%' ESCAPE '\\'"
        ).fetchall():
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
        for (name,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE temporary AND view_name LIKE '\\_x\\_%' ESCAPE '\\'"
        ).fetchall():
            con.execute(f'DROP VIEW IF EXISTS "{name}"')
    except duckdb.Error:
        pass


def _write_rejects(con, results: list[IngestResult], reject_dir: Path) -> None:  # noqa: ANN001
    for r in results:
        if r.status != "ok" or not r.rows_quarantined:
            continue
        reject_dir.mkdir(parents=True, exist_ok=True)
        stem = r.file_name.replace("/", "_").replace("\\", "_")
        out = reject_dir / f"{stem}.rejected.csv"
        con.execute(
            f"""COPY (SELECT {neutralise_sql("file_name")} AS file, row_number, {neutralise_sql("column_name")} AS column,
                {neutralise_sql("value")} AS value, reason_code AS reason, {neutralise_sql("reason")} AS detail
                FROM quarantine WHERE ingest_id = '{r.ingest_id}' ORDER BY row_number)
                TO '{str(out).replace("'", "''")}' (HEADER, DELIMITER ',')"""
        )
        r.rejected_csv = str(out)
