"""Plans and health as stored rows: dates from day counts, message codes with their numbers, rendered en/zh."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from xborder.core import i18n
from xborder.domains.inventory.health import aged_fees_ahead, clearance, stock_health
from xborder.domains.inventory.launch import (
    FLOOR_HELD,
    FORECAST_HELD,
    LAUNCH_FLOOR_QUANTILE,
    MEASURED_CAP_MONTHS,
    MEASURED_WINDOWS,
)
from xborder.domains.inventory.plan import DAYS_PER_MONTH, PlanSettings
from xborder.domains.inventory.stockouts import ALL_LOCATIONS
from xborder.reference import load_table

__all__ = ["plan_notes", "health_rows", "render"]

_CUFT = 28316.846592  # cm³ per cubic foot
EVENT_NAMES = {"prime_day": "Prime Day", "prime_big_deal_days": "Prime Big Deal Days", "black_friday": "Black Friday",
               "cyber_monday": "Cyber Monday", "singles_day": "11.11", "double_twelve": "12.12",
               "hot_sale": "Hot Sale", "buen_fin": "El Buen Fin"}  # fmt: skip
"""Sales events by their own (proper) names, the same in every language."""


def render(notes: Sequence[dict[str, Any]], lang: str) -> str:
    """The notes as one text in ``lang``."""
    return " ".join(i18n.message(n, lang) for n in notes)


def _day(base: Any, days: Any) -> Any:
    if pd.isna(base) or days is None or not np.isfinite(days):
        return None
    return (pd.Timestamp(base) + pd.Timedelta(days=float(np.floor(days)))).date()


def _f(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _plan_codes(r: Any, s: PlanSettings, st: Any) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    own = getattr(r, "plan_method", None) == "own_sales"
    if own:
        slow = getattr(r, "distribution", None) == "empirical"
        notes.append({"code": "inventory.own_sales_slow" if slow else "inventory.own_sales", "args": {
            "rate": r.daily_demand, "days": r.protection_days,
            "season": r.protection_demand / (r.daily_demand * r.protection_days) if r.daily_demand > 0 else 1.0,
            "service": _f(getattr(r, "uncapped_cycle_service", r.expected_cycle_service)) or 0.0}})  # fmt: skip
    if r.kind == "analogue":
        notes.append({"code": "inventory.launch", "args": {"units": r.launch_quantity, "cash": _f(r.launch_cash) or 0.0,
                                                           "currency": r.currency if isinstance(r.currency, str) else ""}})  # fmt: skip
        floor = _f(getattr(r, "launch_floor", None))
        if floor is not None and floor > 0 and r.uncapped_reorder_point <= floor:
            notes.append({"code": "inventory.launch_floor", "args": {
                "floor": floor, "pct": 100 * LAUNCH_FLOOR_QUANTILE, "days": int(_f(r.launch_floor_days) or 0),
                "mu": r.protection_demand, "held": FLOOR_HELD, "held0": FORECAST_HELD}})  # fmt: skip
    if r.kind == "history" and not own:
        notes.append({"code": "inventory.history", "args": {"rate": r.daily_demand}})
    if r.kind == "niche":
        notes.append({"code": "inventory.niche", "args": {"units": r.launch_quantity}})
    if r.kind == "recent_sales" and not own:
        notes.append({"code": "inventory.recent_sales", "args": {"column": r.model, "rate": r.daily_demand}})
    if pd.isna(r.unit_cost):
        notes.append({"code": "inventory.no_unit_cost", "args": {"days": s.baseline_order_days}})
    notes.append({"code": "inventory.lead_time", "args": {"days": r.lead_time_days, "sd": r.lead_time_sd_days,
                                                           "source": r.lead_time_source}})  # fmt: skip
    if pd.isna(r.on_hand):
        notes.append({"code": "inventory.no_stock", "args": {}})
    else:
        if r.suggested_order and r.suggested_order > 0:
            notes.append({"code": "inventory.order_now", "args": {"position": r.on_hand + np.nan_to_num(r.inbound),
                          "reorder_point": r.reorder_point, "units": r.suggested_order}})  # fmt: skip
        if r.stockout_date is not None:
            notes.append({"code": "inventory.stockout", "args": {"date": str(r.stockout_date)}})
    action = getattr(r, "stock_action", "stock")
    if action in ("cap", "make_to_order"):
        notes.append(_cap_code(r, s))
    if action == "make_to_order":
        return notes
    if (
        r.kind == "analogue"
    ):  # a launch states the service measured on real launches, not the forecast model's
        held = _f(getattr(r, "measured_cycle_service", None))
        model = _f(r.expected_cycle_service) or 0.0
        if held is None:
            notes.append({"code": "inventory.launch_unmeasured", "args": {
                "months": s.max_stock_months, "measured": MEASURED_CAP_MONTHS, "service": model}})  # fmt: skip
        elif action == "stock":
            notes.append({"code": "inventory.launch_service", "args": {
                "action": action, "held": held, "windows": MEASURED_WINDOWS.get(action, 0), "service": model}})  # fmt: skip
        notes.append({"code": "inventory.baseline_launch", "args": {
            "safety_days": s.baseline_safety_days, "order_days": s.baseline_order_days,
            "baseline_service": _f(r.baseline_cycle_service) or 0.0, "baseline_stock": r.baseline_average_stock,
            "stock": r.average_stock}})  # fmt: skip
        return notes
    notes.append({"code": "inventory.baseline", "args": {
        "safety_days": s.baseline_safety_days, "order_days": s.baseline_order_days,
        "baseline_service": _f(r.baseline_cycle_service) or 0.0, "baseline_stock": r.baseline_average_stock,
        "service": _f(r.expected_cycle_service) or 0.0, "stock": r.average_stock}})  # fmt: skip
    return notes


def _cap_code(r: Any, s: PlanSettings) -> dict[str, Any]:
    """The stock cap's note: capped (with the service it keeps), or make-to-order with its reason."""
    # the cap is on the protection period's daily rate (plan.plan_pairs), which a ramping forecast's first-period
    # mean (daily_demand) is not
    rate = r.protection_demand / r.protection_days if r.protection_days else r.daily_demand
    args = {"months": s.max_stock_months, "service0": _f(r.uncapped_cycle_service) or 0.0,
            "uncapped": r.uncapped_average_stock, "cover": _f(r.cover_months) or 0.0, "rate": rate}  # fmt: skip
    if r.stock_action == "cap":
        args |= {"r0": r.uncapped_reorder_point, "r": r.reorder_point, "stock": r.average_stock,
                 "service": _f(r.expected_cycle_service) or 0.0}  # fmt: skip
        held = _f(getattr(r, "measured_cycle_service", None)) if r.kind == "analogue" else None
        if held is not None:
            return {"code": "inventory.stock_cap_launch", "args": args | {"held": held,
                    "windows": MEASURED_WINDOWS["cap"]}}  # fmt: skip
        return {"code": "inventory.stock_cap", "args": args}
    hold = r.order_quantity / 2 + rate * s.review_days / 2
    r_cap = max(
        np.floor(round(r.protection_demand + s.max_stock_months * DAYS_PER_MONTH * rate - hold, 9)), 0.0
    )
    args |= {"q": r.order_quantity, "lead": r.lead_time_days, "baseline_stock": r.baseline_average_stock,
             "baseline_service": _f(r.baseline_cycle_service) or 0.0}  # fmt: skip
    if hold > s.max_stock_months * DAYS_PER_MONTH * rate:
        return {"code": "inventory.make_to_order_moq", "args": args}
    launch = r.kind == "analogue" and _f(getattr(r, "launch_sale_size", None)) is not None
    size = _f(getattr(r, "launch_sale_size" if launch else "own_sale_size", None)) or 0.0
    return {"code": "inventory.make_to_order_launch" if launch else "inventory.make_to_order_lumpy",
            "args": args | {"size": size, "cap": r_cap + r.order_quantity, "r": r_cap}}  # fmt: skip


def plan_notes(plans: pd.DataFrame, s: PlanSettings, st: Any) -> pd.DataFrame:
    """``inventory_plans`` rows (without run_id) from run_plans' output merged with the pairs' inputs."""
    out = plans.copy()
    out["location"] = ALL_LOCATIONS
    out["plan_start"] = pd.to_datetime(out["start"]).dt.date
    out["distribution"] = (
        out["distribution"].fillna(s.distribution) if "distribution" in out else s.distribution
    )
    out["review_days"] = s.review_days
    out["cost_source"] = np.where(out["unit_cost"].notna(), "landed_costs:" + out["mode"].fillna("?"), "none")
    base = out["stock_as_of"].where(out["stock_as_of"].notna())
    out["stockout_date"] = [_day(b, d) for b, d in zip(base, out["stockout_days"], strict=True)]
    out["order_by"] = [_day(b, d) for b, d in zip(base, out["order_in_days"], strict=True)]
    out["eoq"] = out["eoq"].where(np.isfinite(out["eoq"].astype(float)))
    notes = [_plan_codes(r, s, st) for r in out.itertuples(index=False)]
    out["notes"] = [json.dumps(n, default=float) for n in notes]
    out["notes_en"] = [render(n, "en") for n in notes]
    out["notes_zh"] = [render(n, "zh") for n in notes]
    return out


def _cubic_feet(products: pd.DataFrame) -> pd.Series:
    """Cubic feet per unit from the product's package, else its category's default package (reference
    category_defaults: median Olist package of the category)."""
    dims = products[["length_cm", "width_cm", "height_cm"]].apply(pd.to_numeric, errors="coerce")
    own = dims.prod(axis=1, min_count=3) / _CUFT
    cat = load_table("category_defaults").set_index("category")
    default = (
        cat[["length_cm", "width_cm", "height_cm"]].apply(pd.to_numeric, errors="coerce").prod(axis=1) / _CUFT
    )
    return own.fillna(products["category"].map(default)).set_axis(products["product_id"])


def health_rows(
    pos: pd.DataFrame,
    plans: pd.DataFrame,
    products: pd.DataFrame,
    last_sales: pd.DataFrame,
    rules: pd.DataFrame,
    events: pd.DataFrame,
    thresholds: Sequence[int],
) -> pd.DataFrame:
    """``inventory_health`` rows (without run_id): one per product × market with a stock snapshot."""
    df = pos.merge(
        plans[["product_id", "market", "kind", "daily_demand"]], on=["product_id", "market"], how="left"
    )
    df = df.merge(last_sales, on=["product_id", "market"], how="left")
    cat = products.set_index("product_id")["category"] if len(products) else pd.Series(dtype=object)
    df["category"] = df["product_id"].map(cat)
    df["cubic_feet"] = df["product_id"].map(_cubic_feet(products)) if len(products) else np.nan
    df["daily_rate"] = df["daily_demand"]
    df["rate_basis"] = np.where(df["kind"].eq("forecast") | df["kind"].eq("analogue"), "forecast",
                                np.where(df["kind"].eq("recent_sales"), "units_shipped", "none"))  # fmt: skip
    df["as_of"] = pd.to_datetime(df["stock_as_of"]).dt.date
    df = stock_health(df, thresholds)
    fees = aged_fees_ahead(df.assign(daily_rate=df["daily_rate"].fillna(0.0)), rules)
    fees.loc[fees["aged_units_next"].fillna(0).eq(0) & fees["first_fee_date"].isna(), "aged_fee_total"] = 0.0
    df = df.join(fees)
    df["location"] = ALL_LOCATIONS
    df["fee_currency"] = "USD"
    df["fee_rules"] = df["rule_ids"].map(lambda x: ",".join(x) if isinstance(x, list) else None)
    msgs: list[list[dict[str, Any]]] = []
    ev_id: list[Any] = []
    ev_start: list[Any] = []
    units: list[Any] = []
    for r in df.itertuples(index=False):
        m, pick, n = _health_codes(r, events, thresholds)
        msgs.append(m)
        ev_id.append(pick["event_id"] if pick else None)
        ev_start.append(pick["start"] if pick else None)
        units.append(n)
    df["clearance_event_id"] = pd.Series(ev_id, index=df.index, dtype=object)
    df["clearance_start"] = pd.Series(ev_start, index=df.index, dtype=object)
    df["clearance_units"] = pd.Series(units, index=df.index, dtype=float)
    df["message"] = [json.dumps(m, default=str) for m in msgs]
    df["text_en"] = [render(m, "en") for m in msgs]
    df["text_zh"] = [render(m, "zh") for m in msgs]
    df["sku"] = df["sku"].fillna("")
    return df


def _health_codes(
    r: Any, events: pd.DataFrame, thresholds: Sequence[int]
) -> tuple[list[dict[str, Any]], dict | None, float | None]:
    msgs: list[dict[str, Any]] = []
    status = str(r.status)
    if status.startswith("slow_"):
        msgs.append({"code": "inventory.slow", "args": {"days": r.days_without_sales, "units": r.on_hand,
                                                       "threshold": int(status.split("_")[1])}})  # fmt: skip
    elif status == "active" and pd.notna(r.days_of_cover):
        msgs.append(
            {
                "code": "inventory.active",
                "args": {"cover": r.days_of_cover, "turnover": _f(r.turnover) or 0.0},
            }
        )
    aged = _f(r.aged_units_first) or 0.0
    if r.first_fee_date is not None and pd.notna(r.first_fee_date):
        if pd.isna(r.aged_fee_total):
            code = "inventory.aged_no_rule" if r.fee_unvalued == "no_rule" else "inventory.aged_unvalued"
            msgs.append({"code": code, "args": {"units": aged, "date": str(r.first_fee_date)}})
        else:
            msgs.append({"code": "inventory.aged", "args": {"units": aged, "date": str(r.first_fee_date),
                                                           "fee": r.aged_fee_total, "currency": "USD"}})  # fmt: skip
    excess = None
    if status.startswith("slow_") or aged > 0:
        rate = _f(r.daily_rate) or 0.0
        excess = max(aged, float(r.on_hand) - 90.0 * rate)
        before = r.first_fee_date if r.first_fee_date is not None and pd.notna(r.first_fee_date) else None
        pick = clearance(r.as_of, r.market, events, before=before)
        if pick is None:
            msgs.append({"code": "inventory.no_event", "args": {"market": r.market}})
        else:
            code = "inventory.clearance" if pick["before_fees"] else "inventory.clearance_late"
            msgs.append({"code": code, "args": {"units": excess, "event": EVENT_NAMES.get(pick["event"], pick["event"]), "start": str(pick["start"]),
                                                "date": str(before)}})  # fmt: skip
        return msgs, pick, excess
    return msgs, None, excess
