"""Mark-to-market of the seller's FX forwards: each hedge's gain or loss against today's market rate.

A forward sells (or buys) ``amount`` of a currency at the agreed ``forward_rate`` K (units of the seller's cash
currency per unit). Valued on a day it is worth, in the cash currency,

    sell: amount x (K - M)        buy: amount x (M - K)

with M the market rate for the same maturity:

* **forward_irp** — when interest rates of both currencies are known, the forward by covered interest-rate
  parity ``M = spot x (1 + i_cash)^t / (1 + i_ccy)^t`` (``fx.forward_rate``), t = years to maturity, and the
  value is discounted to the day at the cash currency's rate: ``value / (1 + i_cash)^t``;
* **spot** — otherwise the ECB spot of the day (last ECB day on or before it), undiscounted: the value the
  contract would have if it settled today. This is what the warehouse gives while it holds no interest-rate
  table;
* **spot_at_maturity** — a contract that has matured is valued at the spot of its maturity day (its realised
  gain or loss).

A hedge without an agreed rate cannot be valued (``basis`` ``no_rate``, value NaN: unknown, not 0), nor one
traded after the day (``not_traded``), nor one in the cash currency itself (``cash_currency``: no FX in it). The ECB day used is returned, and ``stale`` is set when it is older than
the day by more than the allowed age (settings ``fx_max_age_days``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from xborder.core import i18n
from xborder.domains.finance.fx import forward_rate

__all__ = ["VALUE_COLUMNS", "value_hedges", "hedge_value_totals", "valuation_sentences"]

VALUE_COLUMNS = ("hedge_id", "currency", "direction", "amount", "forward_rate", "maturity", "status", "basis",
                 "spot", "market_rate", "fx_date", "years", "value", "value_share")  # fmt: skip
"""Columns of :func:`value_hedges`: ``value`` is the gain (+) or loss (-) in the cash currency, ``value_share``
the value over the contract's worth at its agreed rate (amount x K)."""


def value_hedges(
    hedges: pd.DataFrame,
    day: dt.date,
    cash_currency: str,
    spot: Callable[[str, dt.date], tuple[float, str]],
    rates: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Each hedge's mark-to-market on ``day`` (module docstring).

    Args:
        hedges: ``fx_hedges`` rows (currency, direction, amount, maturity, forward_rate, trade_date).
        day: Day of the valuation.
        cash_currency: The currency ``forward_rate`` is quoted in (the seller's cash currency).
        spot: ``spot(currency, day) -> (units of cash_currency per unit, ECB day used)``.
        rates: Annual interest rate per currency (fractions); IRP is used when it has both the hedged currency
            and ``cash_currency``.

    Returns:
        One row per hedge with ``VALUE_COLUMNS``.
    """
    out = []
    for h in hedges.to_dict("records"):
        maturity = pd.Timestamp(h["maturity"]).date()
        trade = h.get("trade_date")
        traded = trade is None or pd.isna(trade) or pd.Timestamp(trade).date() <= day
        k = h.get("forward_rate")
        k = float("nan") if k is None or pd.isna(k) else float(k)
        ccy = str(h["currency"])
        row = {c: h.get(c) for c in ("hedge_id", "currency", "direction", "amount", "forward_rate")}
        row.update(maturity=maturity, spot=np.nan, market_rate=np.nan, fx_date=None, years=np.nan, value=np.nan,
                   value_share=np.nan)  # fmt: skip
        if not traded:
            out.append({**row, "status": "not_traded", "basis": "not_traded"})
            continue
        if ccy == cash_currency.upper():  # no FX in it: the rate would be 1 per unit whatever was agreed
            out.append({**row, "status": "cash_currency", "basis": "cash_currency"})
            continue
        matured = maturity < day
        at = maturity if matured else day
        s, fx_day = spot(ccy, at)
        years = 0.0 if matured else (maturity - day).days / 365.0
        i_cash = (rates or {}).get(cash_currency.upper())
        i_ccy = (rates or {}).get(ccy)
        if matured:
            basis, market, discount = "spot_at_maturity", s, 1.0
        elif i_cash is not None and i_ccy is not None:
            basis = "forward_irp"
            market = forward_rate(s, i_cash, i_ccy, years)
            discount = (1.0 + i_cash) ** years
        else:
            basis, market, discount = "spot", s, 1.0
        sign = 1.0 if h["direction"] == "sell" else -1.0
        value = sign * float(h["amount"]) * (k - market) / discount
        row.update(status="matured" if matured else "open", basis=basis if k == k else "no_rate", spot=s,
                   market_rate=market, fx_date=fx_day, years=years, value=value,
                   value_share=value / (float(h["amount"]) * k) if k == k else np.nan)  # fmt: skip
        out.append(row)
    return pd.DataFrame(out, columns=list(VALUE_COLUMNS))


def hedge_value_totals(values: pd.DataFrame) -> dict[str, float | int]:
    """Unrealised (open), realised (matured) and total value, and how many hedges could not be valued.

    A total over hedges of which some have no agreed rate is the sum of those that have one; ``unvalued`` says
    how many were left out (the caller must say so: the total is then not the whole book).
    """
    v = values[values["status"].isin(["open", "matured"])]
    known = v["value"].notna()
    open_v = v.loc[known & (v["status"] == "open"), "value"]
    done_v = v.loc[known & (v["status"] == "matured"), "value"]
    return {
        "unrealised": float(open_v.sum()),
        "realised": float(done_v.sum()),
        "total": float(open_v.sum() + done_v.sum()),
        "valued": int(known.sum()),
        "unvalued": int((~known).sum()),
        "gains": int((v["value"] > 0).sum()),
        "losses": int((v["value"] < 0).sum()),
        "cash_currency_hedges": int((values["status"] == "cash_currency").sum()),
    }


def valuation_sentences(valuation: Mapping[str, object], lang: str) -> list[str]:
    """The valuation's totals, its basis and FX day, and its warnings (stale rate, hedges without a rate), in
    ``lang``; ``valuation`` is ``stage.hedges.hedge_valuation``'s result."""
    totals = valuation["totals"]
    assert isinstance(totals, Mapping)
    args = {**valuation, **totals}
    out = [i18n.render("finance.hedge_value_total", lang, **args),
           i18n.render(f"finance.hedge_value_basis_{valuation['basis']}", lang, **args)]  # fmt: skip
    if valuation["stale"]:
        out.append(i18n.render("finance.hedge_value_stale", lang, **args))
    if totals["unvalued"]:
        out.append(i18n.render("finance.hedge_value_unvalued", lang, **args))
    if totals["cash_currency_hedges"]:
        out.append(i18n.render("finance.hedge_value_cash_currency", lang, **args))
    return out
