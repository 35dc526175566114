"""Several products over the same capacitated lanes at least cost (multi-commodity minimum-cost flow, an integer
programme solved by HiGHS through scipy): each product has its own supplies and demands, a lane's capacity is
shared by all of them, in the capacity's unit (units, kg or m³ — each product's ``size`` per unit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from xborder.core.errors import BadInputError
from xborder.domains.logistics.flow import Arc

__all__ = ["MultiFlowPlan", "multi_commodity_flow"]


@dataclass(frozen=True)
class MultiFlowPlan:
    """Units of each product per arc (``flows[product][arc]``, arcs in the order given) and the total cost."""

    flows: dict[str, list[int]]
    cost: float


def multi_commodity_flow(
    supplies: Mapping[str, Mapping[str | int, int]],
    arcs: Sequence[Arc],
    *,
    size: Mapping[str, float] | None = None,
    unit_cost: Mapping[str, Sequence[float]] | None = None,
) -> MultiFlowPlan:
    """Whole units of every product along each arc so that each product's supplies (positive) reach its demands
    (negative) at the least total cost, with every arc carrying at most its capacity of all products together.

    A product's unit takes ``size[product]`` of an arc's capacity (default 1: capacity in units) and costs
    ``unit_cost[product][arc]`` (default the arc's ``unit_cost`` × its size: a rate per kg or m³). One product
    alone gives :func:`~xborder.domains.logistics.flow.min_cost_flow`'s cost.

    Raises:
        BadInputError: a product's supplies and demands do not balance, or no flow meets them all within the
            shared capacities.
    """
    products = list(supplies)
    arcs = list(arcs)
    size = {p: float((size or {}).get(p, 1.0)) for p in products}
    for p in products:
        if sum(supplies[p].values()) != 0:
            raise BadInputError(
                f"Product {p}: supplies and demands must balance; they sum to {sum(supplies[p].values())}."
            )
    nodes = sorted({a.start for a in arcs} | {a.end for a in arcs} | {n for s in supplies.values() for n in s},
                   key=str)  # fmt: skip
    at = {n: i for i, n in enumerate(nodes)}
    n_a, n_n, n_p = len(arcs), len(nodes), len(products)
    cost = np.concatenate([
        np.asarray((unit_cost or {}).get(p, [a.unit_cost * size[p] for a in arcs]), dtype=float) for p in products
    ])  # fmt: skip
    # flow conservation per product and node: out − in = supply
    rows, cols, vals = [], [], []
    for k in range(n_p):
        for j, a in enumerate(arcs):
            rows += [k * n_n + at[a.start], k * n_n + at[a.end]]
            cols += [k * n_a + j, k * n_a + j]
            vals += [1.0, -1.0]
    balance = np.array([supplies[p].get(n, 0) for p in products for n in nodes], dtype=float)
    conserve = LinearConstraint(
        coo_matrix((vals, (rows, cols)), shape=(n_p * n_n, n_p * n_a)), balance, balance
    )
    # shared capacity per arc: Σ_k size_k · x_k,a ≤ capacity_a
    share = coo_matrix(
        (
            [size[p] for p in products for _ in arcs],
            ([j for _ in products for j in range(n_a)], range(n_p * n_a)),
        ),
        shape=(n_a, n_p * n_a),
    )
    cap = LinearConstraint(share, -np.inf, np.array([a.capacity for a in arcs], dtype=float))
    res = milp(cost, constraints=[conserve, cap], integrality=np.ones(n_p * n_a), bounds=Bounds(0, np.inf))
    if res.status != 0 or res.x is None:
        raise BadInputError(f"No flow meets every product's supplies and demands within the shared lane capacities "
                            f"({res.message}).")  # fmt: skip
    x = np.round(res.x).astype(int)
    flows = {p: x[k * n_a : (k + 1) * n_a].tolist() for k, p in enumerate(products)}
    return MultiFlowPlan(flows, float(round(cost @ x, 9)))
