"""Launch outcomes: launched projects joined to their sales after launch and judged against the frozen forecast."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["judge_outcomes", "success_rate", "unit_costs", "cost_sales"]


def judge_outcomes(
    projects: pd.DataFrame,
    status: pd.DataFrame,
    sales: pd.DataFrame,
    as_of: dt.date,
    reviews: pd.DataFrame | None = None,
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
        reviews: Reviews of the products: product_id, market (None: not stated by the source), day, rating;
            counted in the window for the project's market and for reviews without a market.

    Returns:
        Rows shaped like the launch_outcomes table (without run_id).
    """
    launched = projects.merge(status[["project_id", "launched_at"]].dropna(), on="project_id")
    sales = sales.assign(day=pd.to_datetime(sales["day"]))
    if reviews is None:
        reviews = pd.DataFrame(columns=["product_id", "market", "day", "rating"])
    reviews = reviews.assign(day=pd.to_datetime(reviews["day"]))
    rows = []
    for rec in launched.to_dict("records"):
        p: Any = SimpleNamespace(**{str(k): v for k, v in rec.items()})
        start = pd.Timestamp(p.launched_at).date()
        months = int(p.window_months) if pd.notna(p.window_months) else 6
        end = (pd.Timestamp(start) + pd.DateOffset(months=months)).date()
        mine = sales[(sales["product_id"] == p.product_id) & (sales["market"] == p.market)]
        mine = mine[(mine["day"] >= pd.Timestamp(start)) & (mine["day"] < pd.Timestamp(end))]
        said = reviews[(reviews["product_id"] == p.product_id)
                       & (reviews["market"].isna() | (reviews["market"] == p.market))]  # fmt: skip
        said = said[(said["day"] >= pd.Timestamp(start)) & (said["day"] < pd.Timestamp(end))]
        ratings = pd.to_numeric(said["rating"], errors="coerce").dropna()
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
        source = mine["cost_source"].iloc[0] if cost_known and "cost_source" in mine else None
        rows.append({
            "project_id": p.project_id, "product_id": p.product_id, "market": p.market, "launched_at": start,
            "window_end": end, "complete": complete, "actual_units": units, "actual_revenue": revenue,
            "currency": currency, "actual_margin": margin, "forecast_units": p.forecast_units,
            "forecast_lo_80": lo, "sales_ok": sales_ok, "margin_ok": margin_ok, "success": success, "basis": basis,
            "margin_source": source if not np.isnan(margin) else None, "reviews": len(said),
            "mean_rating": float(ratings.mean()) if len(ratings) else None,
        })  # fmt: skip
    cols = ["project_id", "product_id", "market", "launched_at", "window_end", "complete", "actual_units",
            "actual_revenue", "currency", "actual_margin", "forecast_units", "forecast_lo_80", "sales_ok",
            "margin_ok", "success", "basis", "margin_source", "reviews", "mean_rating"]  # fmt: skip
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


_FEES = ("referral_fee", "fulfilment_fee", "other_fees")


def unit_costs(landed: pd.DataFrame, offers: pd.DataFrame) -> pd.DataFrame:
    """Cost per sold unit from a real supplier quote, per product (and market where the landed cost gives one).

    Two sources, in order: (1) the landed cost of the best-margin shipping mode whose unit cost is a quote
    (``unit_cost_estimated`` false): landed cost + referral, fulfilment and other fees per unit, for that
    market; (2) else the product's lowest supplier quote (``supplier_offers.unit_cost``): the goods alone, for
    any market. An estimated unit cost is never used.

    Args:
        landed: landed_costs rows (product_id, market, mode, currency, unit_cost_estimated, margin_pct,
            landed_cost, referral_fee, fulfilment_fee, other_fees).
        offers: supplier_offers rows (product_id, unit_cost, currency).

    Returns:
        product_id, market (None: any market), currency, unit_cost, cost_source.
    """
    cols = ["product_id", "market", "currency", "unit_cost", "cost_source"]
    out = []
    if len(landed):
        real = landed[landed["unit_cost_estimated"].eq(False) & landed["landed_cost"].notna()]
        best = real.sort_values("margin_pct", ascending=False).drop_duplicates(["product_id", "market"])
        fees = sum(best[f].fillna(0.0) for f in _FEES if f in best)
        out.append(pd.DataFrame({
            "product_id": best["product_id"], "market": best["market"], "currency": best["currency"],
            "unit_cost": best["landed_cost"] + fees, "cost_source": "landed_cost:" + best["mode"].astype(str),
        }))  # fmt: skip
    if len(offers):
        q = (
            offers.dropna(subset=["unit_cost"])
            .sort_values("unit_cost")
            .drop_duplicates(["product_id", "currency"])
        )
        out.append(pd.DataFrame({"product_id": q["product_id"], "market": None, "currency": q["currency"],
                                 "unit_cost": q["unit_cost"], "cost_source": "supplier_quote:goods_only"}))  # fmt: skip
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


def cost_sales(sales: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """``sales`` with ``cost`` = units x the unit cost in the sales' currency (market's first, then any market)
    and its ``cost_source``; NaN where no quote in that currency is known (no currency is converted)."""
    out = sales.drop(columns=[c for c in ("cost", "cost_source") if c in sales]).copy()
    out["unit_cost"], out["cost_source"] = np.nan, None
    if len(costs) and len(out):
        by_market = costs.dropna(subset=["market"]).drop_duplicates(["product_id", "market", "currency"])
        anywhere = costs[costs["market"].isna()].drop_duplicates(["product_id", "currency"])
        for frame, keys in (
            (by_market, ["product_id", "market", "currency"]),
            (anywhere, ["product_id", "currency"]),
        ):
            hit = out[keys].merge(frame[[*keys, "unit_cost", "cost_source"]], on=keys, how="left")
            fill = out["unit_cost"].isna().to_numpy() & hit["unit_cost"].notna().to_numpy()
            out.loc[fill, "unit_cost"] = hit.loc[fill, "unit_cost"].to_numpy()
            out.loc[fill, "cost_source"] = hit.loc[fill, "cost_source"].to_numpy()
    out["cost"] = out["units"] * out["unit_cost"]
    return out.drop(columns="unit_cost")
