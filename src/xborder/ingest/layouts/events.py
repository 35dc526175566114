"""Supply-chain event files (kind ``events``): one event of a batch (lot) per row → the traceability ledger.

A supplier's, a QC lab's or a forwarder's sheet of what happened to each batch — materials with their
certificates, production, inspection, shipment legs, customs, warehouse, sale — goes in with ``xborder ingest``
like any export, instead of one ``xborder ledger batch add`` per event. Columns: the batch (``Batch``, ``Lot``,
``Lot No`` …), the step (``Event``, ``Type``, ``Step``: one of :data:`~xborder.ledger.batches.BATCH_EVENT_TYPES`),
when (``At``, ``Date``, ``Event time`` …, ISO 8601), and optionally who did it (``Actor``, ``Company``) and the
batches it was made from (``Parents``, separated by ``;``). Every other filled column is a fact of the event
(``Result`` → ``result: "pass"``, ``Temperature (C)`` → ``temperature_c: 4.5``); each step needs its facts
(:data:`~xborder.ledger.events.EVENT_TYPES`: material → Material, production → Site, inspection → Result,
shipment → From and To, customs → Country, warehouse → Warehouse, sale → Orders). A column of order ids
(``Orders``) is split like the parents, so a ``sale`` event names its orders. Numbers are stored as numbers.

Each row is checked as ``ledger batch add`` checks an event; a row it refuses (unknown step, a date that is not
ISO 8601, a column that looks personal, a parent batch with no events, a sale without orders) is quarantined
with that reason, and a personal-looking column's values are masked in the quarantine too. An event already in
the ledger (same batch, step, time and facts) is a duplicate, so a re-sent sheet adds nothing.
Documents are not read from a sheet (the ledger keeps a document's SHA-256, which a cell cannot prove): add
them with ``ledger batch add --doc``.
"""

from __future__ import annotations

import re
from typing import Any

from xborder.core.errors import BadInputError
from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.masking import mask_quarantine

__all__ = ["EVENT_FIELDS"]

EVENT_FIELDS = (
    Field(
        "batch_id",
        (
            "Batch",
            "Batch ID",
            "Batch No",
            "Batch Number",
            "Lot",
            "Lot ID",
            "Lot No",
            "Lot Number",
            "批次",
            "批次号",
            "批号",
        ),
        required=True,
    ),  # fmt: skip
    Field("event_type", ("Event", "Event Type", "Type", "Step", "事件", "环节"), required=True),
    Field(
        "at",
        ("At", "Date", "Event Date", "Event Time", "Time", "Timestamp", "When", "日期", "时间"),
        required=True,
    ),
    Field("actor", ("Actor", "Company", "Performed By", "Done By", "执行方", "执行单位"), optional=True),
    Field(
        "parents",
        ("Parents", "Parent", "Parent Batches", "Parent Batch", "Made From", "Source Batch", "原料批次"),
        optional=True,
    ),  # fmt: skip
)
_LISTS = {"orders", "orderids", "order", "parents"}
_SPLIT = re.compile(r"\s*[;|]\s*")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _fact(value: str) -> Any:
    """A cell as a fact: a plain number as a number (``4.5``, ``120``), anything else as its text."""
    if _NUMBER.fullmatch(value):
        number = float(value)
        return (
            int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
        )
    return value


def _key(header: str) -> str:
    """A column header as a fact's name: ``Temperature (°C)`` → ``temperature_c``."""
    return re.sub(r"[^0-9a-z一-鿿]+", "_", header.strip().lower()).strip("_") or "value"


def _personal(header: str) -> bool:
    from xborder.ledger.batches import _refuse_personal

    try:
        _refuse_personal({header: ""}, "column")
    except BadInputError:
        return True
    return False


def _write(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    from xborder.ledger.batches import batch_event

    m = ctx.mapping
    extra = ctx.unmapped_columns()
    cols = [m["batch_id"], m["event_type"], m["at"], m.get("actor"), m.get("parents"), *extra]
    select = ", ".join("NULL" if c is None else 's."' + c.replace('"', '""') + '"' for c in cols)
    rows = con.execute(
        f"SELECT g._row, {select} FROM {ctx.good} g JOIN {ctx.stage} s ON s._row = g._row ORDER BY g._row"
    ).fetchall()
    events, bad, seen_batches = [], [], set()
    known = {r[0] for r in con.execute("SELECT DISTINCT batch_id FROM ledger_entries").fetchall()}
    for row in rows:
        n, batch, kind, at, actor, parents, *facts = row
        where = f"{ctx.file_name} row {n}"
        data = {
            _key(h): _fact(str(v).strip())
            for h, v in zip(extra, facts, strict=True)
            if v is not None and str(v).strip()
        }
        for k in list(data):
            if k.replace("_", "") in _LISTS and isinstance(data[k], str):
                data[k] = [x for x in _SPLIT.split(data[k]) if x]
        plist = [p for p in _SPLIT.split(str(parents or "").strip()) if p]
        try:
            ev = batch_event(str(batch).strip(), str(kind).strip().lower(), str(at).strip(),
                             actor=str(actor).strip() if actor and str(actor).strip() else None,
                             data=data, parents=plist, where=where)  # fmt: skip
            missing = [p for p in plist if p not in known and p not in seen_batches]
            if missing:
                raise BadInputError(
                    f"{where}: parent batch(es) {', '.join(missing[:5])} have no events in the ledger."
                )
        except BadInputError as exc:
            bad.append((n, str(exc)))
            continue
        events.append(ev)
        seen_batches.add(ev.batch_id)
    quarantined = _quarantine(con, ctx, bad)
    masked = [h for h in ctx.columns if h != "_row" and _personal(h)]
    if quarantined and masked:
        mask_quarantine(con, ctx.ingest_id, masked)
    from xborder.ledger.store import append_events

    result = append_events(con, events, origin="ingest")
    return WriteCounts(
        result.stored, result.duplicates, quarantined,
        {"batches": sorted({e.batch_id for e in events})[:50], "heads": len(result.heads)},
    )  # fmt: skip


def _quarantine(con, ctx: LoadContext, bad: list[tuple[int, str]]) -> int:  # noqa: ANN001
    """Quarantine the refused rows with the ledger's reason (the file's row, as text, kept beside it)."""
    if not bad:
        return 0
    con.execute(
        f"""INSERT INTO quarantine SELECT ?, ?, b.n, NULL, NULL, 'bad_event', b.reason,
                (SELECT to_json(s) FROM {ctx.stage} s WHERE s._row = b.n)
            FROM (SELECT unnest(?::BIGINT[]) AS n, unnest(?::VARCHAR[]) AS reason) b""",
        [ctx.ingest_id, ctx.file_name, [n for n, _ in bad], [r for _, r in bad]],
    )
    return len(bad)


register(
    Layout(
        "supply_chain_events", "events", EVENT_FIELDS, _write,
        "supply-chain events of batches (batch/lot, step, date, actor, parents, facts) → the traceability ledger",
        order=90, source="events", auto_min=3,
    )
)  # fmt: skip
