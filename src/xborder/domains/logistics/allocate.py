"""Demand allocated over the lane network at least cost: units from origins (a supplier's or a country's
supply) to markets and warehouses through capacitated lanes and warehouses (minimum-cost flow, :mod:`flow`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError
from xborder.domains.logistics.cost import Shipments, leg_costs
from xborder.domains.logistics.flow import Arc, min_cost_flow
from xborder.domains.logistics.routes import build_network

__all__ = ["Allocation", "allocate", "parse_amounts"]

_UNUSED = "(unused supply)"
_AMOUNT = re.compile(r"^(?P<key>.+)=(?P<num>\d+)$")


def parse_amounts(items: list[str] | None, option: str) -> dict[str, int]:
    """``["CN=1000", "VN=500"]`` → ``{"CN": 1000, "VN": 500}`` (keys kept as written; repeated keys add up).

    Raises:
        BadInputError: an item is not ``KEY=UNITS`` with whole units.
    """
    out: dict[str, int] = {}
    for item in items or []:
        m = _AMOUNT.match(item.strip())
        if m is None:
            raise BadInputError(
                f"{option} {item!r}: write KEY=UNITS with whole units, e.g. {option} CN=1000."
            )
        out[m["key"]] = out.get(m["key"], 0) + int(m["num"])
    return out


@dataclass
class Allocation:
    """The flow: ``lanes`` (one row per lane carrying units: lane, mode, units, capacity, cost per unit and in
    total, transit days), ``supply`` (per origin: given, shipped, unused), ``demand`` (per destination) and
    the total cost in USD."""

    lanes: pd.DataFrame
    supply: pd.DataFrame
    demand: pd.DataFrame
    cost_usd: float
    lot_units: int


def _lane_capacity(lanes: pd.DataFrame, capacities: Mapping[str, int]) -> tuple[np.ndarray, dict[str, int]]:
    """Per lane its capacity (inf when none given) and the node capacities (keys matching no lane)."""
    cap = np.full(len(lanes), np.inf)
    nodes: dict[str, int] = {}
    pair = (lanes["origin"] + "-" + lanes["destination"]).to_numpy(object)
    for key, units in capacities.items():
        hit = (
            (lanes["lane_id"].to_numpy(object) == key)
            | (lanes["mode"].to_numpy(object) == key)
            | (pair == key)
        )
        if hit.any():
            cap = np.where(hit, np.minimum(cap, units), cap)
        elif key in set(lanes["origin"]) | set(lanes["destination"]):
            nodes[key] = units
        else:
            raise BadInputError(
                f"--capacity {key}={units}: no lane, mode, ORIGIN-DESTINATION pair or node is called {key!r}.",
                hint="See the lanes with: xborder route lanes",
            )
    return cap, nodes


def allocate(
    lanes: pd.DataFrame,
    product: Mapping[str, float],
    supplies: Mapping[str, int],
    demands: Mapping[str, int],
    usd: Mapping[str, float],
    *,
    capacities: Mapping[str, int] | None = None,
    lot_units: int = 500,
) -> Allocation:
    """Units of one product from ``supplies`` (origin node → units) to ``demands`` (market or warehouse node →
    units) at least freight cost.

    A lane's cost per unit is what it charges a lot of ``lot_units`` units (the product's ``weight_kg`` and
    ``length_cm`` × ``width_cm`` × ``height_cm`` per unit) divided by the lot: minimum charges and container
    rounding are spread over the lot, so the flow is linear in units. A country reaches its ports and
    warehouses by free connectors (as in route choice). ``capacities``: a lane id, a mode or
    ``ORIGIN-DESTINATION`` → most units over each such lane; a node → most units through it (a warehouse's
    capacity). Supply beyond demand stays where it is (``unused``).

    Raises:
        BadInputError: demand exceeds supply, or no flow meets the demand within the capacities.
    """
    if not supplies or not demands:
        raise BadInputError("A flow needs at least one --supply and one --demand.")
    if sum(demands.values()) > sum(supplies.values()):
        raise BadInputError(
            f"Demand ({sum(demands.values()):,} units) exceeds supply ({sum(supplies.values()):,}).",
            hint="Add --supply or lower --demand.",
        )
    net = build_network(lanes)
    lanes = net.lanes
    one = pd.DataFrame([dict(product)])
    ship = Shipments.of_products(one, float(lot_units))
    factors = np.array([usd.get(str(c).upper(), np.nan) for c in lanes["currency"]], dtype=float)
    per_unit = leg_costs(lanes, ship, factors)[0] / lot_units
    cap, node_caps = _lane_capacity(lanes, capacities or {})
    big = int(sum(supplies.values()))
    arcs: list[Arc] = []
    lane_of: list[int] = []

    def node_in(n: str) -> str:
        return f"{n}#in" if n in node_caps else n

    for n, c in node_caps.items():
        arcs.append(Arc(node_in(n), n, int(c), 0.0))
        lane_of.append(-1)
    for u, v, data in net.graph.edges(data=True):
        i = int(data["lane"])
        if i < 0:
            arcs.append(Arc(u, node_in(v), big, 0.0))
        elif np.isfinite(per_unit[i]):
            arcs.append(Arc(u, node_in(v), int(min(cap[i], big)), float(per_unit[i])))
        else:
            continue  # outside the lane's weight band, or its currency has no rate
        lane_of.append(i)
    for o in supplies:
        arcs.append(Arc(o, _UNUSED, big, 0.0))
        lane_of.append(-2)
    known = set(net.graph.nodes)
    missing = sorted((set(supplies) | set(demands)) - known)
    if missing:
        raise BadInputError(
            f"No lane starts or ends at {', '.join(missing)}.", hint="See the lanes with: xborder route lanes"
        )
    balance: dict[str | int, int] = {o: int(s) for o, s in supplies.items()}
    for d, q in demands.items():
        balance[d] = balance.get(d, 0) - int(q)
    balance[_UNUSED] = -(sum(supplies.values()) - sum(demands.values()))
    plan = min_cost_flow(balance, arcs, cost_scale=10_000)
    rows = []
    for a, i, units in zip(arcs, lane_of, plan.flows, strict=True):
        if i >= 0 and units > 0:
            lane = lanes.iloc[i]
            rows.append({
                "lane_id": lane["lane_id"], "origin": lane["origin"], "destination": lane["destination"],
                "mode": lane["mode"], "units": units, "capacity": None if np.isinf(cap[i]) else int(cap[i]),
                "cost_per_unit_usd": a.unit_cost, "cost_usd": units * a.unit_cost,
                "transit_days_median": lane.get("transit_days_median"), "source": lane.get("source"),
            })  # fmt: skip
    unused = {a.start: u for a, i, u in zip(arcs, lane_of, plan.flows, strict=True) if i == -2}
    supply = pd.DataFrame(
        [{"origin": o, "supply": s, "shipped": s - unused.get(o, 0), "unused": unused.get(o, 0)} for o, s in supplies.items()]
    )  # fmt: skip
    demand = pd.DataFrame([{"destination": d, "units": q} for d, q in demands.items()])
    cols = ["lane_id", "origin", "destination", "mode", "units", "capacity", "cost_per_unit_usd", "cost_usd",
            "transit_days_median", "source"]  # fmt: skip
    return Allocation(pd.DataFrame(rows, columns=cols), supply, demand, round(plan.cost, 6), lot_units)
