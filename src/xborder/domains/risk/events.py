"""Risk events: detected from warning indicators and late deliveries, checked when given, and timed (KPI)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError

__all__ = [
    "CATEGORIES",
    "BACKFILL_DAYS",
    "EVENT_COLUMNS",
    "indicator_category",
    "indicator_events",
    "late_delivery_events",
    "replay_on_delivery",
    "manual_events",
    "new_events",
    "detection_summary",
]

CATEGORIES = ("compliance", "platform", "fx", "logistics", "demand", "supply", "ip_brand", "data", "finance")
"""The risk register's categories and ``finance`` (cash, fees, refunds: the warning indicators' own ground)."""

BACKFILL_DAYS = 31
"""Data older than this when it reached xborder is a history loaded after the fact (``backfill``)."""

EVENT_COLUMNS = ("event_id", "category", "product_id", "market", "what", "detail", "happened_at", "happened_source",
                 "detected_at", "detected_by", "detection_hours", "backfill", "source", "note")  # fmt: skip

_CATEGORY_OF = {
    "fx_move_90d": "fx", "hedge_cover": "fx", "fx_open_exposure_share": "fx",
    "acos": "platform", "acos_over_break_even": "platform", "ad_share_of_sales": "platform",
    "fee_share_of_sales": "platform", "payout_reserve_share": "platform", "payout_gap_days": "platform",
    "refund_rate": "demand", "refund_rate_trend": "demand",
    "days_of_inventory": "demand", "stock_cover_days": "supply", "aged_stock_share": "demand",
    "storage_share_of_sales": "logistics", "logistics_share_of_price": "logistics",
    "single_country_supply_share": "supply", "supplier_concentration": "supply",
}  # fmt: skip


def indicator_category(code: str) -> str:
    """The risk category of a warning indicator (finance when it is about cash or margin)."""
    return _CATEGORY_OF.get(code, "finance")


def _hours(detected: pd.Series, happened: pd.Series) -> pd.Series:
    return (pd.to_datetime(detected) - pd.to_datetime(happened)).dt.total_seconds() / 3600.0


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    for c in ("happened_at", "detected_at"):
        df[c] = pd.to_datetime(df[c])
    df["detection_hours"] = _hours(df["detected_at"], df["happened_at"])
    return df


def _data_time(period: str) -> tuple[pd.Timestamp, str]:
    """When a value dated ``period`` stood: a month (YYYY-MM) at its end, an as-of day (YYYY-MM-DD) at its start."""
    if len(period) == 7:
        return (pd.Period(period, "M") + 1).to_timestamp(), f"end of {period}, the month whose value crossed"
    return pd.Timestamp(
        period
    ).normalize(), f"{period}, the day the value stood as of (the indicator's data date)"


def indicator_events(indicators: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Risk events from warning indicators: each crossing once, at the first run that showed it.

    An indicator with a data date (``period``: a month, or the day a snapshot stood as of) crossing its threshold
    is one event per indicator, scope, subject and period: it happened at the end of the month (its value is
    complete then) or at the start of the day, and was detected at the start of the first run whose row for that
    period warned. It is ``backfill`` when that was more than :data:`BACKFILL_DAYS` before the run (a history
    computed after the fact). An indicator without a period (FX over 90 days, supply concentration), or dated the
    run's own day (a value measured as of now, such as the open FX exposure), has no data date: each run that
    warns where the run before it (for that indicator and subject) did not is one event, happened_at unknown. Plan rows (a product x market plan's margin
    or logistics share) are left out: they judge a candidate's planned figures, not something that happened.

    Args:
        indicators: ``warning_indicators`` rows of any runs (run_id, scope, subject, product_id, market,
            indicator, period, value, threshold, direction, status).
        runs: ``runs`` rows (run_id, started_at).

    Returns:
        Event rows (:data:`EVENT_COLUMNS`), detected_by ``run:<run_id>``, source ``warning_indicators``.
    """
    if indicators is None or indicators.empty or runs is None or runs.empty:
        return _frame([])
    start = runs.set_index("run_id")["started_at"].map(pd.Timestamp)
    ind = indicators[indicators["run_id"].isin(start.index) & (indicators["scope"] != "plan")].copy()
    ind["started_at"] = ind["run_id"].map(start)
    ind["subject"] = ind["subject"].fillna("all").astype(str)
    # a value "as of" the run's own day (an exposure measured now) has no data date of its own
    day = ind["period"].astype("string").str.len() == 10
    now = day & (
        pd.to_datetime(ind["period"].where(day), errors="coerce") >= ind["started_at"].dt.normalize()
    )
    ind.loc[now, "period"] = None
    rows: list[dict[str, Any]] = []
    monthly = ind.dropna(subset=["period"])
    warn = monthly[monthly["status"] == "warn"].sort_values("started_at", kind="stable")
    for (code, scope, subject, period), g in warn.groupby(
        ["indicator", "scope", "subject", "period"], sort=True
    ):
        r = g.iloc[0]
        happened, said = _data_time(str(period))
        rows.append({
            "event_id": f"indicator:{code}|{scope}|{subject}|{period}", "category": indicator_category(str(code)),
            "product_id": r.get("product_id"), "market": r.get("market"), "what": f"indicator:{code}",
            "detail": f"{code} {float(r['value']):.4g} vs threshold {float(r['threshold']):.4g} "
                      f"({r['direction']}) in {period}",
            "happened_at": happened, "happened_source": said,
            "detected_at": r["started_at"], "detected_by": f"run:{r['run_id']}",
            "backfill": bool((r["started_at"] - happened).days > BACKFILL_DAYS),
            "source": "warning_indicators", "note": None,
        })  # fmt: skip
    plain = ind[ind["period"].isna()].sort_values("started_at", kind="stable")
    for (code, scope, subject), g in plain.groupby(["indicator", "scope", "subject"], sort=True):
        g = g.drop_duplicates("run_id")
        was = g["status"].shift(1).fillna("none") == "warn"
        for _, r in g[(g["status"] == "warn") & ~was].iterrows():
            rows.append({
                "event_id": f"indicator:{code}|{scope}|{subject}|run:{r['run_id']}",
                "category": indicator_category(str(code)), "product_id": r.get("product_id"),
                "market": r.get("market"), "what": f"indicator:{code}",
                "detail": f"{code} {float(r['value']):.4g} vs threshold {float(r['threshold']):.4g} ({r['direction']})",
                "happened_at": None,
                "happened_source": "unknown: the indicator has no data date (the first run of a warning streak)",
                "detected_at": r["started_at"], "detected_by": f"run:{r['run_id']}", "backfill": None,
                "source": "warning_indicators", "note": None,
            })  # fmt: skip
    return _frame(rows)


def late_delivery_events(deliveries: pd.DataFrame, ingests: pd.DataFrame) -> pd.DataFrame:
    """Risk events from supplier deliveries: each late delivery once, at the ingest that brought it.

    Late = delivered after the promised day, or not delivered with the promised day before the ingest. It happened
    the day after the promised day (the first day it was late) and was detected at the start of the ingest whose
    file held the row. It is ``backfill`` when that file's newest date (delivered, promised or event day) was more
    than :data:`BACKFILL_DAYS` before the ingest.

    Args:
        deliveries: ``supplier_events`` rows of type delivery (event_key, supplier_id, product_id, promised_on,
            delivered_on, event_date, destination, ingest_id).
        ingests: ``ingest_log`` rows (ingest_id, started_at, file_name).

    Returns:
        Event rows (:data:`EVENT_COLUMNS`), category supply, detected_by ``ingest:<ingest_id>``.
    """
    if deliveries is None or deliveries.empty or ingests is None or ingests.empty:
        return _frame([])
    d = deliveries.dropna(subset=["promised_on"]).copy()
    start = ingests.set_index("ingest_id")["started_at"].map(pd.Timestamp)
    d = d[d["ingest_id"].isin(start.index)]
    d["ingested"] = d["ingest_id"].map(start)
    promised = pd.to_datetime(d["promised_on"])
    delivered = pd.to_datetime(d["delivered_on"])
    late = (delivered > promised) | (delivered.isna() & (promised < d["ingested"].dt.normalize()))
    days = pd.concat([delivered, promised, pd.to_datetime(d["event_date"])], axis=1).max(axis=1)
    newest = days.groupby(d["ingest_id"]).max()
    d = d[late]
    if d.empty:
        return _frame([])
    happened = pd.to_datetime(d["promised_on"]) + pd.Timedelta(days=1)
    fresh = (d["ingested"] - d["ingest_id"].map(newest)).dt.days <= BACKFILL_DAYS
    got = pd.to_datetime(d["delivered_on"]).dt.strftime("%Y-%m-%d").fillna("not delivered")
    out = pd.DataFrame({
        "event_id": "late_delivery:" + d["event_key"].astype(str), "category": "supply",
        "product_id": d["product_id"], "market": d["destination"], "what": "late_delivery",
        "detail": "supplier " + d["supplier_id"].astype(str) + ": promised "
                  + pd.to_datetime(d["promised_on"]).dt.strftime("%Y-%m-%d") + ", delivered " + got,
        "happened_at": happened, "happened_source": "the day after the promised day (supplier_events.promised_on)",
        "detected_at": d["ingested"], "detected_by": "ingest:" + d["ingest_id"].astype(str),
        "backfill": ~fresh, "source": "supplier_events", "note": None,
    })  # fmt: skip
    return _frame([{str(k): v for k, v in r.items()} for r in out.to_dict("records")])


def replay_on_delivery(deliveries: pd.DataFrame) -> pd.DataFrame:
    """A delivery history replayed as if each row reached xborder on the day it was delivered (not stored).

    What a feed that reports deliveries only when they arrive would give: a late delivery is flagged the day it is
    delivered, so its detection time is its lateness from the first late day. Rows delivered on or before the
    promised day are not events; rows never delivered cannot be replayed (no day they would have arrived).

    Args:
        deliveries: ``supplier_events`` delivery rows (event_key, supplier_id, product_id, promised_on,
            delivered_on, destination).

    Returns:
        Event rows (:data:`EVENT_COLUMNS`), detected_by ``replay:delivered_on``, never backfill.
    """
    d = deliveries.dropna(subset=["promised_on", "delivered_on"])
    d = d[pd.to_datetime(d["delivered_on"]) > pd.to_datetime(d["promised_on"])]
    if d.empty:
        return _frame([])
    out = pd.DataFrame({
        "event_id": "late_delivery:" + d["event_key"].astype(str), "category": "supply",
        "product_id": d["product_id"], "market": d["destination"], "what": "late_delivery",
        "detail": None, "happened_at": pd.to_datetime(d["promised_on"]) + pd.Timedelta(days=1),
        "happened_source": "the day after the promised day (supplier_events.promised_on)",
        "detected_at": pd.to_datetime(d["delivered_on"]), "detected_by": "replay:delivered_on",
        "backfill": False, "source": "supplier_events", "note": None,
    })  # fmt: skip
    return _frame([{str(k): v for k, v in r.items()} for r in out.to_dict("records")])


def _when(value: Any, where: str, column: str) -> pd.Timestamp | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
        return None
    try:
        ts: Any = pd.Timestamp(str(value).strip())
    except ValueError:
        ts = None
    if ts is None or pd.isna(ts):
        raise BadInputError(
            f"{where}, column {column}: {value!r} is not a date or time (ISO 8601, e.g. "
            "2024-03-05 or 2024-03-05T14:00).",
            hint="Write it as YYYY-MM-DD[THH:MM] in UTC.",
        )
    return ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo else ts


def manual_events(rows: pd.DataFrame, origin: str, now: dt.datetime) -> pd.DataFrame:
    """Risk events a person states (``risk events add`` or a loaded list), checked row by row.

    Args:
        rows: Columns category, what, detected_at (required), happened_at, product_id, market, event_id,
            detected_by, note, backfill (optional); one event per row.
        origin: ``manual`` or ``file:<name>``: the source, and where a message points (row n of the file).
        now: Time of recording (a detection in the future is refused).

    Returns:
        Event rows (:data:`EVENT_COLUMNS`).

    Raises:
        BadInputError: Naming the row, the column and what to write, for a missing or unknown value.
    """
    cols = {c.strip().lower(): c for c in rows.columns}
    for need in ("category", "what", "detected_at"):
        if need not in cols:
            raise BadInputError(f"{origin}: no column {need!r}; columns are {', '.join(rows.columns)}.",
                                hint="Give category, what and detected_at (happened_at, product_id, market, "
                                     "event_id, detected_by and note are optional).")  # fmt: skip
    out = []
    for i, (_, r) in enumerate(rows.iterrows(), start=1):
        where = f"{origin} row {i}" if origin != "manual" else "the event"

        def get(name: str, r: pd.Series = r) -> Any:
            v = r[cols[name]] if name in cols else None
            return None if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "" else v

        category = str(get("category") or "").strip().lower()
        if category not in CATEGORIES:
            raise BadInputError(
                f"{where}, column category: {get('category')!r} is not a risk category.",
                hint=f"Use one of: {', '.join(CATEGORIES)}.",
            )
        what = get("what")
        if what is None:
            raise BadInputError(f"{where}, column what: empty.", hint="Say what happened (a short phrase).")
        detected = _when(get("detected_at"), where, "detected_at")
        if detected is None:
            raise BadInputError(
                f"{where}, column detected_at: empty.", hint="Give when it was first flagged."
            )
        if detected > pd.Timestamp(now) + pd.Timedelta(minutes=5):
            raise BadInputError(
                f"{where}, column detected_at: {detected} is in the future.",
                hint="Give the time it was flagged (UTC).",
            )
        happened = _when(get("happened_at"), where, "happened_at")
        by = str(get("detected_by") or origin).strip()
        market = str(get("market")).strip().upper() if get("market") else None
        key = get("event_id") or f"manual:{category}|{what}|{get('product_id') or ''}|{market or ''}|" + (
            str(happened) if happened is not None else str(detected)
        )
        out.append({
            "event_id": str(key), "category": category, "product_id": get("product_id"),
            "market": market, "what": str(what).strip(),
            "detail": None, "happened_at": happened,
            "happened_source": "as stated" if happened is not None else "unknown: not stated",
            "detected_at": detected, "detected_by": by if ":" in by or by == "manual" else f"manual:{by}",
            "backfill": (str(get("backfill")).strip().lower() in ("true", "1", "yes")) if get("backfill") else (
                False if happened is not None else None),
            "source": "manual" if origin == "manual" else origin, "note": get("note"),
        })  # fmt: skip
    return _frame(out)


def new_events(candidates: pd.DataFrame, stored_ids: set[str]) -> pd.DataFrame:
    """The candidates not stored yet, one per id (the earliest detection), so an event is written once."""
    if candidates.empty:
        return candidates
    c = candidates.sort_values("detected_at", kind="stable").drop_duplicates("event_id")
    return c[~c["event_id"].isin(stored_ids)].reset_index(drop=True)


def detection_summary(events: pd.DataFrame | None) -> dict[str, Any]:
    """The risk detection time: median hours over live events with both dates, and what was left out.

    Returns:
        events, timed (live, both dates), backfill (left out), undated (no happened_at), median_hours,
        p25_hours, p75_hours, ahead (flagged before it happened), by_category {category: (timed, median)},
        by_month [(detected month, timed, median)].
    """
    e = events if events is not None else pd.DataFrame(columns=list(EVENT_COLUMNS))
    dated = e[e["happened_at"].notna()] if len(e) else e
    back = dated[dated["backfill"].fillna(False).astype(bool)] if len(dated) else dated
    timed = dated[~dated["backfill"].fillna(False).astype(bool)] if len(dated) else dated
    h = (
        pd.to_numeric(timed["detection_hours"], errors="coerce").dropna()
        if len(timed)
        else pd.Series(dtype=float)
    )
    by_cat = {str(k): (int(len(g)), float(g["detection_hours"].median()))
              for k, g in timed.groupby("category")} if len(timed) else {}  # fmt: skip
    months = pd.to_datetime(timed["detected_at"]).dt.to_period("M").astype(str) if len(timed) else pd.Series()
    by_month = [(str(m), int(len(g)), float(g["detection_hours"].median()))
                for m, g in timed.groupby(months)] if len(timed) else []  # fmt: skip
    return {
        "events": int(len(e)), "timed": int(len(h)), "backfill": int(len(back)),
        "undated": int(len(e) - len(dated)),
        "median_hours": float(h.median()) if len(h) else None,
        "p25_hours": float(h.quantile(0.25)) if len(h) else None,
        "p75_hours": float(h.quantile(0.75)) if len(h) else None,
        "ahead": int((h < 0).sum()), "by_category": by_cat, "by_month": by_month,
    }  # fmt: skip
