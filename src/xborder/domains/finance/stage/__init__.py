"""Warehouse glue for finance: landed costs -> ``price_ladders``; seller tables -> ``warning_indicators``.

Reads the run's ``landed_costs`` (a stand-alone ``xborder price`` reads the latest run's), the seller's
``money_movements``, ``ad_performance``, ``listing_traffic`` and ``inventory_snapshots`` when present, and the
dated ECB FX table; writes the 13-week ``cash_flows`` too (``stage/cashflow.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from xborder.core import i18n
from xborder.core.clock import today
from xborder.core.settings import Settings
from xborder.domains.finance.dossier import SECTION
from xborder.domains.finance.indicators import (
    DIRECTIONS,
    SETTINGLESS,
    cash_runway,
    currency_indicators,
    judge,
    plan_indicators,
    seller_indicators,
)
from xborder.domains.finance.indicators_ops import SOURCES
from xborder.domains.finance.prices import price_ladder
from xborder.domains.finance.stage.capacity import capacity_rows
from xborder.domains.finance.stage.cashflow import cash_flow, cash_rows, mode_rows
from xborder.domains.finance.stage.indicators_ops import fx_rows, ops_rows, unknown_rows
from xborder.domains.finance.tables import (
    CASH_CAPACITY,
    CASH_FLOWS,
    CASH_MODE_OPTIONS,
    PRICE_LADDERS,
    RUN_TABLES,
    TABLES,
    WARNING_INDICATORS,
)
from xborder.reference.fx import FxTable, load_fx
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, latest_run_id, read_rows, table_exists, write_frame

__all__ = ["run_finance", "landed_rows", "best_plans", "thresholds", "fx_series", "STAGE", "selection_picks"]


def landed_rows(con: Any, run_id: str | None) -> pd.DataFrame:
    """``landed_costs`` rows of ``run_id`` when it has some, else of the latest run that has."""
    rows = read_rows(con, "landed_costs", run_id) if run_id else pd.DataFrame()
    if rows.empty:
        latest = latest_run_id(con, "landed_costs")
        rows = read_rows(con, "landed_costs", latest) if latest else rows
    return rows


def best_plans(rows: pd.DataFrame) -> pd.DataFrame:
    """One landed-cost row per product x market: the mode with the best margin (ties: the first mode)."""
    if rows.empty:
        return rows
    return (
        rows.assign(_m=rows["margin_pct"].fillna(-np.inf))
        .sort_values(["product_id", "market", "_m"], ascending=[True, True, False], kind="stable")
        .drop_duplicates(["product_id", "market"])
        .drop(columns="_m")
        .reset_index(drop=True)
    )


def thresholds(settings: Settings) -> dict[str, float]:
    """Indicator code -> its threshold from settings (``max_<code>`` or ``min_<code>``)."""
    out = {}
    for code, direction in DIRECTIONS.items():
        if code not in SETTINGLESS:
            out[code] = float(getattr(settings, f"{direction}_{code}"))
    return out


def fx_series(fx: FxTable, currency: str, cost_currency: str, end: dt.date, years: int = 6) -> pd.Series:
    """Weekly units of ``currency`` per ``cost_currency`` over ``years`` up to ``end`` (ECB, cross via EUR)."""
    days = pd.date_range(end=pd.Timestamp(end), periods=years * 52, freq="7D")
    vals = []
    for d in days:
        try:
            vals.append(fx.factor(cost_currency, currency, d.date()).rate)
        except Exception:  # a currency the ECB table does not reach back to
            vals.append(np.nan)
    return pd.Series(vals, index=days)


def _seller_frames(con: Any) -> dict[str, pd.DataFrame]:
    def rows(name: str, cols: list[str], where: str | None = None) -> pd.DataFrame:
        if not table_exists(con, name):
            return pd.DataFrame(columns=cols)
        return read_rows(con, name, columns=cols, where=where)

    money_cols = [
        "posted_at",
        "category",
        "product_sales",
        "selling_fees",
        "fba_fees",
        "total",
        "deposit_date",
    ]
    return {
        "money": rows("money_movements", money_cols),
        "ads": rows("ad_performance", ["period_start", "spend", "sales"], where="report_type = 'campaign'"),
        # the account's daily totals (weekly and monthly rows of the same sales would count them twice)
        "traffic": rows("listing_traffic", ["period_start", "ordered_sales", "units_ordered"],
                        where="asin IS NULL AND sku IS NULL AND period = 'day' AND period_start >= DATE '1990-01-01'"),
        # snapshots dated by the report or its file name (not by the day they were ingested)
        "inventory": rows("inventory_snapshots", ["snapshot_date", "on_hand"],
                          where="snapshot_date_source <> 'ingest_day'"),
    }  # fmt: skip


def run_finance(
    con: Any,
    settings: Settings,
    *,
    run_id: str,
    markets: list[str] | None = None,
    cost_currency: str = "CNY",
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Write the price ladders of the run's landed costs and the warning indicators; return a summary."""
    day = as_of or today()
    delete_run_rows(con, RUN_TABLES, run_id)
    rows = landed_rows(con, run_id)
    if markets and len(rows):
        rows = rows[rows["market"].isin([m.upper() for m in markets])]
    margins = [p / 100 for p in settings.price_ladder_margins_pct]
    ladder = price_ladder(rows, margins) if len(rows) else pd.DataFrame()
    if len(ladder):
        ladder["run_id"] = run_id
        ladder["current_price"] = np.tile(rows["price"].to_numpy(float), len(margins))
        ladder["as_of"] = np.tile(rows["as_of"].to_numpy(), len(margins))
        write_frame(con, PRICE_LADDERS, ladder)
    plans = best_plans(rows)
    origins = pd.Series(dtype=object)
    if len(plans):
        prods = read_rows(con, "products", columns=["product_id", "origin_country"])
        o = plans[["product_id"]].drop_duplicates().merge(prods, on="product_id", how="left")
        origins = o["origin_country"].fillna(settings.default_origin)
    previous = None
    if len(rows):
        earlier = con.execute(
            "SELECT r.run_id FROM runs r WHERE r.run_id IN (SELECT DISTINCT run_id FROM landed_costs) "
            "AND r.started_at < (SELECT started_at FROM runs WHERE run_id = ?) ORDER BY r.started_at DESC LIMIT 1",
            [str(rows["run_id"].iloc[0])],
        ).fetchone()
        if earlier:
            previous = best_plans(read_rows(con, "landed_costs", str(earlier[0])))
    parts = []
    if len(plans):
        parts.append(plan_indicators(plans, previous, origins))
    frames = _seller_frames(con)
    with np.errstate(divide="ignore", invalid="ignore"):
        be_acos = float(np.nanmedian(plans["unit_margin"] / plans["price"])) if len(plans) else float("nan")
    parts.append(
        seller_indicators(
            **frames, break_even_acos=be_acos, supplier_payment_days=settings.supplier_payment_days
        )
    )
    fx = load_fx(con)
    moves = {}
    # the moves end on the last ECB day: past it every rate repeats and the move would read 0
    fx_end = min(day, dt.date.fromisoformat(fx.last_date))
    for ccy in sorted(set(plans["currency"]) if len(plans) else set()):
        s = fx_series(fx, ccy, cost_currency, fx_end, years=1)
        if s.notna().sum() > 26:
            s = s.dropna()
            moves[ccy] = (float(s.iloc[-1] / s.iloc[-14] - 1), float(s.iloc[-14] / s.iloc[-27] - 1))
    if moves:
        parts.append(currency_indicators(moves).assign(period=fx_end.isoformat()))
    flow = cash_flow(con, settings, run_id=run_id, pairs=selection_picks(con, run_id))
    has_flow = bool(flow["plans"] or flow["history"])
    if has_flow:
        parts.append(_runway_row(con, flow))
    parts.append(ops_rows(con, frames["money"], fx, fx_end))
    parts.append(fx_rows(con, settings, cost_currency, day))
    found = pd.concat(parts, ignore_index=True)
    parts.append(unknown_rows(found))
    limits = {**thresholds(settings), "cash_runway_weeks": float(len(flow["weeks"])),
              "hedge_cover": float(settings.min_hedge_cover)}  # fmt: skip
    ind = judge(pd.concat(parts, ignore_index=True), limits)
    plan = ind["scope"] == "plan"
    split = ind["subject"].where(plan, "").astype(str).str.split("|")
    ind["product_id"] = split.str[0].where(plan, None)
    ind["market"] = split.str[-1].where(plan, None)
    names = {
        c: (i18n.render(f"finance.ind_{c}", "en"), i18n.render(f"finance.ind_{c}", "zh")) for c in DIRECTIONS
    }
    ind["text_en"] = ind["indicator"].map(lambda c: names[c][0])
    ind["text_zh"] = ind["indicator"].map(lambda c: names[c][1])
    ind["source_tables"] = ind["indicator"].map(SOURCES)
    ind["run_id"] = run_id
    write_frame(con, WARNING_INDICATORS, ind)
    warn = ind[ind["status"] == "warn"]
    if has_flow:  # nothing to project: no rows (the report says what is missing)
        write_frame(con, CASH_FLOWS, cash_rows(flow, run_id))
        modes = mode_rows(flow, run_id)
        if len(modes):
            write_frame(con, CASH_MODE_OPTIONS, modes)
        cap_rows = capacity_rows(flow, run_id)
        if len(cap_rows):
            write_frame(con, CASH_CAPACITY, cap_rows)
    return {
        "price_ladders": int(len(ladder)),
        "plans": int(len(plans)),
        "margins": margins,
        "warning_indicators": int(len(ind)),
        "warnings": int(len(warn)),
        "seller_warnings": sorted(warn.loc[warn["scope"] != "plan", "indicator"].unique().tolist()),
        "landed_cost_run": str(rows["run_id"].iloc[0]) if len(rows) else None,
        "cash_breach_week": str(flow["breach_week"]) if flow["breach_week"] else None,
        "cash_lowest_balance": round(flow["lowest_balance"], 2),
        "cash_picks_carried": flow["capacity"]["carried"] if flow.get("capacity") else None,
    }


def _runway_row(con: Any, flow: dict[str, Any]) -> pd.DataFrame:
    """The seller's cash-runway indicator from this flow; the previous finance run's flow gives its trend."""
    previous = float("nan")
    prev_run = latest_run_id(con, "cash_flows") if table_exists(con, "cash_flows") else None
    if prev_run:
        old = read_rows(
            con, "cash_flows", prev_run, where="line = 'balance'", columns=["week", "amount", "floor"]
        )
        if len(old):
            old = old.sort_values("week").rename(columns={"amount": "balance"})
            previous = cash_runway(old, float(old["floor"].iloc[0]))
    value = cash_runway(flow["weeks"], flow["floor"])
    return pd.DataFrame([{"scope": "seller", "subject": "all", "indicator": "cash_runway_weeks",
                          "period": str(flow["start"]), "value": value, "previous": previous}])  # fmt: skip


class FinanceParams(Params):
    """Parameters of the finance stage."""

    cost_currency: str = Field("CNY", min_length=3, max_length=3)
    as_of: dt.date | None = None


def _run(ctx: StageContext, p: FinanceParams) -> dict[str, Any]:
    return run_finance(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets,
                       cost_currency=p.cost_currency.upper(), as_of=p.as_of)  # fmt: skip


STAGE = Stage(
    "finance", _run, FinanceParams, writes=TABLES, weight=0.02, title="Finance", dossier=SECTION,
)  # fmt: skip


def selection_picks(con: Any, run_id: str) -> dict[tuple[str, str], int | None] | None:
    """(product_id, market) -> rank of the ranked opportunities that pass every gate, in rank order, of this run's
    selection or else the latest; None when there is no selection (the cash flow then takes every plan and says
    so)."""
    if not table_exists(con, "opportunities"):
        return None
    has_own = con.execute("SELECT count(*) FROM opportunities WHERE run_id = ?", [run_id]).fetchone()[0]  # type: ignore[index]
    sel = run_id if has_own else latest_run_id(con, "opportunities")
    rows = con.execute(
        "SELECT product_id, upper(market), viable, status, rank FROM opportunities WHERE run_id = ? "
        "ORDER BY rank NULLS LAST, product_id, market",
        [sel],
    ).fetchall()
    if not rows:
        return None
    return {
        (str(p), str(m)): (None if rank is None else int(rank))
        for p, m, viable, status, rank in rows
        if viable and status == "ranked"
    }
