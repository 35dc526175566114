"""Warehouse glue of the 13-week cash flow: inventory plans x landed costs, settlement history, FX -> weekly lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from xborder.core.clock import today
from xborder.core.settings import Settings
from xborder.domains.finance.cashflow import mean_weekly_net, payout_days, settlement_cycle, weekly_flows
from xborder.domains.finance.cashplan import (
    ESTIMATED,
    HISTORY_LINES,
    LINES,
    CashTerms,
    breach_week,
    cash_weeks,
    fixes,
    plan_cash,
)
from xborder.domains.finance.stage.capacity import pick_capacity
from xborder.domains.finance.stage.currency import seller_cash_currency
from xborder.domains.finance.stage.modes import mode_lever
from xborder.domains.finance.transit import transit_days
from xborder.reference.fx import load_fx
from xborder.warehouse.tables import latest_run_id, read_rows, table_columns, table_exists

__all__ = [
    "terms_from",
    "quote_terms",
    "plan_inputs",
    "unit_money",
    "mode_rows",
    "ad_plan",
    "history_payouts",
    "cash_flow",
    "cash_rows",
]

_DUTIES = ("duty", "additional_duty", "customs_fees", "low_value_charges", "import_tax_cost")
_FEES = ("referral_fee", "fulfilment_fee", "other_fees")
LC_COLUMNS = ("product_id", "market", "mode", "price", "goods_cost", "insurance", "freight", "import_vat_recoverable",
              "output_vat", *_DUTIES, *_FEES, "unit_margin", "margin_pct", "rules_used")  # fmt: skip
UNIT_KEEP = ["product_id", "market", "mode", "price", "goods", "freight", "duties", "import_vat", "fees",
             "output_vat", "unit_margin", "margin_pct", "transit_days"]  # fmt: skip
MODE_PLAN_LIMIT = 1000
"""At most this many plans get their other shipping modes priced (each is a day-by-day run per mode)."""
AD_ACTUAL_DAYS = 28
"""Days of the latest campaign reports whose mean daily spend stands for the ad plan when no budget exists."""


def terms_from(settings: Settings, weeks: int = 13) -> CashTerms:
    """The cash-flow timing of ``settings``."""
    return CashTerms(
        deposit_share=settings.supplier_deposit_share, payment_days=int(settings.supplier_payment_days),
        cycle_days=settings.payout_cycle_days, reserve_days=settings.payout_reserve_days,
        vat_days=settings.vat_settlement_days, ad_share=settings.cash_ad_share_of_sales, weeks=weeks,
        refund_rate=settings.cash_refund_rate, refund_days=settings.cash_refund_days,
    )  # fmt: skip


_TERMS = ("deposit_share", "payment_days", "payment_terms")


def quote_terms(con: Any) -> pd.DataFrame:
    """Each product's supplier payment terms: its latest quote (``supplier_offers``, by ``valid_from``) that states a
    deposit share or payment days (read from the quote's terms at ingest, ``ingest/layouts/quotes.py``).

    Returns:
        ``product_id``, ``deposit_share``, ``payment_days``, ``payment_terms`` (either number may be NaN: the
        settings' then apply to it); empty when no quote states terms.
    """
    if not set(_TERMS) <= set(table_columns(con, "supplier_offers")):
        return pd.DataFrame(columns=["product_id", *_TERMS])
    rows = read_rows(con, "supplier_offers", columns=["product_id", "valid_from", *_TERMS],
                     where="product_id IS NOT NULL AND (deposit_share IS NOT NULL OR payment_days IS NOT NULL)")  # fmt: skip
    rows = rows.sort_values("valid_from", na_position="first", kind="stable")
    return rows.drop_duplicates("product_id", keep="last")[["product_id", *_TERMS]].reset_index(drop=True)


def plan_inputs(
    con: Any, currency: str, fx_day: dt.date, run_id: str | None = None, settings: Settings | None = None
) -> pd.DataFrame:
    """The inventory plans (of ``run_id`` or the latest run) with per-unit money from their landed-cost rows.

    A plan whose ``cost_source`` names no landed-cost mode, or whose row is missing, is left out (it has no
    prices); ``fx`` converts its currency into ``currency`` at the ECB rate of ``fx_day``. With ``settings``,
    ``storage_unit_month`` (and ``_peak``) price a unit's volume (``products`` dimensions) at the settings' storage
    rates per cubic foot, converted from USD into the plan's currency; ``volume_ft3`` is NaN without dimensions.
    """
    if not table_exists(con, "inventory_plans") or not table_exists(con, "landed_costs"):
        return pd.DataFrame()
    inv_run = run_id if run_id and read_rows(con, "inventory_plans", run_id, limit=1).shape[0] else None
    inv_run = inv_run or latest_run_id(con, "inventory_plans")
    lc_run = latest_run_id(con, "landed_costs")
    if not inv_run or not lc_run:
        return pd.DataFrame()
    plans = read_rows(con, "inventory_plans", inv_run, where="location = '*' OR location IS NULL")
    if plans.empty:
        plans = read_rows(con, "inventory_plans", inv_run)
    plans = plans[plans["cost_source"].fillna("").str.startswith("landed_costs:")].copy()
    plans["mode"] = plans["cost_source"].str.split(":").str[1]
    lc = unit_money(read_rows(con, "landed_costs", lc_run, columns=list(LC_COLUMNS)))
    out = plans.drop(columns=[c for c in ("price",) if c in plans]).merge(
        lc[UNIT_KEEP], on=["product_id", "market", "mode"]
    )
    fx = load_fx(con)
    rate = {c: fx.factor(str(c), currency, fx_day).rate for c in out["currency"].dropna().unique()}
    out["fx"] = out["currency"].map(rate).astype(float)
    out["volume_ft3"] = _volumes(con, out["product_id"])
    out = out.drop(columns=[c for c in _TERMS if c in out]).merge(
        quote_terms(con), on="product_id", how="left"
    )
    for c in ("deposit_share", "payment_days"):
        out[c] = out[c].astype(float)
    if settings is not None:
        usd = out["currency"].map({c: fx.factor("USD", str(c), fx_day).rate for c in rate}).astype(float)
        base = out["volume_ft3"].fillna(0.0) * usd
        out["storage_unit_month"] = base * settings.cash_storage_usd_per_cubic_foot_month
        out["storage_unit_month_peak"] = base * settings.cash_storage_peak_usd_per_cubic_foot_month
    return out.reset_index(drop=True)


CM3_PER_FT3 = 28_316.846592


def _volumes(con: Any, product_ids: pd.Series) -> np.ndarray:
    """Each product's volume in cubic feet from ``products`` (length x width x height, cm); NaN without them."""
    if not table_exists(con, "products") or product_ids.empty:
        return np.full(len(product_ids), np.nan)
    dims = read_rows(con, "products", columns=["product_id", "length_cm", "width_cm", "height_cm"])
    dims = dims.drop_duplicates("product_id").set_index("product_id")
    vol = dims["length_cm"] * dims["width_cm"] * dims["height_cm"] / CM3_PER_FT3
    return product_ids.map(vol).to_numpy(float)


def unit_money(lc: pd.DataFrame) -> pd.DataFrame:
    """Landed-cost rows (``LC_COLUMNS``) -> the per-unit money of the cash model and the mode's transit days."""
    lc = lc.copy()
    num = [c for c in LC_COLUMNS if c not in ("product_id", "market", "mode", "rules_used")]
    lc[num] = lc[num].astype(float).fillna(0.0)
    lc["goods"] = lc["goods_cost"] + lc["insurance"]
    lc["duties"] = lc[list(_DUTIES)].sum(axis=1)
    lc["fees"] = lc[list(_FEES)].sum(axis=1)
    lc["transit_days"] = transit_days(lc["rules_used"], lc["mode"])
    return lc.rename(columns={"import_vat_recoverable": "import_vat"})


def ad_plan(con: Any, currency: str, fx_day: dt.date) -> pd.DataFrame:
    """The daily advertising spend per market the seller plans (or runs), in ``currency``.

    From the marketing stage's latest ``ad_budget`` run: the sum of its campaigns' suggested daily spend (the
    current spend where a campaign is not fitted), basis ``ad_budget``. Without one, the actual spend: the
    ``ad_performance`` campaign rows of the last ``AD_ACTUAL_DAYS`` days of the reports (a row spanning several
    days counted pro rata), divided by those days, basis ``ad_actual``.

    Returns:
        One row per market: ``market``, ``ad_currency``, ``daily_local``, ``daily`` (in ``currency``), ``basis``;
        empty when the warehouse holds neither.
    """
    cols = ["market", "ad_currency", "daily_local", "daily", "basis"]
    out = pd.DataFrame(columns=cols)
    run = latest_run_id(con, "ad_budget") if table_exists(con, "ad_budget") else None
    if run:
        b = read_rows(con, "ad_budget", run, columns=["market_code", "currency", "suggested_daily_spend"])
        sums = (
            b.dropna(subset=["market_code"])
            .groupby(["market_code", "currency"])["suggested_daily_spend"]
            .sum()
        )
        out = pd.DataFrame({"market": sums.index.get_level_values(0), "ad_currency": sums.index.get_level_values(1),
                            "daily_local": sums.to_numpy(float), "basis": "ad_budget"})  # fmt: skip
    elif table_exists(con, "ad_performance"):
        a = read_rows(con, "ad_performance", where="report_type = 'campaign' AND spend IS NOT NULL",
                      columns=["market_code", "currency", "period_start", "period_end", "spend"])  # fmt: skip
        a = a.dropna(subset=["market_code", "period_start"])
        if len(a):
            first = pd.to_datetime(a["period_start"])
            last = pd.to_datetime(a["period_end"]).fillna(first)
            rows = []
            for (mkt, cur), g in a.assign(first=first, last=last).groupby(["market_code", "currency"]):
                end = g["last"].max()
                begin = end - pd.Timedelta(days=AD_ACTUAL_DAYS - 1)
                span = (g["last"] - g["first"]).dt.days + 1
                inside = (g["last"].clip(upper=end) - g["first"].clip(lower=begin)).dt.days + 1
                spend = float((g["spend"] * inside.clip(lower=0) / span).sum())
                rows.append({"market": mkt, "ad_currency": cur, "daily_local": spend / AD_ACTUAL_DAYS,
                             "basis": "ad_actual"})  # fmt: skip
            out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=cols)
    fx = load_fx(con)
    rate = {c: fx.factor(str(c), currency, fx_day).rate for c in out["ad_currency"].unique()}
    out["daily"] = out["daily_local"] * out["ad_currency"].map(rate).astype(float)
    return out[cols].reset_index(drop=True)


def history_payouts(movements: pd.DataFrame, start: pd.Timestamp, weeks: int, window: int = 26) -> pd.Series:
    """Weekly payouts from ``start`` projected from the settlement history (its cycle, its mean net flow)."""
    w = weekly_flows(movements)
    hist = w.tail(window)
    out = pd.Series(0.0, index=pd.date_range(start, periods=weeks, freq="7D"))
    cycle = settlement_cycle(hist["last_transfer"])
    per_day = mean_weekly_net(hist) / 7.0
    if cycle is None:
        return out + per_day * 7.0
    for day in payout_days(cycle, start, start + pd.Timedelta(days=7 * weeks)):
        out.iloc[(day - start).days // 7] += per_day * cycle[0]
    return out


def cash_flow(
    con: Any,
    settings: Settings,
    *,
    opening: float | None = None,
    floor: float | None = None,
    currency: str | None = None,
    weeks: int = 13,
    run_id: str | None = None,
    pairs: Collection[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The seller's 13-week cash flow from what the warehouse holds; see ``cashplan`` for the lines.

    ``pairs`` (product_id, market) limits the plans to those pairs (the stage passes the run's picks that pass
    every gate: launching every planned pair at once is not a plan anyone follows); None takes every plan. When
    ``pairs`` maps each pair to its rank, ``capacity`` says how many of them in rank order the cash carries
    (``capacity.py``).

    Returns:
        ``weeks`` (one row per week: the lines, net, balance), ``fixes``, ``start``, ``breach_week``,
        ``lowest_balance``, ``opening``, ``opening_known``, ``floor``, ``currency``, ``plans``, ``history``
        (True when payouts come from settlement history), ``estimated`` (line -> bool), ``ad_basis``
        (``ad_budget`` | ``ad_actual`` | ``share_of_sales``), ``ad_daily`` (the ad plan's daily spend),
        ``capacity`` (``capacity.carried`` plus ``table``, ``capacity.capacity_table`` with each k's pick; None
        without ranked picks).
    """
    ccy = (currency or seller_cash_currency(con, settings)).upper()
    opening_value = opening if opening is not None else settings.cash_opening_balance
    floor_value = float(settings.cash_floor if floor is None else floor)
    terms = terms_from(settings, weeks)
    moves = pd.DataFrame()
    if table_exists(con, "money_movements"):
        moves = read_rows(
            con, "money_movements", columns=["posted_at", "category", "total", "currency", "market_code"]
        )
    plans = plan_inputs(con, ccy, today(), run_id, settings)
    if pairs is not None and len(plans):
        keep = [
            (str(p), str(m).upper()) in pairs
            for p, m in zip(plans["product_id"], plans["market"], strict=True)
        ]
        plans = plans[keep].reset_index(drop=True)
    ads = ad_plan(con, ccy, today())
    ad_markets = set(ads["market"])
    if len(ads) and len(plans):  # the market's ad plan replaces the share of sales of its plans
        plans["ad_share"] = np.where(plans["market"].isin(ad_markets), 0.0, terms.ad_share)
    if len(ads) and len(moves):  # ...and the settlements' past ad charges of that market
        moves = moves[~((moves["category"] == "advertising") & moves["market_code"].isin(ad_markets))]
    if len(moves):
        last = pd.Timestamp(pd.to_datetime(moves["posted_at"]).max())
        start = last.to_period("W-SUN").start_time + pd.Timedelta(days=7)
    elif len(plans):
        first = pd.Timestamp(pd.to_datetime(plans["plan_start"]).min())
        start = first.to_period("W-SUN").start_time
    else:
        start = pd.Timestamp(today()).to_period("W-SUN").start_time
    history = None
    if len(moves):
        fx = load_fx(con)
        parts = []
        for c, g in moves.groupby(moves["currency"].fillna(ccy)):
            rate = fx.factor(str(c), ccy, today()).rate
            parts.append(history_payouts(g, start, weeks) * rate)
        history = np.sum([p.to_numpy() for p in parts], axis=0)
    ad_daily = float(ads["daily"].sum()) if len(ads) else 0.0
    lines = _assemble(plans, start, terms, history, ad_daily)
    w = cash_weeks(lines, float(opening_value or 0.0))
    brk = breach_week(w, floor_value)
    options, switched = pd.DataFrame(), pd.DataFrame()
    if 0 < len(plans) <= MODE_PLAN_LIMIT:
        options, switched = mode_lever(con, plans, start, terms)
    extra = {}
    if len(options):  # no switch that helps: the lever is the flow as it is (gain 0), and says so
        extra["change_mode"] = _assemble(
            switched if len(switched) else plans, start, terms, history, ad_daily
        )
    return {
        "weeks": w,
        "fixes": fixes(w, float(opening_value or 0.0), floor_value, extra=extra)
        if brk is not None
        else pd.DataFrame(),
        "mode_options": options,
        "supplier_terms": supplier_terms(plans, terms),
        "mode_switches": int(switched["switched"].sum()) if len(switched) else 0,
        "start": start.date(),
        "breach_week": brk.date() if brk is not None else None,
        "lowest_balance": float(w["balance"].min()),
        "opening": float(opening_value or 0.0),
        "opening_known": opening_value is not None,
        "floor": floor_value,
        "currency": ccy,
        "plans": int(len(plans)),
        "plan_scope": "all_plans" if pairs is None else "picks",
        "history": bool(len(moves)),
        "estimated": dict(ESTIMATED),
        "ad_basis": ",".join(sorted(set(ads["basis"]))) if len(ads) else "share_of_sales",
        "ad_daily": float(ads["daily"].sum()) if len(ads) else None,
        "capacity": pick_capacity(plans, pairs, cash_weeks(_assemble(plans.iloc[:0], start, terms, history, ad_daily), 0.0),
                                  terms, history is not None, float(opening_value or 0.0), floor_value)
        if isinstance(pairs, Mapping) and 0 < len(plans) <= MODE_PLAN_LIMIT else None,
    }  # fmt: skip


def supplier_terms(plans: pd.DataFrame, terms: CashTerms) -> dict[str, Any]:
    """Which supplier terms the flow used: the settings' (``deposit_share``, ``payment_days``) and how many plans
    took their own quote's (``quoted_plans``; ``basis`` ``quotes`` when all did, ``mixed``, else ``settings``)."""
    quoted = 0
    if len(plans) and "deposit_share" in plans:
        quoted = int((plans["deposit_share"].notna() | plans["payment_days"].notna()).sum())
    basis = "settings" if not quoted else ("quotes" if quoted == len(plans) else "mixed")
    return {"deposit_share": terms.deposit_share, "payment_days": terms.payment_days, "basis": basis,
            "quoted_plans": quoted, "plans": int(len(plans))}  # fmt: skip


def _assemble(
    plans: pd.DataFrame, start: pd.Timestamp, terms: CashTerms, history: np.ndarray | None, ad_daily: float
) -> pd.DataFrame:
    """The flow's weekly lines: the plans' own, the settlements' projected payouts (which then stand for the
    plans' sales, refunds and storage) and the ad plan's daily spend."""
    lines = (
        plan_cash(plans, start, terms)
        if len(plans)
        else pd.DataFrame({"week": pd.date_range(start, periods=terms.weeks, freq="7D")})
    )
    if history is not None:
        lines["payouts_history"] = history
        for line in HISTORY_LINES:  # the settlements hold them
            lines[line] = 0.0
    if ad_daily:
        lines["advertising"] = lines.get("advertising", 0.0) - 7.0 * ad_daily
    return lines


def mode_rows(flow: dict[str, Any], run_id: str) -> pd.DataFrame:
    """The ``cash_mode_options`` rows of a cash flow."""
    out = flow.get("mode_options", pd.DataFrame())
    if out is None or out.empty:
        return pd.DataFrame()
    return out.assign(run_id=run_id, currency=flow["currency"])


def cash_rows(flow: dict[str, Any], run_id: str) -> pd.DataFrame:
    """The ``cash_flows`` table rows of a cash flow: one per week x line, plus net and balance."""
    w = flow["weeks"]
    long = w.melt(id_vars="week", value_vars=[*LINES, "net", "balance"], var_name="line", value_name="amount")
    long["estimated"] = long["line"].map(lambda x: ESTIMATED.get(x, True))
    ad_basis = flow.get("ad_basis", "share_of_sales")
    long["basis"] = long["line"].map(
        lambda x: "settlement_history" if x == "payouts_history" else ("plan" if x in ESTIMATED else "sum")
    )
    if ad_basis != "share_of_sales":
        long.loc[long["line"] == "advertising", "basis"] = ad_basis
    long["week"] = pd.to_datetime(long["week"]).dt.date
    long["run_id"] = run_id
    long["currency"] = flow["currency"]
    long["opening_balance"] = flow["opening"] if flow["opening_known"] else None
    long["floor"] = flow["floor"]
    long["plan_scope"] = flow.get("plan_scope", "all_plans")
    long["plans_included"] = int(flow["plans"])
    terms = flow.get("supplier_terms") or {}
    long["supplier_terms_basis"] = terms.get("basis", "settings")
    long["plans_with_quote_terms"] = int(terms.get("quoted_plans", 0))
    return long
