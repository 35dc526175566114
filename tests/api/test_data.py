"""Uploads go through the same ingest path as the CLI; bad files give a summary, never a 500; names are safe."""

from __future__ import annotations

import gzip
import io

import pytest

from tests.conftest import shared_path

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def uci_slice() -> bytes:
    """The first 300 real rows of UCI Online Retail plus one row with a bad quantity and date."""
    path = shared_path("uci_online_retail", "online_retail.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(301)]
    lines.append("536999,85123A,WHITE HANGING HEART,abc,not-a-date,2.55,17850,United Kingdom\n")
    return "".join(lines).encode("utf-8")


def _upload(client, name: str, data: bytes, kind: str | None = None):
    return client.post(
        "/api/data/uploads",
        files={"file": (name, io.BytesIO(data), "text/csv")},
        data={"kind": kind} if kind else None,
    )


def test_upload_ingests_real_rows_and_quarantines_the_bad_one(fresh_web, uci_slice) -> None:
    c = fresh_web.client("analyst")
    r = _upload(c, "my orders.csv", uci_slice)
    assert r.status_code == 200, r.text
    (res,) = r.json()["results"]
    assert res["layout"] == "uci_online_retail" and res["kind"] == "orders"
    assert (res["rows_in"], res["rows_stored"] + res["rows_duplicate"], res["rows_quarantined"]) == (
        301,
        300,
        1,
    )
    assert res["rows_stored"] > 200
    assert res["file_name"] == "my_orders.csv" and "rejected_csv" not in res
    log = c.get("/api/data/ingests").json()["items"][0]
    assert log["ingest_id"] == res["ingest_id"] and log["file_name"] == "my_orders.csv"
    q = c.get("/api/data/quarantine", params={"ingest_id": res["ingest_id"]}).json()
    assert (
        q["total"] == 1
        and q["items"][0]["column_name"] == "Quantity"
        and q["items"][0]["reason_code"] == "bad_number"
    )
    again = _upload(c, "my orders.csv", uci_slice).json()["results"][0]
    assert again["rows_stored"] == 0  # same content: nothing added twice
    stored = list((fresh_web.data_dir / "uploads").iterdir())
    assert stored and all(p.parent == fresh_web.data_dir / "uploads" for p in stored)


@pytest.mark.parametrize(
    ("what", "content"),
    [
        ("binary noise", bytes(range(256)) * 20),
        ("unknown columns", b"a,b,c\n1,2,3\n"),
        (
            "header only",
            b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n",
        ),
    ],
)
def test_bad_files_give_a_summary_not_a_server_error(fresh_web, what, content) -> None:
    r = _upload(fresh_web.client("analyst"), "bad.csv", content)
    assert r.status_code in (200, 422), (what, r.status_code)
    body = r.json()
    assert body["file"] == "bad.csv"
    if r.status_code == 422:
        assert body["error"] and "/tmp/" not in body["error"] and str(fresh_web.data_dir) not in r.text
    else:
        assert all(x["rows_stored"] == 0 for x in body["results"])


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.csv",
        "..\\..\\win.csv",
        "/etc/cron.d/x.csv",
        "a/b.csv",
        ".hidden.csv",
        "..",
        "x.csv\x00.sh",
        "evil.sh",
        "",
    ],
)
def test_path_traversal_and_bad_names_are_refused(fresh_web, name) -> None:
    r = _upload(fresh_web.client("analyst"), name, b"a,b\n1,2\n")
    assert r.status_code in (400, 422), name
    assert not (fresh_web.data_dir / "uploads").exists() or not any(
        (fresh_web.data_dir / "uploads").iterdir()
    )


def test_oversized_upload_is_413_before_ingest(fresh_web) -> None:
    c = fresh_web.client("analyst")
    before = c.get("/api/data/ingests").json()["total"]
    big = b"x" * (fresh_web.app.state.settings.max_upload_mb * 1024 * 1024 + 200 * 1024)
    r = _upload(c, "big.csv", big)
    assert r.status_code == 413 and "max_upload_mb" in r.json()["detail"]

    def chunks():  # no Content-Length: the limit is enforced while the body streams in
        yield b'--zz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        for _ in range(40):
            yield b"y" * 64 * 1024

    r = c.post(
        "/api/data/uploads", content=chunks(), headers={"content-type": "multipart/form-data; boundary=zz"}
    )
    assert r.status_code == 413, r.text
    assert c.get("/api/data/ingests").json()["total"] == before
    assert not (fresh_web.data_dir / "uploads").exists()


def test_uploaded_files_are_never_served_back(fresh_web, uci_slice) -> None:
    c = fresh_web.client("admin")
    _upload(c, "orders.csv", uci_slice)
    stored = next((fresh_web.data_dir / "uploads").iterdir()).name
    for path in (
        f"/static/{stored}",
        f"/static/../uploads/{stored}",
        f"/uploads/{stored}",
        f"/static/%2e%2e/data/uploads/{stored}",
    ):
        r = c.get(path)
        assert r.status_code == 404, path
        assert b"WHITE HANGING HEART" not in r.content


def test_unknown_kind_is_422(fresh_web, uci_slice) -> None:
    r = _upload(fresh_web.client("analyst"), "o.csv", uci_slice, kind="'; DROP TABLE x; --")
    assert r.status_code == 422


def test_tables_list_hides_account_tables(web) -> None:
    names = {t["table"] for t in web.client("viewer").get("/api/data/tables").json()}
    assert {"order_lines", "opportunities", "runs"} <= names
    assert not names & {"users", "sessions", "audit_log", "login_attempts"}
