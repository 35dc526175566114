"""``xborder route plan | lanes | consolidate | scenario | alerts``: routes per shipment on the lane network,
disruption scenarios and freight-index alerts."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.core.errors import BadInputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register", "plan", "lanes", "consolidate", "scenario", "alerts"]

route_app = typer.Typer(
    help="Logistics: route choice (cheapest within a deadline, fastest within a budget, Pareto front), "
    "consolidation, disruption scenarios, freight-index alerts.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Day of the rules, rates and FX (default today).")
]
MarketOpt = Annotated[
    str, typer.Option("--market", help="ISO2 destination market (or a node: DEHAM, FBA-ONT8).")
]
OriginOpt = Annotated[
    str | None, typer.Option("--origin", help="Origin node (default: the product's origin).")
]
UnitsOpt = Annotated[int, typer.Option("--units", min=1, help="Units in the shipment.")]
CloseOpt = Annotated[
    list[str] | None, typer.Option("--close", help="Close a chokepoint: suez, panama (repeatable).")
]
RaiseOpt = Annotated[
    list[str] | None,
    typer.Option("--raise", help="Change lanes: MATCH:cost=+20% or MATCH:days=+7 (repeatable)."),
]


def _day(text: str | None) -> dt.date:
    from xborder.core.clock import today

    return dt.date.fromisoformat(text) if text else today()


def _num(v: Any, digits: int = 2) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.{digits}f}"


def _dims(text: str | None) -> tuple[float, float, float] | None:
    if not text:
        return None
    parts = text.lower().replace("×", "x").replace("*", "x").split("x")
    try:
        a, b, c = (float(x) for x in parts)
    except ValueError:
        raise BadInputError(f"--dims {text!r}: write length x width x height in cm, e.g. 30x20x10.") from None
    return a, b, c


def _setup(con: Any, ctx: typer.Context, products: dict[str, int], market: str, origin: str | None, as_of: dt.date,
           weight_kg: float | None = None, dims: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Shipments of the products to ``market`` and the lane network for them, from the warehouse."""
    import pandas as pd

    from xborder.domains.logistics.stage import MODES, lane_network, shipments_for, usd_rates
    from xborder.warehouse.tables import latest_run_rows

    pairs = pd.DataFrame({"product_id": list(products), "market": market.upper()})
    ships = shipments_for(con, state(ctx).settings, pairs, 1)
    ships["units"] = ships["product_id"].map(products).astype(float)
    if origin:
        ships["origin"] = origin.upper()
    if weight_kg is not None:
        ships["weight_kg"] = weight_kg
    if (d := _dims(dims)) is not None:
        ships["length_cm"], ships["width_cm"], ships["height_cm"] = d
    ships["dims_estimated"] &= weight_kg is None or dims is None
    lanes_df = lane_network(con, as_of, set(zip(ships["origin"], ships["market"], strict=True)), modes=MODES)
    landed = latest_run_rows(con, "landed_costs", where="product_id IN (SELECT unnest(?::VARCHAR[])) AND market = ?",
                             params=[list(products), market.upper()])  # fmt: skip
    usd = usd_rates(con, set(lanes_df["currency"]) | set(landed["currency"]), as_of)
    return {
        "ships": ships,
        "lanes": lanes_df,
        "landed": landed,
        "usd": usd,
        "usd_to": {c: 1 / r for c, r in usd.items() if r},
    }


_ROUTE_COLS = ["modes", "route", "lanes", "via", "cost_per_unit_usd", "cost_per_unit", "currency", "landed_cost_per_unit",
               "days_median", "days_p90", "reliability", "pareto", "best_in_mode", "cheapest", "fastest",
               "cheapest_within_deadline", "fastest_within_budget", "plan"]  # fmt: skip


@route_app.command("plan")
def plan(
    ctx: typer.Context,
    product: Annotated[str, typer.Option("--product", help="products.product_id to ship.")],
    market: MarketOpt,
    origin: OriginOpt = None,
    units: UnitsOpt = 500,
    deadline: Annotated[
        float | None, typer.Option("--deadline", help="Arrive within this many days.")
    ] = None,
    budget: Annotated[float | None, typer.Option("--budget", help="Freight per unit at most (USD).")] = None,
    time_basis: Annotated[str, typer.Option("--time-basis", help="p90 | median transit time.")] = "p90",
    max_legs: Annotated[int, typer.Option("--max-legs", min=1, help="Most legs in a route.")] = 4,
    weight_kg: Annotated[
        float | None, typer.Option("--weight-kg", help="Weight of one unit (overrides).")
    ] = None,
    dims: Annotated[str | None, typer.Option("--dims", help="LxWxH of one unit in cm (overrides).")] = None,
    close: CloseOpt = None,
    raise_: RaiseOpt = None,
    as_of: AsOfOpt = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write the cost/time Pareto chart to FILE.html.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Every route of one shipment with its cost, time and landed cost per unit; the cheapest within the
    deadline, the fastest within the budget, the best per mode and the Pareto front — and, with --close or
    --raise, the re-routed plan."""
    from xborder.domains.logistics import (
        build_network,
        change_lanes,
        close_chokepoints,
        compare_plans,
        landed_cost_per_unit,
        parse_change,
        plan_routes,
        usd_factors,
    )

    if json_out:
        state(ctx).json = True
    if time_basis not in ("p90", "median"):
        raise BadInputError("--time-basis must be p90 or median.")
    day = _day(as_of)
    con = open_warehouse(ctx, read_only=True)
    try:
        s = _setup(con, ctx, {product: units}, market, origin, day, weight_kg, dims)
    finally:
        con.close()

    def route(lanes_df: pd.DataFrame) -> pd.DataFrame:
        net = build_network(lanes_df)
        rows = plan_routes(net, s["ships"], usd_factors(net.lanes, s["usd"]), time_basis=time_basis, deadline_days=deadline,
                           budget_per_unit=budget, max_legs=max_legs, keep_all=True)  # fmt: skip
        return landed_cost_per_unit(rows, s["landed"], s["usd_to"])

    base = route(s["lanes"])
    if base["route"].isna().all():
        raise BadInputError(f"No route from {s['ships']['origin'].iloc[0]} to {market.upper()} in the lane network.",
                            hint="Add a rate sheet: xborder ingest rates.xlsx --as freight")  # fmt: skip
    data: dict[str, Any] = {
        "product_id": product, "market": market.upper(), "origin": s["ships"]["origin"].iloc[0], "units": units,
        "dims_estimated": bool(s["ships"]["dims_estimated"].iloc[0]), "deadline_days": deadline, "budget_per_unit": budget,
        "routes": base.sort_values("cost_per_unit_usd")[_ROUTE_COLS].reset_index(drop=True),
    }  # fmt: skip
    if close or raise_:
        changed = close_chokepoints(s["lanes"], list(close or []))
        changed = change_lanes(changed, [parse_change(c) for c in raise_ or []])
        new = route(changed)
        data["scenario"] = {"closed": close or [], "changes": raise_ or [],
                            "impact": compare_plans(base, new, ["product_id", "market"]),
                            "routes": new.sort_values("cost_per_unit_usd")[_ROUTE_COLS].reset_index(drop=True)}  # fmt: skip
    if chart is not None:
        from xborder.report.charts import pareto_chart, plotly_html

        pts = base.assign(
            cost=base["cost_per_unit_usd"], days=base["days_p90" if time_basis == "p90" else "days_median"]
        )
        fig = pareto_chart(pts, title=f"{product} → {market.upper()}: freight per unit vs days ({units:,} units)",
                           labels={"cost": "USD per unit", "days": f"days ({time_basis})"})  # fmt: skip
        if fig is not None:
            chart.parent.mkdir(parents=True, exist_ok=True)
            plotly_html(fig, chart)
            data["chart"] = str(chart)
    emit(ctx, data, _render_plan)


def _marks(r: Any) -> str:
    m = [("plan", "PLAN"), ("cheapest", "cheapest"), ("fastest", "fastest"), ("cheapest_within_deadline", "≤deadline"),
         ("fastest_within_budget", "≤budget"), ("pareto", "pareto"), ("best_in_mode", "best of mode")]  # fmt: skip
    return ", ".join(label for k, label in m if getattr(r, k))


def _route_table(routes: pd.DataFrame, title: str) -> Any:
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(title))  # plain text: "custom:X: ..." is not the :x: emoji, [brackets] not markup
    for c in ("modes", "route", "USD/unit", "freight", "landed/unit", "days med", "days p90", "via", "marks"):
        t.add_column(c)
    for r in routes.itertuples():
        t.add_row(str(r.modes), str(r.route), _num(r.cost_per_unit_usd, 3), f"{_num(r.cost_per_unit, 3)} {str(r.currency or '')}",
                  _num(r.landed_cost_per_unit, 2), _num(r.days_median, 1), _num(r.days_p90, 1), str(r.via or ""), _marks(r))  # fmt: skip
    return t


def _render_plan(x: dict[str, Any]) -> None:
    est = " (weight/dimensions: category medians)" if x["dims_estimated"] else ""
    console.print(
        _route_table(
            x["routes"], f"{x['product_id']}: {x['origin']} → {x['market']}, {x['units']:,} units{est}"
        )
    )
    if "scenario" in x:
        sc = x["scenario"]
        console.print(
            _route_table(
                sc["routes"],
                f"Closed {', '.join(sc['closed']) or '-'}; changes {', '.join(sc['changes']) or '-'}",
            )
        )
        for r in sc["impact"].itertuples():
            console.print(f"Plan {r.route_base} ({r.modes_base}) → {r.route_new} ({r.modes_new}): freight "
                          f"{_num(r.cost_change_pct * 100, 1)}%, {_num(r.delay_days, 1)} days later (p90)")  # fmt: skip
    if x.get("chart"):
        console.print(f"Pareto chart: {x['chart']}")


@route_app.command("lanes")
def lanes(
    ctx: typer.Context,
    origin: Annotated[str, typer.Option("--origin", help="Origin country for the default lanes.")] = "CN",
    market: Annotated[
        list[str] | None, typer.Option("--market", help="Market (repeatable; default US, DE, GB).")
    ] = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """The lane network: default lanes from the freight rules for the origin × markets, rate-sheet lanes and
    booking lanes."""
    from xborder.domains.logistics.stage import MODES, lane_network

    if json_out:
        state(ctx).json = True
    con = open_warehouse(ctx, read_only=True)
    try:
        df = lane_network(
            con, _day(as_of), {(origin.upper(), m.upper()) for m in market or ["US", "DE", "GB"]}, modes=MODES
        )
    finally:
        con.close()
    cols = ["lane_id", "origin", "destination", "mode", "basis", "rate", "currency", "min_charge", "surcharge",
            "transit_days_median", "transit_days_p90", "clearance_days", "via", "source", "confidence"]  # fmt: skip
    data = {"lanes": df[cols].reset_index(drop=True)}

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"Lanes ({len(x['lanes']):,})")
        for c in ("lane", "from", "to", "mode", "rate", "min", "days", "via", "source"):
            t.add_column(c)
        for r in x["lanes"].head(200).itertuples():
            t.add_row(str(r.lane_id)[:40], r.origin, r.destination, r.mode, f"{_num(r.rate, 2)} {r.currency}/{r.basis}",
                      _num(r.min_charge), f"{_num(r.transit_days_median, 0)}–{_num(r.transit_days_p90, 0)}", str(r.via or ""),
                      str(r.source)[:30])  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


@route_app.command("consolidate")
def consolidate(
    ctx: typer.Context,
    market: MarketOpt,
    sku: Annotated[list[str], typer.Option("--sku", help="PRODUCT=UNITS (repeatable).")],
    origin: OriginOpt = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Several SKUs in one shipment: each route's combined freight against shipping each SKU alone, and each
    SKU's share (by freight tonnes, max(t, m³))."""
    from xborder.domains.logistics import build_network, usd_factors
    from xborder.domains.logistics import consolidate as combine

    if json_out:
        state(ctx).json = True
    products: dict[str, int] = {}
    for item in sku:
        pid, _, n = item.rpartition("=")
        if not pid or not n.isdigit() or int(n) <= 0:
            raise BadInputError(f"--sku {item!r}: write PRODUCT=UNITS, e.g. custom:BM-1=300.")
        products[pid] = int(n)
    con = open_warehouse(ctx, read_only=True)
    try:
        s = _setup(con, ctx, products, market, origin, _day(as_of))
    finally:
        con.close()
    origins = set(s["ships"]["origin"])
    if len(origins) > 1:
        raise BadInputError(
            f"The SKUs ship from different origins ({', '.join(sorted(origins))}).", hint="Give --origin."
        )
    net = build_network(s["lanes"])
    out = combine(net, s["ships"], origins.pop(), market.upper(), usd_factors(net.lanes, s["usd"]))
    data = {"market": market.upper(), "consolidation": out}

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title="Consolidated shipment per route")
        for c in ("modes", "route", "combined USD", "separate USD", "saving", "SKU", "share", "USD/unit"):
            t.add_column(c)
        for r in x["consolidation"].itertuples():
            t.add_row(r.modes, r.route, _num(r.combined_cost_usd), _num(r.separate_cost_usd), _num(r.saving_usd),
                      r.product_id, _num(r.sku_share, 3), _num(r.sku_cost_per_unit_usd, 3))  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


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
        ):
            t.add_column(c)
        for r in x["scenarios"].itertuples():
            t.add_row(r.scenario, f"{r.affected_pairs:,} of {r.pairs:,}", f"{r.rerouted_pairs:,}", f"{r.unroutable_pairs:,}",
                      f"{_num(r.mean_cost_change_pct * 100, 1)}%", f"{_num(r.max_cost_change_pct * 100, 1)}%",
                      _num(r.mean_delay_days, 1), _num(r.max_delay_days, 1))  # fmt: skip
        console.print(t)
        for r in x["most_affected"].itertuples():
            console.print(f"{r.scenario}: {r.product_id} → {r.market}: {r.route_base} ({r.modes_base}) → {r.route_new} "
                          f"({r.modes_new}), freight {_num(r.cost_change_pct * 100, 1)}%, +{_num(r.delay_days, 1)} days")  # fmt: skip

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


def register(app: typer.Typer) -> None:
    app.add_typer(route_app, name="route")
