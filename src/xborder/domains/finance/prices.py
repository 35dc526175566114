"""Price ladders: the local price for a target margin after landed cost and fees, with local price endings.

Built from the landed-cost stage's own answers (``landed_costs`` rows), not by recomputing its rules: each
row carries the break-even price ``b`` (margin 0) and the target price ``t`` at its target margin ``m``, both
solved by the landed-cost engine on its full rule set. Between and around them the unit margin is a line in
the price, ``margin(p) = a p - F``, and net revenue is ``k p`` (``k`` = net revenue / price, i.e. the share left
after output VAT). The line through the two solved points has ``a = m k t / (t - b)`` and ``F = a b``, so the
price for another margin ``m'`` is ``F / (a - m' k)``. Fee bands and low-value thresholds make the true curve
piecewise linear; the ladder is exact at ``b`` and ``t`` and the tests measure its error elsewhere against
the engine.

Local price endings: the smallest price ``n x step + ending`` at or above the exact price, per currency
(``PRICE_ENDINGS``): .99 in most decimal currencies, .95 in CHF and AUD, whole tens of yen, whole hundreds of
won, ... .
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from xborder.domains.finance.fx import margin_at_fx_move

__all__ = [
    "PRICE_ENDINGS",
    "price_ending",
    "local_price",
    "margin_line",
    "price_for_margin",
    "price_ladder",
    "fx_column",
    "FOREIGN_COST_COLUMNS",
    "LOCAL_COST_COLUMNS",
]

# currency -> (step, ending): prices are n * step + ending (the smallest at or above the exact price)
PRICE_ENDINGS: dict[str, tuple[float, float]] = {
    "USD": (1.0, 0.99),
    "CAD": (1.0, 0.99),
    "GBP": (1.0, 0.99),
    "EUR": (1.0, 0.99),
    "PLN": (1.0, 0.99),
    "CZK": (10.0, 9.0),
    "HUF": (100.0, 90.0),
    "SEK": (10.0, 9.0),
    "DKK": (10.0, 9.0),
    "NOK": (10.0, 9.0),
    "CHF": (1.0, 0.95),
    "AUD": (1.0, 0.95),
    "NZD": (1.0, 0.95),
    "MXN": (10.0, 9.0),
    "BRL": (1.0, 0.90),
    "JPY": (10.0, 0.0),
    "KRW": (100.0, 0.0),
    "VND": (1000.0, 0.0),
    "IDR": (1000.0, 0.0),
    "INR": (10.0, 9.0),
    "PHP": (10.0, 9.0),
    "THB": (10.0, 9.0),
    "SGD": (1.0, 0.90),
    "MYR": (1.0, 0.90),
    "SAR": (1.0, 0.99),
    "AED": (1.0, 0.99),
    "TRY": (10.0, 9.90),
    "CNY": (1.0, 0.90),
}
_DEFAULT_ENDING = (1.0, 0.99)

# landed_costs columns paid in the cost currency (their value follows the exchange rate) or locally
FOREIGN_COST_COLUMNS = ("goods_cost", "freight", "insurance", "duty", "additional_duty", "import_tax_cost")
LOCAL_COST_COLUMNS = ("customs_fees", "low_value_charges", "referral_fee", "fulfilment_fee", "other_fees")


def price_ending(currency: str) -> tuple[float, float]:
    """(step, ending) of local prices in ``currency`` (``(1, 0.99)`` when the currency has no entry)."""
    return PRICE_ENDINGS.get(str(currency).upper(), _DEFAULT_ENDING)


def local_price(price: float, currency: str) -> float:
    """The smallest price with the currency's local ending at or above ``price`` (NaN stays NaN).

    >>> local_price(21.37, "USD"), local_price(2143.0, "JPY"), local_price(15120.0, "KRW")
    (21.99, 2150.0, 15200.0)
    """
    if not math.isfinite(price) or price <= 0:
        return float("nan")
    step, ending = price_ending(currency)
    n = max(math.ceil((price - ending) / step - 1e-9), 0)
    value = n * step + ending
    return round(value if value > 0 else step, 2)


def margin_line(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, F, k) per landed-cost row: unit margin ``a p - F`` and net revenue ``k p`` at price ``p``.

    NaN where the row has no finite break-even or target price, or they coincide.
    """
    b = rows["break_even_price"].to_numpy(float)
    t = rows["target_price"].to_numpy(float)
    m = rows["target_margin"].to_numpy(float)
    price = rows["price"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(price > 0, rows["net_revenue"].to_numpy(float) / price, np.nan)
        a = np.where(t - b > 1e-12, m * k * t / (t - b), np.nan)
    return a, a * b, k


def price_for_margin(rows: pd.DataFrame, margin: float) -> np.ndarray:
    """Exact (unrounded) price per row at which unit margin / net revenue = ``margin``."""
    a, fixed, k = margin_line(rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = a - margin * k
        return np.where(denom > 0, fixed / denom, np.nan)


def price_ladder(
    rows: pd.DataFrame,
    margins: Sequence[float],
    fx_moves: Sequence[float] = (-0.3, -0.1, 0.1, 0.3),
) -> pd.DataFrame:
    """The ladder: one row per landed-cost row x target margin, with the local price and its margins.

    Args:
        rows: ``landed_costs`` rows (product_id, market, mode, currency, price, net_revenue, break_even_price,
            target_price, target_margin and the cost columns).
        margins: Target margins of the rungs (settings.price_ladder_margins).
        fx_moves: Moves of the market currency against the cost currency to show the margin under.

    Returns:
        Columns product_id, market, mode, currency, target_margin, exact_price, local_price,
        margin_pct (at the local price, today's FX), unit_margin, and ``margin_fx_<move>`` per move
        (e.g. ``margin_fx_m30`` for -30%, as a share of net revenue).
    """
    a, fixed, k = margin_line(rows)
    foreign = rows[list(FOREIGN_COST_COLUMNS)].fillna(0.0).sum(axis=1).to_numpy(float)
    out = []
    for m in margins:
        exact = price_for_margin(rows, m)
        local = np.array(
            [local_price(p, c) for p, c in zip(exact, rows["currency"], strict=True)], dtype=float
        )
        net = k * local
        unit_margin = a * local - fixed
        frame = pd.DataFrame(
            {
                "product_id": rows["product_id"].to_numpy(),
                "market": rows["market"].to_numpy(),
                "mode": rows["mode"].to_numpy(),
                "currency": rows["currency"].to_numpy(),
                "target_margin": float(m),
                "exact_price": exact,
                "local_price": local,
                "unit_margin": unit_margin,
            }
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["margin_pct"] = unit_margin / net
            # the foreign costs are those of the row's own price; the line's other costs stay local
            local_costs = net - unit_margin - foreign
            for mv in fx_moves:
                frame[fx_column(mv)] = margin_at_fx_move(net, foreign, local_costs, mv) / net
        out.append(frame)
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def fx_column(move: float) -> str:
    """Column name of the margin at an FX move: ``margin_fx_m30`` for -0.30, ``margin_fx_p10`` for +0.10."""
    return f"margin_fx_{'m' if move < 0 else 'p'}{round(abs(move) * 100):02d}"
