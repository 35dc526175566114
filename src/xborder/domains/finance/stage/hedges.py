"""Warehouse glue of the FX hedges: store the contracts a seller records, read them back."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.domains.finance.tables import FX_HEDGES
from xborder.warehouse.tables import empty_frame, read_rows, table_exists, write_frame

__all__ = ["store_hedges", "read_hedges", "remove_hedge"]


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
