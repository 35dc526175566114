"""Warehouse glue of the change-of-mode lever: the plans' other landed-cost modes, priced through the cash model."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.domains.finance.cashplan import CashTerms
from xborder.domains.finance.modes import best_switches, mode_options, switch_plans
from xborder.warehouse.tables import latest_run_id, read_rows, table_exists

__all__ = ["mode_alternatives", "mode_lever"]


def mode_alternatives(con: Any, plans: pd.DataFrame) -> pd.DataFrame:
    """Every landed-cost row (latest run, any mode) of the plans' product x market pairs, as per-unit money."""
    from xborder.domains.finance.stage.cashflow import LC_COLUMNS, unit_money

    run = latest_run_id(con, "landed_costs") if table_exists(con, "landed_costs") else None
    if not run or plans.empty:
        return pd.DataFrame()
    products = sorted(set(plans["product_id"].astype(str)))
    marks = ", ".join("?" for _ in products)
    lc = read_rows(con, "landed_costs", run, columns=list(LC_COLUMNS), where=f"product_id IN ({marks})",
                   params=products)  # fmt: skip
    pairs = set(zip(plans["product_id"].astype(str), plans["market"].astype(str), strict=True))
    lc = lc[[(p, m) in pairs for p, m in zip(lc["product_id"], lc["market"], strict=True)]]
    return unit_money(lc).reset_index(drop=True) if len(lc) else pd.DataFrame()


def mode_lever(
    con: Any, plans: pd.DataFrame, start: pd.Timestamp, terms: CashTerms
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each plan against its other modes, and the plans with the cash-best switch applied.

    Returns:
        ``(options, switched)``: ``modes.mode_options`` rows with ``chosen`` (the switch the lever applies), and
        the plans after the switches with a ``switched`` flag (empty when no switch raises a plan's lowest cash).
    """
    alts = mode_alternatives(con, plans)
    options = mode_options(plans, alts, start, terms)
    if options.empty:
        return options, pd.DataFrame()
    best = best_switches(options)
    key = options["product_id"] + "|" + options["market"] + "|" + options["alt_mode"]
    options["chosen"] = key.isin(set(best["product_id"] + "|" + best["market"] + "|" + best["alt_mode"]))
    if best.empty:
        return options, pd.DataFrame()
    switched = switch_plans(plans, alts, best)
    switched["switched"] = switched["mode"] != plans["mode"]
    return options, switched
