"""Net currency exposure of the seller (payouts, purchases, stock) and its value at risk from ECB history.

The warehouse glue is ``stage/exposure.py`` (``fx_exposure``).

Per currency over the cash flow's horizon (13 weeks):

* **receivables**: marketplace payouts in the sales currency, the plans' (price - fees) of units sold and paid in
  the horizon, or the account's settlements projected on their cycle (``stage/cashflow.py``), net of the ads, output
  VAT, duties and import VAT paid in the same currency;
* **payables**: purchase deposits, balances and freight, paid to suppliers in the cost currency
  (``cost_currency``, CNY by default), converted from the plans' market currency at today's ECB rate;
* **stock**: units on hand x landed unit cost of the inventory plans, held in the market currency.

``net = receivables + stock - payables``; ``net_base`` is the same in the base currency (the cash flow's).

**Value at risk** (historical simulation): over the last ``years`` of ECB days, the relative change of each
currency against the base over ``horizon_days`` calendar days (overlapping windows); the P&L of a scenario is
``sum(net_base_c x change_c)``; VaR at ``level`` is minus its ``1 - level`` quantile. Each currency's own VaR and
the portfolio's (with the currencies' co-movement) are given; their difference is the diversification.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xborder.domains.finance.cashplan import PURCHASE_LINES
from xborder.domains.finance.fx import natural_hedge_ratio
from xborder.reference.fx import FxTable

__all__ = ["base_changes", "value_at_risk", "exposure_frame"]

_LOCAL_LINES = ("payouts", "duties_import_vat", "vat_recovered", "vat_output", "advertising")


def _per_eur(fx: FxTable, currency: str, start: dt.date, end: dt.date) -> pd.Series:
    s = fx.per_eur_history(currency, start, end)
    if s is not None:
        return s
    usd = fx.per_eur_history("USD", start, end)
    assert usd is not None  # the ECB publishes the dollar
    return usd * fx.factor("USD", currency, end).rate  # a dollar peg of ``end``


def base_changes(
    fx: FxTable, currencies: list[str], base: str, end: dt.date, *, years: float = 5.0, horizon_days: int = 91
) -> pd.DataFrame:
    """Relative change of each currency's value in ``base`` over ``horizon_days``, one row per ECB day.

    The value of one unit of currency ``c`` in ``base`` is ``per_eur(base) / per_eur(c)``; the change of a day
    is its value then over its value ``horizon_days`` calendar days before (the last ECB day on or before) - 1.
    """
    start = end - dt.timedelta(days=int(365.25 * years) + horizon_days + 7)
    b = _per_eur(fx, base, start, end)
    out = {}
    for c in currencies:
        value = (b / _per_eur(fx, c, start, end)).dropna()
        daily = value.resample("D").last().ffill()
        before = daily.shift(horizon_days)
        ch = (daily / before - 1.0).reindex(value.index)
        out[c] = ch[ch.index >= pd.Timestamp(end - dt.timedelta(days=int(365.25 * years)))]
    return pd.DataFrame(out).dropna()


def value_at_risk(net_base: pd.Series, changes: pd.DataFrame, level: float = 0.95) -> tuple[float, pd.Series]:
    """Historical-simulation VaR of the portfolio and of each currency alone (positive = money at risk).

    Args:
        net_base: Net exposure per currency in the base currency.
        changes: Scenarios (rows) x currencies of relative value changes (``base_changes``).
        level: Confidence level (0.95: the loss exceeded in 5% of the scenarios).
    """
    cols = [c for c in net_base.index if c in changes.columns]
    if not cols or changes.empty:
        return float("nan"), pd.Series(np.nan, index=net_base.index)
    pnl = changes[cols].to_numpy() * net_base[cols].to_numpy()
    q = 1.0 - level
    alone = pd.Series(-np.quantile(pnl, q, axis=0), index=cols).reindex(net_base.index)
    return float(-np.quantile(pnl.sum(axis=1), q)), alone


def exposure_frame(
    plans: pd.DataFrame, lines_by_ccy: dict[str, pd.DataFrame], cost_currency: str
) -> pd.DataFrame:
    """Receivables, payables, stock per currency from the plans' per-currency cash lines (market currency)."""
    rows: dict[str, dict[str, float]] = {}

    def add(ccy: str, key: str, amount: float) -> None:
        rows.setdefault(ccy, {"receivables": 0.0, "payables": 0.0, "stock": 0.0})[key] += amount

    for ccy, lines in lines_by_ccy.items():
        local = float(sum(lines[c].sum() for c in _LOCAL_LINES if c in lines))
        add(ccy, "receivables" if local >= 0 else "payables", abs(local))
        buy = float(sum(lines[c].sum() for c in PURCHASE_LINES if c != "duties_import_vat"))
        add(cost_currency, "payables", -buy * float(plans.loc[plans["currency"] == ccy, "to_cost"].iloc[0]))
    if len(plans):
        stock = (
            (plans["on_hand"].fillna(0.0) * plans["unit_cost"].fillna(0.0)).groupby(plans["currency"]).sum()
        )
        for cur, v in stock.items():
            add(str(cur), "stock", float(v))
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("currency").reset_index()
    if out.empty:
        return pd.DataFrame(columns=["currency", "receivables", "payables", "stock", "net", "hedge_ratio"])
    out["net"] = out["receivables"] + out["stock"] - out["payables"]
    out["hedge_ratio"] = [
        natural_hedge_ratio(r + s, p)
        for r, s, p in zip(out["receivables"], out["stock"], out["payables"], strict=True)
    ]
    return out
