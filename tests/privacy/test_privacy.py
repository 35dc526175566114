"""Privacy controls end to end on real UCI Online Retail rows: the key bound to the warehouse, quarantine masked,
a customer erased from every table, derived table, quarantine and export, retention and the registers."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path

import pytest
from tests.conftest import shared_path

from xborder.core.errors import BadInputError
from xborder.core.settings import Settings
from xborder.ingest import ingest_path
from xborder.ingest.masking import MASK
from xborder.ingest.pseudonym import pseudonymise
from xborder.privacy import add_breach, data_map, erase_subject, list_breaches, list_requests, retain
from xborder.privacy.datamap import KEY_COLUMNS, data_map_markdown
from xborder.schema import all_tables
from xborder.warehouse import connect
from xborder.warehouse.keys import fingerprint, key_info, warehouse_key

pytestmark = pytest.mark.shared_data

NOW = dt.datetime(2026, 12, 6, 12, 0)


def _uci_lines(n: int) -> list[str]:
    with gzip.open(shared_path("uci_online_retail", "online_retail.csv.gz"), "rt", encoding="utf-8") as fh:
        return [next(fh) for _ in range(n + 1)]


@pytest.fixture
def uci(tmp_path: Path) -> Path:
    """The first 200 rows of UCI Online Retail (customer 17850 has 45 of them) and one row with a bad quantity."""
    p = tmp_path / "o.csv"
    bad = "536999,85123A,WHITE HANGING HEART,abc,12/1/2010 8:26,2.55,17850,United Kingdom\n"
    p.write_text("".join(_uci_lines(200)) + bad, encoding="utf-8")
    return p


def _settings(tmp_path: Path, key_file: str = "a.key", **kw) -> Settings:
    return Settings(
        db_path=str(tmp_path / "w.duckdb"),
        pseudonym_key_file=str(tmp_path / key_file),
        report_dir=str(tmp_path / "rej"),
        **kw,
    )


def test_the_same_export_under_two_configurations_is_stored_once(tmp_path, uci) -> None:
    con = connect(tmp_path / "w.duckdb")
    first = ingest_path(con, uci, "orders", settings=_settings(tmp_path, "laptop.key"))[0]
    assert (first.rows_stored, first.rows_quarantined) == (200, 1)
    # the same rows, saved again by another tool (CRLF line ends: another SHA-256), on another machine's config
    again = tmp_path / "o-again.csv"
    again.write_bytes(uci.read_bytes().replace(b"\n", b"\r\n"))
    second = ingest_path(con, again, "orders", settings=_settings(tmp_path, "server.key"))[0]
    assert (second.rows_stored, second.rows_duplicate) == (0, 200)  # before: 200 stored again under a new key
    assert con.execute("SELECT count(*), count(DISTINCT customer_key) FROM order_lines").fetchone() == (
        200,
        16,
    )  # 16 customers in these rows
    info = key_info(con)
    assert info["origin"] == "generated" and len(info["fingerprint"]) == 16
    assert not (tmp_path / "laptop.key").exists()  # the key is the warehouse's, not the machine's
    con.close()


def test_a_pseudonym_key_setting_other_than_the_warehouses_is_refused(tmp_path, uci) -> None:
    con = connect(tmp_path / "w.duckdb")
    ingest_path(con, uci, "orders", settings=_settings(tmp_path, pseudonym_key="first"))
    with pytest.raises(BadInputError, match=fingerprint(b"first")):
        ingest_path(con, uci, "orders", settings=_settings(tmp_path, pseudonym_key="second"))
    assert key_info(con)["origin"] == "setting"
    con.close()


def test_a_warehouse_keyed_before_keys_were_stored_adopts_its_key_file(tmp_path, uci) -> None:
    (tmp_path / "old.key").write_text("old-config-key\n")
    con = connect(tmp_path / "w.duckdb")
    ingest_path(con, uci, "orders", settings=_settings(tmp_path, pseudonym_key="old-config-key"))
    con.execute("DELETE FROM pseudonym_key")  # as a warehouse made before the table existed
    assert warehouse_key(con, _settings(tmp_path, "old.key")) == b"old-config-key"
    assert key_info(con)["origin"] == "key file"
    fresh = connect(tmp_path / "new.duckdb")  # a new, empty warehouse gets its own random key instead
    assert warehouse_key(fresh, _settings(tmp_path, "old.key")) != b"old-config-key"
    con.close()
    fresh.close()


def test_quarantine_and_the_rejected_csv_hold_no_raw_personal_field(tmp_path) -> None:
    lines = _uci_lines(3)
    head = lines[0].rstrip("\n") + ",Email\n"
    rows = [ln.rstrip("\n") + ",alice@example.com\n" for ln in lines[1:]]
    rows.append(
        "536999,85123A,WHITE HANGING HEART,abc,12/1/2010 8:26,2.55,17850,United Kingdom,bob@example.com\n"
    )
    rows.append(
        "537000,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,,United Kingdom,\n"
    )  # no customer: kept
    p = tmp_path / "o.csv"
    p.write_text(head + "".join(rows), encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    res = ingest_path(con, p, "orders", settings=_settings(tmp_path))[0]
    assert res.rows_in == 5 and res.rows_quarantined >= 1
    q = con.execute("SELECT column_name, value, raw FROM quarantine WHERE value = 'abc'").fetchone()
    raw = json.loads(q[2])
    assert (
        raw["CustomerID"] == MASK and raw["Email"] == MASK and raw["Quantity"] == "abc"
    )  # what to fix stays
    everything = json.dumps(con.execute("SELECT * FROM quarantine").fetchall(), default=str)
    assert "17850" not in everything and "example.com" not in everything
    rejected = Path(res.rejected_csv).read_text()
    assert "17850" not in rejected and "bob@" not in rejected and "abc" in rejected
    con.close()


def _trace(con, keys: list[str], raw_id: str) -> list[str]:
    """Where any of ``keys`` (or the raw id, in quarantine) still appears."""
    found = []
    for t in all_tables():
        cols = [
            c.name for c in t.columns if c.personal and c.name in KEY_COLUMNS and c.name != "subject_keys"
        ]
        if (
            not cols
            or not con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [t.name]
            ).fetchone()[0]
        ):
            continue
        for c in cols:
            n = con.execute(
                f'SELECT count(*) FROM "{t.name}" WHERE "{c}" IN (SELECT unnest(?))', [keys]
            ).fetchone()[0]
            if n:
                found.append(f"{t.name}.{c}: {n}")
    n = con.execute(
        "SELECT count(*) FROM quarantine WHERE value = ? OR contains(CAST(raw AS VARCHAR), ?)",
        [raw_id, f'"{raw_id}"'],
    ).fetchone()[0]
    if n:
        found.append(f"quarantine: {n}")
    return found


@pytest.mark.slow
def test_erase_leaves_no_trace_of_a_customer_from_two_sources(tmp_path, uci) -> None:
    from xborder.domains.customers.stage import STAGE
    from xborder.pipeline.runner import run_stage

    s = _settings(tmp_path, pseudonym_key="erasure-test-key")
    con = connect(tmp_path / "w.duckdb")
    ingest_path(con, uci, "orders", settings=s)
    shop = (
        tmp_path / "shop.csv"
    )  # the same person buys in the seller's own shop (canonical layout, source "custom")
    shop.write_text(
        "order_id,ordered_at,product,quantity,unit_price,currency,customer,country\n"
        "S1,2011-01-05,MUG,2,9.5,GBP,17850,GB\nS2,2011-02-07,MUG,1,9.5,GBP,17850,GB\nS3,2011-02-09,MUG,1,9.5,GBP,C-2,GB\n",
        encoding="utf-8",
    )
    ingest_path(con, shop, "orders", settings=s)
    # a quarantined row stored before masking existed (raw id in its JSON)
    con.execute(
        "INSERT INTO quarantine VALUES ('old', 'old.csv', 7, 'CustomerID', '17850', 'bad_number', 'x', "
        """'{"CustomerID": "17850", "Quantity": "x"}')"""
    )
    run_stage(con, s, STAGE, {})  # derived, per-customer tables
    key = warehouse_key(con, s)
    keys = [pseudonymise(key, "uci", "17850"), pseudonymise(key, "custom", "17850")]
    export = tmp_path / "export.csv"
    export.write_text(f"customer,value\n{keys[0][:12]},120.5\n")
    before = _trace(con, keys, "17850")
    assert any(x.startswith("order_lines") for x in before) and any(
        x.startswith("customer_scores") for x in before
    )
    assert any(x.startswith("quarantine") for x in before), before
    res = erase_subject(
        con, key, ["uci", "custom"], "17850", received_at=NOW, deadline_hours=48, done_by="test", now=NOW,
        export_paths=[export], delete_exports=True,
    )  # fmt: skip
    assert _trace(con, keys, "17850") == []
    assert res.status == "done" and res.rows["order_lines"]["unlinked"] == 45 + 2 and not export.exists()
    # the sales stay, anonymous: units and revenue unchanged, only the link to the person gone
    assert con.execute("SELECT count(*), count(customer_key) FROM order_lines").fetchone() == (203, 203 - 47)
    reqs = list_requests(con, now=NOW + dt.timedelta(hours=1))
    assert (
        reqs[0]["status"] == "done"
        and reqs[0]["due_at"] == NOW + dt.timedelta(hours=48)
        and not reqs[0]["late"]
    )
    assert (
        list_requests(con, now=NOW + dt.timedelta(hours=49))[0]["late"] is False
    )  # done in time stays in time
    again = erase_subject(
        con, key, ["uci"], "17850", received_at=NOW, deadline_hours=48, done_by="t", now=NOW
    )
    assert again.status == "not_found"
    con.close()


def test_retention_unlinks_keys_older_than_the_period_and_nothing_newer(tmp_path, uci) -> None:
    con = connect(tmp_path / "w.duckdb")
    ingest_path(con, uci, "orders", settings=_settings(tmp_path))
    keyed = con.execute("SELECT count(customer_key) FROM order_lines").fetchone()[0]
    # UCI's first rows are of 2010-12-01: a period ending 2010-12-01 09:00 keeps the later ones
    now = dt.datetime(2010, 12, 1, 9, 0) + dt.timedelta(days=30)
    older = con.execute(
        "SELECT count(customer_key) FROM order_lines WHERE ordered_at < TIMESTAMP '2010-12-01 09:00'"
    ).fetchone()[0]
    assert 0 < older < keyed
    dry = retain(con, 30, now=now, dry_run=True)
    assert dry["changed"]["order_lines.customer_key"] == older
    assert (
        con.execute("SELECT count(customer_key) FROM order_lines").fetchone()[0] == keyed
    )  # dry run: unchanged
    out = retain(con, 30, now=now)
    assert out["changed"]["order_lines.customer_key"] == older
    assert con.execute("SELECT count(customer_key) FROM order_lines").fetchone()[0] == keyed - older
    with pytest.raises(BadInputError, match="No retention period"):
        retain(con, 0, now=now)
    con.close()


def test_breach_register_counts_down_the_72_hours(tmp_path) -> None:
    con = connect(tmp_path / "w.duckdb")
    b = add_breach(con, "laptop lost", detected_at=NOW, notify_hours=72, recorded_by="t")
    assert b["notify_by"] == NOW + dt.timedelta(hours=72)
    row = list_breaches(con, now=NOW + dt.timedelta(hours=70))[0]
    assert (row["hours_left"], row["late"]) == (2.0, False)
    assert list_breaches(con, now=NOW + dt.timedelta(hours=73))[0]["late"] is True
    con.close()


def test_the_data_map_covers_every_personal_column_and_docs_embed_it() -> None:
    declared = {(t.name, c.name) for t in all_tables() for c in t.columns if c.personal}
    assert {(r["table"], r["column"]) for r in data_map()} == declared
    assert ("order_lines", "customer_key") in declared and ("quarantine", "raw") in declared
    doc = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- data map -->\n(.*?)<!-- /data map -->", doc, re.S)
    assert m is not None and m.group(1) == data_map_markdown(), (
        "regenerate: python scripts/regen_privacy_map.py"
    )


def test_the_export_search_finds_the_person_in_html_xlsx_and_the_pdf_printed_from_the_html(tmp_path) -> None:
    import openpyxl

    from xborder.privacy.erase import exports_holding

    person = pseudonymise(b"export-search-key", "uci", "17850")
    others = [pseudonymise(b"export-search-key", "uci", str(i)) for i in range(12346, 12346 + 200)]
    files = {}
    for name, body in (("run-a.en.html", f"<td>{person[:12]}</td>"), ("run-a.en.pdf", "%PDF compressed"),
                       ("run-b.en.html", f"<td>{others[0][:12]}</td>"), ("run-b.en.pdf", "%PDF compressed"),
                       ("run-c.en.xlsx", None), ("orphan.pdf", "%PDF")):  # fmt: skip
        f = tmp_path / name
        if body is None:
            wb = openpyxl.Workbook()
            wb.active.append(["customer", "value"])
            wb.active.append([person, 120.5])
            wb.save(f)
        else:
            f.write_text(body, encoding="utf-8")
        files[name] = f
    paths = list(files.values())
    want = [str(files[n]) for n in ("run-a.en.html", "run-c.en.xlsx", "run-a.en.pdf")]
    assert exports_holding(paths, [person]) == want  # one key: searched byte by byte
    assert exports_holding(paths, [person, *others[1:]]) == want  # 200 keys (a rotation): by hex runs
