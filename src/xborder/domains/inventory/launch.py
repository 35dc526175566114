"""Before-launch plans: the floor (a launch opens with one customer's order, sized like the product's sale days elsewhere) and the service measured on real launches."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "FLOOR_CHOICE_CUTS",
    "FLOOR_HELD",
    "FORECAST_HELD",
    "LAUNCH_FLOOR_QUANTILE",
    "MEASURED_CAP_MONTHS",
    "MEASURED_HELD",
    "MEASURED_WINDOWS",
    "measured_service",
    "choose_floor",
    "sale_day_floors",
]

LAUNCH_FLOOR_QUANTILE = 0.9
"""Quantile of the product's sale days (units a day in one market) elsewhere that an analogue plan's reorder point
is raised to at least: chosen on the launches after the cuts :data:`FLOOR_CHOICE_CUTS` (the lowest quantile
holding 95 % − 2 points of launch-windows there) and measured on later launches
(benchmarks/inventory_analogue_outcomes.py; docs/inventory.md "Before launch")."""

FLOOR_CHOICE_CUTS = ("2010-07-01", "2010-10-01")
"""The earlier period the quantile was chosen on (UCI launches in the 91 days after each cut)."""


FLOOR_HELD = 0.969
"""Share of the later launch-windows (cuts 2011-04-01, 2011-07-01) the floor held (the plans' notes quote it)."""

FORECAST_HELD = 0.203
"""The same for the analogue forecast's reorder point alone."""

MEASURED_CAP_MONTHS = 6.0
"""The months-of-stock cap :data:`MEASURED_HELD` was measured at (settings.max_stock_months' default)."""

MEASURED_HELD = {"stock": 0.900, "cap": 0.753}
"""Stock action → share of the later real launch-windows (cuts 2011-04-01, 2011-07-01) that launch plans with the
floor, then capped at :data:`MEASURED_CAP_MONTHS` as the stage caps them, held (benchmarks/
inventory_analogue_outcomes.py, "capped_launch_plans"; tenth session). The forecast model states 97.5 % and
99.96 % for the same plans: a launch plan states these instead."""

MEASURED_WINDOWS = {"stock": 70, "cap": 271, "make_to_order": 864}
"""Launch-windows behind :data:`MEASURED_HELD` (of 1,205; make-to-order holds nothing and is served on order)."""


def sale_day_floors(daily_sales: pd.DataFrame, quantile: float = LAUNCH_FLOOR_QUANTILE) -> pd.DataFrame:
    """Per product, the ``quantile`` of its sale days: units sold in one market on one day, over every market and
    day of ``daily_sales`` with a sale, rounded up to whole units.

    Args:
        daily_sales: product_id, market, day, units (one row per sold product × market × day, or several that
            are summed).
        quantile: In (0, 1).

    Returns:
        product_id, launch_floor, launch_floor_days (sale days it rests on), launch_sale_size (the median sale
        day: a launch whose capped stock cannot hold it is made to order, as an own-sales pair is); products
        without a sale left out.
    """
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must be in (0, 1); got {quantile}")
    cols = ["product_id", "launch_floor", "launch_floor_days", "launch_sale_size"]
    if daily_sales.empty:
        return pd.DataFrame(columns=cols)
    days = daily_sales.groupby(["product_id", "market", "day"], as_index=False)["units"].sum()
    days = days[days["units"] > 0]
    g = days.groupby("product_id")["units"]
    out = pd.DataFrame({"launch_floor": np.ceil(g.quantile(quantile).round(9)), "launch_floor_days": g.size(),
                        "launch_sale_size": g.median()})  # fmt: skip
    return out.reset_index()[cols]


def choose_floor(held: dict[float, float], target: float, tolerance: float = 0.02) -> float:
    """The lowest quantile whose share of launch-windows held reaches ``target − tolerance``, else the one holding
    the most.

    Args:
        held: Quantile → share of launch-windows held (on the choice period).
        target: Target cycle service level.
        tolerance: How far below the target still counts as reached.
    """
    ok = [q for q, h in held.items() if h >= target - tolerance]
    return min(ok) if ok else max(held, key=lambda q: held[q])


def measured_service(action: np.ndarray, has_floor: np.ndarray, max_stock_months: float) -> np.ndarray:
    """The cycle service launch plans were measured to hold on later real launches, per plan (NaN where not
    measured: make-to-order, a cap other than the measured ones, or no floor under a cap).

    Args:
        action: Stock action per plan (stock | cap | make_to_order).
        has_floor: True where the plan has the launch floor (the product sold elsewhere).
        max_stock_months: The run's cap (0: none — the uncapped floor's :data:`FLOOR_HELD`, or the forecast
            alone's :data:`FORECAST_HELD` without a floor).
    """
    action = np.asarray(action, dtype=object)
    has_floor = np.asarray(has_floor, dtype=bool)
    if max_stock_months <= 0:
        return np.where(has_floor, FLOOR_HELD, FORECAST_HELD)
    if max_stock_months != MEASURED_CAP_MONTHS:
        return np.full(len(action), np.nan)
    held = np.array([MEASURED_HELD.get(str(a), np.nan) for a in action], dtype=float)
    return np.where(has_floor, held, np.nan)
