"""End to end through the web API on the bundled demo data: upload every file, run the full pipeline, read it.

Nothing is substituted: the files of data/demo go through ``POST /api/data/uploads`` (the real ingest),
``POST /api/runs`` queues the real pipeline (every stage, the real job runner and report renderer) on
that warehouse with the demo's limits (``"quick": true``, as ``make demo``), and the test checks every
stage ran (ok, or skipped with a reason) with those limits, the opportunities and detail pages answer
from the run, and the report downloads.
"""

from __future__ import annotations

import html
import io
import time
from pathlib import Path

import pytest

from tests.api.conftest import make_env

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"

pytestmark = pytest.mark.slow


@pytest.fixture
def empty_warehouse(tmp_path: Path) -> Path:
    """A new, migrated, empty warehouse file."""
    from xborder.warehouse import connect

    (tmp_path / "template").mkdir()
    path = tmp_path / "template" / "empty.duckdb"
    connect(path).close()
    return path


def test_full_pipeline_run_from_the_web_api_on_the_demo_data(empty_warehouse: Path, tmp_path: Path) -> None:
    files = sorted(p for p in DEMO.iterdir() if p.name != "README.md")
    if not files:
        pytest.skip("data/demo is empty")
    env = make_env(empty_warehouse, tmp_path, max_upload_mb=50, precompute=True)
    try:
        c = env.client("analyst")
        for f in files:
            r = c.post(
                "/api/data/uploads", files={"file": (f.name, io.BytesIO(f.read_bytes()), "text/plain")}
            )
            assert r.status_code == 200, (f.name, r.text)
            body = r.json()
            assert "error" not in body and body["results"], (f.name, body)
            assert all(x["status"] != "failed" and x["rows_stored"] > 0 for x in body["results"]), body
        tables = {t["table"]: t for t in c.get("/api/data/tables").json()}
        # no review corpus joins the demo products, so none is bundled (DATA_LICENSES.md)
        assert tables["order_lines"]["rows"] > 100_000 and tables["reviews"]["rows"] == 0

        t0 = time.monotonic()
        r = c.post("/api/runs", json={"quick": True, "langs": ["en", "zh"]})
        assert r.status_code == 202, r.text
        job_id = r.json()["job_id"]
        progress = []
        deadline = t0 + 1500
        while time.monotonic() < deadline:
            job = c.get(f"/api/jobs/{job_id}").json()
            progress.append(job["progress"])
            if job["status"] in ("ok", "failed", "interrupted"):
                break
            time.sleep(2)
        assert job["status"] == "ok", job
        assert progress == sorted(progress) and job["progress"] == 1.0

        run = c.get(f"/api/runs/{job['run_id']}").json()
        assert run["status"] == "ok" and run["job"]["created_by"] == "analyst"
        stages = run["stages"]
        from xborder.pipeline.demo import demo_params
        from xborder.report.stage import RUN_STAGES

        DEMO_PARAMS = demo_params(RUN_STAGES)

        for name, limits in DEMO_PARAMS.items():
            if name in stages and "params" in stages[name]:
                assert limits.items() <= stages[name]["params"].items(), (name, stages[name]["params"])
        assert stages["demand"]["params"]["max_series"] == DEMO_PARAMS["demand"]["max_series"]
        expected = {"ingest", "demand", "reviews", "landed_cost", "compliance", "selection", "backtest"}
        assert expected <= set(stages), sorted(stages)
        for name, s in stages.items():
            assert s["status"] in ("ok", "skipped"), (name, s)
            if s["status"] == "skipped":
                assert s.get("reason") or s.get("error"), (name, s)
        for table in (
            "forecasts",
            "opportunities",
            "opportunity_factors",
            "landed_costs",
            "compliance_checks",
        ):
            assert run["outputs"].get(table, 0) > 0, (table, run["outputs"])

        opps = c.get("/api/opportunities", params={"page_size": 5}).json()
        assert opps["run_id"] == job["run_id"] and opps["total"] == run["outputs"]["opportunities"]
        n_markets = env.sql(
            "SELECT count(DISTINCT market) FROM opportunities WHERE run_id = ?", [job["run_id"]]
        )
        assert n_markets[0][0] > 2  # every market of the data, not a chosen subset
        top = opps["items"][0]
        d = c.get(f"/api/opportunities/{top['market']}/{top['product_id']}").json()
        sel = d["sections"]["selection"]
        assert d["run_id"] == job["run_id"] and sel["opportunity"]["rank"] == top["rank"] and sel["factors"]
        # a product sold in its market: its page shows the monthly units from the uploaded order lines
        pid, market, units = env.sql(
            "SELECT o.product_id, o.market, sum(l.quantity) FROM opportunities o JOIN order_lines l "
            "ON l.product_id = o.product_id AND l.country = o.market AND l.status = 'sold' "
            "WHERE o.run_id = ? GROUP BY ALL ORDER BY 3 DESC, 1 LIMIT 1",
            [job["run_id"]],
        )[0]
        d = c.get(f"/api/opportunities/{market}/{pid}").json()
        dem = d["sections"]["demand"]
        assert dem["history_source"] == "order_lines" and sum(r["y"] for r in dem["history"]) == units
        assert dem["forecast"] or dem["stage"]["status"] == "ok"
        if dem["choice"]:  # the page says why its forecast uses its model, naming the model the run chose
            page = c.get(f"/opportunities/{market}/{pid}").text
            assert f"Why this model: {dem['choice']['model']}" in html.unescape(page)

        for fmt, magic in (("html", b"<html"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
            for lang in ("en", "zh"):
                files_ok = [
                    f
                    for f in run["reports"]
                    if f["format"] == fmt and f["lang"] == lang and f["status"] == "ok"
                ]
                if not files_ok:  # a format the renderer could not produce here says why
                    assert any(f["format"] == fmt and f["lang"] == lang for f in run["reports"]), run[
                        "reports"
                    ]
                    continue
                dl = c.get(f"/api/runs/{job['run_id']}/report", params={"format": fmt, "lang": lang})
                assert dl.status_code == 200 and "attachment" in dl.headers["content-disposition"]
                assert magic in dl.content[:2000].lower() if fmt == "html" else dl.content.startswith(magic)
        assert any(f["format"] == "html" and f["status"] == "ok" for f in run["reports"])
        # the run's panels page: the demo's 13-week cash runway is drawn (a figure with traces), in zh too
        from xborder.core import i18n

        for lang in ("en", "zh"):
            page = c.get(f"/runs/{job['run_id']}/panels", params={"lang": lang}).text
            cash = page[page.index('id="panel-finance-cash_runway"') :]
            cash = cash[: cash.index("</article>")]
            assert f"<h3>{i18n.render('finance.panel_cash_title', lang)}</h3>" in cash
            assert 'data-figure="panel-finance-cash_runway"' in cash and "panel-missing" not in cash
            assert '"panel-finance-cash_runway":{"data":[{' in page.replace(" ", "")
            # ...and how many picks the cash carries, drawn, with no opening balance said in words
            assert '"panel-finance-cash_capacity":{"data":[{' in page.replace(" ", "")
            assert i18n.render("finance.panel_capacity_title", lang) in page
        took = {k: (v.get("status"), v.get("seconds")) for k, v in stages.items()}
        print(f"web demo run {job['run_id']}: {time.monotonic() - t0:.0f} s, stages {took}")
    finally:
        env.app.state.jobs.shutdown()  # type: ignore[attr-defined]
        env.app.state.db.close()  # type: ignore[attr-defined]
