"""Anchoring is optional and pluggable: an external public log plugs in through ``register_anchor`` (here a stand-in
kept in memory, with the receipt a transparency log gives: its index and the entry's hash), ``verify`` asks it
about its receipts, a log that lost or changed the entry is named, and a warehouse read where the plug-in is not
installed still verifies offline, saying what it did not check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xborder.ledger import anchor as anchors
from xborder.ledger.anchor import anchor_checkpoint, anchor_for, register_anchor
from xborder.ledger.canonical import canonical_json
from xborder.ledger.store import append_many
from xborder.ledger.verify import verify
from xborder.warehouse import connect

EVENTS = [
    {"batch_id": "LOT-7", "type": "material", "at": "2024-02-01", "data": {"material": "PP", "kg": 90}},
    {
        "batch_id": "LOT-7",
        "type": "production",
        "at": "2024-02-05",
        "data": {"site": "Dongguan line 3", "units": 1200},
    },
    {"batch_id": "LOT-7", "type": "inspection", "at": "2024-02-06", "data": {"result": "pass", "aql": 2.5}},
]


class PublicLog:
    """A stand-in for an external append-only log (its entries and their hashes, as a server would keep them)."""

    def __init__(self) -> None:
        self.entries: list[bytes] = []

    def add(self, body: bytes) -> int:
        self.entries.append(body)
        return len(self.entries) - 1


class PublicLogAnchor:
    """The plug-in: ``submit`` posts the checkpoint and keeps the log's receipt; ``check`` asks the log again."""

    name = "publog"

    def __init__(self, log: PublicLog) -> None:
        self.log = log

    def submit(self, checkpoint: dict[str, Any]) -> dict[str, Any]:
        import hashlib

        body = canonical_json(checkpoint)
        return {"anchor": "publog", "index": self.log.add(body), "sha256": hashlib.sha256(body).hexdigest()}

    def check(self, checkpoint: dict[str, Any], receipt: dict[str, Any]) -> str | None:
        i = receipt.get("index")
        if not isinstance(i, int) or not 0 <= i < len(self.log.entries):
            return f"the public log has no entry {i}"
        if self.log.entries[i] != canonical_json(checkpoint):
            return f"entry {i} of the public log is not this checkpoint"
        return None


@pytest.fixture
def plugged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    log = PublicLog()
    monkeypatch.setattr(
        anchors, "_FACTORIES", dict(anchors._FACTORIES)
    )  # the registration ends with the test
    register_anchor("publog", lambda spec: PublicLogAnchor(log))
    con = connect(tmp_path / "w.duckdb")
    append_many(con, EVENTS[:2], origin="test")
    first = anchor_checkpoint(con)  # the default: offline, recorded here only
    append_many(con, EVENTS[2:], origin="test")
    second = anchor_checkpoint(con, anchor_for("publog"))
    yield con, log, first, second
    con.close()


def test_a_registered_public_log_takes_the_checkpoint_and_verify_asks_it(plugged) -> None:  # noqa: ANN001
    con, log, first, second = plugged
    assert first["anchor"] == "local" and second["anchor"] == "publog"
    assert len(log.entries) == 1 and b'"size":3' in log.entries[0].replace(b" ", b"")
    rep = verify(con)
    assert rep.ok and rep.anchors == 2, rep.problems


def test_a_log_that_lost_or_changed_the_entry_is_named(plugged) -> None:  # noqa: ANN001
    con, log, _, _ = plugged
    log.entries[0] = log.entries[0].replace(b'"size":3', b'"size":2')
    rep = verify(con)
    assert not rep.ok
    assert [(p.code, p.message) for p in rep.problems] == [
        ("anchor_rejects", "entry 0 of the public log is not this checkpoint")
    ]
    log.entries.clear()
    assert [p.message for p in verify(con).problems] == ["the public log has no entry 0"]


def test_without_the_plug_in_the_ledger_still_verifies_offline_and_says_what_it_skipped(
    plugged, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    con, _, _, _ = plugged
    monkeypatch.setattr(anchors, "_FACTORIES", {k: v for k, v in anchors._FACTORIES.items() if k != "publog"})
    rep = verify(con)
    assert rep.ok and any("no anchor 'publog' is registered here" in n for n in rep.notes), rep.notes
