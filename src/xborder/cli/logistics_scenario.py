"""``xborder route scenario | alerts``: disruption scenarios over every shipment and freight-index alerts."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.cli.logistics import AsOfOpt, CloseOpt, JsonOpt, RaiseOpt, UnitsOpt, _day, _num, route_app
from xborder.core.errors import BadInputError

__all__ = ["scenario", "alerts"]


def _pct(v: Any) -> str:
    return "—" if v is None or v != v else f"{100 * float(v):.1f}%"


@route_app.command("scenario")
def scenario(
    ctx: typer.Context,
    close: CloseOpt = None,
    raise_: RaiseOpt = None,
    units: UnitsOpt = 500,
    deadline: Annotated[
        float | None, typer.Option("--deadline", help="Arrive within this many days.")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Affected shipments to list.")] = 10,
    json_out: JsonOpt = False,
) -> None:
    """Run the logistics stage over every product × market of landed cost with chokepoints closed and lanes
    changed; show each scenario's impact and the most affected shipments."""
    from xborder.domains.logistics.stage import STAGE
    from xborder.pipeline.runner import run_stage
    from xborder.warehouse.tables import read_rows

    if json_out:
        state(ctx).json = True
    params = {"scenarios": list(close or ["suez", "panama"]), "changes": list(raise_ or []), "shipment_units": units,
              "deadline_days": deadline}  # fmt: skip
    con = open_warehouse(ctx)
    try:
        with progress(ctx) as bar:
            task = bar.add_task("logistics", total=100)
            run_id, summary = run_stage(con, state(ctx).settings, STAGE, {k: v for k, v in params.items() if v is not None},
                                        progress=lambda f, m: bar.update(task, completed=int(100 * f), description=m[:60]))  # fmt: skip
        scen = read_rows(con, "logistics_scenarios", run_id)
        imp = read_rows(
            con,
            "logistics_impacts",
            run_id,
            order="delay_days DESC NULLS LAST, cost_change_pct DESC",
            limit=top or None,
        )
    finally:
        con.close()
    if summary.get("reason_code"):
        from xborder.core import i18n

        raise BadInputError(i18n.render(summary["reason_code"], "en"))
    data = {
        "run_id": run_id,
        "scenarios": scen.drop(columns="run_id"),
        "most_affected": imp.drop(columns="run_id"),
    }

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"Scenarios (run {x['run_id']})")
        for c in (
            "scenario",
            "affected",
            "rerouted",
            "no route",
            "freight mean",
            "freight max",
            "delay mean",
            "delay max",
            "stock plans",
            "cycle service",
            "days out / cycle",
            "extra safety stock",
        ):
            t.add_column(c)
        for r in x["scenarios"].itertuples():
            g = r._asdict()
            t.add_row(r.scenario, f"{r.affected_pairs:,} of {r.pairs:,}", f"{r.rerouted_pairs:,}", f"{r.unroutable_pairs:,}",
                      f"{_num(r.mean_cost_change_pct * 100, 1)}%", f"{_num(r.max_cost_change_pct * 100, 1)}%",
                      _num(r.mean_delay_days, 1), _num(r.max_delay_days, 1), _num(g.get("planned_pairs"), 0),
                      f"{_pct(g.get('mean_cycle_service_base'))} → {_pct(g.get('mean_cycle_service_new'))}",
                      f"{_num(g.get('stockout_days_base'), 1)} → {_num(g.get('stockout_days_new'), 1)}",
                      _num(g.get("extra_safety_stock"), 0))  # fmt: skip
        console.print(t)
        for r in x["most_affected"].itertuples():
            g = r._asdict()
            stock = (
                f"; stock plan: cycle service {_pct(g['cycle_service_base'])} → {_pct(g['cycle_service_new'])}, "
                f"reorder point {_num(g['reorder_point_base'], 0)} → {_num(g['reorder_point_new'], 0)}"
                if g.get("cycle_service_new") == g.get("cycle_service_new")
                and g.get("cycle_service_new") is not None
                else ""
            )
            console.print(f"{r.scenario}: {r.product_id} → {r.market}: {r.route_base} ({r.modes_base}) → {r.route_new} "
                          f"({r.modes_new}), freight {_num(r.cost_change_pct * 100, 1)}%, +{_num(r.delay_days, 1)} days{stock}")  # fmt: skip

    emit(ctx, data, render)


@route_app.command("alerts")
def alerts(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    weeks: Annotated[int, typer.Option("--weeks", min=1, help="Weeks over which a move is measured.")] = 4,
    threshold: Annotated[float, typer.Option("--threshold", help="Alert at this share (0.15 = 15%).")] = 0.15,
    json_out: JsonOpt = False,
) -> None:
    """Freight-index alerts: each stored index's move over the last weeks, alert beyond the threshold."""
    from xborder.core import i18n
    from xborder.domains.logistics import index_moves
    from xborder.warehouse.tables import read_rows

    if json_out:
        state(ctx).json = True
    con = open_warehouse(ctx, read_only=True)
    try:
        series = read_rows(con, "freight_index")
    finally:
        con.close()
    if series.empty:
        raise BadInputError(
            "No freight index in the warehouse.", hint="Load one: xborder ingest scfi.csv --as freight"
        )
    moves = index_moves(series, _day(as_of), window_weeks=weeks, threshold=threshold)
    data = {"alerts": moves, "messages": [
        i18n.render("logistics.index_alert", "en", index=r.index_name, change=r.change, weeks=weeks, latest=r.latest_value,
                    on=str(r.latest_on)) for r in moves.itertuples() if r.alert]}  # fmt: skip

    def render(x: dict[str, Any]) -> None:
        for r in x["alerts"].itertuples():
            console.print(f"{r.index_name}: {_num(r.latest_value, 1)} on {r.latest_on}, {_num(r.change * 100, 1)}% vs "
                          f"{r.base_on} — {'ALERT' if r.alert else 'within'} ±{threshold:.0%}")  # fmt: skip
        for m in x["messages"]:
            console.print(m)

    emit(ctx, data, render)
