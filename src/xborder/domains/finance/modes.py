"""Change of shipping mode: a plan re-priced with its other landed-cost modes, with its margin and cash effect.

A plan ships by the mode of its landed-cost row (its ``cost_source``). The same product x market has rows for the
other modes too (the landed-cost stage prices every mode): each is the plan with that row's per-unit money (goods,
freight, duties, import VAT, fees, output VAT, price) and a lead time moved by the difference of the two modes'
transit days (``lead + transit(other) - transit(own)``; the reorder point and quantities stay the plan's). Both are
run through the same day-by-day cash model (``cashplan.plan_cash``): the option says what the switch does to the
unit margin and to the plan's own cash over the horizon (its lowest cumulative cash and its cash at the end).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.finance.cashplan import LINES, CashTerms, plan_cash

__all__ = ["MONEY", "mode_options", "best_switches", "switch_plans"]

MONEY = ("price", "goods", "freight", "duties", "import_vat", "fees", "output_vat")
"""Per-unit money a mode's landed-cost row gives a plan (plan currency)."""


def _cash_path(plan: pd.Series, start: pd.Timestamp, terms: CashTerms) -> np.ndarray:
    """Cumulative weekly cash of one plan alone (flow currency), from 0."""
    lines = plan_cash(plan.to_frame().T, start, terms)
    cols = [c for c in LINES if c in lines]
    return np.cumsum(lines[cols].sum(axis=1).to_numpy(float))


def mode_options(
    plans: pd.DataFrame, alternatives: pd.DataFrame, start: pd.Timestamp, terms: CashTerms
) -> pd.DataFrame:
    """Every plan against each other mode of its product x market.

    Args:
        plans: ``plan_inputs`` rows with ``mode``, ``transit_days``, ``unit_margin`` and ``margin_pct`` (plan
            currency / fraction of net revenue).
        alternatives: Landed-cost rows: ``product_id``, ``market``, ``mode``, the ``MONEY`` columns,
            ``unit_margin``, ``margin_pct``, ``transit_days``.
        start: Monday of the flow's first week.
        terms: Timing and shares of the cash flow.

    Returns:
        One row per plan x other mode: ``product_id``, ``market``, ``mode``, ``alt_mode``, ``unit_margin``,
        ``alt_unit_margin`` (flow currency), ``margin_pct``, ``alt_margin_pct``, ``lead_time_days``,
        ``alt_lead_time_days``, ``lowest_cash``, ``alt_lowest_cash``, ``end_cash``, ``alt_end_cash`` (flow
        currency, the plan alone from 0), ``cash_gain`` (alt lowest - lowest) and ``end_gain``.
    """
    cols = ["product_id", "market", "mode", "alt_mode", "unit_margin", "alt_unit_margin", "margin_pct",
            "alt_margin_pct", "lead_time_days", "alt_lead_time_days", "lowest_cash", "alt_lowest_cash",
            "end_cash", "alt_end_cash", "cash_gain", "end_gain"]  # fmt: skip
    if plans.empty or alternatives.empty:
        return pd.DataFrame(columns=cols)
    alts = dict(list(alternatives.groupby(["product_id", "market"])))
    rows = []
    for _, p in plans.iterrows():
        others = alts.get((p["product_id"], p["market"]))
        if others is None:
            continue
        others = others[others["mode"] != p["mode"]]
        if others.empty:
            continue
        own = _cash_path(p, start, terms)
        fx = float(p["fx"])
        for _, a in others.iterrows():
            q = p.copy()
            for c in MONEY:
                q[c] = float(a[c])
            lead = float(p["lead_time_days"]) - float(p["transit_days"]) + float(a["transit_days"])
            q["lead_time_days"] = max(1.0, lead)
            path = _cash_path(q, start, terms)
            rows.append({"product_id": p["product_id"], "market": p["market"], "mode": p["mode"],
                         "alt_mode": a["mode"], "unit_margin": float(p["unit_margin"]) * fx,
                         "alt_unit_margin": float(a["unit_margin"]) * fx, "margin_pct": float(p["margin_pct"]),
                         "alt_margin_pct": float(a["margin_pct"]), "lead_time_days": float(p["lead_time_days"]),
                         "alt_lead_time_days": float(q["lead_time_days"]), "lowest_cash": float(own.min()),
                         "alt_lowest_cash": float(path.min()), "end_cash": float(own[-1]),
                         "alt_end_cash": float(path[-1])})  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    out["cash_gain"] = out["alt_lowest_cash"] - out["lowest_cash"]
    out["end_gain"] = out["alt_end_cash"] - out["end_cash"]
    return out


def best_switches(options: pd.DataFrame) -> pd.DataFrame:
    """Per plan, the other mode that raises its lowest cash most while still making money per unit.

    A switch is kept only when it raises the lowest cash (``cash_gain`` > 0) and the other mode's unit margin is
    positive (changing to a mode that loses on every unit is no fix).
    """
    ok = options[(options["cash_gain"] > 0) & (options["alt_unit_margin"] > 0)]
    if ok.empty:
        return ok
    return ok.sort_values("cash_gain", ascending=False).drop_duplicates(["product_id", "market"])


def switch_plans(plans: pd.DataFrame, alternatives: pd.DataFrame, switches: pd.DataFrame) -> pd.DataFrame:
    """``plans`` with each switched plan's money and lead time taken from its new mode (others unchanged)."""
    out = plans.copy()
    if switches.empty:
        return out
    alt: dict[tuple[str, str, str], dict[Any, Any]] = {
        (str(r["product_id"]), str(r["market"]), str(r["mode"])): r for r in alternatives.to_dict("records")
    }
    pick: dict[tuple[str, str], dict[Any, Any]] = {
        (str(r["product_id"]), str(r["market"])): r for r in switches.to_dict("records")
    }
    for i, p in out.iterrows():
        key = (str(p["product_id"]), str(p["market"]))
        if key not in pick:
            continue
        new_mode = str(pick[key]["alt_mode"])
        a = alt[(str(key[0]), str(key[1]), str(new_mode))]
        for c in MONEY:
            out.at[i, c] = float(a[c])
        out.at[i, "lead_time_days"] = float(pick[key]["alt_lead_time_days"])
        out.at[i, "transit_days"] = float(a["transit_days"])
        out.at[i, "mode"] = new_mode
    return out
