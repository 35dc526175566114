"""The market event calendar: dated, sourced sales events, seasons and factory closures per market.

``reference/data/calendar/events.csv`` has one row per event and year: ``event_id``, ``market`` (ISO 3166-1
alpha-2), ``event`` (prime_day, black_friday, cyber_monday, singles_day, double_twelve, hot_sale, buen_fin,
ramadan, chinese_new_year, ...), ``kind`` (sales_event | season | factory_closure), ``platform`` (``amazon`` or
``*`` for the whole market), the event's first and last day as ``valid_from`` / ``valid_to``, and the rule
columns (``source``, ``last_checked``, ``confidence``). Dates are read from the cited page or derived from a cited
rule (Black Friday from the statutory date of Thanksgiving); no row is guessed. Markets or years without a row
have no researched event — not "no event".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from xborder.reference.base import load_table

__all__ = ["EVENT_KINDS", "market_events"]

EVENT_KINDS = ("sales_event", "season", "factory_closure")


def market_events(
    markets: Iterable[str] | None = None,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Calendar rows of ``markets`` (all when None) overlapping ``start``..``end``, of ``kinds``, by first day.

    Args:
        markets: ISO2 markets.
        start: Keep events ending on or after this day.
        end: Keep events starting on or before this day.
        kinds: sales_event, season and/or factory_closure (default: all).
    """
    df = load_table("calendar/events")
    if markets is not None:
        df = df[df["market"].isin({m.upper() for m in markets})]
    if kinds is not None:
        df = df[df["kind"].isin(set(kinds))]
    if start is not None:
        d = dt.date.fromisoformat(str(start)[:10])
        df = df[df["valid_to"].map(lambda v: v is None or v >= d)]
    if end is not None:
        d = dt.date.fromisoformat(str(end)[:10])
        df = df[df["valid_from"].map(lambda v: v is None or v <= d)]
    return df.sort_values(["valid_from", "market", "event_id"]).reset_index(drop=True)
