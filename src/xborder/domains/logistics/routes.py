"""Route choice per shipment on the lane network (networkx): every route from origin to destination up to
``max_legs`` legs, its cost, transit time and reliability for each shipment, and the choices — cheapest,
fastest, cheapest within a deadline, fastest within a budget, the best route of each mode and the cost/time
Pareto front.

A country node is joined to the ports, airports and warehouses in it by free, instant connectors (so a
shipment from ``CN`` to ``DE`` can use a rate sheet's ``CNSZX → DEHAM`` lane); first- and last-mile costs are
only counted where a lane says so. A route's time is the sum of its legs' transit days plus clearance days
(median; the 90th percentile sums the legs' 90th percentiles, an upper bound); its reliability is the product
of the legs' (unknown reliabilities are left out).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from xborder.domains.logistics.cost import Shipments, leg_costs
from xborder.domains.logistics.lanes import node_country

__all__ = ["Network", "RouteSet", "build_network", "route_set", "choose", "CHOICE_COLUMNS"]

CHOICE_COLUMNS = ("pareto", "best_in_mode", "cheapest", "fastest", "cheapest_within_deadline",
                  "fastest_within_budget", "plan")  # fmt: skip


@dataclass
class Network:
    """Lanes (positional index = lane number) and the multigraph over them (connectors have lane number -1)."""

    lanes: pd.DataFrame
    graph: nx.MultiDiGraph


def build_network(lanes: pd.DataFrame) -> Network:
    """The multigraph of ``lanes`` (one edge per lane, keyed by its row number) plus country connectors."""
    lanes = lanes.reset_index(drop=True)
    g = nx.MultiDiGraph()
    for i, (o, d) in enumerate(zip(lanes["origin"], lanes["destination"], strict=True)):
        g.add_edge(o, d, key=i, lane=i)
    countries: dict[str, str] = {}
    for col, node_col in (("origin_country", "origin"), ("destination_country", "destination")):
        given = lanes[col] if col in lanes else pd.Series(None, index=lanes.index)
        for node, c in zip(lanes[node_col], given, strict=True):
            country = c if isinstance(c, str) and c else node_country(node)
            if country and country != node:
                countries.setdefault(node, country)
    starts, ends = set(lanes["origin"]), set(lanes["destination"])
    for node, country in countries.items():
        if node in starts:
            g.add_edge(country, node, key=-1, lane=-1)
        if node in ends:
            g.add_edge(node, country, key=-2, lane=-1)
    return Network(lanes, g)


@dataclass
class RouteSet:
    """The routes between one origin and one destination: per route its lane numbers (connectors dropped)."""

    origin: str
    destination: str
    routes: list[tuple[int, ...]]
    nodes: list[tuple[str, ...]]
    truncated: bool = False


def route_set(
    net: Network, origin: str, destination: str, *, max_legs: int = 4, max_routes: int = 5000
) -> RouteSet:
    """Every simple route (no node twice) with 1..``max_legs`` legs; at most ``max_routes`` (``truncated``)."""
    routes: list[tuple[int, ...]] = []
    nodes: list[tuple[str, ...]] = []
    truncated = False
    if origin in net.graph and destination in net.graph and origin != destination:
        for path in nx.all_simple_edge_paths(net.graph, origin, destination, cutoff=2 * max_legs + 2):
            legs = tuple(int(k) for _, _, k in path if k >= 0)
            if not legs or len(legs) > max_legs:
                continue
            routes.append(legs)
            nodes.append((path[0][0], *(v for _, v, _ in path)))
            if len(routes) >= max_routes:
                truncated = True
                break
    return RouteSet(origin, destination, routes, nodes, truncated)


def _sum_legs(values: np.ndarray, routes: list[tuple[int, ...]]) -> np.ndarray:
    """Per route the sum over its legs of ``values`` (lanes, or shipments × lanes)."""
    v = np.atleast_2d(values)
    out = np.zeros((v.shape[0], len(routes)))
    for j, legs in enumerate(routes):
        out[:, j] = v[:, list(legs)].sum(axis=1)
    return out


def route_metrics(net: Network, rs: RouteSet, shipments: Shipments, usd: np.ndarray) -> dict[str, np.ndarray]:
    """shipments × routes arrays: ``cost_usd`` (NaN: a leg's weight band excludes the shipment), and per route
    ``days_median``, ``days_p90`` (NaN: a leg's transit unknown) and ``reliability``."""
    lanes = net.lanes
    legs = leg_costs(lanes, shipments, usd)
    clear = pd.to_numeric(lanes["clearance_days"], errors="coerce").fillna(0.0).to_numpy(float)
    med = pd.to_numeric(lanes["transit_days_median"], errors="coerce").to_numpy(float)
    p90 = pd.to_numeric(lanes["transit_days_p90"], errors="coerce").to_numpy(float)
    p90 = np.where(np.isnan(p90), med, p90)
    rel = pd.to_numeric(lanes["reliability"], errors="coerce").to_numpy(float)
    reliability = np.array([np.prod([rel[i] for i in r if not np.isnan(rel[i])]) if any(not np.isnan(rel[i]) for i in r)
                            else np.nan for r in rs.routes])  # fmt: skip
    return {
        "cost_usd": _sum_legs(legs, rs.routes),
        "days_median": _sum_legs(med + clear, rs.routes)[0],
        "days_p90": _sum_legs(p90 + clear, rs.routes)[0],
        "reliability": reliability,
    }


def _pareto(cost: np.ndarray, time: np.ndarray) -> np.ndarray:
    """shipments × routes: routes no other route beats on both cost and time (of exact ties, the first)."""
    ok = np.isfinite(cost) & np.isfinite(time)[None, :]
    c = np.where(ok, cost, np.inf)
    t = np.broadcast_to(np.where(np.isfinite(time), time, np.inf), c.shape)
    ck, cj = c[:, :, None], c[:, None, :]  # k dominates j?
    tk, tj = t[:, :, None], t[:, None, :]
    order = np.arange(c.shape[1])
    earlier = (order[:, None] < order[None, :])[None, :, :]
    dom = ok[:, :, None] & (ck <= cj) & (tk <= tj) & ((ck < cj) | (tk < tj) | earlier)
    return ok & ~dom.any(axis=1)


def _pick(primary: np.ndarray, tie: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """shipments × routes: True at each row's least ``primary`` among ``mask`` (ties: least ``tie``, then first)."""
    p = np.where(mask & np.isfinite(primary), primary, np.inf)
    cand = np.isfinite(p) & (p == p.min(axis=1, keepdims=True))
    key = np.where(cand, np.nan_to_num(tie, nan=np.inf), np.inf)
    j = np.where(np.isfinite(key).any(axis=1), np.argmin(key, axis=1), np.argmax(cand, axis=1))
    out = np.zeros(p.shape, dtype=bool)
    rows = np.flatnonzero(cand.any(axis=1))
    out[rows, j[rows]] = True
    return out


def choose(
    cost_per_unit: np.ndarray,
    time: np.ndarray,
    modes: list[str],
    *,
    deadline_days: float | None = None,
    budget_per_unit: float | None = None,
) -> dict[str, np.ndarray]:
    """For shipments × routes costs (a single shipment's 1-D costs work too) and per-route times: a boolean array
    per choice of :data:`CHOICE_COLUMNS`. ``plan`` is the cheapest route within the deadline when one is
    given, else the cheapest."""
    cost = np.atleast_2d(np.asarray(cost_per_unit, float))
    time = np.asarray(time, float)
    times = np.broadcast_to(time, cost.shape)
    allowed = np.isfinite(cost)
    none = np.zeros(cost.shape, dtype=bool)
    out = {"pareto": _pareto(cost, time), "best_in_mode": none.copy()}
    m = np.asarray(modes, dtype=object)
    for mode in set(modes):
        out["best_in_mode"] |= _pick(cost, times, allowed & (m == mode)[None, :])
    out["cheapest"] = _pick(cost, times, allowed)
    out["fastest"] = _pick(times, cost, allowed & np.isfinite(times))
    out["cheapest_within_deadline"] = (
        none.copy() if deadline_days is None else _pick(cost, times, allowed & (times <= deadline_days))
    )
    out["fastest_within_budget"] = (
        none.copy() if budget_per_unit is None else _pick(times, cost, allowed & (cost <= budget_per_unit))
    )
    out["plan"] = out["cheapest_within_deadline"] if deadline_days is not None else out["cheapest"]
    if np.ndim(cost_per_unit) == 1:
        return {k: v[0] for k, v in out.items()}
    return out
