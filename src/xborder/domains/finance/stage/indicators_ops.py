"""Warehouse glue of the operational indicators (``indicators_ops.py``), the FX ones from one exposure, and the
rows that say "unknown" for every indicator the data could not give."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from xborder.core.settings import Settings
from xborder.domains.finance.indicators import DIRECTIONS, monthly_money
from xborder.domains.finance.indicators_ops import fx_open_exposure_share, ops_indicators
from xborder.reference.fx import FxTable
from xborder.warehouse.tables import read_rows, table_exists

__all__ = ["ops_rows", "fx_rows", "unknown_rows"]

_SNAPSHOT_COLS = ["snapshot_date", "fulfillable", "units_shipped_30d", "age_0_90", "age_91_180", "age_181_270",
                  "age_271_365", "age_365_plus"]  # fmt: skip


def _rows(con: Any, name: str, cols: list[str], where: str | None = None) -> pd.DataFrame:
    if not table_exists(con, name):
        return pd.DataFrame(columns=cols)
    return read_rows(con, name, columns=cols, where=where)


def ops_rows(con: Any, money: pd.DataFrame, fx: FxTable, fx_end: dt.date) -> pd.DataFrame:
    """Refund-rate trend, payout gap, stock cover, aged stock and supplier concentration of the warehouse.

    Args:
        con: The warehouse.
        money: ``money_movements`` rows as the finance stage reads them.
        fx: The FX table (supplier deliveries in several currencies are summed in USD).
        fx_end: Day of the conversion rates (the last ECB day the run uses).
    """
    m = monthly_money(money)
    with np.errstate(divide="ignore", invalid="ignore"):
        refund_rate = m["refunds"] / m["sales"].where(m["sales"] > 0)
    transfers = money.loc[money["category"] == "transfer", "posted_at"]
    # snapshots dated by the report or its file name, not by the day they were ingested
    snaps = _rows(con, "inventory_snapshots", _SNAPSHOT_COLS, where="snapshot_date_source <> 'ingest_day'")
    ev = _rows(con, "supplier_events", ["supplier_id", "delivered_on", "promised_on", "value", "currency"],
               where="event_type = 'delivery' AND value IS NOT NULL")  # fmt: skip
    rate = {c: fx.factor(str(c), "USD", fx_end).rate for c in ev["currency"].dropna().unique()}
    deliveries = pd.DataFrame({
        "supplier_id": ev["supplier_id"], "day": ev["delivered_on"].fillna(ev["promised_on"]),
        "value_usd": ev["value"].astype(float) * ev["currency"].map(rate).astype(float),
    })  # fmt: skip
    return ops_indicators(refund_rate, transfers, snaps, deliveries)


def fx_rows(con: Any, settings: Settings, cost_currency: str, day: dt.date) -> pd.DataFrame:
    """The FX open-exposure share of the seller and, when hedges are recorded, the ``hedge_cover`` per foreign
    currency, from one ``fx_exposure`` (1 year of ECB history). Without hedges the cover is not given: every
    currency would read 0 and say nothing the open share does not."""
    from xborder.domains.finance.stage.exposure import fx_exposure
    from xborder.domains.finance.stage.hedges import read_hedges

    data = fx_exposure(con, settings, cost_currency=cost_currency, as_of=day, years=1.0)
    rows = data["rows"]
    share = pd.DataFrame([fx_open_exposure_share(rows, data["base"])]).assign(period=str(day))
    if rows.empty or read_hedges(con).empty:
        return share
    rows = rows[(rows["currency"] != data["base"]) & ((rows["net"] != 0) | (rows["hedged"] != 0))]
    cover = pd.DataFrame({"scope": "currency", "subject": rows["currency"].to_numpy(), "indicator": "hedge_cover",
                          "period": str(day), "value": rows["hedge_cover"].to_numpy(float), "previous": np.nan})  # fmt: skip
    return pd.concat([share, cover], ignore_index=True)


def unknown_rows(found: pd.DataFrame) -> pd.DataFrame:
    """A seller row with no value (status ``no_data``) for every indicator ``found`` has no row of: the report
    says it is unknown and what fills it, instead of leaving it out."""
    missing = [c for c in DIRECTIONS if c not in set(found["indicator"])]
    return pd.DataFrame({"scope": "seller", "subject": "all", "indicator": missing, "period": None,
                         "value": np.nan, "previous": np.nan})  # fmt: skip
