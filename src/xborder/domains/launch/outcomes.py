"""Launch outcomes: launched projects joined to their sales after launch and judged against the frozen forecast."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["judge_outcomes", "success_rate"]


def judge_outcomes(
    projects: pd.DataFrame, status: pd.DataFrame, sales: pd.DataFrame, as_of: dt.date
) -> pd.DataFrame:
    """Judge every launched project: units and revenue in its window, sales_ok, margin_ok, success.

    Success = units >= the frozen lower 80% bound and realised margin >= target; where the margin is unknown
    (no cost of the sold goods) the judgement is on sales alone (basis ``sales_only``). A window that has not
    ended by ``as_of`` is judged so far (``complete`` False, ``success`` NULL).

    Args:
        projects: projects rows (project_id, product_id, market, forecast_units, forecast_lo_80, window_months,
            target_margin).
        status: Output of ``project_status`` (project_id, launched_at).
        sales: Sold lines: product_id, market, day (date), units, revenue, currency, cost (NaN unknown).
        as_of: The last day the sales cover.

    Returns:
        Rows shaped like the launch_outcomes table (without run_id).
    """
    launched = projects.merge(status[["project_id", "launched_at"]].dropna(), on="project_id")
    sales = sales.assign(day=pd.to_datetime(sales["day"]))
    rows = []
    for rec in launched.to_dict("records"):
        p: Any = SimpleNamespace(**{str(k): v for k, v in rec.items()})
        start = pd.Timestamp(p.launched_at).date()
        months = int(p.window_months) if pd.notna(p.window_months) else 6
        end = (pd.Timestamp(start) + pd.DateOffset(months=months)).date()
        mine = sales[(sales["product_id"] == p.product_id) & (sales["market"] == p.market)]
        mine = mine[(mine["day"] >= pd.Timestamp(start)) & (mine["day"] < pd.Timestamp(end))]
        units = float(mine["units"].sum())
        revenue = float(mine["revenue"].sum())
        cost_known = len(mine) > 0 and mine["cost"].notna().all()
        margin = (revenue - float(mine["cost"].sum())) / revenue if cost_known and revenue > 0 else np.nan
        lo = p.forecast_lo_80
        sales_ok = None if pd.isna(lo) else bool(units >= lo)
        margin_ok = None if np.isnan(margin) or pd.isna(p.target_margin) else bool(margin >= p.target_margin)
        complete = end <= as_of
        if not complete:
            basis, success = "incomplete", None
        elif margin_ok is None:
            basis, success = "sales_only", sales_ok
        else:
            basis, success = "sales_and_margin", None if sales_ok is None else (sales_ok and margin_ok)
        currency = mine["currency"].iloc[0] if len(mine) else None
        rows.append({
            "project_id": p.project_id, "product_id": p.product_id, "market": p.market, "launched_at": start,
            "window_end": end, "complete": complete, "actual_units": units, "actual_revenue": revenue,
            "currency": currency, "actual_margin": margin, "forecast_units": p.forecast_units,
            "forecast_lo_80": lo, "sales_ok": sales_ok, "margin_ok": margin_ok, "success": success, "basis": basis,
        })  # fmt: skip
    cols = ["project_id", "product_id", "market", "launched_at", "window_end", "complete", "actual_units",
            "actual_revenue", "currency", "actual_margin", "forecast_units", "forecast_lo_80", "sales_ok",
            "margin_ok", "success", "basis"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def success_rate(outcomes: pd.DataFrame) -> tuple[float | None, int]:
    """Share of judged (complete, success known) launches that succeeded, and how many were judged."""
    judged = (
        outcomes[outcomes["complete"].astype(bool) & outcomes["success"].notna()]
        if len(outcomes)
        else outcomes
    )
    if judged.empty:
        return None, 0
    return float(judged["success"].astype(bool).mean()), int(len(judged))
