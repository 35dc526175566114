"""Every single-byte change anywhere in a stored ledger (entries, heads, checkpoints) is detected."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xborder.ledger.anchor import anchor_checkpoint
from xborder.ledger.store import append_many
from xborder.ledger.verify import verify
from xborder.warehouse import connect

# A batch's history as a seller would record it (no personal data; the sale names order ids of UCI Online Retail).
EVENTS = [
    {"batch_id": "LOT-2024-017", "type": "material", "at": "2024-02-01T08:00:00Z",
     "data": {"material": "ABS resin", "certificates": ["RoHS 2011/65/EU"], "kg": 250.5}},
    {"batch_id": "LOT-2024-017", "type": "production", "at": "2024-02-05", "data": {"site": "Dongguan line 3", "units": 1200}},
    {"batch_id": "LOT-2024-017", "type": "inspection", "at": "2024-02-06", "data": {"result": "pass", "aql": 2.5}},
    {"batch_id": "LOT-2024-018", "type": "material", "at": "2024-02-02", "data": {"material": "PP", "kg": 90}},
    {"batch_id": "LOT-2024-017", "type": "shipment", "at": "2024-02-10T03:00:00+08:00",
     "data": {"from": "CNSZX", "to": "GBFXT", "readings": [{"t": 21.5, "rh": 0.55}]}},
    {"batch_id": "LOT-2024-017", "type": "customs", "at": "2024-03-12", "data": {"country": "GB", "hs": "3926.90"}},
    {"batch_id": "LOT-2024-017", "type": "sale", "at": "2024-03-20", "data": {"orders": ["536365", {"order_id": "536366", "line_no": 1}]}},
]  # fmt: skip

# (table, column, key column): every stored text column of the three ledger tables
COLUMNS = [
    ("ledger_entries", c, "seq")
    for c in ("batch_id", "event_type", "origin", "event_key", "prev_hash", "document", "leaf_hash")
] + [
    ("ledger_heads", c, "batch_id || ':' || tree_size") for c in ("batch_id", "root_hash", "head_hash")
] + [
    ("ledger_anchors", c, "log_size || ':' || anchor") for c in ("log_root", "chain_hash", "anchor", "receipt", "checkpoint_hash")
]  # fmt: skip


def _verifies(db) -> bool:  # noqa: ANN001
    """Whether the ledger in the warehouse file ``db`` verifies; the file is removed afterwards."""
    con = connect(db, read_only=True)
    try:
        rep = verify(con)
    finally:
        con.close()
    db.unlink()
    return rep.ok


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("tamper") / "l.duckdb"
    con = connect(db)
    try:
        append_many(con, EVENTS[:4], origin="test")
        anchor_checkpoint(con)
        append_many(con, EVENTS[4:], origin="test")
        anchor_checkpoint(con)
        assert verify(con).ok
    finally:
        con.close()
    return db


def test_the_history_verifies_and_appending_again_stores_nothing(ledger_db: Path) -> None:
    con = connect(ledger_db, read_only=True)
    try:
        rep = verify(con)
        batch = verify(con, "LOT-2024-017")
    finally:
        con.close()
    assert rep.ok and rep.entries == 7 and rep.batches == 2 and rep.anchors == 2
    assert batch.ok and batch.entries == 6 and batch.roots["LOT-2024-017"]["tree_size"] == 6


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    which=st.integers(0, len(COLUMNS) - 1),
    row=st.integers(0, 10),
    pos=st.integers(0, 10_000),
    bit=st.integers(0, 6),
)
def test_any_single_byte_change_is_detected(
    ledger_db: Path, tmp_path: Path, which: int, row: int, pos: int, bit: int
) -> None:
    table, column, key = COLUMNS[which]
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{ledger_db}' AS src (READ_ONLY)")
    con.execute(f"CREATE TABLE {table}_copy AS SELECT * FROM src.{table}")
    keys = [r[0] for r in con.execute(f"SELECT {key} FROM src.{table} ORDER BY 1").fetchall()]
    target = keys[row % len(keys)]
    value = con.execute(f"SELECT {column} FROM src.{table} WHERE {key} = ?", [target]).fetchone()
    con.close()
    text = value[0] if value else None
    if text is None or not text:
        return  # a NULL column (no origin): nothing to change
    i = pos % len(text)
    changed = text[:i] + chr(ord(text[i]) ^ (1 << bit)) + text[i + 1 :]
    if changed == text or not changed.isprintable():
        changed = text[:i] + ("0" if text[i] != "0" else "1") + text[i + 1 :]
    db = tmp_path / f"t-{which}-{row}-{pos}-{bit}.duckdb"
    db.write_bytes(ledger_db.read_bytes())
    w = duckdb.connect(str(db))
    w.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", [changed, target])
    w.close()
    assert not _verifies(db), (table, column, target, i)


def test_a_removed_entry_and_a_changed_time_are_detected(ledger_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    db.write_bytes(ledger_db.read_bytes())
    w = duckdb.connect(str(db))
    w.execute("UPDATE ledger_entries SET occurred_at = occurred_at + INTERVAL 1 SECOND WHERE seq = 2")
    w.execute("DELETE FROM ledger_entries WHERE seq = 6")
    w.close()
    con = connect(db, read_only=True)
    try:
        rep = verify(con)
    finally:
        con.close()
    codes = {(p.row, p.code) for p in rep.problems}
    assert ("seq 2", "column_mismatch") in codes
    assert ("seq 7", "chain_gap") in codes
    assert rep.first_tampered == 2


# (table, column, key column, type): every stored number and time of the three ledger tables
NUMBERS = [
    ("ledger_entries", c, "seq", t)
    for c, t in (("seq", "int"), ("leaf_index", "int"), ("occurred_at", "time"), ("recorded_at", "time"))
] + [
    ("ledger_heads", c, "batch_id || ':' || tree_size", t)
    for c, t in (("tree_size", "int"), ("last_seq", "int"), ("created_at", "time"))
] + [
    ("ledger_anchors", c, "log_size || ':' || anchor", t) for c, t in (("log_size", "int"), ("created_at", "time"))
]  # fmt: skip


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, len(NUMBERS) - 1), row=st.integers(0, 10), bit=st.integers(0, 15))
def test_any_single_bit_change_of_a_stored_number_or_time_is_detected(
    ledger_db: Path, tmp_path: Path, which: int, row: int, bit: int
) -> None:
    _flip_number(ledger_db, tmp_path, which, row, bit)


@pytest.mark.parametrize("which", range(len(NUMBERS)), ids=[f"{t}.{c}" for t, c, _, _ in NUMBERS])
def test_the_smallest_change_of_every_number_and_time_column_is_detected(
    ledger_db: Path, tmp_path: Path, which: int
) -> None:
    # the last row of each table, one more (no other row has that key) or 1 µs later
    assert _flip_number(ledger_db, tmp_path, which, -1, 0, add=True), NUMBERS[which]


def _flip_number(ledger_db: Path, tmp_path: Path, which: int, row: int, bit: int, add: bool = False) -> bool:
    """Change one stored number or time, assert `verify` fails; False when the database refused the change."""
    table, column, key, kind = NUMBERS[which]
    db = tmp_path / f"n-{which}-{row}-{bit}.duckdb"
    db.write_bytes(ledger_db.read_bytes())
    w = duckdb.connect(str(db))
    keys = [r[0] for r in w.execute(f"SELECT {key} FROM {table} ORDER BY 1").fetchall()]
    target = keys[row % len(keys)]
    if kind == "int":  # one bit of the value's two low bytes
        change = f"{column} + {1 << bit}" if add else f"xor({column}, {1 << bit})"
    else:  # a time moved by 2^bit microseconds (1 µs .. 33 ms), the bit a byte flip changes in DuckDB's storage
        change = f"{column} + to_microseconds({1 << bit})"
    try:
        w.execute(f"UPDATE {table} SET {column} = {change} WHERE {key} = ?", [target])
    except duckdb.ConstraintException:
        w.close()
        db.unlink()
        return False  # the changed number is another row's key: the database itself refuses it
    w.close()
    assert not _verifies(db), (table, column, target, bit)
    return True
