"""The expected stock path of one plan: stock on hand day by day at expected demand, with the plan's orders."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["project_stock"]


def project_stock(plan: dict[str, Any], days: int = 182) -> pd.DataFrame:
    """Day, on_hand, position (on hand + on order), reorder_point and order arrivals over ``days``.

    Starts from the plan's on_hand + inbound (or, before launch / without a snapshot, its launch quantity);
    demand is the plan's expected daily demand; reviews every review_days; an order of whole order quantities
    is placed when the position is at or below the reorder point and arrives lead_time_days later. Stock never
    goes below zero (lost sales).
    """
    rate = float(plan.get("daily_demand") or 0.0)
    r = float(plan.get("reorder_point") or 0.0)
    q = float(plan.get("order_quantity") or 0.0)
    lead = int(round(float(plan.get("lead_time_days") or 0.0)))
    review = max(1, int(round(float(plan.get("review_days") or 7.0))))
    start = plan.get("on_hand")
    stock = float(plan.get("launch_quantity") or 0.0) if start is None or pd.isna(start) else float(start)
    stock += float(np.nan_to_num(plan.get("inbound") or 0.0))
    arrivals = np.zeros(days + lead + 1)
    on_order, rows = 0.0, []
    for t in range(days):
        got = arrivals[t]
        stock += got
        on_order -= got
        stock = max(stock - rate, 0.0)
        ordered = 0.0
        if t % review == 0 and q > 0 and stock + on_order <= r:
            ordered = (np.floor((r - stock - on_order) / q) + 1) * q
            arrivals[t + lead] += ordered
            on_order += ordered
        rows.append((t, stock, stock + on_order, r, got, ordered))
    return pd.DataFrame(rows, columns=["day", "on_hand", "position", "reorder_point", "arrival", "ordered"])
