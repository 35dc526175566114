"""``xborder route flow``: demand allocated across lanes and warehouses with capacities at least freight cost
(minimum-cost flow), on the lane network or on arcs given in a CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.cli.logistics import AsOfOpt, JsonOpt, _day, _dims, _num, route_app
from xborder.core.errors import BadInputError

__all__ = ["flow"]

_ARC_COLUMNS = ["start", "end", "capacity", "unit_cost"]


def _arcs_file(path: Path, supplies: dict[str, int], demands: dict[str, int]) -> dict[str, Any]:
    """The flow over the arcs of a CSV (start, end, capacity, unit_cost per row)."""
    import pandas as pd

    from xborder.domains.logistics.flow import Arc, min_cost_flow

    try:
        df = pd.read_csv(path, dtype={"start": str, "end": str})
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise BadInputError(f"{path}: cannot read it as CSV ({exc}).") from None
    if missing := [c for c in _ARC_COLUMNS if c not in df.columns]:
        raise BadInputError(
            f"{path}: no column {', '.join(missing)}.", hint=f"Columns: {', '.join(_ARC_COLUMNS)}."
        )
    cap, cost = (
        pd.to_numeric(df["capacity"], errors="coerce"),
        pd.to_numeric(df["unit_cost"], errors="coerce"),
    )
    bad = cap.isna() | cost.isna() | (cap < 0) | (cap != cap.round())
    if bad.any():
        k = int(bad.to_numpy().argmax())
        raise BadInputError(
            f"{path}, row {k + 2}: capacity {df['capacity'].iloc[k]!r} / unit_cost {df['unit_cost'].iloc[k]!r} "
            "are not numbers (capacity a whole number ≥ 0)."
        )
    arcs = [
        Arc(str(a), str(b), int(c), float(u))
        for a, b, c, u in zip(df["start"], df["end"], cap, cost, strict=True)
    ]
    if any(":" in k for k in [*supplies, *demands]):
        return _products_on_arcs(df, arcs, supplies, demands)
    balance: dict[str | int, int] = dict(supplies.items())
    for d, q in demands.items():
        balance[d] = balance.get(d, 0) - q
    plan = min_cost_flow(balance, arcs)
    lanes = df[_ARC_COLUMNS].assign(units=plan.flows)
    lanes["cost"] = lanes["units"] * lanes["unit_cost"]
    return {"cost": plan.cost, "lanes": lanes}


def _products_on_arcs(
    df: Any, arcs: list[Any], supplies: dict[str, int], demands: dict[str, int]
) -> dict[str, Any]:
    """Several products (``--supply PRODUCT:NODE=UNITS``) sharing the arcs' capacities: a column of units per
    product, their total and cost (multi-commodity minimum-cost flow)."""
    from xborder.domains.logistics.multiflow import multi_commodity_flow

    balance: dict[str, dict[str | int, int]] = {}
    for amounts, sign, opt in ((supplies, 1, "--supply"), (demands, -1, "--demand")):
        for key, q in amounts.items():
            product, sep, node = key.partition(":")
            if not sep or not product or not node:
                raise BadInputError(
                    f"{opt} {key}={q}: with several products every amount is PRODUCT:NODE=UNITS."
                )
            balance.setdefault(product, {})
            balance[product][node] = balance[product].get(node, 0) + sign * q
    plan = multi_commodity_flow(balance, arcs)
    lanes = df[_ARC_COLUMNS].copy()
    for product, units in plan.flows.items():
        lanes[f"units_{product}"] = units
    lanes["units"] = lanes[[f"units_{p}" for p in plan.flows]].sum(axis=1)
    lanes["cost"] = lanes["units"] * lanes["unit_cost"]
    return {"cost": plan.cost, "products": list(plan.flows), "lanes": lanes}


@route_app.command("flow")
def flow(
    ctx: typer.Context,
    supply: Annotated[list[str], typer.Option("--supply", help="ORIGIN=UNITS available (repeatable).")],
    demand: Annotated[
        list[str], typer.Option("--demand", help="MARKET or WAREHOUSE=UNITS needed (repeatable).")
    ],
    capacity: Annotated[
        list[str] | None,
        typer.Option("--capacity", help="LANE, MODE, ORIGIN-DESTINATION or NODE=most units (repeatable)."),
    ] = None,
    product: Annotated[str | None, typer.Option("--product", help="products.product_id shipped.")] = None,
    weight_kg: Annotated[float | None, typer.Option("--weight-kg", help="Weight of one unit.")] = None,
    dims: Annotated[str | None, typer.Option("--dims", help="LxWxH of one unit in cm.")] = None,
    lot: Annotated[
        int, typer.Option("--lot", min=1, help="Units per shipment a lane's cost is spread over.")
    ] = 500,
    arcs: Annotated[
        Path | None,
        typer.Option(
            "--arcs",
            help="CSV of arcs (start,end,capacity,unit_cost) instead of lanes; several products share them with "
            "--supply PRODUCT:NODE=UNITS.",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Allocate demand across lanes and warehouses at least freight cost within their capacities."""
    from xborder.domains.logistics.allocate import parse_amounts

    if json_out:
        state(ctx).json = True
    supplies, demands = parse_amounts(supply, "--supply"), parse_amounts(demand, "--demand")
    if arcs is not None:
        data = _arcs_file(arcs, supplies, demands)
        emit(
            ctx, data, lambda x: console.print(x["lanes"].to_string(index=False), f"\ncost {x['cost']:,.2f}")
        )
        return
    data = _on_lanes(
        ctx, supplies, demands, parse_amounts(capacity, "--capacity"), product, weight_kg, dims, lot, as_of
    )
    emit(ctx, data, _render)


def _on_lanes(ctx: typer.Context, supplies: dict[str, int], demands: dict[str, int], capacities: dict[str, int],
              product: str | None, weight_kg: float | None, dims: str | None, lot: int, as_of: str | None,
              ) -> dict[str, Any]:  # fmt: skip
    import pandas as pd

    from xborder.domains.logistics.allocate import allocate
    from xborder.domains.logistics.lanes import node_country
    from xborder.domains.logistics.stage import MODES, lane_network, shipments_for, usd_rates

    day = _day(as_of)
    supplies = {k.upper(): v for k, v in supplies.items()}
    demands = {k.upper(): v for k, v in demands.items()}
    con = open_warehouse(ctx, read_only=True)
    try:
        if product:
            ship = shipments_for(
                con, state(ctx).settings, pd.DataFrame({"product_id": [product], "market": ["US"]}), lot
            )
            unit = {
                str(k): float(v)
                for k, v in ship.iloc[0][["weight_kg", "length_cm", "width_cm", "height_cm"]].items()
            }
        elif weight_kg is None or dims is None:
            raise BadInputError("Say what is shipped: --product P, or --weight-kg and --dims of one unit.")
        else:
            unit = {"weight_kg": 0.0, "length_cm": 0.0, "width_cm": 0.0, "height_cm": 0.0}
        if weight_kg is not None:
            unit["weight_kg"] = weight_kg
        if (d := _dims(dims)) is not None:
            unit["length_cm"], unit["width_cm"], unit["height_cm"] = d
        markets = {node_country(d) or d for d in demands}
        lanes = lane_network(con, day, {(o, m) for o in supplies for m in markets}, modes=MODES)
        usd = usd_rates(con, set(lanes["currency"]), day)
    finally:
        con.close()
    plan = allocate(lanes, unit, supplies, demands, usd, capacities=capacities, lot_units=lot)
    return {"as_of": day, "product_id": product, "unit": unit, "lot_units": lot, "cost_usd": plan.cost_usd,
            "lanes": plan.lanes, "supply": plan.supply, "demand": plan.demand}  # fmt: skip


def _render(x: dict[str, Any]) -> None:
    import pandas as pd
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(f"Least-cost flow, {x['lot_units']:,}-unit lots: USD {x['cost_usd']:,.2f}"))
    for c in ("lane", "from", "to", "mode", "units", "capacity", "USD/unit", "USD", "days"):
        t.add_column(c)
    for r in x["lanes"].itertuples():
        t.add_row(str(r.lane_id)[:40], r.origin, r.destination, r.mode, f"{r.units:,}", "" if pd.isna(r.capacity) else f"{int(r.capacity):,}",
                  _num(r.cost_per_unit_usd, 3), _num(r.cost_usd), _num(r.transit_days_median, 0))  # fmt: skip
    console.print(t)
    for r in x["supply"].itertuples():
        console.print(f"{r.origin}: {r.shipped:,} of {r.supply:,} units shipped, {r.unused:,} unused")
