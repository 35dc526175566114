"""Runs: list and detail, start as a background job with progress, report download through the API."""

from __future__ import annotations

import time

import pytest

from tests.api.seed import SEED_RUN

pytestmark = pytest.mark.shared_data


def test_runs_list_and_detail(web) -> None:
    c = web.client("viewer")
    runs = c.get("/api/runs").json()
    assert runs["total"] >= 1 and runs["items"][0]["run_id"] == SEED_RUN
    d = c.get(f"/api/runs/{SEED_RUN}").json()
    assert d["status"] == "ok"
    assert d["outputs"]["opportunities"] == web.one(
        "SELECT count(*) FROM opportunities WHERE run_id = ?", [SEED_RUN]
    )
    assert d["outputs"]["opportunity_factors"] == web.one("SELECT count(*) FROM opportunity_factors")
    assert c.get("/api/runs/run-nope").status_code == 404
    assert c.get("/api/runs/..%2f..%2fetc").status_code in (404, 422)
    assert c.get("/api/jobs/nothex").status_code == 422


def _selection_from_seed(con, settings, *, run_id, markets=None, progress=None, **params):
    """A selection stage for the job test: the seed rows re-labelled with this run's id."""
    if progress:
        progress(0.5, "scoring")
    for t in ("opportunities", "opportunity_factors"):
        con.execute(
            f"INSERT INTO {t} BY NAME SELECT * REPLACE (? AS run_id) FROM {t} WHERE run_id = ?"
            + (" AND market IN (SELECT unnest(?))" if markets else ""),
            [run_id, SEED_RUN, *([markets] if markets else [])],
        )
    n = con.execute("SELECT count(*) FROM opportunities WHERE run_id = ?", [run_id]).fetchone()[0]
    return {"opportunities": int(n)}


@pytest.mark.slow
def test_start_run_is_a_background_job_with_progress_and_a_downloadable_report(fresh_web) -> None:
    from xborder.domains.selection.tables import OPPORTUNITIES, OPPORTUNITY_FACTORS
    from xborder.report.stage import STAGE as REPORT
    from xborder.warehouse.stage import Stage

    fresh_web.app.state.jobs.stages = [
        Stage(
            "selection",
            lambda ctx, p: _selection_from_seed(
                ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets
            ),
            writes=(OPPORTUNITIES, OPPORTUNITY_FACTORS),
        ),
        REPORT,
    ]
    c = fresh_web.client("analyst")
    r = c.post("/api/runs", json={"markets": ["DE", "FR"], "langs": ["en"]})
    assert r.status_code == 202
    job_id = r.json()["job_id"]
    seen = set()
    deadline = time.time() + 240
    while time.time() < deadline:
        job = c.get(f"/api/jobs/{job_id}").json()
        seen.add(job["status"])
        if job["status"] in ("ok", "failed"):
            break
        time.sleep(0.5)
    assert job["status"] == "ok", job["message"]
    assert job["progress"] == 1.0 and job["run_id"]
    run = c.get(f"/api/runs/{job['run_id']}").json()
    expected = fresh_web.one(
        "SELECT count(*) FROM opportunities WHERE run_id = ? AND market IN ('DE', 'FR')", [SEED_RUN]
    )
    assert run["outputs"]["opportunities"] == expected and run["job"]["created_by"] == "analyst"
    opps = c.get("/api/opportunities", params={"run_id": job["run_id"]}).json()
    assert opps["total"] == expected and {i["market"] for i in opps["items"]} <= {"DE", "FR"}
    html = [f for f in run["reports"] if f["format"] == "html" and f["status"] == "ok"]
    assert html, run["reports"]
    dl = c.get(f"/api/runs/{job['run_id']}/report", params={"format": "html", "lang": "en"})
    assert dl.status_code == 200 and "attachment" in dl.headers["content-disposition"]
    assert b"<html" in dl.content[:2000].lower()
    assert "path" not in str(run["reports"])  # server paths are not shown
    assert c.get(f"/api/runs/{job['run_id']}/report", params={"format": "exe"}).status_code == 422
    assert c.get(f"/api/runs/{job['run_id']}/report", params={"lang": "fr"}).status_code == 422


def test_report_of_a_run_without_files_is_404(web) -> None:
    r = web.client("viewer").get(f"/api/runs/{SEED_RUN}/report")
    assert r.status_code == 404 and "detail" in r.json()


def test_run_start_validates_markets(fresh_web) -> None:
    from tests.api.test_permissions import FakeJobs

    fresh_web.app.state.jobs = FakeJobs()
    c = fresh_web.client("analyst")
    assert c.post("/api/runs", json={"markets": ["Germany"]}).status_code == 422
    assert c.post("/api/runs", json={"markets": ["de'; --"]}).status_code == 422
    assert c.post("/api/runs", json={"skip": ["rm -rf"]}).status_code == 422
    assert c.post("/api/runs", json={"markets": ["de"], "skip": ["demand"]}).status_code == 202
    assert fresh_web.app.state.jobs.submitted[-1][1]["markets"] == ["DE"]


def test_run_parameters_from_the_web_are_whitelisted(fresh_web) -> None:
    from tests.api.test_permissions import FakeJobs
    from xborder.pipeline.demo import demo_params
    from xborder.report.stage import RUN_STAGES

    DEMO_PARAMS = demo_params(RUN_STAGES)

    fresh_web.app.state.jobs = FakeJobs()
    c = fresh_web.client("analyst")
    # a server path, an unknown engine keyword, a value out of range, a wrong type: all refused, nothing queued
    for bad in (
        {"ingest": {"path": "/etc"}},
        {"demand": {"engine": "spark"}},
        {"demand": {"max_series": -1}},
        {"demand": {"max_series": "200"}},
        {"demand": {"freq": "D"}},
        {"report": {"top_n": True}},
    ):
        r = c.post("/api/runs", json={"params": bad})
        assert r.status_code == 422, bad
        assert "cannot be set" in r.text or "must be" in r.text, r.text
    assert fresh_web.app.state.jobs.submitted == []
    r = c.post("/api/runs", json={"quick": True, "params": {"demand": {"max_series": 50, "freq": "M"}}})
    assert r.status_code == 202
    sent = fresh_web.app.state.jobs.submitted[-1][1]["params"]
    assert sent["demand"] == {"max_series": 50, "freq": "M"}  # given values override the quick limits
    assert sent["landed_cost"] == DEMO_PARAMS["landed_cost"] and sent["backtest"] == DEMO_PARAMS["backtest"]
    assert c.post("/api/runs", json={"resume": "run-1", "quick": True}).status_code == 422
    # the dashboard form's "quick" scope queues the demo's limits
    page = c.get("/runs")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = c.post("/runs", data={"csrf_token": token, "scope": "quick", "lang_en": "1"}, follow_redirects=False)
    assert r.status_code == 303
    assert fresh_web.app.state.jobs.submitted[-1][1]["params"]["demand"] == DEMO_PARAMS["demand"]
