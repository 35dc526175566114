"""Warehouse glue of the FX exposure: the plans' and settlements' cash per currency, the ECB history, the VaR."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from xborder.core.settings import Settings
from xborder.domains.finance.cashplan import plan_cash
from xborder.domains.finance.exposure import base_changes, exposure_frame, value_at_risk
from xborder.domains.finance.fx import hedge_suggestions, natural_hedge_ratio
from xborder.domains.finance.hedges import hedge_cover, open_hedges
from xborder.domains.finance.stage.cashflow import history_payouts, plan_inputs, terms_from
from xborder.domains.finance.stage.currency import seller_cash_currency
from xborder.domains.finance.stage.hedges import hedge_valuation, read_hedges
from xborder.reference.fx import load_fx
from xborder.warehouse.tables import read_rows, table_exists

__all__ = ["fx_exposure", "currency_moves"]

MOVE_DAYS = 90
"""Look-back of the currency move that triggers a hedge suggestion (the ``fx_move_90d`` indicator's)."""


def currency_moves(
    fx: Any, currencies: list[str], base: str, day: dt.date, days: int = MOVE_DAYS
) -> pd.Series:
    """Change of each currency's value in ``base`` over ``days`` calendar days up to the last ECB day <= ``day``.

    Negative: the currency buys less ``base`` than ``days`` before (it fell). NaN when the table does not reach
    back that far or does not know the currency.
    """
    out = {}
    for c in currencies:
        try:
            now = fx.factor(c, base, day)
            then = fx.factor(c, base, pd.Timestamp(now.date).date() - dt.timedelta(days=days))
            out[c] = now.rate / then.rate - 1.0
        except Exception:  # a currency the ECB table does not reach
            out[c] = float("nan")
    return pd.Series(out, dtype=float)


def _with_hedges(con: Any, frame: pd.DataFrame, day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame`` with ``hedged``, ``net_unhedged``, ``hedge_cover`` from the hedges open on ``day`` (a hedged
    currency without exposure gets a row of its own), and those hedges."""
    live = open_hedges(read_hedges(con), day)
    if frame.empty and live.empty:
        return frame, live
    net = frame.set_index("currency")["net"] if len(frame) else pd.Series(dtype=float)
    cover = hedge_cover(net, live, day)
    cols = ["currency", "receivables", "payables", "stock", "net", "hedge_ratio"]
    out = frame[cols].merge(cover, on="currency", how="outer") if len(frame) else cover.assign(
        receivables=0.0, payables=0.0, stock=0.0, net=0.0, hedge_ratio=float("nan"))  # fmt: skip
    out[["receivables", "payables", "stock", "net"]] = out[
        ["receivables", "payables", "stock", "net"]
    ].fillna(0.0)
    return out.reset_index(drop=True), live


def fx_exposure(
    con: Any,
    settings: Settings,
    *,
    base: str | None = None,
    cost_currency: str = "CNY",
    years: float = 5.0,
    level: float = 0.95,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Exposure per currency with each currency's VaR and the portfolio's (module docstring); with recorded hedges
    (``fx_hedges``) each currency's ``hedged``, ``net_unhedged`` and ``hedge_cover``, the portfolio's VaR of what is
    left open (``portfolio_var_hedged``), the hedges' mark-to-market (``hedge_value``, ``stage/hedges.py``; None
    without hedges), and hedge suggestions on what is left open."""
    from xborder.core.clock import today

    day = as_of or today()
    ccy = (base or seller_cash_currency(con, settings)).upper()
    cost = cost_currency.upper()
    terms = terms_from(settings)
    fx = load_fx(con)
    plans = plan_inputs(con, ccy, day)
    lines_by_ccy: dict[str, pd.DataFrame] = {}
    if len(plans):
        plans["to_cost"] = plans["currency"].map(lambda c: fx.factor(str(c), cost, day).rate)
        for c, group in plans.groupby("currency"):
            first = pd.Timestamp(pd.to_datetime(group["plan_start"]).min()).to_period("W-SUN").start_time
            lines_by_ccy[str(c)] = plan_cash(group.assign(fx=1.0), first, terms)
    frame = exposure_frame(plans, lines_by_ccy, cost)
    history = table_exists(con, "money_movements")
    if history:
        moves = read_rows(con, "money_movements", columns=["posted_at", "category", "total", "currency"])
        history = bool(len(moves))
        for c, g in moves.groupby(moves["currency"].fillna(ccy)) if history else []:
            start = pd.Timestamp(pd.to_datetime(g["posted_at"]).max()).to_period("W-SUN").start_time
            paid = float(history_payouts(g, start + pd.Timedelta(days=7), terms.weeks).sum())
            extra = pd.DataFrame([{"currency": str(c), "receivables": max(paid, 0.0), "payables": max(-paid, 0.0),
                                   "stock": 0.0}])  # fmt: skip
            parts = [f for f in (frame[["currency", "receivables", "payables", "stock"]], extra) if len(f)]
            frame = pd.concat(parts).groupby("currency", as_index=False).sum(numeric_only=True)
        frame["net"] = frame["receivables"] + frame["stock"] - frame["payables"]
        frame["hedge_ratio"] = [natural_hedge_ratio(r + s, p) for r, s, p in
                                zip(frame["receivables"], frame["stock"], frame["payables"], strict=True)]  # fmt: skip
    frame, live = _with_hedges(con, frame, day)
    if len(frame):
        frame["net_base"] = [
            n * fx.factor(c, ccy, day).rate for c, n in zip(frame["currency"], frame["net"], strict=True)
        ]
        frame["net_unhedged_base"] = (
            frame["net_base"] * frame["net_unhedged"] / frame["net"].where(frame["net"] != 0)
        )
        no_net = frame["net"] == 0  # only hedged: the hedge is the whole exposure
        frame.loc[no_net, "net_unhedged_base"] = [
            n * fx.factor(c, ccy, day).rate
            for c, n in zip(frame.loc[no_net, "currency"], frame.loc[no_net, "net_unhedged"], strict=True)
        ]
    foreign = frame[frame["currency"] != ccy] if len(frame) else frame
    changes = base_changes(fx, list(foreign["currency"]), ccy, day, years=years, horizon_days=7 * terms.weeks)
    total, alone = value_at_risk(foreign.set_index("currency")["net_base"], changes, level) if len(foreign) else (
        0.0, pd.Series(dtype=float))  # fmt: skip
    total_hedged = (
        value_at_risk(foreign.set_index("currency")["net_unhedged_base"], changes, level)[0]
        if len(foreign) and len(live)
        else total
    )
    hedges = pd.DataFrame(columns=["currency", "move", "net", "net_base", "action"])
    if len(frame):
        frame["var"] = frame["currency"].map(alone).astype(float)
        frame.loc[frame["currency"] == ccy, "var"] = 0.0
        frame["move_90d"] = frame["currency"].map(currency_moves(fx, list(frame["currency"]), ccy, day))
        frame.loc[frame["currency"] == ccy, "move_90d"] = 0.0
        moved = frame.rename(columns={"move_90d": "move"})[
            ["currency", "move", "net_unhedged", "net_unhedged_base"]
        ]
        moved = moved.rename(
            columns={"net_unhedged": "net", "net_unhedged_base": "net_base"}
        )  # what is left open
        hedges = hedge_suggestions(moved.dropna(subset=["move"]), settings.fx_hedge_threshold)
    return {
        "base": ccy,
        "cost_currency": cost,
        "as_of": str(day),
        "level": level,
        "years": years,
        "horizon_weeks": terms.weeks,
        "scenarios": int(len(changes)),
        "portfolio_var": total,
        "portfolio_var_hedged": total_hedged,
        "hedges_open": int(len(live)),
        "hedge_value": hedge_valuation(con, settings, day) if not read_hedges(con).empty else None,
        "sum_of_vars": float(frame["var"].sum()) if len(frame) else 0.0,
        "plans": int(len(plans)),
        "history": history,
        "hedge_threshold": settings.fx_hedge_threshold,
        "hedges": hedges,
        "rows": frame.sort_values("net_base", key=abs, ascending=False).reset_index(drop=True)
        if len(frame)
        else frame,
    }
