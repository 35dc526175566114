"""Warehouse glue for risk events: detect them from the run and ingest history, record stated ones, read them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from xborder.core.clock import utcnow
from xborder.core.errors import BadInputError
from xborder.domains.risk.event_tables import RISK_EVENTS
from xborder.domains.risk.events import (
    detection_summary,
    indicator_events,
    late_delivery_events,
    new_events,
    replay_on_delivery,
)
from xborder.warehouse.tables import read_rows, table_exists, write_frame

__all__ = ["detect_events", "record_events", "read_events", "read_event_file", "replay_deliveries"]


def read_events(con: Any) -> pd.DataFrame:
    """Every stored risk event, latest detection first."""
    return read_rows(con, RISK_EVENTS, order="detected_at DESC, event_id")


def read_event_file(path: Path) -> pd.DataFrame:
    """The rows of a CSV or XLSX list of risk events, as text (checked by ``risk.events.manual_events``)."""
    if not path.exists():
        raise BadInputError(
            f"{path}: no such file.", hint="Give the path of a CSV or XLSX file of risk events."
        )
    try:
        if path.suffix.lower() in (".xlsx", ".xls"):
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise BadInputError(
            f"{path}: cannot be read as a CSV or XLSX table ({exc}).",
            hint="Save it as CSV (UTF-8) or XLSX with a header row.",
        ) from None


def record_events(con: Any, events: pd.DataFrame) -> dict[str, int]:
    """Write the events whose id is not stored yet (an event is written once, at its first detection)."""
    stored = set(read_rows(con, RISK_EVENTS, columns=["event_id"])["event_id"])
    fresh = new_events(events, stored)
    written = write_frame(con, RISK_EVENTS, fresh.assign(recorded_at=utcnow()))
    return {"candidates": int(len(events)), "written": written, "already": int(len(events) - len(fresh))}


def _indicator_candidates(con: Any) -> pd.DataFrame:
    if not table_exists(con, "warning_indicators"):
        return pd.DataFrame()
    ind = con.execute(
        "SELECT run_id, scope, subject, product_id, market, indicator, period, value, threshold, direction, status "
        "FROM warning_indicators WHERE scope <> 'plan' AND (indicator, scope, coalesce(subject, 'all')) IN (SELECT (indicator, scope, "
        "coalesce(subject, 'all')) FROM warning_indicators WHERE status = 'warn')"
    ).df()
    runs = read_rows(con, "runs", columns=["run_id", "started_at"])
    return indicator_events(ind, runs)


def _delivery_candidates(con: Any) -> pd.DataFrame:
    if not table_exists(con, "supplier_events"):
        return pd.DataFrame()
    d = read_rows(con, "supplier_events", where="event_type = 'delivery' AND promised_on IS NOT NULL",
                  columns=["event_key", "supplier_id", "product_id", "promised_on", "delivered_on", "event_date",
                           "destination", "ingest_id"])  # fmt: skip
    ingests = read_rows(con, "ingest_log", columns=["ingest_id", "started_at"])
    return late_delivery_events(d, ingests)


def detect_events(con: Any) -> dict[str, Any]:
    """Record the risk events xborder itself detected and has not recorded yet.

    Sources: every run's warning indicators that warned (the first run that showed a crossing), and late supplier
    deliveries (the ingest that brought them). The history is read whole each time, so an event keeps the time of
    the run or ingest that first showed it, whenever this runs.

    Returns:
        Per source: candidates, written, already stored.
    """
    out: dict[str, Any] = {}
    for name, frame in (("warning_indicators", _indicator_candidates(con)),
                        ("supplier_events", _delivery_candidates(con))):  # fmt: skip
        out[name] = record_events(con, frame) if len(frame) else {"candidates": 0, "written": 0, "already": 0}
    out["written"] = sum(v["written"] for v in out.values())
    return out


def replay_deliveries(con: Any) -> dict[str, Any]:
    """The detection time the delivery history would have given had each row arrived on its delivery day.

    Nothing is stored (see ``risk.events.replay_on_delivery``); the answer is the detection summary of the replay
    and the share of its late deliveries flagged within 72 hours.
    """
    d = read_rows(con, "supplier_events", where="event_type = 'delivery' AND promised_on IS NOT NULL",
                  columns=["event_key", "supplier_id", "product_id", "promised_on", "delivered_on", "destination"])  # fmt: skip
    events = replay_on_delivery(d)
    out = detection_summary(events)
    hours = events["detection_hours"]
    out["within_72h"] = float((hours <= 72).mean()) if len(hours) else None
    out["deliveries"] = int(len(d))
    return out
