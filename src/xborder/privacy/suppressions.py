"""The suppression list of erased persons: list it, and lift a person's suppression (recorded who, when, why)."""

from __future__ import annotations

import datetime as dt

import duckdb

from xborder.core.errors import BadInputError, NotFoundError

__all__ = ["list_suppressions", "lift_suppression"]


def list_suppressions(con: duckdb.DuckDBPyConnection, *, include_lifted: bool = False) -> list[dict]:
    """One row per erasure request on the list: request id, when added, pseudonyms held, and (lifted ones, with
    ``include_lifted``) when, by whom and why the suppression was lifted. Pseudonyms are counted, never shown."""
    where = "" if include_lifted else "WHERE lifted_at IS NULL"
    rows = con.execute(
        f"""SELECT request_id, min(added_at), count(*) FILTER (WHERE lifted_at IS NULL),
                   count(*) FILTER (WHERE lifted_at IS NOT NULL), max(lifted_at), any_value(lifted_by),
                   any_value(lift_reason)
            FROM privacy_suppressions {where} GROUP BY request_id ORDER BY min(added_at) DESC, request_id"""
    ).fetchall()
    cols = ["request_id", "added_at", "active", "lifted", "lifted_at", "lifted_by", "lift_reason"]
    return [dict(zip(cols, r, strict=True)) for r in rows]


def lift_suppression(
    con: duckdb.DuckDBPyConnection,
    request_id: str,
    *,
    reason: str,
    lifted_by: str,
    now: dt.datetime,
    subject_keys: list[str] | None = None,
) -> int:
    """Lift the suppression an erasure request added: later ingests link the person's rows again. The rows stay
    on the list with ``lifted_at``, ``lifted_by`` and ``lift_reason`` (the audit of the lift); nothing already
    erased comes back — only rows ingested after the lift are linked.

    Args:
        con: The warehouse.
        request_id: ``privacy_requests.request_id`` whose pseudonyms to lift.
        reason: Why (the person's consent, a ticket); required.
        lifted_by: Who (``cli:<os user>`` or an admin's web user name).
        now: When (UTC).
        subject_keys: Only these pseudonyms of the request (default: all of them).

    Returns:
        Pseudonyms lifted (0 when every one was already lifted).

    Raises:
        BadInputError: no reason given.
        NotFoundError: the request added no suppression.
    """
    if not reason or not reason.strip():
        raise BadInputError(
            "Lifting a suppression needs a reason.",
            hint='e.g. --reason "customer consented again, ticket 4711"',
        )
    known = con.execute(
        "SELECT count(*) FROM privacy_suppressions WHERE request_id = ?", [request_id]
    ).fetchone()
    if not known or not known[0]:
        raise NotFoundError(
            f"Erasure request {request_id!r} put nobody on the suppression list.",
            hint="`xborder privacy suppression list` shows the requests on it.",
        )
    only = "" if subject_keys is None else " AND subject_key IN (SELECT unnest(CAST(? AS VARCHAR[])))"
    params: list = [now, lifted_by, reason.strip(), request_id] + (
        [] if subject_keys is None else [subject_keys]
    )
    row = con.execute(
        f"""UPDATE privacy_suppressions SET lifted_at = ?, lifted_by = ?, lift_reason = ?
            WHERE request_id = ? AND lifted_at IS NULL{only}""",
        params,
    ).fetchone()
    return int(row[0]) if row else 0
