"""The inventory stage: stock plans from forecasts (or recent sales), lead times and landed costs; stock health."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from xborder.core import i18n
from xborder.domains.inventory.dossier import SECTION
from xborder.domains.inventory.engines import EngineSession, run_plans
from xborder.domains.inventory.forecasts import pooled_growth
from xborder.domains.inventory.launch import sale_day_floors
from xborder.domains.inventory.leadtime import lead_times
from xborder.domains.inventory.notes import health_rows, plan_notes
from xborder.domains.inventory.observed import delivery_days, pair_lead_times
from xborder.domains.inventory.own_sales import HISTORY_DAYS, OWN_COLUMNS, own_sales_plans
from xborder.domains.inventory.plan import PlanSettings
from xborder.domains.inventory.positions import stock_positions
from xborder.domains.inventory.stage.inputs import (
    input_run,
    read_category_forecasts,
    read_category_totals,
    read_daily_sales,
    read_deliveries,
    read_forecast_totals,
    read_forecasts,
    read_landed_costs,
    read_last_sales,
    read_offers,
    read_products,
    read_recent_months,
    read_snapshots,
    read_stockout_periods,
)
from xborder.domains.inventory.tables import INVENTORY_HEALTH, INVENTORY_PLANS, PLAN_TABLES
from xborder.domains.inventory.unplanned import history_rows, niche_rows, unplanned_rows
from xborder.reference import load_table
from xborder.reference.calendar import market_events
from xborder.reference.fx import load_fx
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, write_frame

__all__ = ["InventoryParams", "run_inventory", "STAGE"]

_KEY = ["product_id", "market"]


class InventoryParams(Params):
    """Parameters of the inventory stage (defaults from settings; see docs/inventory.md)."""

    service_level: float | None = Field(None, ge=0.5, le=0.999)
    """Target service (default: settings.service_level)."""
    service_measure: Literal["cycle", "fill_rate"] = "cycle"
    distribution: Literal["normal", "gamma"] = "normal"
    review_days: int | None = Field(None, ge=1, le=90)
    case_pack: int = Field(1, ge=1, le=100_000)
    """Units per case when no quote says (1: order single units)."""
    engine: Literal["local", "dask", "spark", "ray"] = "local"
    min_deliveries: int = Field(5, ge=2, le=10_000)
    """Deliveries of a product (to the market, else anywhere) needed before its observed order → delivery days
    replace the modelled lead time and spread."""


def _recent_sales_rows(pos: pd.DataFrame, have: set[tuple[str, str]], weeks: int = 26) -> pd.DataFrame:
    """Weekly demand rows for pairs with stock but no forecast: the report's recent units shipped (Poisson spread)."""
    rows = []
    for r in pos.itertuples(index=False):
        if (r.product_id, r.market) in have:
            continue
        for col, days in (("units_shipped_30d", 30), ("units_shipped_90d", 90), ("units_shipped_7d", 7)):
            v = getattr(r, col)
            if pd.notna(v):
                rate = float(v) / days
                break
        else:
            continue
        start = pd.Timestamp(str(r.stock_as_of))
        rows += [{"product_id": r.product_id, "market": r.market, "kind": "recent_sales", "model": col, "freq": "W",
                  "ds": start + pd.Timedelta(days=7 * k), "point": rate * 7.0} for k in range(weeks)]  # fmt: skip
    return pd.DataFrame(rows)


def _order_cost(con: Any, currencies: pd.Series, usd: float, day: str) -> pd.Series:
    fx = load_fx(con)
    out = {}
    for cur in currencies.dropna().unique():
        try:
            out[cur] = usd * fx.factor("USD", str(cur), day).rate
        except Exception:  # noqa: BLE001 — a currency without a rate leaves the EOQ out (noted per plan)
            out[cur] = np.nan
    return currencies.map(out).astype(float)


def _pairs(
    ctx: StageContext, demand: pd.DataFrame, pos: pd.DataFrame, lc: pd.DataFrame, p: InventoryParams
) -> pd.DataFrame:
    st = ctx.settings
    pairs = demand.groupby(_KEY, as_index=False).agg(start=("ds", "min"))
    pairs = pairs.merge(lc, on=_KEY, how="left").merge(read_offers(ctx.con), on="product_id", how="left")
    pairs = pairs.merge(pos, on=_KEY, how="left")
    today = dt.date.today().isoformat()
    seen = pair_lead_times(pairs, delivery_days(read_deliveries(ctx.con)), min_deliveries=p.min_deliveries)
    pairs = pairs.join(lead_times(pairs, date=today, production_days=st.production_lead_time_days,
                                  production_cv=st.production_lead_time_cv, inbound_days=st.inbound_days,
                                  default_origin=st.default_origin, observed=seen))  # fmt: skip
    pairs["unit_cost"] = pairs["landed_cost"]
    pairs["order_cost"] = _order_cost(ctx.con, pairs["currency"], st.order_cost_usd, today)
    pairs["case_pack"] = float(p.case_pack)
    pairs["stock_offset_days"] = (
        pd.to_datetime(pairs["stock_as_of"]) - pd.to_datetime(pairs["start"])
    ).dt.days
    return pairs


def _own_sales(
    ctx: StageContext, pairs: pd.DataFrame, s: PlanSettings, launches: set[str] | None = None
) -> pd.DataFrame:
    """The pairs with the own_* columns of those with a full year of daily sales (cycle service only: the
    replay validated a cycle service level, not a fill rate), and every pair's launch floor (a typical sale day of
    its product in the last 364 days, for the products in ``launches``: analogue plans are raised to it,
    ``launch.sale_day_floors``)."""
    daily, first, end = read_daily_sales(ctx.con, HISTORY_DAYS)
    if end is None:
        return pairs
    if launches:
        floors = sale_day_floors(daily[daily["product_id"].isin(launches)])
        pairs = pairs.merge(floors, on="product_id", how="left")
    if s.service_measure != "cycle":
        return pairs
    own = own_sales_plans(daily, first, pairs, cutoff=end, review_days=s.review_days,
                          service_level=s.service_level, stockouts=read_stockout_periods(ctx.con),
                          baseline_safety_days=s.baseline_safety_days, settings=s)  # fmt: skip
    return pairs.merge(own, on=_KEY, how="left")


def run_inventory(ctx: StageContext, p: InventoryParams) -> dict[str, Any]:
    """Plan every product × market with a forecast or a stock snapshot; write plans and stock health."""
    con, st = ctx.con, ctx.settings
    ctx.say(0.0, "reading forecasts, landed costs and stock")
    delete_run_rows(con, PLAN_TABLES, ctx.run_id)
    runs = {t: input_run(con, t, ctx.run_id) for t in ("forecasts", "landed_costs")}
    fc = read_forecasts(con, runs["forecasts"], ctx.markets)
    if len(fc):
        fc = fc.merge(read_forecast_totals(con, runs["forecasts"]), on=_KEY, how="left")
        cats = read_products(con, fc["product_id"].unique().tolist()).set_index("product_id")["category"]
        niches = niche_rows(read_category_forecasts(con, runs["forecasts"], ctx.markets), fc, cats,
                            read_category_totals(con, runs["forecasts"]))  # fmt: skip
        fc = pd.concat([fc, niches], ignore_index=True) if len(niches) else fc
    pos = stock_positions(read_snapshots(con, ctx.markets))
    have = set(zip(fc.get("product_id", []), fc.get("market", []), strict=True))
    recent = _recent_sales_rows(pos, have)
    landed = read_landed_costs(con, runs["landed_costs"], ctx.markets)
    have |= set(zip(recent.get("product_id", []), recent.get("market", []), strict=True))
    history = history_rows(read_recent_months(con), landed, have)
    parts = [f for f in (fc, recent, history) if len(f)]
    demand = pd.concat(parts, ignore_index=True) if parts else fc
    pooled = (
        pooled_growth(fc[fc["kind"].eq("forecast")], p.service_level or st.service_level) if len(fc) else None
    )
    if pooled is not None:  # plans without a horizon total of their own grow their spread as the run's do
        demand["growth_prior"] = pooled
    if demand.empty:
        return {"status": "skipped", "reason": i18n.render("inventory.no_demand", "en"),
                "reason_code": "inventory.no_demand", "plans": 0}  # fmt: skip
    settings = PlanSettings(
        service_level=p.service_level or st.service_level, service_measure=p.service_measure,
        distribution=p.distribution, review_days=float(p.review_days or st.review_days),
        holding_rate=st.holding_cost_rate, max_cover_days=float(st.max_cover_days),
        baseline_safety_days=float(st.baseline_safety_days), baseline_order_days=float(st.baseline_order_days),
        max_stock_months=float(st.max_stock_months),
    )  # fmt: skip
    launches = set(demand.loc[demand["kind"].eq("analogue"), "product_id"])
    pairs = _own_sales(ctx, _pairs(ctx, demand, pos, landed, p), settings, launches)
    attrs = ["lead_time_days", "lead_time_sd_days", "unit_cost", "order_cost", "moq", "case_pack", "on_hand", "inbound",
             "stock_offset_days", *[c for c in (*OWN_COLUMNS, "launch_floor", "launch_sale_size") if c in pairs]]  # fmt: skip
    ctx.say(0.3, f"planning {len(pairs):,} product × market pairs ({p.engine})")
    with EngineSession(p.engine) as sess:
        plans = run_plans(demand.merge(pairs[[*_KEY, *attrs]], on=_KEY), settings, sess)
    plans = plans.merge(pairs, on=_KEY, how="left", suffixes=("", "_pair"))
    table = plan_notes(plans, settings, st)
    known = fc[fc["kind"].isin(["forecast", "analogue"])] if len(fc) else fc
    markets = (
        known.groupby("product_id")["market"].agg(lambda m: sorted(set(m))) if len(known) else pd.Series()
    )
    unplanned = unplanned_rows(landed, set(zip(table["product_id"], table["market"], strict=True)), markets)
    rows = pd.concat([table, unplanned.assign(location="*")], ignore_index=True) if len(unplanned) else table
    write_frame(con, INVENTORY_PLANS, rows.assign(run_id=ctx.run_id)[
        [c for c in INVENTORY_PLANS.column_names if c in rows.columns or c == "run_id"]])  # fmt: skip
    n_plans = len(table)
    ctx.say(0.8, "stock health")
    health = pd.DataFrame()
    if len(pos):
        products = read_products(con, pos["product_id"].tolist())
        last = read_last_sales(con, pos["product_id"].tolist())
        rules = load_table("fees/amazon_aged_inventory")
        health = health_rows(pos, plans, products, last, rules, market_events(), list(st.slow_mover_days))
        write_frame(con, INVENTORY_HEALTH, health.assign(run_id=ctx.run_id)[
            [c for c in INVENTORY_HEALTH.column_names if c in health.columns or c == "run_id"]])  # fmt: skip
    ctx.say(1.0, "inventory done")
    return _summary(table, health, runs, settings, n_plans) | {"unplanned": len(unplanned),
                                                               "pooled_spread_growth": pooled}  # fmt: skip


def _summary(
    plans: pd.DataFrame, health: pd.DataFrame, runs: dict[str, str | None], s: PlanSettings, n: int
) -> dict[str, Any]:
    cash = plans.groupby("currency")[["cash_tied_up", "baseline_cash_tied_up"]].sum().round(2)
    return {
        "plans": n,
        "input_runs": {k: v for k, v in runs.items() if v},
        "kinds": plans["kind"].value_counts().to_dict(),
        "methods": plans["plan_method"].value_counts().to_dict(),
        "stock_actions": plans["stock_action"].value_counts().to_dict() if "stock_action" in plans else {},
        "uncapped_average_stock": round(float(plans["uncapped_average_stock"].sum()), 1),
        "distributions": plans["distribution"].value_counts().to_dict() if "distribution" in plans else {},
        "service": {"measure": s.service_measure, "target": s.service_level, "distribution": s.distribution},
        "order_now": int((plans["suggested_order"].fillna(0) > 0).sum()),
        "average_stock": round(float(plans["average_stock"].sum()), 1),
        "baseline_average_stock": round(float(plans["baseline_average_stock"].sum()), 1),
        "cash_tied_up": {
            str(c): {"plan": float(r["cash_tied_up"]), "baseline": float(r["baseline_cash_tied_up"])}
            for c, r in cash.iterrows()
        },  # fmt: skip
        "health": health["status"].value_counts().to_dict() if len(health) else {},
        "launch_service": _launch_service(plans),
    }


def _launch_service(plans: pd.DataFrame) -> dict[str, Any]:
    """Before-launch plans per stock action: how many, the service they state (measured on real launches,
    ``launch.measured_service``) and the forecast model's mean for comparison."""
    if "measured_cycle_service" not in plans:
        return {}
    a = plans[plans["kind"] == "analogue"]
    return {
        str(k): {"plans": len(g), "measured_cycle_service": None if g["measured_cycle_service"].isna().all()
                 else float(g["measured_cycle_service"].mean()),
                 "model_cycle_service": None if g["expected_cycle_service"].isna().all()
                 else float(g["expected_cycle_service"].mean())}
        for k, g in a.groupby("stock_action")
    }  # fmt: skip


STAGE = Stage(
    "inventory", run_inventory, InventoryParams, writes=PLAN_TABLES, weight=0.03,
    web=("service_level", "service_measure"), title="Inventory", dossier=SECTION,
)  # fmt: skip
