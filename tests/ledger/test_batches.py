"""Supply-chain batches on a real chain: USAID SCMS shipments of Aurobindo Unit III (India) — material lots of
Nevirapine, Zidovudine and Lamivudine, each shipment line a product batch made from its molecules' lots (the
three-molecule tablet from three lots), shipped, delivered and sold to a country — then recall, the consumer page
and its QR code, and the CLI. Expected figures are counted straight from the CSV, independently of the ledger."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from tests.conftest import shared_path
from xborder.core.errors import BadInputError
from xborder.ledger.batches import add_batch_events, batch_event, batch_history, document_ref, lineage, recall
from xborder.ledger.consumer import consumer_page, qr_payload, qr_svg
from xborder.warehouse import connect

pytestmark = pytest.mark.shared_data

SITE = "Aurobindo Unit III, India"
MOLECULES = ("Nevirapine", "Zidovudine", "Lamivudine/Nevirapine/Zidovudine")


def _scms_rows() -> list[dict[str, str]]:
    path = shared_path("usaid_scms_delivery_history", "SCMS_Delivery_History_Dataset.csv.zip")
    with zipfile.ZipFile(path) as z, z.open(z.namelist()[0]) as fh:
        rows = list(csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8-sig")))
    return [r for r in rows if r["Manufacturing Site"] == SITE and r["Molecule/Test Type"] in MOLECULES]


def _date(text: str) -> dt.date | None:
    for fmt in ("%d-%b-%y", "%m/%d/%y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            pass
    return None


def _lot(molecule: str) -> str:
    return "MAT-" + re.sub(r"[^A-Z0-9]+", "-", f"{molecule} {SITE}".upper()).strip("-")


def scms_chain(rows: list[dict[str, str]]) -> list:  # noqa: ANN201
    """The events of the chain: a material lot per molecule (dated by its first shipment line), then per line a
    production (parents: its molecules' lots; the source row's SHA-256 as document), shipment, delivery, sale."""
    first: dict[str, dt.date] = {}
    for r in rows:
        d = _date(r["PO Sent to Vendor Date"]) or _date(r["Scheduled Delivery Date"])
        for m in r["Molecule/Test Type"].split("/"):
            first[m] = min(first.get(m, d), d)  # type: ignore[type-var, arg-type]
    events = [
        batch_event(
            _lot(m), "material", at, actor="Aurobindo Pharma Limited", data={"material": m, "site": SITE}
        )
        for m, at in sorted(first.items())
    ]
    for r in rows:
        b = f"SCMS-{r['ID']}"
        po = _date(r["PO Sent to Vendor Date"])
        doc = {
            "name": f"SCMS row ID {r['ID']}",
            "sha256": hashlib.sha256(json.dumps(r, sort_keys=True).encode()).hexdigest(),
        }
        qty = int(r["Line Item Quantity"])
        events += [
            batch_event(b, "production", po or _date(r["Scheduled Delivery Date"]), actor=SITE,
                        data={"product": r["Item Description"], "quantity": qty, "unit": "pack", "site": SITE,
                              "date_basis": "po_sent" if po else "scheduled_delivery (PO date not captured)"},
                        documents=[doc], parents=[_lot(m) for m in r["Molecule/Test Type"].split("/")]),
            batch_event(b, "shipment", _date(r["Scheduled Delivery Date"]), actor=r["Managed By"],
                        data={"from": SITE, "to": r["Country"], "mode": r["Shipment Mode"], "incoterm": r["Vendor INCO Term"],
                              "weight_kg": r["Weight (Kilograms)"], "freight_usd": r["Freight Cost (USD)"]}),
            batch_event(b, "warehouse", _date(r["Delivered to Client Date"]), actor=r["Fulfill Via"],
                        data={"warehouse": f"client, {r['Country']}"}),
            batch_event(b, "sale", _date(r["Delivery Recorded Date"]),
                        data={"orders": [{"order_id": r["PO / SO #"], "source": "scms"}], "market": r["Country"],
                              "quantity": qty}),
        ]  # fmt: skip
    return events


@pytest.fixture(scope="module")
def chain(tmp_path_factory):  # noqa: ANN001, ANN201
    rows = _scms_rows()
    con = connect(tmp_path_factory.mktemp("scms") / "w.duckdb")
    res = add_batch_events(con, scms_chain(rows), origin="test")
    yield con, rows, res
    con.close()


@pytest.mark.slow
def test_the_scms_chain_is_stored_event_by_event(chain) -> None:
    con, rows, res = chain
    assert len(rows) == 468 + 369 + 241
    assert res.stored == 3 + 4 * len(rows) and res.duplicates == 0
    h = batch_history(con, "SCMS-3")  # row ID 3: Nevirapine oral suspension to Vietnam, delivered 14-Nov-06
    assert [e["type"] for e in h] == ["production", "shipment", "warehouse", "sale"]
    assert h[0]["data"]["parents"] == [_lot("Nevirapine")] and h[1]["data"]["to"] == "Vietnam"
    assert h[2]["at"] == dt.datetime(2006, 11, 14)
    again = add_batch_events(con, scms_chain(rows)[: 3 + 40], origin="test")  # the same events: recognised
    assert (again.stored, again.duplicates) == (0, 3 + 40)


@pytest.mark.slow
def test_recall_of_a_material_lot_finds_every_line_and_country_made_from_it(chain) -> None:
    con, rows, _ = chain
    for molecule in ("Nevirapine", "Zidovudine", "Lamivudine"):
        made = [r for r in rows if molecule in r["Molecule/Test Type"].split("/")]
        res = recall(con, _lot(molecule))
        assert len(res.batches) - 1 == len(made)  # 709, 610, 241
        assert {f"SCMS-{r['ID']}" for r in made} == set(res.batches) - {_lot(molecule)}
        by_country = collections.Counter(r["Country"] for r in made)
        units = collections.Counter()
        for r in made:
            units[r["Country"]] += int(r["Line Item Quantity"])
        assert {m: a["orders"] for m, a in res.markets.items()} == dict(by_country)
        assert {m: a["units"] for m, a in res.markets.items()} == dict(units)
        assert res.seconds < 5
    assert len(recall(con, _lot("Nevirapine")).batches) - 1 == 468 + 241
    assert lineage(con, "SCMS-3")["upstream"] == {_lot("Nevirapine"): 1}
    with pytest.raises(BadInputError, match="no events"):
        recall(con, "MAT-NOTHING")


@pytest.mark.slow
def test_the_consumer_page_shows_the_steps_and_origins_and_its_qr_decodes_to_the_proven_root(
    chain, tmp_path
) -> None:
    con, rows, _ = chain
    lnz = next(r for r in rows if r["Molecule/Test Type"] == MOLECULES[2])
    page = consumer_page(con, f"SCMS-{lnz['ID']}")
    assert page["verified"] and page["tree_size"] == 4
    assert [s["step"] for s in page["steps"]] == [
        "production",
        "shipment",
        "warehouse",
    ]  # the sale is not public
    assert sorted(o["batch"] for o in page["origins"]) == sorted(
        _lot(m) for m in ("Lamivudine", "Nevirapine", "Zidovudine")
    )
    root = con.execute("SELECT root_hash FROM ledger_heads WHERE batch_id = ? ORDER BY tree_size DESC LIMIT 1",
                       [f"SCMS-{lnz['ID']}"]).fetchone()[0]  # fmt: skip
    assert page["qr"] == f"XB1:SCMS-{lnz['ID']}:4:{root}"
    assert (
        qr_payload("LOT 1/2", 4, "ab", "https://shop.example/b/")
        == "https://shop.example/b/LOT%201%2F2?size=4&root=ab"
    )
    svg = qr_svg(page["qr"])
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    import segno

    # the same payload at the same error level gives the same symbol: what the SVG draws is the payload
    assert (
        segno.make(page["qr"], error="m", micro=False).designator
        == segno.make(page["qr"], error="m").designator
    )


def test_a_sale_joined_to_real_uci_orders_gives_lines_units_and_markets(tmp_path) -> None:
    import gzip

    from xborder.core.settings import Settings
    from xborder.ingest import ingest_path

    with gzip.open(shared_path("uci_online_retail", "online_retail.csv.gz"), "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(201)]
    f = tmp_path / "o.csv"
    f.write_text("".join(lines), encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    s = Settings(db_path=str(tmp_path / "w.duckdb"), pseudonym_key="k", report_dir=str(tmp_path))
    ingest_path(con, f, "orders", settings=s)
    cert = tmp_path / "cert.txt"
    cert.write_text("OEKO-TEX 100 certificate 24.HCN.00000", encoding="utf-8")
    add_batch_events(con, [batch_event("CANDLE-WAX-1", "material", "2010-11-01", actor="Wax mill",
                                       data={"material": "paraffin"}, documents=[document_ref(cert)])])  # fmt: skip
    add_batch_events(con, [
        batch_event("HOLDER-1", "production", "2010-11-20", actor="Factory A", data={"site": "Factory A"},
                    parents=["CANDLE-WAX-1"]),
        batch_event("HOLDER-1", "sale", "2010-12-01", data={"orders": [{"order_id": "536365", "source": "uci"},
                                                                       {"order_id": "536370", "source": "uci"}]}),
    ])  # fmt: skip
    res = recall(con, "CANDLE-WAX-1")
    # invoice 536365: 7 lines, 40 units to the United Kingdom; 536370: 20 lines, 449 units to France
    assert res.lines_found == 27
    assert res.markets == {
        "GB": {"orders": 1, "lines": 7, "units": 40.0},
        "FR": {"orders": 1, "lines": 20, "units": 449.0},
    }
    assert (
        batch_history(con, "CANDLE-WAX-1")[0]["data"]["documents"][0]["sha256"]
        == hashlib.sha256(cert.read_bytes()).hexdigest()
    )
    with pytest.raises(BadInputError, match="NO-SUCH-LOT"):
        add_batch_events(
            con, [batch_event("X", "production", "2011-01-01", data={"site": "s"}, parents=["NO-SUCH-LOT"])]
        )
    with pytest.raises(BadInputError, match="personal data"):
        batch_event("X", "sale", "2011-01-01", data={"orders": ["1"], "buyer_email": "a@b.c"})
    con.close()


def test_the_cli_adds_shows_and_recalls_a_batch(tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: ANN001
    from typer.testing import CliRunner

    from xborder.cli.main import app

    db = str(tmp_path / "w.duckdb")
    cert = tmp_path / "cert.pdf"
    cert.write_bytes(b"%PDF-1.4 test report")
    run = CliRunner().invoke
    r = run(app, ["--db", db, "ledger", "batch", "add", "WAX-1", "--type", "material", "--at", "2024-03-01",
                  "--actor", "Mill A", "--data", '{"material": "paraffin"}', "--doc", str(cert)])  # fmt: skip
    assert r.exit_code == 0, r.output
    events = tmp_path / "e.jsonl"
    events.write_text(
        json.dumps({"batch_id": "CANDLE-7", "type": "production", "at": "2024-03-05", "actor": "Plant B",
                    "data": {"site": "Plant B", "product": "candle"}, "parents": ["WAX-1"]}) + "\n"
        + json.dumps({"batch_id": "CANDLE-7", "type": "sale", "at": "2024-04-01",
                      "data": {"orders": ["A-1", "A-2"], "market": "DE"}}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    r = run(app, ["--db", db, "ledger", "batch", "add", "--file", str(events), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["stored"] == 2
    svg = tmp_path / "qr.svg"
    r = run(app, ["--db", db, "ledger", "batch", "show", "CANDLE-7", "--qr-svg", str(svg), "--json"])
    page = json.loads(r.output)
    assert page["verified"] and page["origins"][0]["steps"][0]["documents"][0]["name"] == "cert.pdf"
    assert svg.read_text().startswith("<svg")
    r = run(app, ["--db", db, "ledger", "batch", "recall", "WAX-1", "--json"])
    out = json.loads(r.output)
    assert (
        out["batches"] == {"WAX-1": 0, "CANDLE-7": 1}
        and out["orders"] == 2
        and out["markets"]["DE"]["orders"] == 2
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"batch_id": "X", "type": "shipment", "at": "2024-01-01", "data": {"from": "CN"}}\n')
    import sys

    from xborder.cli.main import main

    monkeypatch.setattr(sys, "argv", ["xborder", "--db", db, "ledger", "batch", "add", "--file", str(bad)])
    with pytest.raises(SystemExit) as exc:
        main()
    out = capsys.readouterr()
    assert exc.value.code == 2 and "bad.jsonl line 1: a shipment event needs 'to'" in out.out + out.err
