"""Supplier sheets as XLSX: every row stored or quarantined with its file, row, column and reason; the
legal representative's evidence is stored only as a keyed hash."""

from __future__ import annotations

from pathlib import Path

from tests.domains.suppliers.test_stage_cli import EVENTS, VERIFY
from xborder.core.settings import get_settings
from xborder.ingest import ingest_path
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows


def test_xlsx_events_bad_cells_are_quarantined_with_their_reason(tmp_path: Path) -> None:
    events = EVENTS.copy()
    events.loc[1, "Promised Date"] = "next week"
    events.loc[2, "Defects"] = "three"
    path = tmp_path / "events.xlsx"
    events.to_excel(path, index=False)
    db = tmp_path / "x.duckdb"
    con = connect(db)
    res = ingest_path(con, path, "suppliers", settings=get_settings(db_path=str(db), pseudonym_key="k"))
    assert [(r.layout, r.rows_in, r.rows_stored, r.rows_duplicate, r.rows_quarantined) for r in res] == [
        ("supplier_events", 9, 7, 0, 2)
    ]
    q = read_rows(con, "quarantine").sort_values("row_number")
    assert q[["file_name", "row_number", "column_name", "value", "reason"]].values.tolist() == [
        ["events.xlsx", 2, "Promised Date", "next week", "Promised Date: not a valid date"],
        ["events.xlsx", 3, "Defects", "three", "Defects: not a valid number or amount"],
    ]
    # the same file again: nothing added, nothing lost
    again = ingest_path(con, path, "suppliers", settings=get_settings(db_path=str(db), pseudonym_key="k"))
    assert again[0].rows_stored == 0 and again[0].rows_in == again[0].rows_duplicate == 9
    con.close()


def test_the_legal_representative_is_stored_as_a_keyed_hash(tmp_path: Path) -> None:
    path = tmp_path / "verify.xlsx"
    VERIFY.to_excel(path, index=False)
    db = tmp_path / "v.duckdb"
    con = connect(db)
    res = ingest_path(con, path, "suppliers", settings=get_settings(db_path=str(db), pseudonym_key="k"))
    assert [(r.layout, r.rows_in, r.rows_stored) for r in res] == [("supplier_verification", 5, 5)]
    v = read_rows(con, "supplier_verifications").set_index("check_type")
    con.close()
    rep = v.loc["legal_representative", "evidence_ref"]
    assert "Zhang" not in rep and "330203198001010000" not in rep and len(rep) >= 16
    assert v.loc["tax_registration", "evidence_ref"] == "913302001"  # a company number is kept as given
