"""Route plans for many shipments at once: routes enumerated once per origin × destination, costed for every
shipment of that pair in one array operation, and the chosen ones kept (Pareto front, best of each mode,
cheapest, fastest, within deadline, within budget)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from xborder.domains.logistics.cost import Shipments
from xborder.domains.logistics.routes import (
    CHOICE_COLUMNS,
    Network,
    RouteSet,
    choose,
    route_metrics,
    route_set,
)

__all__ = ["plan_routes", "usd_factors", "ROUTE_COLUMNS"]

ROUTE_COLUMNS = (
    "route", "lanes", "modes", "legs", "carriers", "via", "sources", "cost_usd", "cost_per_unit_usd",
    "days_median", "days_p90", "reliability", *CHOICE_COLUMNS,
)  # fmt: skip


def usd_factors(lanes: pd.DataFrame, per_currency: Mapping[str, float]) -> np.ndarray:
    """USD per unit of each lane's currency (NaN when unknown: its legs cost NaN)."""
    return np.array([per_currency.get(str(c).upper(), np.nan) for c in lanes["currency"]], dtype=float)


def _describe(net: Network, rs: RouteSet) -> pd.DataFrame:
    lanes = net.lanes

    def join(col: str, legs: tuple[int, ...], sep: str) -> str:
        vals = [str(v) for v in lanes.loc[list(legs), col] if isinstance(v, str) and v]
        return sep.join(dict.fromkeys(vals)) if col in ("via", "carrier", "source") else sep.join(vals)

    return pd.DataFrame({
        "route": [" > ".join(n) for n in rs.nodes],
        "lanes": [join("lane_id", r, " > ") for r in rs.routes],
        "modes": [join("mode", r, "+") for r in rs.routes],
        "legs": [len(r) for r in rs.routes],
        "carriers": [join("carrier", r, ", ") or None for r in rs.routes],
        "via": [";".join(sorted({x for v in lanes.loc[list(r), "via"] if isinstance(v, str) for x in v.split(";") if x})) or None
                for r in rs.routes],
        "sources": [join("source", r, " | ") for r in rs.routes],
    })  # fmt: skip


def plan_routes(
    net: Network,
    shipments: pd.DataFrame,
    usd: np.ndarray,
    *,
    time_basis: str = "p90",
    deadline_days: float | None = None,
    budget_per_unit: float | None = None,
    max_legs: int = 4,
    keep_all: bool = False,
) -> pd.DataFrame:
    """One row per shipment × kept route (every route with ``keep_all``), the shipment's columns first.

    Args:
        net: The lane network.
        shipments: One row per shipment: ``origin`` and ``destination`` nodes, ``units``, ``weight_kg``,
            ``length_cm``, ``width_cm``, ``height_cm`` per unit, and any key columns to carry along.
        usd: USD per unit of each lane's currency (:func:`usd_factors`).
        time_basis: ``p90`` or ``median``: which transit time deadlines, "fastest" and the Pareto front use.
        deadline_days: Latest arrival, days after dispatch.
        budget_per_unit: Highest freight per unit, USD.
        max_legs: Most legs in a route.
        keep_all: Keep every route, not only the chosen ones.

    A shipment with no usable route gets one row without a route (``route`` NULL).
    """
    out = []
    for (origin, dest), grp in shipments.groupby(["origin", "destination"], sort=True):
        rs = route_set(net, str(origin), str(dest), max_legs=max_legs)
        if not rs.routes:
            out.append(grp.assign(route=None))
            continue
        ship = Shipments.of_products(grp, grp["units"].to_numpy(float))
        m = route_metrics(net, rs, ship, usd)
        desc = _describe(net, rs)
        time = m["days_p90"] if time_basis == "p90" else m["days_median"]
        per_unit = m["cost_usd"] / ship.units[:, None]
        picks = choose(per_unit, time, list(desc["modes"]), deadline_days=deadline_days,
                       budget_per_unit=budget_per_unit)  # fmt: skip
        kept = np.ones(per_unit.shape, dtype=bool) if keep_all else np.logical_or.reduce(list(picks.values()))
        kept &= np.isfinite(per_unit)
        base = grp.reset_index(drop=True)
        none = ~kept.any(axis=1)
        if none.any():
            out.append(base[none].assign(route=None))
        i, j = np.nonzero(kept)
        rows = desc.iloc[j].reset_index(drop=True).assign(
            cost_usd=m["cost_usd"][i, j], cost_per_unit_usd=per_unit[i, j], days_median=m["days_median"][j],
            days_p90=m["days_p90"][j], reliability=m["reliability"][j], **{k: v[i, j] for k, v in picks.items()},
        )  # fmt: skip
        out.append(pd.concat([base.iloc[i].reset_index(drop=True), rows], axis=1))
    if not out:
        return pd.DataFrame(columns=[*shipments.columns, *ROUTE_COLUMNS])
    res = pd.concat(out, ignore_index=True)
    for c in ROUTE_COLUMNS:
        if c not in res:
            res[c] = np.nan
    for c in CHOICE_COLUMNS:
        res[c] = res[c].eq(True)  # NaN (an unroutable shipment) is False
    return res
