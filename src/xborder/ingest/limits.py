"""Limits and plausibility bounds of ingest: file size, columns per row, bytes per field, value ranges.

Each limit has a default here; a settings field named ``ingest_<name>`` (e.g. ``ingest_max_columns``)
overrides it when :class:`xborder.core.settings.Settings` declares one (config file ``xborder.toml`` or
environment ``XBORDER_INGEST_MAX_COLUMNS``). Tests and callers may also pass an :class:`IngestLimits`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from typing import Any

from xborder.core.clock import today

__all__ = ["IngestLimits", "ingest_limits", "MAX_LINE_BYTES", "IngestCall", "ingest_call", "current_call"]

MAX_LINE_BYTES = 8_000_000
"""Longest physical line DuckDB's reader accepts (bytes); a longer line is quarantined as ``field_too_long``."""


@dataclass(frozen=True)
class IngestLimits:
    """What a file and its values may be before ingest refuses the file or quarantines the row.

    Size limits keep a hostile file (one line of a million empty columns, a zip bomb) from tying up the
    machine: it is refused in seconds with a message naming the limit. Bounds are plausibility rules: a
    value outside them is quarantined with the rule named (docs/ingest.md, "Values read right or not at all").
    """

    max_columns: int = 2_000
    """Columns per row (a wider header refuses the file; a wider data row is quarantined)."""
    max_field_bytes: int = 1_000_000
    """Bytes per field (a longer field quarantines its row)."""
    max_file_bytes: int = 1_000_000_000
    """Bytes per file after decompression (a larger file, or zip member, is refused)."""
    earliest_date: dt.date = dt.date(1990, 1, 1)
    """No date before this: e-commerce exports start in the 1990s; year 1 or 1900 is a placeholder."""
    future_days: int = 2
    """No date later than today plus this many days (time zones and clocks differ by a day at most)."""
    max_price: float = 1e9
    """Largest unit price in any currency (1e9 VND or IDR is about US$40,000-60,000 per unit)."""
    max_amount: float = 1e11
    """Largest money amount of one row (revenue of a product in a period, a fee, a payout)."""
    max_count: float = 1e9
    """Largest count (units, quantity of an order line, rank, ratings, offers, sessions)."""
    max_weight_kg: float = 1_000.0
    """Heaviest product: above a tonne an e-commerce product weight is almost surely grams written as kg."""
    max_length_cm: float = 1_000.0
    """Longest product side (10 m): above it a length is almost surely mm written as cm."""

    @property
    def latest_date(self) -> dt.date:
        """The latest plausible date: today + ``future_days``."""
        return today() + dt.timedelta(days=self.future_days)


def ingest_limits(settings: Any = None, **overrides: Any) -> IngestLimits:
    """The limits in force: defaults, then ``settings.ingest_<name>`` where declared, then ``overrides``."""
    base = IngestLimits()
    values: dict[str, Any] = {}
    for f in fields(IngestLimits):
        v = getattr(settings, f"ingest_{f.name}", None) if settings is not None else None
        if v is not None:
            default = getattr(base, f.name)
            values[f.name] = (
                dt.date.fromisoformat(str(v)) if isinstance(default, dt.date) else type(default)(v)
            )
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(base, **values)


@dataclass(frozen=True)
class IngestCall:
    """Options of the running ``ingest_path`` call that readers deep inside it need."""

    limits: IngestLimits = field(default_factory=IngestLimits)
    force: bool = False  # read files again even when their bytes were ingested before
    mapping_digest: str | None = None  # SHA-256 prefix of the mapping file, if one is used

    def log_layout(self, name: str | None) -> str | None:
        """The layout name as ``ingest_log`` records it: a mapping's name carries the mapping's digest."""
        if name is None or not self.mapping_digest:
            return name
        return f"{name}@{self.mapping_digest}"


_CALL: ContextVar[IngestCall | None] = ContextVar("xborder_ingest_call", default=None)


@contextmanager
def ingest_call(call: IngestCall) -> Iterator[IngestCall]:
    """Make ``call`` the options of the ingest running in this context (thread/task)."""
    token = _CALL.set(call)
    try:
        yield call
    finally:
        _CALL.reset(token)


def current_call() -> IngestCall:
    """The options of the running ingest call (defaults outside one)."""
    return _CALL.get() or IngestCall()
