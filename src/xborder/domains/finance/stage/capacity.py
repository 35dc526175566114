"""Warehouse glue of the pick capacity: the cash flow's picks in rank order -> how many the cash carries, its rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.domains.finance.capacity import MILESTONES, capacity_table, carried, pick_nets
from xborder.domains.finance.cashplan import CashTerms

__all__ = ["pick_capacity", "capacity_rows", "capacity_answer", "capacity_sentences"]


def pick_capacity(
    plans: pd.DataFrame,
    ranks: Mapping[tuple[str, str], Any],
    base: pd.DataFrame,
    terms: CashTerms,
    history: bool,
    opening: float,
    floor: float,
) -> dict[str, Any]:
    """How many of the flow's picks, in rank order, the cash carries (``capacity.py``).

    Args:
        plans: The flow's plans (``stage.cashflow.plan_inputs``), one per pick.
        ranks: (product_id, market) -> the pick's rank in the selection (plans without one go last).
        base: The flow without any plan (``cashplan.cash_weeks`` from opening 0): settlement payouts, ad plans.
        terms: The flow's timing.
        history: True when settlements stand for the plans' sale lines.
        opening: Opening balance (0 when not set).
        floor: Cash floor.

    Returns:
        ``capacity.carried``'s answer plus ``table`` (``capacity.capacity_table`` with each k's pick:
        ``product_id``, ``market``, ``rank``; k = 0 has none).
    """
    key = [(str(p), str(m).upper()) for p, m in zip(plans["product_id"], plans["market"], strict=True)]
    rank = pd.Series([ranks.get(k) for k in key], index=plans.index, dtype=float)
    ordered = plans.assign(rank=rank)
    ordered = ordered.sort_values(["rank", "product_id", "market"], na_position="last", kind="stable")
    nets = pick_nets(ordered, pd.Timestamp(base["week"].iloc[0]), terms, history)
    table = capacity_table(base["net"].to_numpy(float), nets, base["week"], opening, floor)
    ranked = ordered[["product_id", "market", "rank"]].reset_index(drop=True)
    out = carried(table, ranked)
    table["product_id"] = [None, *ranked["product_id"]]
    table["market"] = [None, *ranked["market"]]
    table["rank"] = [None, *ranked["rank"]]
    return {**out, "table": table}


def capacity_rows(flow: dict[str, Any], run_id: str) -> pd.DataFrame:
    """The ``cash_capacity`` rows of a cash flow (empty without a capacity)."""
    cap = flow.get("capacity")
    if not cap:
        return pd.DataFrame()
    t = cap["table"].copy()
    t["run_id"] = run_id
    t["currency"] = flow["currency"]
    t["opening_balance"] = flow["opening"] if flow["opening_known"] else None
    t["floor"] = flow["floor"]
    for c in ("lowest_week", "breach_week"):
        t[c] = pd.to_datetime(t[c]).dt.date
    return t


def capacity_answer(table: pd.DataFrame) -> dict[str, Any]:
    """``capacity.carried`` of a stored or computed capacity table (its rows k >= 1 name the picks)."""
    t = table.sort_values("picks").reset_index(drop=True)
    return carried(t, t.iloc[1:][["product_id", "market", "rank"]].reset_index(drop=True))


def capacity_sentences(
    table: pd.DataFrame, *, currency: str, floor: float, opening: float | None, lang: str
) -> list[str]:
    """What the capacity table says, in ``lang``: how many picks the cash carries, which week and pick bind, the
    opening balance each count of picks needs, and an explicit sentence when no opening balance is set."""
    a = capacity_answer(table)
    t = table.sort_values("picks").reset_index(drop=True)
    kw = {
        "currency": currency,
        "floor": floor,
        "opening": opening or 0.0,
        "picks": a["picks"],
        "carried": a["carried"],
    }
    out = []
    if opening is None:
        out.append(i18n.render("finance.capacity_no_opening", lang, **kw))
    if a["base_breaches"]:
        out.append(i18n.render("finance.capacity_base", lang, week=str(a["binding_week"]),
                               lowest=float(t["lowest_balance"].iloc[0]), **kw))  # fmt: skip
    elif a["all_carried"]:
        out.append(i18n.render("finance.capacity_all", lang, headroom=a["headroom"], **kw))
    else:
        key = "capacity_carried" if a["carried"] else "capacity_none"
        out.append(i18n.render(f"finance.{key}", lang, headroom=a["headroom"], **kw))
        nxt = t.iloc[a["carried"] + 1]
        pick = a["binding_pick"] or {}
        out.append(i18n.render("finance.capacity_binding", lang, week=str(a["binding_week"]),
                               low_week=str(nxt["lowest_week"])[:10],
                               rank="?" if pick.get("rank") is None else pick["rank"],
                               product_id=pick.get("product_id", "?"), market=pick.get("market", "?"),
                               lowest=float(nxt["lowest_balance"]), **kw))  # fmt: skip
    counts = [k for k in MILESTONES if k < a["picks"]] + [a["picks"]]
    needed = i18n.render("finance.capacity_sep", lang).join(
        i18n.render(
            "finance.capacity_needed_item",
            lang,
            k=k,
            needed=float(t["opening_needed"].iloc[k]),
            currency=currency,
        )  # fmt: skip
        for k in counts
    )
    out.append(i18n.render("finance.capacity_needed", lang, items=needed, **kw))
    return out
