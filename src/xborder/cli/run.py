"""`xborder run`, `xborder demo`, `xborder report`: the main job from data to a product-selection report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import emit, state
from xborder.core.errors import BadInputError

__all__ = ["register", "parse_params", "split_list"]


def split_list(values: list[str] | None, *, upper: bool = False) -> list[str] | None:
    """Accept repeated options and comma-separated values alike: ``--markets DE,FR --markets GB``."""
    if not values:
        return None
    items = [v.strip() for raw in values for v in raw.split(",") if v.strip()]
    return [v.upper() for v in items] if upper else items


def parse_params(values: list[str] | None) -> dict[str, dict[str, Any]]:
    """``stage.key=value`` options into ``{stage: {key: value}}``, checked against the stages' Params.

    Values are read as JSON where they parse (``200``, ``true``, ``["W"]``), else as text; the stage's
    Params then convert and bound them, and an unknown stage or parameter is named with what exists.
    """
    import json

    from xborder.pipeline.registry import parse_params as check
    from xborder.report.stage import RUN_STAGES

    out: dict[str, dict[str, Any]] = {}
    for item in values or []:
        key, sep, raw = item.partition("=")
        stage, dot, name = key.partition(".")
        if not sep or not dot or not name:
            raise BadInputError(
                f"--param '{item}' must look like stage.name=value, e.g. demand.max_series=200."
            )
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        out.setdefault(stage, {})[name] = value
    check(out, RUN_STAGES)
    return out


def _progress_runner(ctx: typer.Context, names: tuple[str, ...] | None = None):
    """A context manager yielding on_progress(stage, fraction, message) bound to Rich bars, one per stage."""
    from contextlib import contextmanager

    from xborder.cli.common import progress
    from xborder.report.stage import RUN_STAGES

    @contextmanager
    def cm():
        with progress(ctx, transient=False) as p:
            tasks = {
                name: p.add_task(f"{name:<12}", total=100) for name in names or [s.name for s in RUN_STAGES]
            }

            def on_progress(stage: str, fraction: float, message: str) -> None:
                if stage in tasks:
                    p.update(
                        tasks[stage],
                        completed=round(fraction * 100),
                        description=f"{stage:<12} {message[:60]}",
                    )

            yield on_progress

    return cm()


def _files(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The report files just written (``xborder report``), else those the run record's report stage lists."""
    if result.get("files"):
        return list(result["files"])
    rep = (result.get("stages") or {}).get("report") or {}
    return list((rep.get("summary") or {}).get("files") or [])


def _render_result(result: dict[str, Any]) -> None:
    from rich.table import Table

    from xborder.cli.common import console

    t = Table(title=f"Run {result['run_id']} — {result['status']}")
    for c in ("stage", "status", "seconds", "details"):
        t.add_column(c)
    for name, rec in (result.get("stages") or {}).items():
        detail = rec.get("reason") or rec.get("error") or ""
        t.add_row(name, rec.get("status", ""), str(rec.get("seconds", "")), str(detail)[:80])
    console.print(t)
    for f in _files(result):
        if f["status"] == "ok":
            console.print(f"  {f['lang']} {f['format']:<4} {f['path']}")
        else:
            console.print(f"  {f['lang']} {f['format']:<4} [yellow]missing[/]: {f['message']}")


def run(
    ctx: typer.Context,
    data: Annotated[
        Path | None, typer.Option("--data", help="Folder (or file) of exports to ingest first.")
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Warehouse to use (default: the global --db).")
    ] = None,
    markets: Annotated[
        list[str] | None, typer.Option("--markets", help="Markets (ISO2), e.g. DE,FR.")
    ] = None,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Report language(s): en, zh (default both).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Report folder (default ./xborder-report).")
    ] = None,
    resume: Annotated[
        str | None,
        typer.Option("--resume", help="Finish an earlier run without redoing its finished stages."),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Opportunities with a page of their own.")] = 10,
    skip: Annotated[
        list[str] | None, typer.Option("--skip", help="Stage(s) not to run, e.g. reviews (repeatable).")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="Engine parameter stage.name=value (repeatable).")
    ] = None,
) -> None:
    """Run the whole job: ingest → demand → reviews → landed cost → compliance → selection → report."""
    from xborder.core.settings import get_settings
    from xborder.pipeline.runner import LANGS, run_pipeline
    from xborder.report.stage import RUN_STAGES

    settings = get_settings(db_path=db) if db else state(ctx).settings
    if data is None and not resume and not Path(settings.db_path).exists():
        raise BadInputError(
            f"Nothing to run on: no warehouse at {settings.db_path}. Give --data DIR (exports to ingest) "
            "or --db DB (an existing warehouse)."
        )
    if resume and (data or markets or param or lang or out):
        raise BadInputError(
            "--resume continues a run with its own inputs and parameters; drop --data/--markets/--param/--lang/--out "
            "(re-render in other languages or folders with `xborder report --run ID`)."
        )
    if data is not None and not data.exists():
        raise BadInputError(
            f"Data folder {data} does not exist.", hint="Pass --data with a folder of exports."
        )
    params = parse_params(param)
    params.setdefault("report", {})["top_n"] = top
    with _progress_runner(ctx) as on_progress:
        result = run_pipeline(
            settings,
            data=data,
            markets=split_list(markets, upper=True),
            langs=split_list(lang) or list(LANGS),
            out=out,
            resume=resume,
            params=params,
            skip=split_list(skip),
            on_progress=on_progress,
            stages=RUN_STAGES,
        )
    result["files"] = _files(result)
    emit(ctx, result, _render_result)


def report(
    ctx: typer.Context,
    run_id: Annotated[
        str | None, typer.Option("--run", help="Run id (default: the latest pipeline run).")
    ] = None,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Language(s): en, zh (default both).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Report folder (default ./xborder-report).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Opportunities with a page of their own.")] = 10,
    list_runs: Annotated[bool, typer.Option("--list", help="List the pipeline runs instead.")] = False,
) -> None:
    """Render the report of an earlier run again (HTML, PDF and Excel)."""
    from xborder.cli.common import open_warehouse
    from xborder.pipeline.runner import LANGS, _check_langs
    from xborder.report import render_report
    from xborder.warehouse.runs import latest_run_id, load_run

    con = open_warehouse(ctx)
    try:
        if list_runs:
            rows = con.execute(
                "SELECT run_id, started_at, finished_at, status, message FROM runs WHERE kind = 'pipeline' "
                "ORDER BY started_at DESC"
            ).df()
            emit(ctx, rows, lambda d: print(d.to_string(index=False) if len(d) else "No pipeline runs yet."))
            return
        rid = run_id or latest_run_id(con)
        if rid is None:
            raise BadInputError(
                "This warehouse has no pipeline run yet.", hint="Start one with `xborder run`."
            )
        rec = load_run(con, rid)
        langs = _check_langs(split_list(lang) or list(LANGS))
        folder = out or Path(state(ctx).settings.report_dir)
        with _progress_runner(ctx, ("report",)) as on_progress:
            files = render_report(
                con,
                rid,
                langs=langs,
                out=folder,
                top_n=top,
                progress=lambda f, m: on_progress("report", f, m),
            )
    finally:
        con.close()
    emit(
        ctx, {"run_id": rid, "status": rec["status"], "stages": rec["stages"], "files": files}, _render_result
    )


def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Report folder (also holds the demo warehouse).")] = Path(
        "xborder-report"
    ),
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Report language(s): en, zh (default both).")
    ] = None,
) -> None:
    """Run the whole job on the bundled real demo data (what `make demo` calls)."""
    from xborder.pipeline.demo import run_demo
    from xborder.report.stage import RUN_STAGES

    with _progress_runner(ctx) as on_progress:
        result = run_demo(
            state(ctx).settings, out=out, langs=split_list(lang), on_progress=on_progress, stages=RUN_STAGES
        )
    result["files"] = _files(result)
    emit(ctx, result, _render_result)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("report")(report)
    app.command("demo")(demo)
