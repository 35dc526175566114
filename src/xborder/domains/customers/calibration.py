"""Calibration of the purchase model on a held-out period: customers in tenths by a predicted probability, the
mean prediction of each tenth against the share who actually bought.

Two rankings are tabled. ``p_buy`` (P(a purchase in the held-out days), :func:`~xborder.domains.customers.bgnbd.
probability_buys`) is the forecast a held-out period can check: a calibrated model has each tenth's mean near
its observed share. ``p_alive`` is what the CLV tables show: it is not a purchase probability (one-time buyers
have P(alive) = 1 by construction), and the table shows by how much it differs from what happened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["calibration_table", "CALIBRATION_COLUMNS", "RANKINGS", "calibration_error"]

RANKINGS = ("p_buy", "p_alive")
CALIBRATION_COLUMNS = (
    "ranking",
    "decile",
    "customers",
    "one_time_buyers",
    "mean_p_alive",
    "mean_p_buy",
    "buyers",
    "bought_share",
    "model_purchases",
    "actual_purchases",
)


def calibration_table(per: pd.DataFrame, *, bins: int = 10) -> pd.DataFrame:
    """Per ranking (``p_buy``, ``p_alive``) × tenth of the customers ranked by it (1 = lowest; ties split in
    customer order): customers, one-time buyers at the cut, mean P(alive), mean P(buy), buyers, their share,
    and predicted and actual purchases.

    Args:
        per: One row per customer with ``p_alive``, ``p_buy``, ``frequency`` (repeat purchases at the cut),
            ``model_purchases`` and ``actual_purchases``.
        bins: Number of groups (10: deciles).
    """
    if per.empty:
        return pd.DataFrame(columns=list(CALIBRATION_COLUMNS))
    frames = []
    for ranking in RANKINGS:
        order = per[ranking].rank(method="first").to_numpy()
        group = np.minimum((order - 1) * bins // len(per), bins - 1).astype(int) + 1
        d = per.assign(decile=group, bought=per["actual_purchases"] > 0, one_time=per["frequency"] == 0)
        out = d.groupby("decile", sort=True).agg(
            customers=("p_buy", "size"),
            one_time_buyers=("one_time", "sum"),
            mean_p_alive=("p_alive", "mean"),
            mean_p_buy=("p_buy", "mean"),
            buyers=("bought", "sum"),
            model_purchases=("model_purchases", "sum"),
            actual_purchases=("actual_purchases", "sum"),
        )
        out["bought_share"] = out["buyers"] / out["customers"]
        frames.append(out.reset_index().assign(ranking=ranking))
    table = pd.concat(frames, ignore_index=True)
    for col in ("customers", "one_time_buyers", "buyers"):
        table[col] = table[col].astype("int64")
    return table[list(CALIBRATION_COLUMNS)]


def calibration_error(table: pd.DataFrame, ranking: str = "p_buy", column: str = "mean_p_buy") -> float:
    """Customer-weighted mean absolute gap between a tenth's mean prediction (``column``) and its bought share."""
    t = table[table["ranking"] == ranking]
    if t.empty:
        return float("nan")
    return float(np.average((t[column] - t["bought_share"]).abs(), weights=t["customers"]))
