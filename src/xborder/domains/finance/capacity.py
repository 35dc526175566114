"""How many picks, in rank order, the cash can carry: the 13-week flow with the top k picks for every k.

The flow is linear in its plans (``cashplan.plan_cash`` sums one day-by-day run per plan), so the flow with the
top k picks is the base (settlement-history payouts and the market ad plans, which run whatever is launched)
plus the first k picks' own weekly net. For each k:

- ``lowest_balance``: the lowest week-end balance, opening + min over weeks of the cumulated net;
- ``opening_needed``: the opening balance at which the balance never ends a week below the floor,
  floor - min over weeks of the cumulated net (opening 0);
- ``breach_week``: the first week whose balance ends below the floor with the given opening.

The cash **carries** the top k picks when the flows with the top 1, 2, ..., k picks all stay at or above the
floor; the answer is the largest such k, and the **binding week** is the week the flow with one pick more
first goes below the floor (its pick is the **binding pick**). Adding a pick can raise the lowest balance
(its payouts arrive within the horizon), so the answer is the prefix in rank order, not a count of picks
that would fit in some other order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.finance.cashplan import HISTORY_LINES, LINES, CashTerms, plan_cash

__all__ = ["pick_nets", "capacity_table", "carried", "MILESTONES"]

MILESTONES = (1, 5, 10, 20, 50)
"""Pick counts a report shows besides the carried count, the one more, and all picks."""


def pick_nets(plans: pd.DataFrame, start: pd.Timestamp, terms: CashTerms, history: bool) -> np.ndarray:
    """Each plan's own weekly net cash (one row per plan, in ``plans`` order; one column per week).

    With ``history`` (payouts projected from settlements) the plan's sale lines (``cashplan.HISTORY_LINES``)
    are left out, as the flow does: the settlements' net flow stands for them.
    """
    out = np.zeros((len(plans), terms.weeks))
    for i in range(len(plans)):
        lines = plan_cash(plans.iloc[[i]], start, terms)
        cols = [c for c in LINES if c in lines and not (history and c in HISTORY_LINES)]
        out[i] = lines[cols].sum(axis=1).to_numpy(float)
    return out


def capacity_table(
    base_net: np.ndarray, nets: np.ndarray, weeks: pd.Series, opening: float, floor: float
) -> pd.DataFrame:
    """The flow with the top k picks, k = 0 .. n (``nets`` rows in rank order).

    Args:
        base_net: Weekly net of the flow without picks.
        nets: Weekly net of each pick, rows in rank order (``pick_nets``).
        weeks: The flow's weeks (Mondays).
        opening: Opening balance (0 when none is set).
        floor: Cash floor.

    Returns:
        One row per k: ``picks``, ``lowest_balance``, ``lowest_week``, ``opening_needed``, ``headroom``
        (lowest balance - floor), ``breach_week``
        (NaT: none), ``fits`` (no week below the floor), ``carried`` (k and every smaller count fit).
    """
    wk = pd.to_datetime(pd.Series(weeks)).reset_index(drop=True)
    cum_picks = (
        np.vstack([np.zeros(len(base_net)), np.cumsum(nets, axis=0)])
        if len(nets)
        else np.zeros((1, len(base_net)))
    )
    cum = np.cumsum(base_net[None, :] + cum_picks, axis=1)  # k x week: cumulated net from opening 0
    low = cum.min(axis=1)
    balance = opening + cum
    below = balance < floor
    first = np.where(below.any(axis=1), below.argmax(axis=1), -1)
    fits = ~below.any(axis=1)
    return pd.DataFrame({
        "picks": np.arange(len(cum)),
        "lowest_balance": opening + low,
        "lowest_week": wk.iloc[cum.argmin(axis=1)].to_numpy(),
        "opening_needed": floor - low,
        "headroom": opening + low - floor,
        "breach_week": [wk.iloc[i] if i >= 0 else pd.NaT for i in first],
        "fits": fits,
        "carried": np.cumprod(fits).astype(bool),
    })  # fmt: skip


def carried(table: pd.DataFrame, ranked: pd.DataFrame | None = None) -> dict[str, Any]:
    """The answer of a capacity table: how many picks the cash carries and what binds.

    Args:
        table: ``capacity_table``.
        ranked: The picks in rank order (``product_id``, ``market``, ``rank``), row i = pick i + 1.

    Returns:
        ``picks`` (picks in the flow), ``carried`` (k), ``all_carried``, ``base_breaches`` (the flow breaches
        without any pick), ``binding_week`` (the week the flow with k + 1 picks, or the base, first goes below
        the floor; None when all are carried), ``binding_pick`` (product_id, market, rank of pick k + 1; None),
        ``opening_needed_all`` (opening for every pick) and ``headroom`` (lowest balance - floor with k picks).
    """
    n = int(table["picks"].max())
    k = int(table["carried"].sum()) - 1  # -1: even the base breaches
    out: dict[str, Any] = {"picks": n, "carried": max(k, 0), "all_carried": k == n, "base_breaches": k < 0,
                           "binding_week": None, "binding_pick": None,
                           "opening_needed_all": float(table["opening_needed"].iloc[-1]), "headroom": None}  # fmt: skip
    if k >= 0:
        out["headroom"] = float(table["headroom"].iloc[k])
    if k < n:
        row = table.iloc[k + 1]
        out["binding_week"] = pd.Timestamp(row["breach_week"]).date()
        if k >= 0 and ranked is not None and len(ranked) >= k + 1:
            r = ranked.iloc[k]
            out["binding_pick"] = {"product_id": str(r["product_id"]), "market": str(r["market"]),
                                   "rank": None if pd.isna(r["rank"]) else int(r["rank"])}  # fmt: skip
    return out
