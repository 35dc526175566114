"""Supply-chain batches on the ledger: an event per step (actor, time, documents' hashes, parent batches), a
batch's history, its lineage, and the recall lookup (every batch and sale downstream of a batch)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from xborder.core.errors import BadInputError, NotFoundError
from xborder.ledger.events import Event, parse_event
from xborder.ledger.store import AppendResult, append_events
from xborder.warehouse.tables import table_exists

__all__ = [
    "BATCH_EVENT_TYPES",
    "document_ref",
    "batch_event",
    "batch_event_from",
    "add_batch_events",
    "batch_history",
    "lineage",
    "Recall",
    "recall",
]

BATCH_EVENT_TYPES = ("material", "production", "inspection", "shipment", "customs", "warehouse", "sale")
"""The supply-chain steps a batch's history holds (``ingest`` and ``run`` are the warehouse's own)."""


PERSONAL_PARTS = ("email", "phone", "customer", "buyer", "recipient", "passport", "birth", "firstname", "lastname",
                  "fullname", "consignee")  # fmt: skip
"""Parts of a data key that mark personal data in a supply-chain event (``buyer_email``, ``customerName``),
beside the exact names :data:`xborder.ledger.events.PERSONAL_KEYS` refuses in every event."""


def _refuse_personal(value: Any, where: str) -> None:
    if isinstance(value, Mapping):
        for k, v in value.items():
            norm = re.sub(r"[^a-z]", "", str(k).lower())
            if any(p in norm for p in PERSONAL_PARTS):
                raise BadInputError(
                    f"{where}: the field {k!r} looks like personal data, which the ledger cannot erase.",
                    hint="Leave people out of ledger events; a sale names its order ids (recall finds the rest).",
                )
            _refuse_personal(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _refuse_personal(v, f"{where}[{i}]")


def document_ref(path: Path | str, name: str | None = None) -> dict[str, Any]:
    """``{"name", "sha256", "bytes"}`` of a document (certificate, bill of lading, test report): the ledger keeps
    its hash, the document stays where it is; anyone holding the file can check it against the entry.

    Raises:
        BadInputError: the file cannot be read.
    """
    p = Path(path)
    h = hashlib.sha256()
    size = 0
    try:
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise BadInputError(
            f"Document {p}: cannot be read ({exc.strerror}).", hint="Give the path of the file to hash."
        ) from None
    return {"name": name or p.name, "sha256": h.hexdigest(), "bytes": size}


def batch_event(
    batch_id: str,
    type_: str,
    at: Any,
    *,
    actor: str | None = None,
    data: Mapping[str, Any] | None = None,
    documents: Sequence[Mapping[str, Any]] = (),
    parents: Sequence[str] = (),
    where: str = "event",
) -> Event:
    """A checked supply-chain event: ``data`` plus ``actor`` (the company or site that did it, not a person),
    ``documents`` (:func:`document_ref` dicts or ``{"name", "sha256"}``) and ``parents`` (batches it was made
    from: material → product).

    Raises:
        BadInputError: not a supply-chain type, a field missing for its type, a document without a SHA-256,
            personal data (see :func:`xborder.ledger.events.parse_event`).
    """
    if type_ not in BATCH_EVENT_TYPES:
        raise BadInputError(
            f"{where}: {type_!r} is not a supply-chain event type.",
            hint=f"Use one of: {', '.join(BATCH_EVENT_TYPES)}.",
        )
    body: dict[str, Any] = dict(data or {})
    if actor:
        body["actor"] = actor
    docs = [dict(d) for d in documents]
    for i, d in enumerate(docs):
        sha = str(d.get("sha256", ""))
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise BadInputError(
                f"{where}: documents[{i}] needs a 'sha256' of 64 lower-case hex digits.",
                hint="Pass the file (--doc FILE) and xborder hashes it.",
            )
    if docs:
        body["documents"] = docs
    if parents:
        body["parents"] = sorted(dict.fromkeys(parents))
        if batch_id in body["parents"]:
            raise BadInputError(f"{where}: batch {batch_id} cannot be its own parent.")
    _refuse_personal(body, f"{where}.data")
    return parse_event(batch_id, {"type": type_, "at": at, "data": body}, where)


def batch_event_from(record: Any, where: str = "event") -> Event:
    """A checked supply-chain event from one JSON record ``{"batch_id", "type", "at", "actor", "data",
    "documents", "parents"}`` (a line of ``ledger batch add --file``, an item of ``POST /api/ledger/batches``).

    Raises:
        BadInputError: not a JSON object, or what :func:`batch_event` refuses; the message starts with ``where``.
    """
    if not isinstance(record, Mapping):
        raise BadInputError(f"{where}: an event is a JSON object.")
    data, docs, parents = record.get("data"), record.get("documents") or [], record.get("parents") or []
    if data is not None and not isinstance(data, Mapping):
        raise BadInputError(f"{where}: 'data' must be a JSON object (field → value).")
    if not isinstance(docs, list) or not all(isinstance(d, Mapping) for d in docs):
        raise BadInputError(f"{where}: 'documents' must be a list of objects with 'name' and 'sha256'.")
    if not isinstance(parents, list) or not all(isinstance(b, str) for b in parents):
        raise BadInputError(f"{where}: 'parents' must be a list of batch ids.")
    if record.get("actor") is not None and not isinstance(record.get("actor"), str):
        raise BadInputError(f"{where}: 'actor' must be text (a company or site).")
    return batch_event(
        record.get("batch_id"),  # type: ignore[arg-type]  # checked by parse_event
        record.get("type"),  # type: ignore[arg-type]
        record.get("at"),
        actor=record.get("actor"),
        data=data,
        documents=docs,
        parents=parents,
        where=where,
    )


def add_batch_events(
    con: duckdb.DuckDBPyConnection,
    events: Iterable[Event],
    *,
    origin: str | None = "cli",
    check_parents: bool = True,
) -> AppendResult:
    """Append supply-chain events in one transaction; with ``check_parents`` every parent batch must already have
    events (in the ledger or earlier in ``events``), so lineage never points at nothing.

    Raises:
        BadInputError: a parent batch is unknown; nothing is written then.
    """
    evs = list(events)
    if check_parents:
        wanted = sorted({p for e in evs for p in e.data.get("parents", [])} - {e.batch_id for e in evs})
        if wanted:
            known = {
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT batch_id FROM ledger_entries WHERE batch_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
                    [wanted],
                ).fetchall()
            }
            unknown = [p for p in wanted if p not in known]
            if unknown:
                raise BadInputError(
                    f"Parent batch(es) {', '.join(unknown[:5])} have no events in the ledger.",
                    hint="Record the parent batch first (e.g. its material event), or check the id.",
                )
    return append_events(con, evs, origin=origin)


def batch_history(con: duckdb.DuckDBPyConnection, batch_id: str) -> list[dict[str, Any]]:
    """The events of one batch in the order they were appended: seq, leaf index, type, when, origin, data,
    leaf hash."""
    rows = con.execute(
        "SELECT seq, leaf_index, event_type, occurred_at, recorded_at, origin, document, leaf_hash "
        "FROM ledger_entries WHERE batch_id = ? ORDER BY leaf_index",
        [batch_id],
    ).fetchall()
    return [
        {"seq": int(r[0]), "index": int(r[1]), "type": r[2], "at": r[3], "recorded_at": r[4], "origin": r[5],
         "data": json.loads(r[6])["data"], "leaf_hash": r[7]}
        for r in rows
    ]  # fmt: skip


def _edges(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(parent, child) for every ``parents`` entry of every supply-chain event."""
    rows = con.execute(
        """SELECT DISTINCT p.parent, e.batch_id FROM ledger_entries e,
               unnest(CAST(json_extract_string(e.document, '$.data.parents[*]') AS VARCHAR[])) AS p(parent)
           WHERE e.event_type IN (SELECT unnest(CAST(? AS VARCHAR[])))
             AND json_exists(e.document, '$.data.parents')""",
        [list(BATCH_EVENT_TYPES)],
    ).fetchall()
    return [(str(a), str(b)) for a, b in rows]


def _walk(start: str, step: dict[str, list[str]]) -> dict[str, int]:
    """Breadth-first from ``start`` over ``step``: batch → its distance (0 for ``start``)."""
    depth = {start: 0}
    todo = deque([start])
    while todo:
        b = todo.popleft()
        for nxt in step.get(b, []):
            if nxt not in depth:
                depth[nxt] = depth[b] + 1
                todo.append(nxt)
    return depth


def lineage(con: duckdb.DuckDBPyConnection, batch_id: str) -> dict[str, dict[str, int]]:
    """``{"upstream": {batch: distance}, "downstream": {batch: distance}}`` over the ``parents`` links (the batch
    itself excluded)."""
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for parent, child in _edges(con):
        up.setdefault(child, []).append(parent)
        down.setdefault(parent, []).append(child)
    u, d = _walk(batch_id, up), _walk(batch_id, down)
    u.pop(batch_id), d.pop(batch_id)
    return {"upstream": u, "downstream": d}


@dataclass
class Recall:
    """Everything downstream of a batch: the batches made from it, their sales and where they went."""

    batch_id: str
    batches: dict[str, int] = field(
        default_factory=dict
    )  # batch -> distance from the recalled one (0 = itself)
    sales: list[dict[str, Any]] = field(default_factory=list)  # one per order reference of a sale event
    markets: dict[str, dict[str, float]] = field(default_factory=dict)  # market -> {orders, lines, units}
    lines_found: int = 0  # order_lines rows the order references matched
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON for ``--json``."""
        return {
            "batch_id": self.batch_id, "batches": self.batches, "sales": self.sales, "markets": self.markets,
            "orders": len({(s["source"], s["order_id"]) for s in self.sales}), "lines_found": self.lines_found,
            "seconds": round(self.seconds, 3),
        }  # fmt: skip


def recall(con: duckdb.DuckDBPyConnection, batch_id: str) -> Recall:
    """Which batches, orders and markets received ``batch_id`` (a material lot, a production batch ...).

    Follows ``parents`` links downstream, collects every sale event of those batches, and joins each order
    reference to ``order_lines`` (source, order id, optional line number) for the lines, units and markets sold;
    a sale's own ``market`` counts when the order is not in the warehouse.

    Raises:
        NotFoundError: the batch has no events in the ledger.
    """
    t0 = dt.datetime.now()
    if not con.execute("SELECT count(*) FROM ledger_entries WHERE batch_id = ?", [batch_id]).fetchone()[0]:  # type: ignore[index]
        raise NotFoundError(
            f"Batch {batch_id!r} has no events in the ledger.",
            hint="`xborder ledger show` lists the batches.",
        )
    res = Recall(batch_id, {batch_id: 0, **lineage(con, batch_id)["downstream"]})
    rows = con.execute(
        "SELECT batch_id, seq, occurred_at, document FROM ledger_entries WHERE event_type = 'sale' "
        "AND batch_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) ORDER BY seq",
        [list(res.batches)],
    ).fetchall()
    for b, seq, at, doc in rows:
        data = json.loads(doc)["data"]
        for ref in data["orders"]:
            r = ref if isinstance(ref, dict) else {"order_id": ref}
            res.sales.append(
                {"batch_id": b, "seq": int(seq), "at": at, "order_id": str(r["order_id"]),
                 "line_no": r.get("line_no"), "source": r.get("source") or data.get("source"),
                 "market": r.get("market") or data.get("market"),
                 "quantity": r.get("quantity", data.get("quantity") if len(data["orders"]) == 1 else None)}
            )  # fmt: skip
    _join_orders(con, res)
    res.seconds = (dt.datetime.now() - t0).total_seconds()
    return res


def _join_orders(con: duckdb.DuckDBPyConnection, res: Recall) -> None:
    """Count the order lines, units and markets of every sale reference (order_lines when it holds the order)."""
    found: dict[int, list[tuple[str, float]]] = {}
    if res.sales and table_exists(con, "order_lines"):
        refs = [(i, s["order_id"], s["line_no"], s["source"]) for i, s in enumerate(res.sales)]
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _x_recall (i INTEGER, order_id VARCHAR, line_no INTEGER, source VARCHAR)"
        )
        con.executemany("INSERT INTO _x_recall VALUES (?, ?, ?, ?)", refs)
        for i, market, units in con.execute(
            """SELECT r.i, coalesce(o.country, o.marketplace_id, '?'), coalesce(o.quantity, 0)
               FROM _x_recall r JOIN order_lines o ON o.order_id = r.order_id
                AND (r.line_no IS NULL OR o.line_no = r.line_no) AND (r.source IS NULL OR o.source = r.source)"""
        ).fetchall():
            found.setdefault(int(i), []).append((str(market), float(units)))
        con.execute("DROP TABLE IF EXISTS _x_recall")
    for i, s in enumerate(res.sales):
        lines = found.get(i, [])
        if not lines:  # the order is not in the warehouse: the sale event's own market and quantity
            lines = [(s["market"] or "unknown", float(s["quantity"] or 0))]
            s["lines"] = 0
        else:
            s["lines"] = len(lines)
        s["units"] = sum(u for _, u in lines)
        res.lines_found += s["lines"]
        for m in sorted({m for m, _ in lines}):
            agg = res.markets.setdefault(m, {"orders": 0, "lines": 0, "units": 0.0})
            agg["orders"] += 1
            agg["lines"] += sum(1 for mm, _ in lines if mm == m) if s["lines"] else 0
            agg["units"] += sum(u for mm, u in lines if mm == m)
