"""Marketplace fees: Amazon size tier and FBA fulfilment fee, referral fee bands (vectorised).

Amazon's referral fee is the category percentage of the total sales price — either of the whole price for
the band the price falls in ("whole", e.g. 8% up to $10 else 15%) or per portion of the price in each band
("portion", e.g. furniture 15% up to $200 and 10% above) — with a per-item minimum. The FBA fee depends on
the size tier (sorted package sides, length + girth or sum of sides, weight), the shipping weight (unit weight, or
max(unit, L x W x H / divisor) for tiers with a divisor) and the weight band; step bands add a fee per
started step above a weight.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["fba_fees", "referral_fee", "LB_PER_KG"]

LB_PER_KG = 2.2046226218


def _num(s: pd.Series, empty: float) -> np.ndarray:
    return pd.to_numeric(s.replace("", None), errors="coerce").fillna(empty).to_numpy(float)


def fba_fees(tiers: pd.DataFrame, card: pd.DataFrame, length_cm, width_cm, height_cm, weight_kg):
    """(fee, size tier, rule_id) per package for one fee table, in the card's currency.

    ``tiers`` and ``card`` are the as-of rows of one fee table. Packages that fit no tier get the last tier.
    """
    dims = np.sort(
        np.stack(
            [np.asarray(length_cm, float), np.asarray(width_cm, float), np.asarray(height_cm, float)], axis=1
        ),
        axis=1,
    )[:, ::-1]
    longest, median, shortest = dims[:, 0], dims[:, 1], dims[:, 2]
    girth = longest + 2 * (median + shortest)
    sides = longest + median + shortest
    vol = longest * median * shortest
    w_kg = np.asarray(weight_kg, float)
    t = tiers.assign(_o=pd.to_numeric(tiers["tier_order"])).sort_values("_o").reset_index(drop=True)
    n = len(w_kg)
    tier_idx = np.full(n, -1)
    ship_kg = np.zeros(n)
    div = _num(t["dim_divisor"], 0.0)
    for i in range(len(t)):
        w = np.maximum(w_kg, vol / div[i]) if div[i] > 0 else w_kg
        fits = (
            (longest <= _num(t["max_longest_cm"], np.inf)[i] + 1e-9)
            & (median <= _num(t["max_median_cm"], np.inf)[i] + 1e-9)
            & (shortest <= _num(t["max_shortest_cm"], np.inf)[i] + 1e-9)
            & (girth <= _num(t["max_length_girth_cm"], np.inf)[i] + 1e-9)
            & (sides <= _num(t["max_sum_sides_cm"], np.inf)[i] + 1e-9)
            & (w <= _num(t["max_weight_kg"], np.inf)[i] + 1e-9)
        )
        take = fits & (tier_idx < 0)
        tier_idx[take] = i
        ship_kg[take] = w[take]
    last = len(t) - 1
    rest = tier_idx < 0
    tier_idx[rest] = last
    ship_kg[rest] = np.maximum(w_kg, vol / div[last])[rest] if div[last] > 0 else w_kg[rest]
    fee = np.full(n, np.nan)
    rule = np.full(n, "", dtype=object)
    for i in range(len(t)):
        sel = tier_idx == i
        if not sel.any():
            continue
        rows = card[card["size_tier"] == t["size_tier"].iloc[i]]
        if rows.empty:
            continue
        rows = rows.assign(_a=_num(rows["weight_from"], 0.0), _b=_num(rows["weight_to"], np.inf)).sort_values(
            "_a"
        )
        w = ship_kg[sel] * (LB_PER_KG if rows["weight_unit"].iloc[0] == "lb" else 1.0)
        hi = rows["_b"].to_numpy()
        j = np.clip(np.searchsorted(hi, w - 1e-9, side="left"), 0, len(rows) - 1)
        j = np.where(w > hi[j] + 1e-9, len(rows) - 1, j)
        base = rows["fee"].astype(float).to_numpy()[j]
        step_fee = _num(rows["step_fee"], 0.0)[j]
        step_from = _num(rows["step_from"], 0.0)[j]
        step_size = _num(rows["step_size"], 1.0)[j]
        steps = np.ceil(np.maximum(w - step_from, 0.0) / step_size - 1e-9)
        fee[sel] = base + step_fee * np.where(step_fee > 0, steps, 0.0)
        rule[sel] = rows["rule_id"].to_numpy()[j]
    return fee, t["size_tier"].to_numpy()[tier_idx], rule


def referral_fee(price, lo, hi, rate, portion, min_fee):
    """Referral fee per row for prices in the fee table's currency.

    ``lo``, ``hi``, ``rate``, ``portion`` are (rows x bands) arrays (padding bands have rate 0);
    a "whole" band charges rate x price when lo < price <= hi; a "portion" band charges rate on the part of
    the price inside it. The result is at least ``min_fee``; NaN where the price is NaN.
    """
    p = np.asarray(price, float)[:, None]
    inside = (p > lo) & (p <= hi) | ((lo <= 0) & (p >= 0) & (p <= hi))
    part = np.where(portion, rate * np.clip(p - lo, 0.0, hi - lo), np.where(inside, rate * p, 0.0))
    fee = np.nansum(part, axis=1)
    return np.where(np.isfinite(p[:, 0]), np.maximum(fee, min_fee), np.nan)
