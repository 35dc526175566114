"""Consolidation: several SKUs in one shipment by weight and volume — what the combined shipment costs on each
route against each SKU shipped alone, with the freight split back per SKU — and the container mix (a small
MILP, scipy's HiGHS): how many containers of each size plus an LCL remainder carry a consignment at least cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from xborder.core.errors import BadInputError
from xborder.domains.logistics.cost import Shipments
from xborder.domains.logistics.routes import Network, route_metrics, route_set

__all__ = ["Container", "ContainerMix", "container_mix", "consolidate"]


@dataclass(frozen=True)
class Container:
    """A container option: its name, usable m³, payload kg and cost per container (rate + charges)."""

    name: str
    cbm: float
    max_kg: float
    cost: float


@dataclass(frozen=True)
class ContainerMix:
    """Containers per option, the share of the goods in containers, LCL m³ charged and the total cost."""

    containers: dict[str, int]
    container_share: float
    lcl_cbm: float
    cost: float


def container_mix(
    volume_m3: float,
    weight_kg: float,
    options: list[Container],
    *,
    lcl_rate: float | None = None,
    lcl_min_cbm: float = 1.0,
) -> ContainerMix:
    """The cheapest way to carry ``volume_m3`` and ``weight_kg`` in containers of ``options`` and, when
    ``lcl_rate`` (per chargeable m³, weight or measure: max(m³, t)) is given, an LCL remainder.

    MILP over n_i ≥ 0 integer containers, f ∈ [0, 1] the share in containers, c ≥ 0 the LCL chargeable m³
    and y ∈ {0, 1} whether LCL is used: minimise Σ cost_i n_i + lcl_rate · c subject to Σ cbm_i n_i ≥ f · V,
    Σ kg_i n_i ≥ f · W, c ≥ (1 − f) · V, c ≥ (1 − f) · W / 1000, c ≥ lcl_min · y, 1 − f ≤ y. The goods are
    taken as divisible (a share of every SKU can go either way).
    """
    if not options and lcl_rate is None:
        raise BadInputError("No container or LCL option to carry the consignment.")
    k = len(options)
    use_lcl = lcl_rate is not None
    V, W = float(volume_m3), float(weight_kg)
    # variables: n_1..n_k, f, c, y
    cost = np.array([o.cost for o in options] + [0.0, lcl_rate or 0.0, 0.0])
    rows, lo, hi = [], [], []

    def add(coefs: dict[int, float], low: float, high: float = np.inf) -> None:
        r = np.zeros(k + 3)
        for j, v in coefs.items():
            r[j] = v
        rows.append(r)
        lo.append(low)
        hi.append(high)

    add({**{i: o.cbm for i, o in enumerate(options)}, k: -V}, 0.0)
    add({**{i: o.max_kg for i, o in enumerate(options)}, k: -W}, 0.0)
    add({k + 1: 1.0, k: V}, V)  # c ≥ (1 − f) V
    add({k + 1: 1.0, k: W / 1000.0}, W / 1000.0)  # c ≥ (1 − f) W/1000
    add({k + 1: 1.0, k + 2: -lcl_min_cbm}, 0.0)  # c ≥ min · y
    add({k + 2: 1.0, k: 1.0}, 1.0)  # 1 − f ≤ y
    upper = [np.inf] * k + [1.0, np.inf if use_lcl else 0.0, 1.0 if use_lcl else 0.0]
    res = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lo, hi),
        integrality=np.array([1] * k + [0, 0, 1]),
        bounds=Bounds([0.0] * (k + 3), upper),
    )
    if not res.success:
        raise BadInputError(f"No container mix carries {V:.1f} m³ and {W:.0f} kg ({res.message}).")
    x = res.x
    return ContainerMix({o.name: int(round(x[i])) for i, o in enumerate(options)}, float(x[k]),
                        float(x[k + 1]), float(res.fun))  # fmt: skip


def consolidate(net: Network, skus: pd.DataFrame, origin: str, destination: str, usd: np.ndarray,
                *, max_legs: int = 4) -> pd.DataFrame:  # fmt: skip
    """Per route: the combined shipment of all ``skus`` (``product_id``, ``units``, per-unit ``weight_kg``,
    ``length_cm``, ``width_cm``, ``height_cm``) against the sum of shipping each alone, and each SKU's share of
    the combined freight by its freight tonnes (max(t, m³), the usual basis of a consolidated shipment).

    Returns one row per route × SKU with ``combined_cost_usd``, ``separate_cost_usd`` (the route's),
    ``saving_usd``, ``sku_share``, ``sku_cost_usd`` and ``sku_cost_per_unit_usd``.
    """
    rs = route_set(net, origin, destination, max_legs=max_legs)
    if not rs.routes:
        raise BadInputError(f"No route from {origin} to {destination} in the lane network.")
    alone = Shipments.of_products(skus, skus["units"].to_numpy(float))
    combined = Shipments(
        np.array([alone.units.sum()]), np.array([alone.kg.sum()]), np.array([alone.m3.sum()])
    )
    each = route_metrics(net, rs, alone, usd)["cost_usd"]
    together = route_metrics(net, rs, combined, usd)
    tonnes = np.maximum(alone.kg / 1000.0, alone.m3)
    share = tonnes / tonnes.sum()
    rows = []
    for j, nodes in enumerate(rs.nodes):
        total = float(together["cost_usd"][0, j])
        sep = float(np.sum(each[:, j])) if np.isfinite(each[:, j]).all() else np.nan
        lanes = " > ".join(str(net.lanes.at[i, "lane_id"]) for i in rs.routes[j])
        modes = "+".join(str(net.lanes.at[i, "mode"]) for i in rs.routes[j])
        for s in range(len(skus)):
            rows.append({
                "route": " > ".join(nodes), "lanes": lanes, "modes": modes, "days_p90": together["days_p90"][j],
                "product_id": skus["product_id"].iloc[s], "units": alone.units[s], "combined_cost_usd": total,
                "separate_cost_usd": sep, "saving_usd": sep - total, "sku_share": share[s],
                "sku_cost_usd": total * share[s], "sku_cost_per_unit_usd": total * share[s] / alone.units[s],
                "sku_alone_cost_usd": each[s, j],
            })  # fmt: skip
    return pd.DataFrame(rows)
