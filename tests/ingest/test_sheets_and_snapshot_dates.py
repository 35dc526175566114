"""Which sheet of a workbook is read (--sheet), and the day an undated snapshot report describes (--as-of, the
time its zip records): real files of ../shared/data."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import shared_path
from tests.ingest.helpers import assert_balanced, fresh, ingest
from xborder.core.errors import BadInputError

SELLER = "amazon_seller_central_us_bathmat_seller_2018_2020"
pytestmark = pytest.mark.shared_data


def _workbook(tmp_path: Path, n: int = 200) -> tuple[Path, pd.DataFrame]:
    """A workbook whose first sheet is a note and whose second holds the first ``n`` UCI Online Retail lines."""
    import openpyxl

    raw = gzip.decompress(shared_path("uci_online_retail", "online_retail.csv.gz").read_bytes())
    lines = pd.read_csv(io.BytesIO(raw), nrows=n, dtype=str, encoding="latin-1")
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["Exported for the buying team; the lines are on the next sheet."])
    ws = wb.create_sheet("Orders")
    ws.append(list(lines.columns))
    for row in lines.itertuples(index=False):
        ws.append(list(row))
    path = tmp_path / "orders.xlsx"
    wb.save(path)
    return path, lines


def test_sheet_reads_the_named_or_numbered_sheet_of_a_workbook(tmp_path: Path) -> None:
    book, lines = _workbook(tmp_path)
    con = fresh(tmp_path)
    with pytest.raises(BadInputError):  # the first sheet (a note) is not a file of orders
        ingest(con, book, "orders", tmp_path)
    [res] = ingest(con, book, "orders", tmp_path, sheet="Orders")
    assert_balanced([res])
    assert res.file_name == "orders.xlsx[Orders]" and res.rows_in == len(lines) == 200
    stored = con.execute("SELECT count(*), sum(quantity) FROM order_lines").fetchone()
    assert stored[0] == res.rows_stored > 0
    # the same sheet by number: read (another selection of the workbook), its lines are duplicates
    [again] = ingest(con, book, "orders", tmp_path, sheet="2")
    assert again.status == "ok" and again.rows_stored == 0 and again.rows_in == 200
    assert con.execute("SELECT count(*), sum(quantity) FROM order_lines").fetchone() == stored
    with pytest.raises(BadInputError) as err:
        ingest(con, book, "orders", tmp_path, sheet="Lines")
    assert "no sheet 'Lines'" in err.value.message and "'Notes', 'Orders'" in (err.value.hint or "")


def test_as_of_dates_a_snapshot_report_that_has_no_date(tmp_path: Path) -> None:
    restock = shared_path(SELLER, "inventory", "12.20 restock inventory.csv")
    con = fresh(tmp_path)
    [res] = ingest(con, restock, None, tmp_path, as_of=dt.date(2019, 12, 20))
    assert_balanced([res])
    got = con.execute(
        "SELECT DISTINCT snapshot_date, snapshot_date_source FROM inventory_snapshots WHERE ingest_id = ?",
        [res.ingest_id],
    ).fetchall()
    assert got == [(dt.date(2019, 12, 20), "given")]


def test_an_undated_report_in_a_zip_takes_the_day_the_zip_records(tmp_path: Path) -> None:
    archive = shared_path(SELLER, "inventory", "amazon fullfill invneotry.zip")
    con = fresh(tmp_path)
    results = ingest(con, archive, None, tmp_path)
    assert_balanced(results)
    got = con.execute(
        "SELECT DISTINCT snapshot_date, snapshot_date_source FROM inventory_snapshots"
    ).fetchall()
    assert got == [(dt.date(2020, 2, 2), "zip_member")]  # both members were zipped on 2020-02-02
    logged = con.execute(
        "SELECT file_name, file_modified, file_modified_source FROM ingest_log ORDER BY file_name"
    ).fetchall()
    assert logged == [
        (
            "amazon fullfill invneotry.zip/amazon fullfill invneotry.csv",
            dt.datetime(2020, 2, 2, 22, 1, 14),
            "zip_member",
        ),
        (
            "amazon fullfill invneotry.zip/manage amazon inventory.csv",
            dt.datetime(2020, 2, 2, 22, 1, 32),
            "zip_member",
        ),
    ]
