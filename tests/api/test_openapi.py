"""The OpenAPI document names a response model for every JSON endpoint, and real answers match their models."""

from __future__ import annotations

import gzip
import io
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from tests.api.seed import SEED_RUN
from tests.conftest import shared_path

pytestmark = pytest.mark.shared_data

# Served by app.py, outside the routers, as a plain dict; its model is xborder.api.models.Health (checked
# below). The test fails once app.py declares it, and this line goes then.
UNNAMED: set[tuple[str, str]] = set()


def undeclared(value: Any, where: str = "$") -> list[str]:
    """Keys of a validated answer that its models do not declare (row models allow them; answers must not
    carry any). Sections without a model of their own are declared by ``DossierSection``."""
    from xborder.api.models import DossierSection

    out: list[str] = []
    if isinstance(value, BaseModel):
        extra = value.model_extra or {}
        generic = isinstance(value, DossierSection) or type(value).__name__ == "DossierSections"
        if not generic:
            out += [f"{where}.{k}" for k in extra]
        for name in type(value).model_fields:
            out += undeclared(getattr(value, name), f"{where}.{name}")
        if type(value).__name__ == "DossierSections":
            for k, v in extra.items():
                out += undeclared(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += undeclared(v, f"{where}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            out += undeclared(v, f"{where}.{k}")
    return out


def check(model: Any, body: Any) -> Any:
    """``body`` validated against ``model`` (a model class or a type such as ``list[Model]``), with no key
    the model does not declare; the validated value."""
    value = (
        model.model_validate(body) if isinstance(model, type) else TypeAdapter(model).validate_python(body)
    )
    assert undeclared(value) == []
    return value


def _success_schemas(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(method, path) of every operation under /api → its success responses."""
    out = {}
    for path, ops in doc["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, op in ops.items():
            if method in ("get", "post", "put", "patch", "delete"):
                out[(method, path)] = {c: r for c, r in op["responses"].items() if c.startswith("2")}
    return out


def _named(schema: dict[str, Any] | None, components: dict[str, Any]) -> str | None:
    """The component a JSON schema names (itself, or as the items of an array), if it exists."""
    if not schema:
        return None
    if schema.get("type") == "array":
        schema = schema.get("items") or {}
    ref = schema.get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    return name if ref.startswith("#/components/schemas/") and name in components else None


def test_every_json_endpoint_under_api_names_its_response_schema(web) -> None:
    doc = web.client("viewer").get("/openapi.json").json()
    components = doc["components"]["schemas"]
    ops = _success_schemas(doc)
    unnamed, files = set(), set()
    for (method, path), responses in ops.items():
        assert responses, (method, path)
        for response in responses.values():
            content = response.get("content") or {}
            if "application/json" not in content:
                assert content, (method, path)  # a download names its media types instead
                files.add((method, path))
            elif _named(content["application/json"].get("schema"), components) is None:
                unnamed.add((method, path))
    assert unnamed == UNNAMED
    assert files == {("get", "/api/runs/{run_id}/report"), ("get", "/api/ledger/batches/{batch_id}/qr.svg")}
    assert len(ops) == 35  # 24 + the five two-factor endpoints + the six ledger and privacy endpoints
    named = {
        key: _named(r["content"]["application/json"]["schema"], components)
        for key, rs in ops.items()
        for r in rs.values()
        if "application/json" in (r.get("content") or {})
    }
    assert named[("get", "/api/opportunities")] == "OpportunityList"
    assert named[("get", "/api/opportunities/{market}/{product_id}")] == "Dossier"
    assert named[("post", "/api/runs")] == "JobStarted"
    assert "202" in ops[("post", "/api/runs")]
    # the app's own 422 shape, not FastAPI's default
    invalid = doc["paths"]["/api/opportunities"]["get"]["responses"]["422"]["content"]["application/json"]
    assert _named(invalid["schema"], components) == "InvalidRequest"


def test_row_schemas_derive_from_the_table_declarations(web) -> None:
    from xborder.pipeline.dossier import sections
    from xborder.schema import table

    components = web.client("viewer").get("/openapi.json").json()["components"]["schemas"]
    opp = components["Opportunity"]
    assert list(opp["properties"]) == list(table("opportunities").column_names)
    score = opp["properties"]["score"]
    assert {"type": "number"} in score["anyOf"] and "Opportunity score" in score["description"]
    assert not opp.get("required")  # every column optional
    # a timestamp column is a date-time, a JSON column any value
    job = components["Job"]["properties"]
    assert {"type": "string", "format": "date-time"} in job["created_at"]["anyOf"]
    assert {} in job["params"]["anyOf"]
    assert "from" in components["TableCount"]["properties"]
    assert list(components["DossierSections"]["properties"]) == [s.name for s in sections()]


def test_python_types_cover_every_declared_column() -> None:
    from xborder.api.models import python_type
    from xborder.schema import all_tables

    for t in all_tables():
        for c in t.columns:
            python_type(c.type)  # raises for a type the API cannot describe
    assert python_type("VARCHAR[]") == list[str]
    with pytest.raises(ValueError, match="STRUCT"):
        python_type("STRUCT(a INTEGER)")


def test_read_answers_of_the_real_warehouse_match_their_models(web) -> None:
    from xborder.api.models import (
        Comparison,
        Dossier,
        Facets,
        Health,
        IngestList,
        InvalidRequest,
        Me,
        OpportunityList,
        Problem,
        QuarantineList,
        RunDetail,
        RunList,
        TableCount,
    )

    c = web.client("viewer")
    page = check(OpportunityList, c.get("/api/opportunities", params={"page_size": 200}).json())
    assert page.run_id == SEED_RUN and len(page.items) == 200 and page.items[0].rank == 1
    check(Facets, c.get("/api/opportunities/facets").json())
    comp = check(Comparison, c.get("/api/opportunities/compare").json())
    assert len(comp.markets) == 8

    # the dossier of the product with the most sold units in its market: history from real order lines
    pid, market = web.sql(
        "SELECT o.product_id, o.market FROM opportunities o JOIN order_lines l ON l.product_id = o.product_id "
        "AND l.country = o.market AND l.status = 'sold' GROUP BY ALL ORDER BY sum(l.quantity) DESC, 1 LIMIT 1"
    )[0]
    d = check(Dossier, c.get(f"/api/opportunities/{market}/{pid}").json())
    sel, dem = d.sections.selection, d.sections.demand
    assert sel.opportunity.product_id == pid and sel.factors and dem.history_source == "order_lines"
    assert dem.history and sel.stage.status in ("ok", "not run")
    assert d.product.product_id == pid and d.market_info.market_code == market

    runs = check(RunList, c.get("/api/runs").json())
    assert runs.items[0].run_id == SEED_RUN
    run = check(RunDetail, c.get(f"/api/runs/{SEED_RUN}").json())
    assert run.outputs["opportunities"] == page.total

    ingests = check(IngestList, c.get("/api/data/ingests").json())
    assert ingests.total == web.one("SELECT count(*) FROM ingest_log") > 0
    assert all(i.rows_in == i.rows_stored + i.rows_duplicate + i.rows_quarantined for i in ingests.items)
    check(QuarantineList, c.get("/api/data/quarantine").json())
    tables = check(list[TableCount], c.get("/api/data/tables").json())
    counts = {t.table: t.rows for t in tables}
    assert counts["order_lines"] == web.one("SELECT count(*) FROM order_lines")
    assert any(t.from_ is not None for t in tables)

    check(Health, web.client().get("/api/health").json())
    invalid = check(InvalidRequest, c.get("/api/opportunities", params={"page_size": 1000}).json())
    assert invalid.problems[0].where == "query.page_size"
    missing = check(Problem, c.get("/api/runs/run-nope").json())
    assert missing.detail == "No run 'run-nope'." and missing.hint == "See GET /api/runs."

    me = check(Me, c.get("/api/auth/me").json())
    assert (me.username, me.role, me.auth, me.csrf_token) == ("viewer", "viewer", "token", None)


def test_account_answers_match_their_models(fresh_web) -> None:
    from xborder.api.models import (
        Account,
        AccountChanged,
        AccountCreated,
        AuditEntry,
        Done,
        Me,
        Session,
        TokenCreated,
    )

    browser = fresh_web.client()
    r = browser.post("/api/auth/login", json={"username": "analyst", "password": "analyst-pass-123"})
    session = check(Session, r.json())
    me = check(Me, browser.get("/api/auth/me").json())
    assert (me.username, me.auth, me.csrf_token) == ("analyst", "session", session.csrf_token)
    assert me.expires_at == session.expires_at
    admin = fresh_web.client("admin")
    created = check(
        AccountCreated,
        admin.post("/api/users", json={"username": "carol", "password": "carol-pass-1234"}).json(),
    )
    assert created.must_change_password is True
    changed = check(AccountChanged, admin.patch("/api/users/carol", json={"role": "analyst"}).json())
    assert (changed.role, changed.disabled) == ("analyst", None)
    accounts = check(list[Account], admin.get("/api/users").json())
    assert {a.username for a in accounts} == {"admin", "analyst", "viewer", "carol"}
    token = check(TokenCreated, admin.post("/api/auth/tokens", json={"name": "script", "days": 2}).json())
    assert token.name == "script" and token.token
    audit = check(list[AuditEntry], admin.get("/api/audit").json())
    assert [e.action for e in audit[:3]] == ["token.create", "user.set_role", "user.add"]
    check(Done, admin.post("/api/auth/logout").json())


def test_upload_and_job_answers_match_their_models(fresh_web) -> None:
    from xborder.api.models import UploadResult

    c = fresh_web.client("analyst")
    with gzip.open(shared_path("uci_online_retail", "online_retail.csv.gz"), "rt", encoding="utf-8") as fh:
        rows = "".join(next(fh) for _ in range(101))
    r = c.post("/api/data/uploads", files={"file": ("orders.csv", io.BytesIO(rows.encode()), "text/csv")})
    up = check(UploadResult, r.json())
    assert r.status_code == 200 and up.results[0].rows_in == 100 and up.error is None
    bad = c.post("/api/data/uploads", files={"file": ("x.csv", io.BytesIO(b"a,b,c\n1,2,3\n"), "text/csv")})
    failed = check(UploadResult, bad.json())
    assert bad.status_code == 422 and failed.error and failed.results == []

    run = _run_job(fresh_web, c, ("landed_cost",))
    assert (
        run.outputs["landed_costs"]
        == fresh_web.one("SELECT count(*) FROM landed_costs WHERE run_id = ?", [run.run_id])
        > 0
    )
    assert run.stages["landed_cost"]["params"] == {"max_products": 10}


def _run_job(env, client, stages: tuple[str, ...]) -> Any:
    """Start a real pipeline job with these stages of the registry (landed cost for 10 products, in DE),
    wait for it, and check the job, jobs and run answers against their models; the run's detail."""
    from xborder.api.models import Job, JobStarted, RunDetail
    from xborder.pipeline.registry import STAGES

    env.app.state.jobs.stages = [s for s in STAGES if s.name in stages]
    started = client.post(
        "/api/runs",
        json={"markets": ["DE"], "langs": ["en"], "params": {"landed_cost": {"max_products": 10}}},
    )
    assert started.status_code == 202, started.text
    job_id = check(JobStarted, started.json()).job_id
    env.app.state.jobs.wait_idle(300)
    job = check(Job, client.get(f"/api/jobs/{job_id}").json())
    assert job.status == "ok", job.message
    assert job.params["markets"] == ["DE"] and job.result["run_id"] == job.run_id and job.progress == 1.0
    assert job_id in [j.job_id for j in check(list[Job], client.get("/api/jobs").json())]
    run = check(RunDetail, client.get(f"/api/runs/{job.run_id}").json())
    assert run.job.job_id == job_id and run.job.created_by == "analyst" and run.kind == "pipeline"
    assert {k: v["status"] for k, v in run.stages.items()} == dict.fromkeys(stages, "ok")
    return run


@pytest.mark.slow
def test_dossier_of_a_pipeline_run_matches_its_model(fresh_web) -> None:
    from xborder.api.models import Dossier

    c = fresh_web.client("analyst")
    run = _run_job(fresh_web, c, ("landed_cost", "compliance", "selection"))
    pid, market = fresh_web.sql(
        "SELECT o.product_id, o.market FROM opportunities o JOIN landed_costs l USING (run_id, product_id, market) "
        "WHERE o.run_id = ? ORDER BY o.rank LIMIT 1",
        [run.run_id],
    )[0]
    d = check(Dossier, c.get(f"/api/opportunities/{market}/{pid}", params={"run_id": run.run_id}).json())
    s = d.sections
    assert (d.run_id, d.product_id, d.market) == (run.run_id, pid, market)
    assert len(s.landed_cost.rows) == fresh_web.one(
        "SELECT count(*) FROM landed_costs WHERE run_id = ? AND product_id = ? AND market = ?",
        [run.run_id, pid, market],
    )
    assert len(s.compliance.rows) == fresh_web.one(
        "SELECT count(*) FROM compliance_checks WHERE run_id = ? AND product_id = ? AND market = ?",
        [run.run_id, pid, market],
    )
    assert s.compliance.summary is not None and s.selection.opportunity.product_id == pid
    assert {n: getattr(s, n).stage.status for n in ("landed_cost", "compliance", "selection", "demand")} == {
        "landed_cost": "ok",
        "compliance": "ok",
        "selection": "ok",
        "demand": "not run",
    }


def test_docs_list_every_endpoint_with_its_model(web) -> None:
    from pathlib import Path

    from xborder.api.models.reference import endpoint_table

    table = endpoint_table(web.client("viewer").get("/openapi.json").json())
    doc = (Path(__file__).resolve().parents[2] / "docs" / "web.md").read_text(encoding="utf-8")
    assert "| `GET /api/opportunities/{market}/{product_id}` | 200: `Dossier` |" in table
    assert table in doc, "docs/web.md is behind: paste `python -m xborder.api.models.reference` into it"
