"""Currency exposure: interest-rate-parity forwards, margin under an FX move, exposure and natural hedge, hedge advice.

Conventions: a rate ``spot`` is units of the quote currency per one unit of the base currency. An FX move
``x`` of the market currency against the cost currency (``-0.30`` = the market currency buys 30% less) makes
every cost paid in the cost currency ``1 / (1 + x)`` times dearer in the market currency.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "forward_rate",
    "margin_at_fx_move",
    "exposure_by_currency",
    "natural_hedge_ratio",
    "hedge_suggestions",
    "fx_move",
]


def forward_rate(spot: float, quote_rate: float, base_rate: float, years: float = 1.0) -> float:
    """Forward rate by covered interest-rate parity: spot x (1 + i_quote)^t / (1 + i_base)^t.

    Example: spot 1.60 quote per base, quote-currency rate 5%, base-currency rate 6%, one year:
    1.60 x 1.05 / 1.06 = 1.585.
    """
    return float(spot * (1.0 + quote_rate) ** years / (1.0 + base_rate) ** years)


def margin_at_fx_move(
    net_revenue: np.ndarray | float,
    foreign_costs: np.ndarray | float,
    local_costs: np.ndarray | float,
    move: float,
) -> np.ndarray:
    """Unit margin when the market currency moves by ``move`` against the cost currency.

    Args:
        net_revenue: Net revenue per unit in the market currency (price less output VAT).
        foreign_costs: Costs per unit that are paid in the cost currency, in the market currency at today's
            rate (goods, freight, insurance and the duties and import taxes levied on their value).
        local_costs: Costs per unit paid in the market currency (marketplace fees, per-entry charges).
        move: Market-currency move, e.g. ``-0.10``.
    """
    return np.asarray(net_revenue, float) - np.asarray(foreign_costs, float) / (1.0 + move) - local_costs


def exposure_by_currency(flows: pd.DataFrame) -> pd.DataFrame:
    """Receivables, payables, net exposure and natural-hedge ratio per currency.

    Args:
        flows: Rows of ``currency``, ``amount`` (positive = money to receive, negative = to pay), in the
            currency given, and optionally ``amount_base`` (the same in one reporting currency).

    Returns:
        One row per currency: ``receivables``, ``payables`` (positive), ``net``, ``hedge_ratio``.
    """
    f = flows.assign(receivables=flows["amount"].clip(lower=0.0), payables=(-flows["amount"]).clip(lower=0.0))
    out = f.groupby("currency", as_index=False)[["receivables", "payables"]].sum()
    out["net"] = out["receivables"] - out["payables"]
    out["hedge_ratio"] = [
        natural_hedge_ratio(r, p) for r, p in zip(out["receivables"], out["payables"], strict=True)
    ]
    return out


def natural_hedge_ratio(receivables: float, payables: float) -> float:
    """Share of the larger side offset by the other side in the same currency: min / max (0 when one side is 0)."""
    hi = max(receivables, payables)
    return float(min(receivables, payables) / hi) if hi > 0 else 0.0


def fx_move(rates: pd.Series, days: int) -> float:
    """Relative change of a rate series (indexed by date, ascending) over the last ``days`` calendar days."""
    s = rates.dropna()
    if s.empty:
        return float("nan")
    last_day = pd.Timestamp(s.index[-1])
    past = s[pd.to_datetime(s.index) <= last_day - pd.Timedelta(days=days)]
    if past.empty:
        return float("nan")
    return float(s.iloc[-1] / past.iloc[-1] - 1.0)


def hedge_suggestions(moves: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Currencies whose move exceeds ``threshold`` in absolute value, to hedge (forward) or reprice.

    Args:
        moves: Rows of ``currency``, ``move`` (relative change of the currency against the cost currency
            over the look-back window), ``net`` (net exposure in that currency).
        threshold: Absolute move from which a hedge is suggested (settings.fx_hedge_threshold, 15%).

    Returns:
        The rows over the threshold with ``action``: ``hedge_receivables`` when the currency fell and the
        seller is long in it, ``hedge_payables`` when it rose and the seller owes it, else ``reprice``.
    """
    hit = moves[moves["move"].abs() > threshold].copy()
    hit["action"] = np.where(
        (hit["move"] < 0) & (hit["net"] > 0),
        "hedge_receivables",
        np.where((hit["move"] > 0) & (hit["net"] < 0), "hedge_payables", "reprice"),
    )
    return hit.reset_index(drop=True)
