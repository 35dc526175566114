"""Warehouse glue of the FX hedges: store the contracts a seller records, read them back, value them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from xborder.core.settings import Settings
from xborder.domains.finance.hedge_value import hedge_value_totals, value_hedges
from xborder.domains.finance.stage.currency import seller_cash_currency
from xborder.domains.finance.tables import FX_HEDGES
from xborder.reference.fx import load_fx
from xborder.warehouse.tables import empty_frame, read_rows, table_exists, write_frame

__all__ = ["store_hedges", "read_hedges", "remove_hedge", "hedge_valuation"]


def store_hedges(con: Any, hedges: pd.DataFrame) -> dict[str, int]:
    """Add validated hedges (``hedges.hedge_rows``) to ``fx_hedges``; a contract already stored is a duplicate.

    Returns:
        ``rows_in``, ``stored``, ``duplicate`` (rows_in = stored + duplicate).
    """
    have = set(read_hedges(con)["hedge_id"])
    new = hedges[~hedges["hedge_id"].isin(have)].drop_duplicates("hedge_id")
    write_frame(con, FX_HEDGES, new)
    return {"rows_in": int(len(hedges)), "stored": int(len(new)), "duplicate": int(len(hedges) - len(new))}


def read_hedges(con: Any) -> pd.DataFrame:
    """Every recorded hedge (empty with the declared columns when none)."""
    if not table_exists(con, "fx_hedges"):
        return empty_frame(FX_HEDGES)
    return read_rows(con, FX_HEDGES, order="maturity, currency, hedge_id")


def remove_hedge(con: Any, hedge_id: str) -> int:
    """Delete the hedge ``hedge_id`` (a contract closed early or entered by mistake); returns rows removed."""
    if not table_exists(con, "fx_hedges"):
        return 0
    n = con.execute("SELECT count(*) FROM fx_hedges WHERE hedge_id = ?", [hedge_id]).fetchone()[0]
    con.execute("DELETE FROM fx_hedges WHERE hedge_id = ?", [hedge_id])
    return int(n)


def hedge_valuation(
    con: Any, settings: Settings, day: dt.date, *, hedges: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Mark-to-market of the recorded hedges on ``day`` in the cash currency (``hedge_value.py``).

    The warehouse holds no interest-rate table, so open contracts are valued at the ECB spot of the day
    (``basis`` ``spot``), matured ones at the spot of their maturity day. ``fx_date`` is the oldest ECB day used
    for an open contract; ``stale`` is True when it is more than ``settings.fx_max_age_days`` before ``day``.

    Returns:
        ``rows`` (one per hedge, ``VALUE_COLUMNS``), ``totals`` (``hedge_value_totals``), ``currency``,
        ``as_of``, ``fx_date``, ``fx_age_days``, ``stale``, ``basis`` (spot | forward_irp | none).
    """
    fx = load_fx(con)
    cash = seller_cash_currency(con, settings)
    book = read_hedges(con) if hedges is None else hedges

    def spot(currency: str, at: dt.date) -> tuple[float, str]:
        q = fx.factor(currency, cash, at)
        return q.rate, q.date if currency.upper() != cash else str(at)

    rows = value_hedges(book, day, cash, spot)
    live = rows[rows["status"] == "open"]
    dates = live.loc[live["currency"] != cash, "fx_date"].dropna()
    fx_date = min(dates) if len(dates) else None
    age = (day - dt.date.fromisoformat(fx_date)).days if fx_date else None
    bases = sorted(set(live["basis"]) - {"no_rate"})
    return {
        "rows": rows,
        "totals": hedge_value_totals(rows),
        "currency": cash,
        "as_of": str(day),
        "fx_date": fx_date,
        "fx_age_days": age,
        "stale": bool(age is not None and age > settings.fx_max_age_days),
        "max_age_days": settings.fx_max_age_days,
        "basis": bases[0] if len(bases) == 1 else ("none" if not bases else "mixed"),
    }
