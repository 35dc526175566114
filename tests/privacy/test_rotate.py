"""Rotating the pseudonym key on real UCI Online Retail rows (`xborder privacy rotate-key`): every stored pseudonym
is re-keyed and no old one remains, line keys stay (a re-ingest is all duplicates), a customer ingested before and
after the rotation is one customer, erasure still finds the person, and the ledger still verifies."""

from __future__ import annotations

import csv
import gzip
import re

import pytest
from tests.clirun import run_cli
from tests.conftest import shared_path

from xborder.core.settings import Settings
from xborder.ingest import ingest_path
from xborder.ingest.pseudonym import pseudonymise
from xborder.ledger.verify import verify
from xborder.privacy import erase_subject
from xborder.schema import all_tables
from xborder.warehouse import connect
from xborder.warehouse.keys import PSEUDONYM_COLUMNS, key_layers, layered, warehouse_key

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

KEY = "rotation-test-key"
HEX64 = re.compile(r"[0-9a-f]{64}")


def _uci_rows(last: int) -> tuple[str, list[str], list[dict[str, str]]]:
    """The header line, data lines 1..last of UCI Online Retail, and the same rows parsed."""
    with gzip.open(shared_path("uci_online_retail", "online_retail.csv.gz"), "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(last + 1)]
    return lines[0], lines[1:], list(csv.DictReader(lines))


def _cli(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    code, out, err = run_cli(argv, monkeypatch, capsys)
    return code, out + err


def _text_values(con) -> tuple[set[str], set[str]]:  # noqa: ANN001
    """Every text value stored in any table (list elements and JSON as text too), and every 64-hex token in them."""
    values: set[str] = set()
    columns = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main'"
    ).fetchall()
    assert len({t for t, _, _ in columns}) > 100  # every table of the warehouse
    for t, name, typ in columns:
        if typ.startswith("VARCHAR[]"):
            sql = f'SELECT DISTINCT unnest("{name}") FROM "{t}"'
        elif typ in ("VARCHAR", "JSON"):
            sql = f'SELECT DISTINCT CAST("{name}" AS VARCHAR) FROM "{t}"'
        else:
            continue
        values.update(r[0] for r in con.execute(sql).fetchall() if r[0] is not None)
    tokens = {tok for v in values for tok in HEX64.findall(v)}
    return values, tokens


def test_the_pseudonym_columns_are_every_keyed_column_declared() -> None:
    """Every declared personal column named like a pseudonym is re-keyed by a rotation (a new one must be added)."""
    named = {
        (t.name, c.name)
        for t in all_tables()
        for c in t.columns
        if c.personal
        and c.name in ("customer_key", "source_customer_key", "reviewer_key", "subject_key", "subject_keys")
    }
    assert named == {(t, c) for t, c, _ in PSEUDONYM_COLUMNS} - {("supplier_verifications", "evidence_ref")}


def test_rotation_rekeys_everything_and_keeps_customers_and_line_keys(tmp_path, monkeypatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("XBORDER_PSEUDONYM_KEY", KEY)
    header, lines, rows = _uci_rows(4000)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(header + "".join(lines[:2000]), encoding="utf-8")
    second.write_text(header + "".join(lines[2000:]), encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    settings = Settings(db_path=db, pseudonym_key=KEY, pseudonym_key_file=str(tmp_path / "no.key"),
                        report_dir=str(tmp_path / "rej"))  # fmt: skip
    con = connect(db)
    r1 = ingest_path(con, first, "orders", settings=settings)[0]
    assert (r1.rows_stored, r1.rows_duplicate, r1.rows_quarantined) == (1964, 36, 0)
    base = warehouse_key(con, settings)
    line_keys = sorted(r[0] for r in con.execute("SELECT line_key FROM order_lines").fetchall())
    old = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT customer_key FROM order_lines WHERE customer_key IS NOT NULL"
        ).fetchall()
    }
    ids_first = {r["CustomerID"] for r in rows[:2000] if r["CustomerID"]}
    assert len(old) == len(ids_first) == 72
    from xborder.core.settings import get_settings
    from xborder.domains.customers.stage import STAGE
    from xborder.pipeline.runner import run_stage

    run_stage(con, get_settings(db_path=db), STAGE, {})
    scored = con.execute(
        "SELECT count(*) FROM customer_scores WHERE customer_key IN (SELECT unnest(?))", [list(old)]
    )
    n_scored = scored.fetchone()[0]
    assert n_scored == 68  # 72 customers, 4 of whom only returned goods in these rows
    # report files of two runs: run A's HTML lists customers (12-character prefixes, as tables print them), its PDF
    # is printed from it; run B's HTML and XLSX hold none
    files = {}
    for run, fmt, body in (("A", "html", "<td>" + "</td><td>".join(k[:12] for k in sorted(old)) + "</td>"),
                           ("A", "pdf", "%PDF-1.7 compressed"), ("B", "html", "<p>no customers</p>"),
                           ("B", "xlsx", None)):  # fmt: skip
        f = tmp_path / f"report-{run}.{fmt}"
        if body is None:
            import openpyxl

            wb = openpyxl.Workbook()
            wb.active.append(["line_key", "units"])
            wb.active.append([line_keys[0], 3])  # a 32-hex line key is not a pseudonym
            wb.save(f)
        else:
            f.write_text(body, encoding="utf-8")
        files[(run, fmt)] = f
        con.execute(
            "INSERT INTO report_files (run_id, lang, format, path, bytes, created_at, status) "
            "VALUES (?, 'en', ?, ?, 1, now(), 'ok')",
            [run, fmt, str(f)],
        )
    con.close()

    code, out = _cli(
        ["--db", db, "privacy", "rotate-key", "--reason", "key seen in a shared script", "--delete-exports"],
        monkeypatch,
        capsys,
    )
    assert code == 0, out
    text = " ".join(out.split())
    held = [files[("A", "html")], files[("A", "pdf")]]
    assert (
        not any(f.exists() for f in held) and files[("B", "html")].exists() and files[("B", "xlsx")].exists()
    )
    assert text.count("Deleted (held pseudonyms of before)") == 2
    assert all(f.name in "".join(out.split()) for f in held)
    assert "72 pseudonyms re-keyed in 1,499 rows" in text and "customer_scores.customer_key: 68" in text
    assert "line keys unchanged; the ledger resealed" in text

    con = connect(db)
    # the line keys are those of before; no pseudonym of before and no raw customer id is stored anywhere
    assert sorted(r[0] for r in con.execute("SELECT line_key FROM order_lines").fetchall()) == line_keys
    values, tokens = _text_values(con)
    assert tokens & old == set()
    # the customers stage's scores follow: each scored customer is still the customer of their lines
    assert con.execute(
        "SELECT count(*) FROM customer_scores WHERE customer_key IN (SELECT customer_key FROM order_lines)"
    ).fetchone() == (n_scored,)
    other_fields = {r[f] for r in rows for f in ("InvoiceNo", "StockCode", "Quantity", "UnitPrice")}
    raw_ids = {v for i in ids_first - other_fields for v in (i, f"{i}.0")}
    assert len(raw_ids) > 100 and values & raw_ids == set()
    # the registry: the base key retired, the new layer current; never a key in it; audited; ledger resealed
    reg = con.execute(
        "SELECT key_id, retired_at IS NULL, reason FROM pseudonym_keys ORDER BY key_id"
    ).fetchall()
    assert reg == [(1, False, None), (2, True, "key seen in a shared script")]
    secret = con.execute("SELECT key FROM pseudonym_key_layers").fetchall()
    assert len(secret) == 1 and not any(
        secret[0][0] in str(r) for r in con.execute("SELECT * FROM pseudonym_keys").fetchall()
    )
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'privacy.rotate_key'").fetchone() == (
        1,
    )
    assert verify(con).ok

    # the same export again (CRLF: really re-read) is all duplicates: the line keys still recognise it
    again = tmp_path / "again.csv"
    again.write_bytes(first.read_bytes().replace(b"\n", b"\r\n"))
    r2 = ingest_path(con, again, "orders", settings=settings)[0]
    assert (r2.rows_stored, r2.rows_duplicate, r2.rows_quarantined) == (0, 2000, 0)
    # lines 2,001-4,000 after the rotation: a returning customer keeps the key of their re-keyed earlier lines
    r3 = ingest_path(con, second, "orders", settings=settings)[0]
    assert r3.rows_stored + r3.rows_duplicate == 2000 and r3.rows_quarantined == 0
    ids = {r["CustomerID"] for r in rows if r["CustomerID"]}
    both = ids_first & {r["CustomerID"] for r in rows[2000:] if r["CustomerID"]}
    assert len(ids) == 144 and len(both) > 0
    assert con.execute("SELECT count(DISTINCT customer_key) FROM order_lines").fetchone() == (144,)
    layers = key_layers(con)
    for cid in sorted(both):
        want = layered(layers, pseudonymise(base, "uci", cid.removesuffix(".0")))
        per_ingest = con.execute(
            "SELECT count(DISTINCT ingest_id) FROM order_lines WHERE ingest_id IN (?, ?) AND customer_key = ?",
            [r1.ingest_id, r3.ingest_id, want],
        ).fetchone()
        assert per_ingest == (2,), cid  # their lines of before and of after the rotation carry the same key
        assert want not in old
    # erasure after the rotation finds 17850's lines of both ingests: 221 rows in the file, none repeated (same
    # invoice, item, quantity, time and price), so 221 stored
    mine = [r for r in rows if r["CustomerID"] in ("17850", "17850.0")]
    n17850 = len({(r["InvoiceNo"], r["StockCode"], r["Description"].upper(), r["Quantity"], r["InvoiceDate"],
                   r["UnitPrice"]) for r in mine})  # fmt: skip
    assert len(mine) == n17850 == 221
    import datetime as dt

    now = dt.datetime(2026, 12, 7, 8, 0)
    res = erase_subject(con, base, ["uci"], "17850", received_at=now, deadline_hours=48, done_by="t", now=now)
    assert res.rows["order_lines"]["unlinked"] == n17850
    k = layered(layers, pseudonymise(base, "uci", "17850"))
    assert con.execute("SELECT count(*) FROM order_lines WHERE customer_key = ?", [k]).fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM privacy_suppressions WHERE subject_key = ?", [k]).fetchone() == (
        1,
    )
    con.close()


def test_olist_customers_before_and_orders_after_a_rotation_are_the_same_people(tmp_path) -> None:  # noqa: ANN001
    """Olist links orders to a person through customer_links: customers ingested before the rotation, orders and
    items after it, still give the customers stage the persons counted by hand from the CSV files; the customers
    file again after the rotation is all duplicates."""
    import pandas as pd

    from xborder.core.settings import get_settings
    from xborder.domains.customers.stage import STAGE
    from xborder.pipeline.runner import run_stage
    from xborder.privacy.rotate import rotate_key

    folder = shared_path("olist_brazilian_ecommerce", "sample_10000_orders_thegeshwar")
    orders = pd.read_csv(folder / "olist_orders_dataset.csv")
    customers = pd.read_csv(folder / "olist_customers_dataset.csv")
    items = pd.read_csv(folder / "olist_order_items_dataset.csv")
    sold = orders[~orders["order_status"].isin(["canceled", "unavailable"])]
    sold = sold[sold["order_id"].isin(items["order_id"])].merge(customers, on="customer_id")
    db = str(tmp_path / "olist.duckdb")
    settings = Settings(db_path=db, pseudonym_key=KEY, pseudonym_key_file=str(tmp_path / "no.key"))
    con = connect(db)
    first = ingest_path(con, folder / "olist_customers_dataset.csv", "orders", settings=settings)[0]
    assert first.rows_stored == len(customers)
    old = {r[0] for r in con.execute("SELECT customer_key FROM customer_links").fetchall()}
    import datetime as dt

    res = rotate_key(con, reason="test", actor="t", now=dt.datetime(2026, 12, 7))
    assert res.rows == {"customer_links.source_customer_key": len(customers),
                        "customer_links.customer_key": len(customers)}  # fmt: skip
    again = ingest_path(con, folder / "olist_customers_dataset.csv", "orders", settings=settings, force=True)[
        0
    ]
    assert (again.rows_stored, again.rows_duplicate, again.rows_quarantined) == (0, len(customers), 0)
    for name in ("olist_orders_dataset.csv", "olist_order_items_dataset.csv"):
        ingest_path(con, folder / name, "orders", settings=settings)
    # every order is linked to its person (none left under its per-order key), with the person's state
    assert con.execute(
        "SELECT count(*) FROM order_headers WHERE customer_key IN (SELECT customer_key FROM customer_links)"
    ).fetchone() == (len(orders),)
    assert con.execute("SELECT count(*) FROM order_headers WHERE region IS NULL").fetchone() == (0,)
    _, tokens = _text_values(con)
    assert tokens & old == set()
    _, summary = run_stage(con, get_settings(db_path=db), STAGE, {})
    days = sold.assign(day=pd.to_datetime(sold["order_purchase_timestamp"]).dt.normalize())
    days = days.groupby("customer_unique_id")["day"].nunique()
    assert summary["customers"] == len(days) and summary["repeat_customers"] == int((days >= 2).sum())
    con.close()
