"""``xborder projects new | list | show | gate | outcomes | experiment`` and ``xborder kpis``: from pick to launch and back."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core import i18n
from xborder.core.errors import BadInputError

__all__ = ["register", "new", "list_projects", "show", "gate", "outcomes", "kpis"]

projects_app = typer.Typer(help="Product-development projects: stage gates from idea to launch, and their outcomes.",
                           no_args_is_help=True)  # fmt: skip
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
LangOpt = Annotated[str, typer.Option("--lang", help="en | zh.")]


def _json(ctx: typer.Context, flag: bool) -> None:
    if flag:
        state(ctx).json = True


def _when(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadInputError(
            f"--at '{text}' is not a date or date-time.", hint="Use ISO form: 2026-03-01 or 2026-03-01T09:30."
        ) from None


@projects_app.command("new")
def new(
    ctx: typer.Context,
    product_id: Annotated[str, typer.Argument(help="products.product_id of the pick.")],
    market: Annotated[str, typer.Argument(help="ISO2 target market.")],
    owner: Annotated[str | None, typer.Option("--owner", help="Team or role accountable.")] = None,
    spec_days: Annotated[
        float | None,
        typer.Option(
            "--spec-days", min=0, help="Days for the specification (default: setting launch_spec_days, 14)."
        ),
    ] = None,
    pilot_days: Annotated[
        float | None,
        typer.Option(
            "--pilot-days", min=0, help="Days for the pilot batch (default: setting launch_pilot_days, 30)."
        ),
    ] = None,
    window_months: Annotated[
        int | None,
        typer.Option(
            "--window-months",
            min=1,
            help="Months judged after launch (default: setting launch_window_months, 6).",
        ),
    ] = None,
    pick_run: Annotated[
        str | None,
        typer.Option("--pick-run", help="Selection run the pick comes from (default: the latest)."),
    ] = None,
    forecast_run: Annotated[
        str | None,
        typer.Option(
            "--forecast-run",
            help="Demand run whose horizon total is frozen when the selection gives no interval "
            "(default: the latest).",
        ),
    ] = None,
    target_margin: Annotated[
        float | None,
        typer.Option(
            "--target-margin", help="Margin a success must reach (default: the landed cost's target)."
        ),
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="Start date (default now).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Make a pick a project: freeze its score, forecast and factors, plan the launch date, open the idea gate."""
    _json(ctx, json_out)
    from xborder.domains.launch.stage.io import create_project

    con = open_warehouse(ctx)
    try:
        row = create_project(con, product_id, market, owner=owner, spec_days=spec_days, pilot_days=pilot_days,
                             window_months=window_months, target_margin=target_margin, start=_when(at),
                             pick_run_id=pick_run, forecast_run_id=forecast_run,
                             settings=state(ctx).settings)  # fmt: skip
    finally:
        con.close()

    def render(r: dict[str, Any]) -> None:
        unknown = f"; unknown: {', '.join(r['unknown'])}" if r["unknown"] else ""
        console.print(i18n.render("launch.project_created", "en", project=r["project_id"], product=r["product_id"],
                                  market=r["market"], expected=r["expected_launch"], path=r["critical_path"],
                                  unknown=unknown))  # fmt: skip
        if r["factors_frozen"]:
            console.print(
                i18n.render("launch.factors_frozen", "en", count=r["factors_frozen"], run=r["pick_run_id"])
            )

    emit(ctx, row, render)


@projects_app.command("list")
def list_projects(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Every project with its current gate, state and expected launch."""
    _json(ctx, json_out)
    import pandas as pd

    from xborder.domains.launch.projects import cycle_times
    from xborder.domains.launch.stage.io import read_projects

    con = open_warehouse(ctx, read_only=True)
    try:
        rows = read_projects(con)
    finally:
        con.close()
    cycles = cycle_times(rows) if len(rows) else pd.DataFrame(columns=["cycle_months"])
    median = float(cycles["cycle_months"].median()) if len(cycles) else None
    data = {"projects": rows, "median_cycle_months": median}

    def render(d: dict[str, Any]) -> None:
        if rows.empty:
            console.print(i18n.render("launch.no_projects", "en"))
            return
        cols = [
            "project_id",
            "product_id",
            "market",
            "gate",
            "state",
            "owner",
            "expected_launch",
            "launched_at",
        ]
        console.print(rows[cols].to_string(index=False))
        if median is not None:
            console.print(f"median development cycle: {median:.1f} months over {len(cycles)} launched")

    emit(ctx, data, render)


@projects_app.command("show")
def show(ctx: typer.Context, project_id: Annotated[str, typer.Argument(help="projects.project_id.")],
         json_out: JsonOpt = False) -> None:  # fmt: skip
    """One project: its frozen forecast and plan, every gate decision, and its latest outcome."""
    _json(ctx, json_out)
    from xborder.domains.launch.stage.io import read_events, read_experiments, read_projects, run_rows

    con = open_warehouse(ctx, read_only=True)
    try:
        rows = read_projects(con)
        rows = rows[rows["project_id"] == project_id]
        if rows.empty:
            raise BadInputError(f"No project {project_id}.", hint="List them: xborder projects list")
        events = read_events(con, project_id)
        outcome = run_rows(con, "launch_outcomes", where="project_id = ?", params=[project_id])
        tests = read_experiments(con, project_id)
    finally:
        con.close()
    data = {"project": rows.iloc[0].to_dict(), "events": events, "outcome": outcome, "experiments": tests}

    def render(d: dict[str, Any]) -> None:
        for k, v in d["project"].items():
            console.print(f"{k}: {v}")
        console.print(events.drop(columns="project_id").to_string(index=False))
        if len(outcome):
            console.print(outcome.drop(columns="run_id").to_string(index=False))
        if len(tests):
            cols = ["experiment", "recorded_at", "difference", "difference_lo", "difference_hi", "z", "significant",
                    "power"]  # fmt: skip
            console.print(tests[cols].to_string(index=False))

    emit(ctx, data, render)


@projects_app.command("gate")
def gate(
    ctx: typer.Context,
    project_id: Annotated[str, typer.Argument(help="projects.project_id.")],
    gate_name: Annotated[
        str,
        typer.Argument(
            metavar="GATE",
            help="idea | specification | sourcing | compliance | pilot | launch | scale | stop.",
        ),
    ],
    decision: Annotated[str, typer.Option("--decision", help="go | hold | stop.")] = "go",
    owner: Annotated[str | None, typer.Option("--owner", help="Team or role that decided.")] = None,
    doc: Annotated[
        list[str] | None, typer.Option("--doc", help="A document behind the decision (repeatable).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="When (default now).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Record a gate decision (the same gate again, the next one, scale after launch, or stop at any time)."""
    _json(ctx, json_out)
    from xborder.domains.launch.stage.io import record_gate

    con = open_warehouse(ctx)
    try:
        row = record_gate(
            con, project_id, gate_name, decision, owner=owner, documents=doc, note=note, at=_when(at)
        )
    finally:
        con.close()
    emit(
        ctx,
        row,
        lambda r: console.print(f"{r['project_id']}: {r['gate']} {r['decision']} at {r['decided_at']}"),
    )


def _run_launch(ctx: typer.Context) -> tuple[str, dict[str, Any]]:
    from xborder.domains.launch.stage import STAGE
    from xborder.pipeline.runner import run_stage

    con = open_warehouse(ctx)
    try:
        return run_stage(con, state(ctx).settings, STAGE, {})
    finally:
        con.close()


@projects_app.command("outcomes")
def outcomes(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Judge every launched project against its frozen forecast (a run of the launch stage)."""
    _json(ctx, json_out)
    run_id, summary = _run_launch(ctx)
    from xborder.domains.launch.stage.io import run_rows

    con = open_warehouse(ctx, read_only=True)
    try:
        rows = run_rows(con, "launch_outcomes", run_id)
    finally:
        con.close()
    data = {"run_id": run_id, **summary, "outcomes": rows}

    def render(d: dict[str, Any]) -> None:
        if rows.empty:
            console.print(i18n.render("launch.outcomes_missing", "en"))
            return
        console.print(rows.drop(columns="run_id").to_string(index=False))
        rate = d["success_rate"]
        console.print(
            f"success rate: {'unknown' if rate is None else f'{rate:.1%}'} over {d['judged']} judged"
        )

    emit(ctx, data, render)


def kpis(
    ctx: typer.Context,
    lang: LangOpt = "en",
    trend: Annotated[
        bool, typer.Option("--trend", help="Also each KPI's course over the last runs.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """The KPI scorecard: each KPI's formula, data and value (or what it needs) against the seed's targets."""
    _json(ctx, json_out)
    run_id, summary = _run_launch(ctx)
    from xborder.domains.launch.stage.io import read_scorecards, run_rows
    from xborder.domains.launch.tables import LAUNCH_REPLAY
    from xborder.domains.launch.trend import kpi_trend
    from xborder.warehouse.tables import read_rows, table_exists

    con = open_warehouse(ctx, read_only=True)
    try:
        card = run_rows(con, "kpi_scorecard", run_id)
        course = kpi_trend(read_scorecards(con)) if trend else None
        replay = read_rows(con, LAUNCH_REPLAY, run_id) if table_exists(con, LAUNCH_REPLAY.name) else None
    finally:
        con.close()
    data: dict[str, Any] = {"run_id": run_id, "kpis": card.drop(columns="run_id")}
    if replay is not None and len(replay):
        data["replay"] = replay.drop(columns="run_id")
    if course is not None:
        data["trend"] = course

    def render(d: dict[str, Any]) -> None:
        if course is not None:
            _print_trend(course, lang)
        from rich.table import Table

        t = Table(title=i18n.render("launch.panel_title", lang))
        for c in ("col_kpi", "col_value", "col_target", "col_meets", "col_data"):
            t.add_column(i18n.render(f"launch.{c}", lang))
        for rec in card.to_dict("records"):
            r: Any = SimpleNamespace(**{str(k): v for k, v in rec.items()})
            value = (
                i18n.render("launch.unknown", lang, what=i18n.render(f"launch.needs.{r.kpi}", lang)
                            if i18n.has(f"launch.needs.{r.kpi}", lang) else r.missing)  # fmt: skip
                if r.value is None or r.value != r.value
                else _fmt(r.value, r.unit)
            )
            meets = (
                ""
                if r.meets is None or r.meets != r.meets
                else i18n.render(f"launch.{'yes' if r.meets else 'no'}", lang)
            )
            sign = "≥" if r.direction == "at_least" else "≤"
            t.add_row(i18n.render(f"launch.kpi.{r.kpi}", lang), value, f"{sign} {_fmt(r.target, r.unit)}", meets,
                      r.data_used)  # fmt: skip
        console.print(t)
        if "replay" in d:
            from xborder.domains.launch.stage.replay_panel import replay_frame

            shown = replay_frame(d["replay"], lang)
            r2 = Table(title=i18n.render("launch.replay_title", lang))
            for c in shown.columns:
                r2.add_column(str(c))
            for row in shown.itertuples(index=False):
                r2.add_row(*map(str, row))
            console.print(r2)

    emit(ctx, data, render)


def _print_trend(course: Any, lang: str) -> None:
    from rich.table import Table

    t = Table(title=i18n.render("launch.trend_title", lang))
    for c in ("col_kpi", "col_runs", "col_first", "col_previous", "col_latest", "col_towards", "col_target"):
        t.add_column(i18n.render(f"launch.{c}", lang))
    for r in course.to_dict("records"):

        def v(x: Any, unit: str = r["unit"]) -> str:
            return "" if x is None or x != x else _fmt(x, unit)

        towards = r["towards_target"]
        arrow = (
            ""
            if towards is None or towards != towards
            else ("↗ " if towards else "↘ ") + i18n.render(f"launch.{'yes' if towards else 'no'}", lang)
        )
        sign = "≥" if r["direction"] == "at_least" else "≤"
        t.add_row(i18n.render(f"launch.kpi.{r['kpi']}", lang), f"{r['runs_known']}/{r['runs']}", v(r["first_value"]),
                  v(r["previous_value"]), v(r["latest_value"]), arrow, f"{sign} {_fmt(r['target'], r['unit'])}")  # fmt: skip
    console.print(t)


def _fmt(value: float, unit: str) -> str:
    return f"{value:.1%}" if unit == "fraction" else f"{value:,.1f}"


def register(app: typer.Typer) -> None:
    """Add ``projects``, ``kpis`` and ``brief`` to the main app."""
    from xborder.cli import launch_brief, launch_experiment, launch_refit

    launch_experiment.register(projects_app)
    launch_refit.register(projects_app)
    app.add_typer(projects_app, name="projects")
    app.command("kpis")(kpis)
    launch_brief.register(app)
