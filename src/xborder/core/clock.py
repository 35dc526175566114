"""The clock: naive UTC timestamps (DuckDB TIMESTAMP columns hold UTC) and today's date."""

from __future__ import annotations

import datetime as dt

__all__ = ["utcnow", "today"]


def utcnow() -> dt.datetime:
    """Naive UTC now."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def today() -> dt.date:
    """Today's date (local calendar; rule dates and FX dates are calendar days)."""
    return dt.date.today()
