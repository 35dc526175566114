"""Warehouse glue for risk: landed costs + the dated rule base + ECB history -> stress tests, register, alerts.

A plan is a product x market at its best-margin shipping mode in the run's ``landed_costs`` (a stand-alone
``xborder risk``/``stress`` reads the latest run's). Writes ``stress_tests``, ``stress_drivers``,
``risk_register``, ``rule_change_rates`` and ``rule_change_alerts``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from xborder.core.clock import today
from xborder.core.settings import Settings
from xborder.domains.risk.alerts import change_alerts, upcoming_changes
from xborder.domains.risk.dossier import SECTION
from xborder.domains.risk.register import RiskSpec, fx_move_probability, risk_register
from xborder.domains.risk.rulebase import change_rates, market_scope, rule_history
from xborder.domains.risk.stage.events import detect_events
from xborder.domains.risk.stress import StressSpec, stress_test
from xborder.domains.risk.tables import (
    RISK_REGISTER,
    RULE_CHANGE_ALERTS,
    RULE_CHANGE_RATES,
    STRESS_DRIVERS,
    STRESS_TESTS,
    TABLES,
)
from xborder.reference.base import load_table
from xborder.reference.fx import FxTable, load_fx
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, latest_run_id, read_rows, write_frame

__all__ = ["run_risk", "stress_spec", "risk_spec", "plans", "fx_history", "STAGE"]


def stress_spec(settings: Settings, draws: int | None = None, seed: int = 7) -> StressSpec:
    """The stress shocks from settings."""
    s = settings
    return StressSpec(
        freight_max=s.stress_freight_max, fx_min=s.stress_fx_min, duty_max=s.stress_duty_max,
        demand_min=s.stress_demand_min, fee_max=s.stress_fee_max, delay_max_weeks=s.stress_delay_max_weeks,
        horizon_weeks=s.stress_horizon_weeks, salvage=s.stress_salvage, alpha=s.stress_beta_a,
        beta=s.stress_beta_b, freight_delay_correlation=s.stress_freight_delay_correlation,
        draws=draws or s.stress_draws, seed=seed,
    )  # fmt: skip


def risk_spec(settings: Settings) -> RiskSpec:
    """The register's shocks, priors and levels from settings."""
    s = settings
    return RiskSpec(
        duty_shock=s.stress_duty_max, fee_shock=s.stress_fee_max, fx_threshold=s.fx_hedge_threshold,
        horizon_weeks=s.stress_horizon_weeks, salvage=s.stress_salvage,
        priors={"logistics": s.risk_prior_logistics, "demand": s.risk_prior_demand,
                "supply": s.risk_prior_supply, "ip_brand": s.risk_prior_ip_brand, "data": s.risk_prior_data},
        l1_share=s.risk_l1_share, l2_share=s.risk_l2_share, l3_share=s.risk_l3_share,
        response_hours=tuple(s.risk_response_hours),
    )  # fmt: skip


def plans(con: Any, run_id: str | None, markets: list[str] | None = None) -> pd.DataFrame:
    """One landed-cost row per product x market (best margin mode) of ``run_id``, else of the latest run."""
    rows = read_rows(con, "landed_costs", run_id) if run_id else pd.DataFrame()
    if rows.empty:
        latest = latest_run_id(con, "landed_costs")
        rows = read_rows(con, "landed_costs", latest) if latest else rows
    if rows.empty:
        return rows
    if markets:
        rows = rows[rows["market"].isin([m.upper() for m in markets])]
    return (
        rows.assign(_m=rows["margin_pct"].fillna(-np.inf))
        .sort_values(["product_id", "market", "_m"], ascending=[True, True, False], kind="stable")
        .drop_duplicates(["product_id", "market"])
        .drop(columns="_m")
        .reset_index(drop=True)
    )


def fx_history(fx: FxTable, currency: str, cost_currency: str, end: dt.date, years: int = 8) -> pd.Series:
    """Daily units of ``currency`` per ``cost_currency`` (ECB, cross via EUR) over ``years`` up to ``end``.

    A currency outside the ECB table (pegged to the dollar: AED, SAR, VND ...) follows the dollar at its peg
    of ``end``.
    """
    start = pd.Timestamp(end) - pd.DateOffset(years=years)
    series = {c: fx.per_eur_history(c, start.date(), end) for c in (currency, cost_currency)}
    for ccy in (currency, cost_currency):
        if series[ccy] is None:
            peg = fx.factor("USD", ccy, end).rate
            other = cost_currency if ccy == currency else currency
            usd = (
                fx_history(fx, "USD", other, end, years)
                if ccy == currency
                else fx_history(fx, currency, "USD", end, years)
            )
            return usd * peg if ccy == currency else usd / peg
    quote, base = series[currency], series[cost_currency]
    assert quote is not None and base is not None
    return quote / base


def _fx_probabilities(
    con: Any, currencies: list[str], cost_currency: str, day: dt.date, threshold: float
) -> dict[str, float]:
    fx = load_fx(con)
    return {c: fx_move_probability(fx_history(fx, c, cost_currency, day), threshold) for c in currencies}


def run_risk(
    con: Any,
    settings: Settings,
    *,
    run_id: str,
    markets: list[str] | None = None,
    draws: int | None = None,
    seed: int = 7,
    max_plans: int | None = None,
    cost_currency: str = "CNY",
    as_of: dt.date | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Stress-test every plan, build its risk register, count rule changes and list upcoming ones."""
    say = progress or (lambda f, m: None)
    day = as_of or today()
    delete_run_rows(con, TABLES, run_id)
    pl = plans(con, run_id, markets)
    if max_plans and len(pl) > max_plans:
        pl = (
            pl.sort_values("margin_pct", ascending=False, kind="stable")
            .head(max_plans)
            .reset_index(drop=True)
        )
    history = rule_history()
    rates = change_rates(history, day, settings.risk_change_years)
    write_frame(con, RULE_CHANGE_RATES, rates.assign(run_id=run_id))
    events = detect_events(con)  # risk events: first detections from the run and ingest history
    summary: dict[str, Any] = {"plans": int(len(pl)), "as_of": day.isoformat(),
                               "rule_change_rates": int(len(rates)), "risk_events_new": events["written"]}  # fmt: skip
    if pl.empty:
        return {**summary, "stress_tests": 0, "risk_register": 0, "rule_change_alerts": 0}
    say(0.1, f"Stress-testing {len(pl):,} plans")
    spec = stress_spec(settings, draws, seed)
    stress, drivers = stress_test(pl, spec)
    keys = pl[["product_id", "market", "mode", "currency", "units"]]
    st = pd.concat([keys, stress.reset_index(drop=True)], axis=1).assign(run_id=run_id, draws=spec.draws)
    write_frame(con, STRESS_TESTS, st)
    dr = drivers.merge(keys[["product_id", "market"]], left_on="row", right_index=True).drop(columns="row")
    write_frame(con, STRESS_DRIVERS, dr.assign(run_id=run_id))
    say(0.6, "Risk register")
    scope = market_scope(load_table("markets"))
    pl = pl.assign(
        rule_markets=pd.Series([scope.get(m, {m}) for m in pl["market"]], index=pl.index, dtype=object)
    )
    fxp = _fx_probabilities(
        con, sorted(pl["currency"].unique()), cost_currency, day, settings.fx_hedge_threshold
    )
    reg = risk_register(pl, rates, fxp, risk_spec(settings))
    write_frame(con, RISK_REGISTER, reg.assign(run_id=run_id))
    say(0.85, "Rule change alerts")
    upcoming = upcoming_changes(history, day, settings.risk_alert_horizon_days)
    alerts = change_alerts(upcoming, pl)
    if len(alerts):
        write_frame(con, RULE_CHANGE_ALERTS, alerts.assign(run_id=run_id))
    levels = reg["level"].value_counts().to_dict()
    return {
        **summary,
        "stress_tests": int(len(st)),
        "draws": spec.draws,
        "median_p_loss": float(st["p_loss"].median()),
        "plans_p_loss_over_half": int((st["p_loss"] > 0.5).sum()),
        "risk_register": int(len(reg)),
        "levels": {k: int(levels.get(k, 0)) for k in ("L1", "L2", "L3", "L4")},
        "upcoming_rule_changes": int(len(upcoming)),
        "rule_change_alerts": int(len(alerts)),
        "fx_move_probability": {k: (None if v != v else round(v, 4)) for k, v in fxp.items()},
    }


class RiskParams(Params):
    """Parameters of the risk stage."""

    draws: int | None = Field(None, ge=100, le=200_000)
    seed: int = 7
    max_plans: int | None = Field(None, ge=1, le=1_000_000)
    cost_currency: str = Field("CNY", min_length=3, max_length=3)
    as_of: dt.date | None = None


def _run(ctx: StageContext, p: RiskParams) -> dict[str, Any]:
    return run_risk(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets, draws=p.draws, seed=p.seed,
                    max_plans=p.max_plans, cost_currency=p.cost_currency.upper(), as_of=p.as_of,
                    progress=ctx.progress)  # fmt: skip


STAGE = Stage(
    "risk", _run, RiskParams, writes=TABLES, weight=0.03, quick={"draws": 1000}, web=("draws",),
    title="Risk", dossier=SECTION,
)  # fmt: skip
