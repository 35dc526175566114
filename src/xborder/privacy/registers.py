"""The deletion-request and breach registers: what was asked or happened, its deadline, and whether it is late."""

from __future__ import annotations

import datetime as dt
import secrets

import duckdb

__all__ = [
    "REGIME_DEADLINE_HOURS",
    "add_breach",
    "deadline_hours",
    "list_breaches",
    "list_requests",
    "mark_notified",
]

REGIME_DEADLINE_HOURS: dict[str, int] = {
    "ccpa": 48,
    "amazon_dpp": 30 * 24,
    "gdpr": 30 * 24,
}
"""Hours from receiving an erasure request to its deadline, per rule (``privacy erase --regime``):

- ``ccpa``: 48 h, the project's brief for CCPA requests (the law itself allows 45 days, Cal. Civ. Code
  §1798.130(a)(2));
- ``amazon_dpp``: 30 days, Amazon's Data Protection Policy (buyer data deleted within 30 days of the order's
  delivery; ``xborder privacy retain`` enforces that on the rows themselves, this is the request's clock);
- ``gdpr``: one month, Art. 12(3), counted as 30 days.

Any other request (``internal``) gets the setting ``erasure_deadline_hours``."""


def deadline_hours(regime: str, default_hours: int) -> int:
    """The deadline of an erasure request under ``regime``, in hours from its receipt.

    Args:
        regime: ``internal`` or a key of :data:`REGIME_DEADLINE_HOURS`.
        default_hours: The hours of an ``internal`` request (setting ``erasure_deadline_hours``).

    Returns:
        Hours from receipt to the deadline.

    Raises:
        BadInputError: For a regime the register has no deadline for (a typo must not get a silent default).
    """
    if regime == "internal":
        return default_hours
    if regime not in REGIME_DEADLINE_HOURS:
        from xborder.core.errors import BadInputError

        raise BadInputError(
            f"--regime {regime!r} is not a rule the register knows a deadline for.",
            hint="Use one of: internal, "
            + ", ".join(REGIME_DEADLINE_HOURS)
            + " (internal uses the setting erasure_deadline_hours).",
        )
    return REGIME_DEADLINE_HOURS[regime]


def list_requests(con: duckdb.DuckDBPyConnection, *, now: dt.datetime) -> list[dict]:
    """Every erasure request, newest first, with ``late`` (done after its deadline, or still open past it)."""
    rows = con.execute(
        """SELECT request_id, received_at, regime, due_at, source, status, done_at, done_by, rows_changed, note
           FROM privacy_requests ORDER BY received_at DESC"""
    ).fetchall()
    cols = ["request_id", "received_at", "regime", "due_at", "source", "status", "done_at", "done_by",
            "rows_changed", "note"]  # fmt: skip
    out = []
    for r in rows:
        d = dict(zip(cols, r, strict=True))
        finished = d["done_at"] if d["status"] != "open" else None
        d["late"] = (finished or now) > d["due_at"]
        out.append(d)
    return out


def add_breach(
    con: duckdb.DuckDBPyConnection,
    what: str,
    *,
    detected_at: dt.datetime,
    notify_hours: int,
    recorded_by: str,
) -> dict:
    """Record a personal-data breach; its notification deadline is ``detected_at + notify_hours``."""
    if not what.strip():
        from xborder.core.errors import BadInputError

        raise BadInputError(
            "Say what happened and which data it touched.", hint='xborder privacy breach add "…"'
        )
    bid = secrets.token_hex(6)
    notify_by = detected_at + dt.timedelta(hours=notify_hours)
    con.execute(
        "INSERT INTO privacy_breaches VALUES (?, ?, ?, ?, NULL, ?)",
        [bid, detected_at, notify_by, what, recorded_by],
    )
    return {"breach_id": bid, "detected_at": detected_at, "notify_by": notify_by, "what": what}


def mark_notified(con: duckdb.DuckDBPyConnection, breach_id: str, *, at: dt.datetime) -> bool:
    """Record that the authority was notified of ``breach_id``; False when there is no such open breach."""
    n = con.execute(
        "SELECT count(*) FROM privacy_breaches WHERE breach_id = ? AND notified_at IS NULL", [breach_id]
    ).fetchone()[0]  # type: ignore[index]
    if n:
        con.execute("UPDATE privacy_breaches SET notified_at = ? WHERE breach_id = ?", [at, breach_id])
    return bool(n)


def list_breaches(con: duckdb.DuckDBPyConnection, *, now: dt.datetime) -> list[dict]:
    """Every breach, newest first, with the hours left to notify (negative: late) while not notified."""
    rows = con.execute(
        "SELECT breach_id, detected_at, notify_by, what, notified_at, recorded_by FROM privacy_breaches "
        "ORDER BY detected_at DESC"
    ).fetchall()
    out = []
    for bid, det, by, what, notified, who in rows:
        left = None if notified else round((by - now).total_seconds() / 3600, 1)
        late = (notified or now) > by
        out.append({"breach_id": bid, "detected_at": det, "notify_by": by, "what": what, "notified_at": notified,
                    "recorded_by": who, "hours_left": left, "late": late})  # fmt: skip
    return out
