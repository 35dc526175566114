"""Supply-chain event sheets through ``xborder ingest`` (kind ``events``): rows become ledger events of their
batches, checked as ``ledger batch add`` checks them; refused rows are quarantined with the ledger's reason."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ingest.helpers import fresh, ingest
from xborder.ledger.verify import verify

FILE = Path(__file__).parent / "data" / "supply_chain_events_synthetic.csv"


def _events(con) -> list[tuple[str, str, dict]]:  # noqa: ANN001
    rows = con.execute(
        "SELECT batch_id, event_type, document FROM ledger_entries WHERE batch_id <> 'xborder-runs' ORDER BY seq"
    ).fetchall()
    return [(b, t, json.loads(d)["data"]) for b, t, d in rows]


def test_event_sheet_is_recognised_and_appended(tmp_path: Path) -> None:
    con = fresh(tmp_path)
    (r,) = ingest(con, FILE, None, tmp_path)  # no --as: recognised from the columns
    assert (r.kind, r.layout) == ("events", "supply_chain_events")
    # 10 rows: 5 events, 1 repeat of row 2, 4 refused (unknown step, US date, unknown parent, personal column)
    assert (r.rows_in, r.rows_stored, r.rows_duplicate, r.rows_quarantined) == (10, 5, 1, 4)
    got = _events(con)
    assert [(b, t) for b, t, _ in got] == [
        ("COT-7", "material"), ("COT-7", "inspection"), ("MAT-1", "production"), ("MAT-1", "shipment"),
        ("MAT-1", "sale"),
    ]  # fmt: skip
    assert got[0][2] == {"actor": "Mill A", "certificate": "GOTS-123", "material": "organic cotton"}
    assert got[2][2]["parents"] == ["COT-7"]
    assert got[3][2]["temperature_c"] == 4.5  # a number, not the text "4.5"
    assert got[4][2]["orders"] == ["o-1", "o-2"]
    reasons = dict(con.execute("SELECT row_number, reason FROM quarantine").fetchall())
    assert sorted(reasons) == [5, 7, 8, 9]
    assert "'teleport' is not a supply-chain event type" in reasons[5]
    assert "'04/05/2024' is not a date" in reasons[7]
    assert "UNKNOWN-LOT have no events" in reasons[8]
    assert "looks like personal data" in reasons[9]
    raw = con.execute("SELECT raw FROM quarantine WHERE row_number = 9").fetchone()[0]
    assert "someone@example.com" not in raw  # the personal column is masked in the quarantine too
    report = verify(con)
    assert report.ok, report.problems


def test_the_same_sheet_again_adds_nothing(tmp_path: Path) -> None:
    con = fresh(tmp_path)
    ingest(con, FILE, "events", tmp_path)
    before = con.execute("SELECT count(*) FROM ledger_entries WHERE batch_id <> 'xborder-runs'").fetchone()[0]
    (r,) = ingest(con, FILE, "events", tmp_path, force=True)
    assert (r.rows_stored, r.rows_duplicate, r.rows_quarantined) == (0, 6, 4)
    after = con.execute("SELECT count(*) FROM ledger_entries WHERE batch_id <> 'xborder-runs'").fetchone()[0]
    assert after == before == 5
