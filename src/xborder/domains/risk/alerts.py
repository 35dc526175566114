"""Money-rule change alerts: rules of the dated rule base that start after today, the pairs they hit, the margin change.

A future row replaces the row of the same table and key in force today (``rulebase.FAMILIES``). The pairs it hits
are the landed-cost rows whose ``rules_used`` name the replaced rule (so the match is the one the landed-cost
engine made, not a guess). The margin change per unit, in the row's currency, holding the price:

* VAT/GST ``r0 -> r1``: on a VAT-inclusive price net revenue becomes ``R (1 + r0) / (1 + r1)``; a
  non-recoverable import tax is scaled by ``r1 / r0``;
* duty ``d0 -> d1``: ``-(d1 - d0) x customs value``;
* platform commission ``c0 -> c1``: ``-(c1 - c0) x price``; an FBA fee ``f0 -> f1`` (in the card's currency,
  taken as the row's): ``-(f1 - f0)``;
* low-value thresholds and per-entry fee minimums: not priced (``margin_change`` NaN) — the pair is listed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["upcoming_changes", "change_alerts"]


def upcoming_changes(history: pd.DataFrame, as_of: dt.date, horizon_days: int) -> pd.DataFrame:
    """Future rows (``as_of < valid_from <= as_of + horizon_days``) with the rule they replace and both rates.

    Returns:
        rule_id, table, family, market, valid_from, days_ahead, rate, old_rule_id, old_rate, source, confidence.
    """
    h = history.dropna(subset=["valid_from"])
    end = as_of + dt.timedelta(days=horizon_days)
    fut = h[(h["valid_from"] > as_of) & (h["valid_from"] <= end)]
    in_force = h[
        (h["valid_from"] <= as_of)
        & (h["valid_to"].isna() | (h["valid_to"].map(lambda d: d is None or d >= as_of)))
    ]
    old = in_force.sort_values("valid_from").drop_duplicates(["table", "key"], keep="last")
    out = fut.merge(
        old[["table", "key", "rule_id", "rate"]].rename(
            columns={"rule_id": "old_rule_id", "rate": "old_rate"}
        ),
        on=["table", "key"],
        how="left",
    )
    out["days_ahead"] = [(d - as_of).days for d in out["valid_from"]]
    cols = ["rule_id", "table", "family", "market", "valid_from", "days_ahead", "rate", "old_rule_id",
            "old_rate", "source", "confidence"]  # fmt: skip
    return out[cols].reset_index(drop=True)


def _margin_change(row: pd.Series, pair: pd.DataFrame) -> np.ndarray:
    r0, r1 = float(row["old_rate"]), float(row["rate"])
    if not (np.isfinite(r0) and np.isfinite(r1)):
        return np.full(len(pair), np.nan)
    if row["family"] == "vat":
        vat_inclusive = pair["output_vat"].fillna(0).to_numpy(float) > 0
        net = pair["net_revenue"].to_numpy(float)
        d_rev = np.where(vat_inclusive, net * ((1 + r0) / (1 + r1) - 1), 0.0)
        tax = pair["import_tax_cost"].fillna(0).to_numpy(float)
        d_tax = tax * (r1 / r0 - 1) if r0 > 0 else np.zeros(len(pair))
        return d_rev - d_tax
    if row["table"] in ("duties/rates", "duties/additional", "duties/market_average"):
        return -(r1 - r0) * pair["customs_value"].to_numpy(float)
    if row["table"] in ("fees/platforms", "fees/amazon_referral"):
        return -(r1 - r0) * pair["price"].to_numpy(float)
    if row["table"] == "fees/amazon_fba":
        return np.full(len(pair), -(r1 - r0))
    return np.full(len(pair), np.nan)


def change_alerts(changes: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per upcoming change x landed-cost row it hits, with the unit margin before and after.

    Args:
        changes: :func:`upcoming_changes` rows.
        pairs: ``landed_costs`` rows (product_id, market, mode, currency, price, net_revenue, customs_value,
            output_vat, import_tax_cost, unit_margin, rules_used).
    """
    cols = ["rule_id", "old_rule_id", "family", "market", "valid_from", "days_ahead", "old_rate", "rate",
            "product_id", "mode", "currency", "unit_margin", "margin_change", "margin_pct_after"]  # fmt: skip
    if changes.empty or pairs.empty:
        return pd.DataFrame(columns=cols)
    used = pairs["rules_used"].fillna("").astype(str).str.split("|")
    out = []
    for _, ch in changes.iterrows():
        if not isinstance(ch["old_rule_id"], str):
            continue
        hit = pairs[used.map(lambda ids, rid=ch["old_rule_id"]: rid in ids).to_numpy()]
        if hit.empty:
            continue
        delta = _margin_change(ch, hit)
        net_after = hit["net_revenue"].to_numpy(float)
        if ch["family"] == "vat" and np.isfinite(ch["old_rate"]) and np.isfinite(ch["rate"]):
            incl = hit["output_vat"].fillna(0).to_numpy(float) > 0
            net_after = np.where(incl, net_after * (1 + ch["old_rate"]) / (1 + ch["rate"]), net_after)
        um = hit["unit_margin"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            after = (um + delta) / net_after
        out.append(
            pd.DataFrame(
                {
                    **{
                        c: ch[c]
                        for c in (
                            "rule_id",
                            "old_rule_id",
                            "family",
                            "market",
                            "valid_from",
                            "days_ahead",
                            "old_rate",
                            "rate",
                        )
                    },
                    "product_id": hit["product_id"].to_numpy(),
                    "mode": hit["mode"].to_numpy(),
                    "currency": hit["currency"].to_numpy(),
                    "unit_margin": um,
                    "margin_change": delta,
                    "margin_pct_after": after,
                }
            )  # fmt: skip
        )
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)
