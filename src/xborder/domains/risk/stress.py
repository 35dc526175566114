"""Stress tests of a product x market plan: freight, FX, duty, demand, fee and lead-time shocks by Monte Carlo.

The plan is one consignment of ``units`` (the landed-cost row's) bought up front and sold over
``horizon_weeks``. Per planned unit, with the landed-cost row's components (market currency):

* landed cost ``C = (G + Fr x f + D + dd x CV) x phi + L`` — goods and insurance ``G``, freight ``Fr`` times the
  freight multiplier ``f``, duties and non-recoverable import taxes ``D`` plus a duty-rate change ``dd`` on the
  customs value ``CV``, all paid in the cost currency (``phi = 1 / (1 + fx)``, ``fx`` the market currency's
  move), and local per-entry charges ``L``;
* sold share ``s = q x max(0, 1 - w / H)``: demand factor ``q`` and ``w`` weeks of delay out of ``H`` weeks;
* profit ``pi = s (R - Fee (1 + g)) - C + (1 - s) x salvage x C`` — net revenue ``R``, marketplace fees ``Fee``
  raised by ``g``, unsold units recovered at ``salvage`` of their cost.

At no shock ``pi`` is the row's unit margin. Each driver moves from no shock towards its extreme (settings:
freight x3, FX -30%, duty +10 points, demand -50%, fees +20%, 8 weeks' delay) by a Beta(alpha, beta) share;
freight and delay are correlated (a congested lane is slow and dear). Outputs: probability of loss, the
distribution of plan margin ``pi / R``, the break-even value of each driver alone, and each driver's first-order
variance share (:mod:`xborder.domains.risk.montecarlo`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from xborder.domains.risk.montecarlo import Driver, draw, first_order_indices

__all__ = [
    "StressSpec",
    "DRIVERS",
    "stress_drivers",
    "plan_components",
    "plan_profit",
    "break_even",
    "stress_test",
]

DRIVERS = ("freight", "fx", "duty", "demand", "fee", "delay")


@dataclass(frozen=True)
class StressSpec:
    """Extremes and shapes of the shocks (defaults = settings' defaults)."""

    freight_max: float = 3.0
    fx_min: float = -0.30
    duty_max: float = 0.10
    demand_min: float = 0.5
    fee_max: float = 0.20
    delay_max_weeks: float = 8.0
    horizon_weeks: float = 26.0
    salvage: float = 0.3
    alpha: float = 1.0
    beta: float = 4.0
    freight_delay_correlation: float = 0.5
    draws: int = 2000
    seed: int = 7


def stress_drivers(spec: StressSpec) -> tuple[list[Driver], np.ndarray]:
    """The six drivers (each a Beta share of its extreme) and their correlation matrix."""
    share = stats.beta(spec.alpha, spec.beta).ppf

    def scaled(lo: float, hi: float):
        return lambda u: lo + (hi - lo) * share(u)

    drivers = [
        Driver("freight", scaled(1.0, spec.freight_max), 1.0),
        Driver("fx", scaled(0.0, spec.fx_min), 0.0),
        Driver("duty", scaled(0.0, spec.duty_max), 0.0),
        Driver("demand", scaled(1.0, spec.demand_min), 1.0),
        Driver("fee", scaled(0.0, spec.fee_max), 0.0),
        Driver("delay", scaled(0.0, spec.delay_max_weeks), 0.0),
    ]
    corr = np.eye(len(drivers))
    i, j = DRIVERS.index("freight"), DRIVERS.index("delay")
    corr[i, j] = corr[j, i] = spec.freight_delay_correlation
    return drivers, corr


def plan_components(rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per-unit components of landed-cost rows: R, G, Fr, D, CV, L, Fee (column vectors for broadcasting)."""

    def col(*names: str) -> np.ndarray:
        return rows[list(names)].fillna(0.0).sum(axis=1).to_numpy(float)[:, None]

    return {
        "R": col("net_revenue"),
        "G": col("goods_cost", "insurance"),
        "Fr": col("freight"),
        "D": col("duty", "additional_duty", "import_tax_cost"),
        "CV": col("customs_value"),
        "L": col("customs_fees", "low_value_charges"),
        "Fee": col("referral_fee", "fulfilment_fee", "other_fees"),
    }


def plan_profit(c: dict[str, np.ndarray], x: dict[str, np.ndarray], spec: StressSpec) -> np.ndarray:
    """Profit per planned unit for driver values ``x`` (arrays broadcasting against the components)."""
    phi = 1.0 / (1.0 + x["fx"])
    cost = (c["G"] + c["Fr"] * x["freight"] + c["D"] + x["duty"] * c["CV"]) * phi + c["L"]
    sold = x["demand"] * np.maximum(0.0, 1.0 - x["delay"] / spec.horizon_weeks)
    return sold * (c["R"] - c["Fee"] * (1.0 + x["fee"])) - cost + (1.0 - sold) * spec.salvage * cost


def break_even(c: dict[str, np.ndarray], spec: StressSpec) -> dict[str, np.ndarray]:
    """The value of each driver alone (others unshocked) at which the plan's profit is zero.

    NaN where the plan already loses without a shock, or no value of the driver makes it lose.
    """
    r, fee = c["R"][:, 0], c["Fee"][:, 0]
    g, fr, d, cv, loc = c["G"][:, 0], c["Fr"][:, 0], c["D"][:, 0], c["CV"][:, 0], c["L"][:, 0]
    cost0 = g + fr + d + loc
    base = r - fee - cost0
    ok = base > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        sold = cost0 * (1.0 - spec.salvage) / (r - fee - spec.salvage * cost0)
        phi = (r - fee - loc) / (g + fr + d)
        out = {
            "freight": np.where(ok & (fr > 0), 1.0 + base / fr, np.nan),
            "fx": np.where(ok & (phi > 0), 1.0 / phi - 1.0, np.nan),
            "duty": np.where(ok & (cv > 0), base / cv, np.nan),
            "demand": np.where(ok, sold, np.nan),
            "fee": np.where(ok & (fee > 0), base / fee, np.nan),
            "delay": np.where(ok, spec.horizon_weeks * (1.0 - sold), np.nan),
        }
    return out


def stress_test(
    rows: pd.DataFrame, spec: StressSpec, *, chunk: int = 400
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stress every landed-cost row: (one summary row per input row, one row per input row x driver).

    The summary has ``p_loss``, ``mc_error`` (its standard error), ``base_margin``, ``mean_margin`` and
    ``p05`` ... ``p95`` of plan margin ``pi / R``, ``expected_profit`` per unit; the driver rows have
    ``break_even`` and ``first_order`` (variance share).
    """
    drivers, corr = stress_drivers(spec)
    x = draw(drivers, spec.draws, correlation=corr, seed=spec.seed)
    xs = {k: v[None, :] for k, v in x.items()}
    qs = (0.05, 0.25, 0.5, 0.75, 0.95)
    summaries, shares = [], []
    for start in range(0, len(rows), chunk):
        part = rows.iloc[start : start + chunk]
        c = plan_components(part)
        profit = plan_profit(c, xs, spec)
        with np.errstate(divide="ignore", invalid="ignore"):
            margin = profit / c["R"]
        p_loss = (profit < 0).mean(axis=1)
        summary = pd.DataFrame(
            {
                "p_loss": p_loss,
                "mc_error": np.sqrt(p_loss * (1 - p_loss) / spec.draws),
                "base_margin": (
                    plan_profit(c, {d.name: np.array([[d.base]]) for d in drivers}, spec) / c["R"]
                )[:, 0],
                "mean_margin": margin.mean(axis=1),
                "expected_profit": profit.mean(axis=1),
            },
            index=part.index,
        )
        for q, v in zip(qs, np.quantile(margin, qs, axis=1), strict=True):
            summary[f"p{round(q * 100):02d}"] = v
        summaries.append(summary)
        be = break_even(c, spec)
        for name in DRIVERS:
            shares.append(
                pd.DataFrame(
                    {"row": part.index, "driver": name, "break_even": be[name],
                     "first_order": first_order_indices(x[name], profit)}
                )
            )  # fmt: skip
    if not summaries:
        return pd.DataFrame(), pd.DataFrame()
    return pd.concat(summaries), pd.concat(shares, ignore_index=True)
