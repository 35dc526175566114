"""The access log covers the web app: reading quarantined values through the API or the data page, or
downloading a run's report that holds its customers, records who read which personal columns (channel api)."""

from __future__ import annotations

import pytest

from tests.api.test_data import _upload, uci_slice  # noqa: F401  (the fixture: 300 real UCI rows + a bad one)

pytestmark = pytest.mark.shared_data


def _record_report_listing(fresh_web, tmp_path, run_id: str, keys: list[str]):  # noqa: ANN001, ANN202
    """An html report of ``run_id`` listing ``keys``, recorded in report_files as the report step records it."""
    import datetime as dt

    page = tmp_path / "report.html"
    page.write_text("<table>" + "".join(f"<tr><td>{k[:12]}</td></tr>" for k in keys) + "</table>", "utf-8")
    with fresh_web.app.state.db.write() as cur:  # type: ignore[attr-defined]
        cur.execute(
            "INSERT INTO report_files (run_id, lang, format, path, bytes, created_at, status) "
            "VALUES (?, 'en', 'html', ?, ?, ?, 'ok')",
            [run_id, str(page), page.stat().st_size, dt.datetime(2026, 12, 7)],
        )
    return page


def _reads(env) -> list[tuple]:  # noqa: ANN001
    return env.sql(
        "SELECT actor, channel, command, table_name, columns, rows_read, run_id FROM personal_reads ORDER BY read_at"
    )


def test_api_reads_of_personal_data_are_logged(fresh_web, uci_slice) -> None:  # noqa: ANN001, F811
    c = fresh_web.client("analyst")
    (res,) = _upload(c, "orders.csv", uci_slice).json()["results"]
    assert res["rows_quarantined"] == 1
    before = len(_reads(fresh_web))
    q = c.get("/api/data/quarantine", params={"ingest_id": res["ingest_id"]})
    assert q.status_code == 200 and q.json()["total"] == 1
    shown = sum(r["value"] is not None for r in q.json()["items"])
    assert shown == 1  # the bad quantity "abc"
    logged = _reads(fresh_web)[before:]
    assert logged == [("analyst", "api", "GET /api/data/quarantine", "quarantine", ["value"], 1, None)]
    # the data page shows the quarantine's first rows: logged for the viewer too (rows not counted)
    v = fresh_web.client("viewer")
    assert v.get("/data").status_code == 200
    assert _reads(fresh_web)[-1] == ("viewer", "api", "GET /data", "quarantine", ["value"], None, None)
    # reads without personal data, and failed requests, are not logged
    n = len(_reads(fresh_web))
    assert c.get("/api/data/ingests").status_code == 200
    assert fresh_web.client().get("/api/data/quarantine").status_code == 401
    assert len(_reads(fresh_web)) == n


@pytest.mark.slow
def test_a_report_download_holding_customers_is_logged(fresh_web, tmp_path) -> None:  # noqa: ANN001

    from xborder.core.settings import get_settings
    from xborder.domains.customers.stage import STAGE
    from xborder.pipeline.runner import run_stage

    with fresh_web.app.state.db.write() as cur:  # type: ignore[attr-defined]
        run_id, summary = run_stage(cur, get_settings(db_path=str(fresh_web.db_path)), STAGE, {})
    customers = fresh_web.one("SELECT count(*) FROM customer_scores WHERE run_id = ?", [run_id])
    assert customers == summary["customers"] > 100  # the warehouse's real UCI customers outside GB
    # the run's html report, recorded as the report step records it, listing the run's customers
    keys = [
        k for (k,) in fresh_web.sql("SELECT customer_key FROM customer_scores WHERE run_id = ?", [run_id])
    ]
    _record_report_listing(fresh_web, tmp_path, run_id, keys)
    r = fresh_web.client("viewer").get(f"/api/runs/{run_id}/report", params={"format": "html"})
    assert r.status_code == 200 and keys[0][:12] in r.text
    assert _reads(fresh_web)[-1] == (
        "viewer", "api", "GET /api/runs/{run_id}/report", "customer_scores", ["customer_key"], customers, run_id
    )  # fmt: skip


QUARANTINED = "QTY-7781-MARK"  # a failing value no page has otherwise


@pytest.mark.slow
def test_every_get_route_that_shows_a_personal_value_logs_the_read(fresh_web, uci_slice, tmp_path) -> None:  # noqa: ANN001, F811
    """Generated over the app's own routes, so the explicit route map of ``api/access_log.py`` is checked: every
    GET route is called as admin on a warehouse holding customers (a customers stage run and a report file that
    lists them) and a quarantined value; a 200 answer showing any of them without a new ``personal_reads`` row
    fails, naming the route."""

    from tests.api.test_data import _upload
    from tests.api.test_roles import EXPECTED, PARAMS, _app_routes
    from xborder.core.settings import get_settings
    from xborder.domains.customers.stage import STAGE
    from xborder.pipeline.runner import run_stage

    analyst = fresh_web.client("analyst")
    bad = uci_slice.decode().splitlines(keepends=True)[:21]
    bad.append(
        f"536999,85123A,WHITE HANGING HEART,{QUARANTINED},2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
    )
    assert _upload(analyst, "orders.csv", "".join(bad).encode()).json()["results"][0]["rows_quarantined"] == 1
    with fresh_web.app.state.db.write() as cur:  # type: ignore[attr-defined]
        run_id, _ = run_stage(cur, get_settings(db_path=str(fresh_web.db_path)), STAGE, {})
    keys = [
        k for (k,) in fresh_web.sql("SELECT customer_key FROM customer_scores WHERE run_id = ?", [run_id])
    ]
    assert len(keys) > 100
    _record_report_listing(fresh_web, tmp_path, run_id, keys)
    market, product = fresh_web.sql("SELECT market, product_id FROM opportunities ORDER BY rank LIMIT 1")[0]
    params = {**PARAMS, "{run_id}": run_id, "{market}": market, "{product_id:path}": product}
    marks = [QUARANTINED, *(k[:12] for k in keys)]
    admin = fresh_web.client("admin")
    routes = sorted(p for m, p in _app_routes(fresh_web.app) if m == "GET" and EXPECTED[(m, p)] != "local")
    showing, unlogged = [], []
    for path in routes:
        url = path
        for k, v in params.items():
            url = url.replace(k, v)
        n = len(_reads(fresh_web))
        r = admin.get(url, params={"format": "html"} if path.endswith("/report") else None)
        if r.status_code != 200 or not any(m in r.text for m in marks):
            continue
        showing.append(path)
        if len(_reads(fresh_web)) == n:
            unlogged.append(path)
    assert not unlogged, f"personal values shown but not logged by: {unlogged}"
    assert {"/api/data/quarantine", "/data", "/api/runs/{run_id}/report"} <= set(showing), showing
