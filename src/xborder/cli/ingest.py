"""`xborder ingest FILE|FOLDER [--as KIND]`: load real exports into the warehouse and print what happened."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from xborder.cli.common import console, emit, ingest_via_server, open_warehouse, progress, state

__all__ = ["register", "ingest"]


def ingest(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="File (.csv/.tsv/.txt[.gz], .zip, .parquet, .xlsx, .jsonl) or folder.")
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="What the file holds, when its columns do not say it: orders | products | reviews | sales | "
            "trends | ranks | categories | traffic | ads | transactions | inventory | quotes | suppliers | freight | "
            "events. Without it the "
            "kind is recognised from each file's columns.",
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="TOML mapping file for any other layout.")
    ] = None,
    reject_dir: Annotated[
        Path | None,
        typer.Option("--reject-dir", help="Where <name>.rejected.csv files go (default: report dir)."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Read files again even when the same bytes were ingested before (e.g. after changing a "
            "setting); the earlier ingest is superseded and its quarantined rows re-read.",
        ),
    ] = False,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet", help="Sheet of XLSX workbooks to read, by name or number from 1 (default: the first)."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Day (YYYY-MM-DD) that snapshot reports without a date of their own describe (FBA inventory, "
            "restock). Default: a date in the file name, else the time its zip records, else today.",
        ),
    ] = None,
) -> None:
    """Load a real export into the warehouse: every row stored, a duplicate, or quarantined with a reason.

    The kind of each file (orders, ads, inventory, ...) is recognised from its columns; --as overrides it.
    """
    from xborder.core.errors import BadInputError
    from xborder.core.inputs import regular_input
    from xborder.core.unpack import UNPACK_MAX_BYTES, start_unpack

    regular_input(path)  # a FIFO or a device such as /dev/zero would hang the read: refused before opening
    # A .gz file unpacks while the ingest package loads and the warehouse opens (within the file size limit).
    start_unpack(path, int(getattr(state(ctx).settings, "ingest_max_file_bytes", None) or UNPACK_MAX_BYTES))

    from xborder.ingest import KINDS, ingest_path

    if kind is not None and kind not in KINDS:
        raise BadInputError(f"Unknown kind {kind!r} for --as.", hint=f"Use one of: {', '.join(KINDS)}.")
    day = _day(as_of)
    st = state(ctx)
    options = {"force": force, "sheet": sheet, "as_of": day.isoformat() if day else None}
    via_server = ingest_via_server(ctx, path, kind, mapping=mapping, reject_dir=reject_dir, options=options)
    if via_server is not None:  # a running `xborder serve` holds the warehouse: it ingests (one writer)
        emit(ctx, {"db": st.settings.db_path, "results": via_server}, _render)
        return
    con = open_warehouse(ctx)
    try:
        with progress(ctx) as bar:
            task = bar.add_task(f"ingest {path.name}", total=100)

            def report(fraction: float, message: str) -> None:
                bar.update(task, completed=int(fraction * 100), description=message[:60])

            results = ingest_path(
                con,
                path,
                kind,
                settings=st.settings,
                mapping=mapping,
                reject_dir=reject_dir,
                progress=report,
                force=force,
                sheet=sheet,
                as_of=day,
            )
    finally:
        con.close()
    data = {"db": st.settings.db_path, "results": [r.to_dict() for r in results]}
    emit(ctx, data, _render)


def _day(text: str | None) -> dt.date | None:
    from xborder.core.errors import BadInputError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInputError(f"--as-of {text!r} is not a date.", hint="Write it as YYYY-MM-DD.") from None


def _render(data: dict) -> None:
    from rich.table import Table

    t = Table(title=f"Ingest into {data['db']}")
    for c in ("file", "kind", "layout", "rows in", "stored", "duplicate", "quarantined", "status"):
        t.add_column(c, justify="right" if c in {"rows in", "stored", "duplicate", "quarantined"} else "left")
    for r in data["results"]:
        t.add_row(
            r["file_name"], r["kind"], str(r["layout"] or ""), f"{r['rows_in']:,}", f"{r['rows_stored']:,}",
            f"{r['rows_duplicate']:,}", f"{r['rows_quarantined']:,}", r["status"],
        )  # fmt: skip
    console.print(t)
    for r in data["results"]:
        console.print(
            f"{r['file_name']}: {r['rows_in']:,} rows in = {r['rows_stored']:,} stored + {r['rows_duplicate']:,} "
            f"duplicate + {r['rows_quarantined']:,} quarantined ({r['status']}, layout {r['layout']})",
            soft_wrap=True, highlight=False,
        )  # fmt: skip
        revised = int((r.get("extra") or {}).get("revised") or 0)
        if revised:
            console.print(
                f"  {revised:,} of the duplicates have other figures than the rows already stored for the same "
                "day (Amazon revises recent days between exports); the figures stored first are kept "
                "(docs/ingest.md, Duplicates).",
                soft_wrap=True, highlight=False,
            )  # fmt: skip
        if r["rejected_csv"]:
            console.print(
                f"{r['file_name']}: {r['rows_quarantined']:,} rows quarantined, see {r['rejected_csv']}"
            )
        if r["status"] in {"skipped", "ignored"}:
            console.print(f"  {r['message']}", soft_wrap=True, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ingest command to the main app."""
    app.command("ingest")(ingest)
