"""Allocation of flows over capacitated lanes at least cost (networkx's minimum-cost flow, network simplex):
supplies at origins (a supplier's capacity), demands at markets, lanes with a capacity and a cost per unit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from xborder.core.errors import BadInputError

__all__ = ["Arc", "FlowPlan", "min_cost_flow"]


@dataclass(frozen=True)
class Arc:
    """A lane for the flow: from ``start`` to ``end``, at most ``capacity`` units, ``unit_cost`` per unit."""

    start: str | int
    end: str | int
    capacity: int
    unit_cost: float


@dataclass(frozen=True)
class FlowPlan:
    """Units per arc (in the order given) and the total cost."""

    flows: list[int]
    cost: float


def min_cost_flow(
    supplies: Mapping[str | int, int], arcs: Iterable[Arc], *, cost_scale: int = 100
) -> FlowPlan:
    """Units sent along each arc so that every node's supply (positive) leaves it and every demand (negative)
    reaches it at the least total cost.

    Costs are scaled to integers (``cost_scale`` per unit: cents) because the network simplex is exact on
    integers; parallel arcs between two nodes are kept apart.

    Raises:
        BadInputError: supplies and demands do not balance, or no flow satisfies them within the capacities.
    """
    arcs = list(arcs)
    if sum(supplies.values()) != 0:
        raise BadInputError(f"Supplies and demands must balance; they sum to {sum(supplies.values())}.")
    g = nx.DiGraph()
    for node, s in supplies.items():
        g.add_node(("n", node), demand=-int(s))
    for i, a in enumerate(arcs):
        mid = ("arc", i)  # a node per arc keeps parallel arcs apart in a simple digraph
        g.add_edge(("n", a.start), mid, capacity=int(a.capacity), weight=round(a.unit_cost * cost_scale))
        g.add_edge(mid, ("n", a.end), weight=0)
    try:
        flow = nx.min_cost_flow(g)
    except nx.NetworkXUnfeasible as exc:
        raise BadInputError(
            f"No flow meets the supplies and demands within the lane capacities ({exc})."
        ) from None
    units = [int(flow[("n", a.start)][("arc", i)]) for i, a in enumerate(arcs)]
    return FlowPlan(units, float(sum(u * a.unit_cost for u, a in zip(units, arcs, strict=True))))
