"""The events a batch's ledger records, what each must say, and the entry document each becomes.

An event is ``{"type": ..., "at": ..., "data": {...}}``. The ledger is append-only and cannot erase, so an
event must carry no personal data: fields named like a person's data (``email``, ``customer_id``,
``phone`` ...) are refused — a sale names order ids, and recall joins them to ``order_lines``, where the
customer is pseudonymised and can be erased.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xborder.core.errors import BadInputError
from xborder.ledger.canonical import canonical_json, iso_utc, normalise, sha256_hex

__all__ = [
    "EVENT_TYPES",
    "PERSONAL_KEYS",
    "DOCUMENT_VERSION",
    "ZERO_HASH",
    "MAX_DOCUMENT_BYTES",
    "Event",
    "parse_event",
    "parse_time",
    "check_batch_id",
    "event_key",
    "entry_document",
]

DOCUMENT_VERSION = 1
ZERO_HASH = "0" * 64
MAX_DOCUMENT_BYTES = 1_048_576

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "material": ("material",),
    "production": ("site",),
    "inspection": ("result",),
    "shipment": ("from", "to"),
    "customs": ("country",),
    "warehouse": ("warehouse",),
    "sale": ("orders",),
    "ingest": ("ingest_id", "file_sha256", "status"),
    "run": ("run_id", "kind", "status"),
    "key": ("key_id", "public_key", "algorithm"),
    "head": ("batch", "tree_size", "root", "key_id", "signature"),
}
"""Event type → the data fields it must have (others are free: certificates, quantity, readings ...).
``ingest`` and ``run`` are the warehouse's own records (:mod:`xborder.ledger.runs`), in the batch
:data:`xborder.ledger.runs.RUNS_BATCH`; ``key`` registers a checkpoint-signing key (:mod:`xborder.ledger.signing`); ``head`` is a batch's
signed tree head (:mod:`xborder.ledger.heads`)."""

PERSONAL_KEYS = frozenset(
    {
        "customer", "customerid", "customerkey", "customername", "buyer", "buyerid", "buyername", "email",
        "mail", "phone", "telephone", "mobile", "address", "street", "firstname", "lastname", "fullname",
        "recipient", "recipientname", "contactname", "contactperson", "person", "birthdate", "passport",
    }
)  # fmt: skip
"""Data keys (lower case, letters only) refused anywhere in an event: the ledger cannot erase them."""

_KEY_NORM = re.compile(r"[^a-z]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Event:
    """A checked event: batch, type, when (naive UTC), data (plain JSON), and its key."""

    batch_id: str
    type: str
    at: dt.datetime
    data: dict[str, Any]
    key: str


def check_batch_id(batch_id: Any, where: str = "event") -> str:
    """``batch_id`` as text: 1-200 characters, no control characters, no surrounding spaces."""
    if not isinstance(batch_id, str) or not batch_id.strip():
        raise BadInputError(
            f"{where}: the batch id is missing.", hint="Name the batch (lot), e.g. LOT-2024-001."
        )
    if batch_id != batch_id.strip() or len(batch_id) > 200 or _CONTROL.search(batch_id):
        raise BadInputError(
            f"{where}: the batch id {batch_id[:60]!r} has surrounding spaces, control characters or more than 200 "
            "characters.",
            hint="Use a short printable id, e.g. LOT-2024-001.",
        )
    return batch_id


def parse_time(value: Any, where: str = "event") -> dt.datetime:
    """When an event happened, as naive UTC: a datetime (aware ones converted), a date (midnight), or ISO 8601
    text (``2024-03-01``, ``2024-03-01T10:00:00Z``, ``... +08:00``; without an offset it is taken as UTC)."""
    if isinstance(value, dt.datetime):
        out = value
    elif isinstance(value, dt.date):
        out = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            out = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" else text)
        except ValueError:
            raise BadInputError(
                f"{where}: 'at' {value!r} is not a date or time.",
                hint="Use ISO 8601, e.g. 2024-03-01T10:00:00Z or 2024-03-01.",
            ) from None
    else:
        raise BadInputError(
            f"{where}: 'at' (when it happened) is missing.", hint="e.g. 2024-03-01T10:00:00Z."
        )
    if out.tzinfo is not None:
        out = out.astimezone(dt.UTC).replace(tzinfo=None)
    return out


def _personal(value: Any, where: str) -> None:
    if isinstance(value, Mapping):
        for k, v in value.items():
            if _KEY_NORM.sub("", k.lower()) in PERSONAL_KEYS:
                raise BadInputError(
                    f"{where}: the field {k!r} looks like personal data, which the ledger cannot erase.",
                    hint="Leave people out of ledger events; a sale names its order ids (recall finds the rest).",
                )
            _personal(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _personal(v, f"{where}[{i}]")


def _check_sale(data: dict[str, Any], where: str) -> None:
    orders = data["orders"]
    if not isinstance(orders, list) or not orders:
        raise BadInputError(
            f"{where}: 'orders' must be a non-empty list of order references.",
            hint='e.g. "orders": [{"order_id": "536365", "line_no": 1}]',
        )
    for i, ref in enumerate(orders):
        if isinstance(ref, str | int) and not isinstance(ref, bool):
            continue  # a bare order id: every line of the order
        if not isinstance(ref, dict) or not isinstance(ref.get("order_id"), str | int):
            raise BadInputError(
                f"{where}: orders[{i}] needs an 'order_id'.",
                hint='Each reference is an order id or {"order_id", optional "line_no", "source", "product_id"}.',
            )
        line = ref.get("line_no")
        if line is not None and (not isinstance(line, int) or isinstance(line, bool) or line < 1):
            raise BadInputError(f"{where}: orders[{i}].line_no must be a whole number from 1.")


def event_key(batch_id: str, type_: str, at: dt.datetime, data: dict[str, Any]) -> str:
    """SHA-256 of the canonical ``{batch, type, at, data}``: equal for the same event appended twice."""
    return sha256_hex(canonical_json({"at": iso_utc(at), "batch": batch_id, "data": data, "type": type_}))


def parse_event(batch_id: Any, event: Mapping[str, Any], where: str = "event") -> Event:
    """Check an event and bring it to plain JSON.

    Args:
        batch_id: The batch (lot) it belongs to.
        event: ``{"type", "at", "data"}``; ``data`` holds the fields its type needs (:data:`EVENT_TYPES`).
        where: How to name the event in a message (file and row for ingest).

    Raises:
        BadInputError: unknown type, missing field, unparseable time, personal data, a value JSON cannot hold.
    """
    batch_id = check_batch_id(batch_id, where)
    if not isinstance(event, Mapping):
        raise BadInputError(f"{where}: an event is an object with 'type', 'at' and 'data'.")
    inner = event.get("batch_id", batch_id)
    if inner != batch_id:
        raise BadInputError(
            f"{where}: the event names batch {inner!r} but is appended to batch {batch_id!r}."
        )
    extra = sorted(set(event) - {"type", "at", "data", "batch_id"})
    if extra:
        raise BadInputError(
            f"{where}: unknown field(s) {extra} beside 'type', 'at' and 'data'.",
            hint="Put the event's facts inside 'data'.",
        )
    type_ = event.get("type")
    if type_ not in EVENT_TYPES:
        raise BadInputError(
            f"{where}: unknown event type {type_!r}.", hint=f"Use one of: {', '.join(EVENT_TYPES)}."
        )
    at = parse_time(event.get("at"), where)
    raw = event.get("data") or {}
    if not isinstance(raw, Mapping):
        raise BadInputError(f"{where}: 'data' must be an object (field → value).")
    data = normalise(raw, f"{where}.data")
    missing = [f for f in EVENT_TYPES[type_] if data.get(f) in (None, "", [])]
    if missing:
        raise BadInputError(
            f"{where}: a {type_} event needs {', '.join(repr(m) for m in missing)} in its data.",
            hint=f"A {type_} event says at least: {', '.join(EVENT_TYPES[type_])}.",
        )
    _personal(data, f"{where}.data")
    if type_ == "sale":
        _check_sale(data, where)
    return Event(batch_id, type_, at, data, event_key(batch_id, type_, at, data))


def entry_document(
    event: Event,
    *,
    seq: int,
    leaf_index: int,
    prev_hash: str,
    recorded_at: dt.datetime,
    origin: str | None,
) -> bytes:
    """The canonical JSON document of a ledger entry: the leaf data of its batch's tree (every column of
    ``ledger_entries`` but the leaf hash is in it)."""
    doc = canonical_json(
        {
            "at": iso_utc(event.at),
            "batch": event.batch_id,
            "data": event.data,
            "index": leaf_index,
            "key": event.key,
            "origin": origin,
            "prev": prev_hash,
            "recorded": iso_utc(recorded_at),
            "seq": seq,
            "type": event.type,
            "v": DOCUMENT_VERSION,
        }
    )
    if len(doc) > MAX_DOCUMENT_BYTES:
        raise BadInputError(
            f"The {event.type} event of batch {event.batch_id} is {len(doc):,} bytes as JSON; the limit is "
            f"{MAX_DOCUMENT_BYTES:,}.",
            hint="Split long reading series over several events.",
        )
    return doc
