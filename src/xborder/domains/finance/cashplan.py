"""The 13-week cash flow: purchases, freight, duties and VAT, payouts, advertising, a floor and what fixes a breach.

Each plan (a product x market stock plan of the inventory stage, priced by its landed-cost row) is run day by day
over the horizon: it sells its expected daily demand while it has stock, orders its order quantity when the stock
position reaches the reorder point (a product not launched yet orders its launch quantity on day 0 and sells from
its arrival), and every order and sale becomes dated cash:

===================  ==========================================================================================
line                 when and how much (per order of Q units / per unit sold)
===================  ==========================================================================================
purchase_deposits    order day: ``supplier_deposit_share`` x goods x Q
purchase_balances    order + ``supplier_payment_days``: the rest of the goods
freight              order + ``supplier_payment_days`` (the goods leave when paid): freight x Q
duties_import_vat    arrival (order + lead time): duties, customs fees, non-recoverable and recoverable import tax
vat_recovered        arrival + ``vat_settlement_days``: the recoverable import VAT back on the VAT return
vat_output           sale + ``vat_settlement_days``: output VAT the seller collected and pays
payouts              every ``payout_cycle_days`` the marketplace pays (price - fees) of the units sold up to
                     ``payout_reserve_days`` before
advertising          sale day: ``cash_ad_share_of_sales`` x price, or a plan's own ``ad_share`` (0 when the market's
                     ad budget is booked as its own daily line instead, see ``stage/cashflow.py``)
refunds              sale + ``refund_days``: ``refund_rate`` x (price - fees - output VAT) of the units sold (the
                     refunded sale's payout is taken back, its output VAT is not owed; the unit is not resold)
storage              each day's stock in the market x the plan's ``storage_unit_month`` (``storage_unit_month_peak``
                     in October-December) / 30.4, charged ``storage_lag_days`` later
payouts_history      when the warehouse holds the account's settlements: their net flow paid on their cycle
                     (``cashflow.project_payouts``); plan sales then are not counted again
===================  ==========================================================================================

Every plan line is an **estimate** (timing from settings, amounts from plans); ``payouts_history`` is projected from
real settlements. The balance is the opening balance plus the cumulated weekly net; the breach is the first week
it ends below the floor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "CashTerms",
    "LINES",
    "ESTIMATED",
    "HISTORY_LINES",
    "plan_cash",
    "cash_weeks",
    "breach_week",
    "fixes",
]

LINES = (
    "payouts_history",
    "payouts",
    "purchase_deposits",
    "purchase_balances",
    "freight",
    "duties_import_vat",
    "vat_recovered",
    "vat_output",
    "advertising",
    "refunds",
    "storage",
)
ESTIMATED = {line: line != "payouts_history" for line in LINES}
HISTORY_LINES = ("payouts", "vat_output", "advertising", "refunds", "storage")
"""The plan lines the settlements' projected net flow stands for when the warehouse holds settlements."""
PURCHASE_LINES = ("purchase_deposits", "purchase_balances", "freight", "duties_import_vat")


@dataclass(frozen=True)
class CashTerms:
    """Timing and shares of the cash flow (settings of the same names)."""

    deposit_share: float = 0.30
    payment_days: int = 30
    cycle_days: int = 14
    reserve_days: int = 7
    vat_days: int = 45
    ad_share: float = 0.10
    weeks: int = 13
    refund_rate: float = 0.0
    refund_days: int = 21
    storage_lag_days: int = 30


PEAK_MONTHS = (10, 11, 12)
"""Months whose storage is charged at the peak rate (Amazon's October-December monthly storage fee)."""
DAYS_PER_MONTH = 30.4


def _num(p: pd.Series, name: str, default: float = 0.0) -> float:
    """A plan's optional number (``default`` when the column is absent or empty)."""
    return float(p[name]) if name in p and not pd.isna(p[name]) else default


def _one_plan(
    p: pd.Series, offset: int, days: int, t: CashTerms, peak: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Daily cash of one plan (market currency) over ``days`` from the flow's start; the plan starts at ``offset``.

    ``peak`` marks the days charged at the peak storage rate (None: none).
    """
    out = {line: np.zeros(days) for line in LINES if line != "payouts_history"}
    accrued = np.zeros(days)
    demand = float(np.nan_to_num(p["daily_demand"]))
    lead = int(round(float(np.nan_to_num(p["lead_time_days"], nan=60.0))))
    rop = float(np.nan_to_num(p["reorder_point"]))
    q = float(np.nan_to_num(p["order_quantity"]))
    launched = not pd.isna(p["on_hand"])
    stock = float(np.nan_to_num(p["on_hand"])) + float(np.nan_to_num(p["inbound"]))
    position = stock
    arrivals: dict[int, float] = {}
    ad_share = _num(p, "ad_share", t.ad_share)
    refund = _num(p, "refund_rate", t.refund_rate)
    deposit = _num(p, "deposit_share", t.deposit_share)  # the supplier's own terms when the plan has them
    pay_days = int(round(_num(p, "payment_days", t.payment_days)))
    store = np.full(days, _num(p, "storage_unit_month") / DAYS_PER_MONTH)
    if peak is not None:
        store[peak] = _num(p, "storage_unit_month_peak", _num(p, "storage_unit_month")) / DAYS_PER_MONTH

    def book(line: str, day: int, amount: float) -> None:
        if 0 <= day < days:
            out[line][day] += amount

    def order(day: int, units: float) -> None:
        nonlocal position
        if units <= 0:
            return
        goods = float(p["goods"]) * units
        book("purchase_deposits", day, -deposit * goods)
        book("purchase_balances", day + pay_days, -(1 - deposit) * goods)
        book("freight", day + pay_days, -float(p["freight"]) * units)
        book("duties_import_vat", day + lead, -(float(p["duties"]) + float(p["import_vat"])) * units)
        book("vat_recovered", day + lead + t.vat_days, float(p["import_vat"]) * units)
        arrivals[day + lead] = arrivals.get(day + lead, 0.0) + units
        position += units

    first = (
        float(np.nan_to_num(p["suggested_order"])) if launched else float(np.nan_to_num(p["launch_quantity"]))
    )
    order(offset, first)
    for d in range(offset, days):
        stock += arrivals.pop(d, 0.0)
        sold = min(demand, stock)
        stock -= sold
        position -= sold
        if sold > 0:
            accrued[d] = (float(p["price"]) - float(p["fees"])) * sold
            book("vat_output", d + t.vat_days, -float(p["output_vat"]) * sold)
            book("advertising", d, -ad_share * float(p["price"]) * sold)
            net = float(p["price"]) - float(p["fees"]) - float(p["output_vat"])
            book("refunds", d + t.refund_days, -refund * net * sold)
        if stock > 0 and store[d] > 0:
            book("storage", d + t.storage_lag_days, -store[d] * stock)
        if q > 0 and position <= rop and (launched or d > offset):
            order(d, q)
    paid = 0.0
    cum = np.cumsum(accrued)
    for d in range(t.cycle_days, days, t.cycle_days):
        upto = cum[d - t.reserve_days] if d - t.reserve_days >= 0 else 0.0
        out["payouts"][d] += upto - paid
        paid = upto
    return out


def plan_cash(plans: pd.DataFrame, start: pd.Timestamp, terms: CashTerms) -> pd.DataFrame:
    """Weekly cash per line of all plans, in the flow's currency (each plan's ``fx`` factor applied).

    Args:
        plans: One row per plan: ``plan_start``, ``daily_demand``, ``lead_time_days``, ``reorder_point``,
            ``order_quantity``, ``suggested_order``, ``launch_quantity``, ``on_hand`` (NaN: not launched),
            ``inbound``, and per unit ``price``, ``fees``, ``goods``, ``freight``, ``duties``, ``import_vat``,
            ``output_vat`` in the plan's currency, ``fx`` (flow currency per plan currency); optional
            ``ad_share`` (advertising per unit of sales; default ``terms.ad_share``), ``refund_rate`` (default
            ``terms.refund_rate``), ``storage_unit_month`` and ``storage_unit_month_peak`` (storage per unit
            in stock per month, plan currency; default 0), ``deposit_share`` and ``payment_days`` (the plan's
            supplier terms; default ``terms``).
        start: Monday of the flow's first week.
        terms: Timing and shares.

    Returns:
        ``week`` (Monday) x one column per plan line.
    """
    days = 7 * terms.weeks
    total = {line: np.zeros(days) for line in LINES if line != "payouts_history"}
    peak = pd.date_range(start, periods=days, freq="D").month.isin(PEAK_MONTHS)
    for _, p in plans.iterrows():
        plan_start = pd.Timestamp(p["plan_start"]) if not pd.isna(p["plan_start"]) else start
        offset = max(0, int((plan_start - start).days))
        for line, arr in _one_plan(p, offset, days, terms, np.asarray(peak)).items():
            total[line] += arr * float(p["fx"])
    weeks = pd.date_range(start, periods=terms.weeks, freq="7D")
    frame = pd.DataFrame({"week": weeks})
    for line, arr in total.items():
        frame[line] = arr.reshape(terms.weeks, 7).sum(axis=1)
    return frame


def cash_weeks(lines: pd.DataFrame, opening: float) -> pd.DataFrame:
    """Add ``net`` (sum of the lines) and ``balance`` (opening + cumulated net, at each week's end)."""
    out = lines.copy()
    for line in LINES:
        if line not in out:
            out[line] = 0.0
    out["net"] = out[list(LINES)].sum(axis=1)
    out["balance"] = opening + out["net"].cumsum()
    return out


def breach_week(weeks: pd.DataFrame, floor: float) -> pd.Timestamp | None:
    """The first week whose closing balance is below ``floor`` (None when it never is)."""
    below = weeks[weeks["balance"] < floor]
    return pd.Timestamp(below["week"].iloc[0]) if len(below) else None


def fixes(
    weeks: pd.DataFrame,
    opening: float,
    floor: float,
    *,
    delay_weeks: int = 4,
    extra: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """What each lever does to the lowest balance and the breach: delay purchases, halve advertising.

    ``extra`` adds levers computed elsewhere: name -> the flow's weekly lines under that lever (e.g.
    ``change_mode``, the picks re-priced with their other shipping mode, ``modes.switch_plans``).

    Returns:
        One row per fix: ``fix``, ``lowest_balance``, ``breach_week`` (NaT: none), ``gain`` (lowest balance
        after - before).
    """
    base_low = float(weeks["balance"].min())
    rows = []
    delayed = weeks.copy()
    for line in PURCHASE_LINES:
        delayed[line] = weeks[line].shift(delay_weeks, fill_value=0.0)
    halved = weeks.copy()
    halved["advertising"] = weeks["advertising"] * 0.5
    levers = [(f"delay_purchases_{delay_weeks}w", delayed), ("cut_advertising_50pct", halved)]
    for name, frame in [*levers, *(extra or {}).items()]:
        w = cash_weeks(frame[["week", *(c for c in LINES if c in frame)]], opening)
        low = float(w["balance"].min())
        rows.append({"fix": name, "lowest_balance": low, "breach_week": breach_week(w, floor),
                     "gain": low - base_low})  # fmt: skip
    return pd.DataFrame(rows)
