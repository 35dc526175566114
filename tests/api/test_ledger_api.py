"""Ledger and privacy endpoints: batch events appended by an analyst (all or none), read by any account, the
recall joined to the real UCI orders of the warehouse, the suppression list and its audited lift (admin)."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.shared_data

EVENTS = [
    {"batch_id": "WAX-1", "type": "material", "at": "2010-11-20", "actor": "Mill A",
     "data": {"material": "paraffin"}, "documents": [{"name": "cert.pdf", "sha256": "a" * 64}]},
    {"batch_id": "CANDLE-7", "type": "production", "at": "2010-11-25", "actor": "Plant B",
     "data": {"site": "Plant B", "product": "candle holder"}, "parents": ["WAX-1"]},
    {"batch_id": "CANDLE-7", "type": "sale", "at": "2010-12-01T08:45",
     "data": {"orders": [{"order_id": "536370", "source": "uci"}], "market": "FR"}},
]  # fmt: skip


def test_batch_events_through_the_api(fresh_web) -> None:
    web = fresh_web
    viewer, analyst = web.client("viewer"), web.client("analyst")
    r = viewer.post("/api/ledger/batches", json={"events": EVENTS})
    assert r.status_code == 403 and "needs the analyst role" in r.json()["detail"]
    bad = [
        *EVENTS[:2],
        {"batch_id": "CANDLE-7", "type": "shipment", "at": "2010-11-26", "data": {"from": "CN"}},
    ]
    r = analyst.post("/api/ledger/batches", json={"events": bad})
    assert r.status_code == 400 and r.json()["detail"].startswith("events[2]: a shipment event needs 'to'")
    assert web.one("SELECT count(*) FROM ledger_entries WHERE batch_id IN ('WAX-1', 'CANDLE-7')") == 0
    r = analyst.post("/api/ledger/batches", json={"events": [{**EVENTS[0], "data": ["not", "an object"]}]})
    assert r.status_code == 400 and "'data' must be a JSON object" in r.json()["detail"]

    r = analyst.post("/api/ledger/batches", json={"events": EVENTS})
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["stored"], out["duplicates"]) == (3, 0)
    assert out["heads"]["CANDLE-7"]["tree_size"] == 2 and out["heads"]["WAX-1"]["tree_size"] == 1
    again = analyst.post("/api/ledger/batches", json={"events": EVENTS}).json()
    assert (again["stored"], again["duplicates"]) == (0, 3)
    assert web.one("SELECT count(*) FROM ledger_entries WHERE origin = 'api:analyst'") == 3
    assert web.sql(
        "SELECT outcome, detail::JSON->>'stored' FROM audit_log WHERE action = 'ledger.batch.add' ORDER BY occurred_at"
    ) == [("ok", "3"), ("ok", "0")]

    page = viewer.get("/api/ledger/batches/CANDLE-7", params={"base_url": "https://shop.example/b"}).json()
    assert page["verified"] and page["product"] == "candle holder" and page["tree_size"] == 2
    assert [s["step"] for s in page["steps"]] == ["production"]  # the sale is the seller's business
    assert page["origins"][0]["batch"] == "WAX-1" and page["qr"].startswith("https://shop.example/b")
    assert page["signed"] is None  # no head signed yet (`xborder ledger sign`)
    svg = viewer.get("/api/ledger/batches/CANDLE-7/qr.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert svg.text.startswith("<svg") or svg.text.startswith("<?xml")
    assert viewer.get("/api/ledger/batches/NO-SUCH-LOT").status_code == 404

    lines, units = web.sql(
        "SELECT count(*), sum(quantity) FROM order_lines WHERE order_id = '536370' AND source = 'uci'"
    )[0]
    assert (lines, units) == (20, 449)  # UCI invoice 536370 (France): 20 lines, 449 units in the raw file
    rec = viewer.get("/api/ledger/recall/WAX-1").json()
    assert rec["batches"] == {"WAX-1": 0, "CANDLE-7": 1} and rec["orders"] == 1
    assert rec["lines_found"] == 20 and rec["markets"] == {"FR": {"orders": 1, "lines": 20, "units": 449.0}}
    assert viewer.get("/api/ledger/recall/NO-SUCH-LOT").status_code == 404


def test_the_suppression_list_and_its_lift_are_admin_only_and_audited(fresh_web) -> None:
    from xborder.privacy import erase_subject
    from xborder.warehouse.keys import warehouse_key

    web = fresh_web
    now = dt.datetime(2026, 12, 6, 12, 0)
    with web.app.state.db.write() as cur:
        key = warehouse_key(cur, web.app.state.settings)
        res = erase_subject(
            cur, key, ["uci"], "12583", received_at=now, deadline_hours=48, done_by="t", now=now
        )
    assert res.rows["order_lines"]["unlinked"] > 0
    analyst, admin = web.client("analyst"), web.client("admin")
    assert analyst.get("/api/privacy/suppressions").status_code == 403
    r = analyst.post(f"/api/privacy/suppressions/{res.request_id}/lift", json={"reason": "x"})
    assert r.status_code == 403
    listed = admin.get("/api/privacy/suppressions").json()
    assert [(x["request_id"], x["active"]) for x in listed] == [(res.request_id, res.suppressed)]
    assert (
        admin.post(f"/api/privacy/suppressions/{res.request_id}/lift", json={"reason": ""}).status_code == 422
    )
    assert admin.post("/api/privacy/suppressions/0123abcd/lift", json={"reason": "x"}).status_code == 404
    r = admin.post(
        f"/api/privacy/suppressions/{res.request_id}/lift", json={"reason": "consent, ticket 4711"}
    )
    assert r.status_code == 200 and r.json() == {"request_id": res.request_id, "lifted": res.suppressed}
    assert admin.get("/api/privacy/suppressions").json() == []
    assert web.sql(
        "SELECT DISTINCT lifted_by, lift_reason FROM privacy_suppressions WHERE request_id = ?",
        [res.request_id],
    ) == [("admin", "consent, ticket 4711")]
    assert web.sql(
        "SELECT username, outcome, target FROM audit_log WHERE action = 'privacy.suppression.lift' ORDER BY occurred_at"
    ) == [("admin", "not_found", "0123abcd"), ("admin", "ok", res.request_id)]
    denied = web.one("SELECT count(*) FROM audit_log WHERE outcome = 'denied' AND username = 'analyst'")
    assert denied >= 1
