"""The run: stage records, typed parameters, failure and resume without redoing finished stages, one-stage runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import Field

from xborder.core.errors import BadInputError
from xborder.core.settings import get_settings
from xborder.pipeline.registry import STAGES, output_tables, parse_params, quick_params, web_params
from xborder.pipeline.runner import StageFailedError, run_pipeline, run_stage
from xborder.report.stage import STAGE as REPORT
from xborder.schema import Column, Table
from xborder.warehouse import connect
from xborder.warehouse.runs import fingerprint_warehouse, load_run
from xborder.warehouse.stage import Params, Stage


def _scratch_table(name: str) -> Table:
    return Table(f"scratch_{name}", "Test rows.", owner=name,
                 columns=(Column("run_id", "VARCHAR", "Run."), Column("call", "INTEGER", "Call number.")))  # fmt: skip


class LimitParams(Params):
    limit: int = Field(10, ge=1, le=100)


class Counter:
    """A stage's run function that counts its calls, writes one row per call, and can be told to fail."""

    def __init__(self, name: str, fail_times: int = 0) -> None:
        self.name, self.fail_times, self.calls = name, fail_times, 0

    def __call__(self, ctx, p):
        self.calls += 1
        ctx.con.execute(f"INSERT INTO scratch_{self.name} VALUES (?, ?)", [ctx.run_id, self.calls])
        ctx.say(0.5, "half way")
        if self.calls <= self.fail_times:
            raise RuntimeError(f"{self.name} broke on call {self.calls}")
        return {"rows": self.calls, "markets": ctx.markets, "params": p.model_dump()}


def _stage(name: str, fn: Counter, **kw) -> Stage:
    return Stage(name, fn, LimitParams, writes=(_scratch_table(name),), **kw)


def _scratch(db: Path) -> None:
    con = connect(db)
    for name in ("demand", "reviews", "selection"):
        con.execute(_scratch_table(name).create_sql())
    con.close()


def test_failed_stage_resumes_without_rerunning_finished_stages(retail_copy: Path, tmp_path: Path) -> None:
    _scratch(retail_copy)
    demand, reviews, selection = Counter("demand"), Counter("reviews", fail_times=1), Counter("selection")
    stages = [_stage("demand", demand), _stage("reviews", reviews), _stage("selection", selection), REPORT]
    settings = get_settings(db_path=str(retail_copy))
    with pytest.raises(StageFailedError) as err:
        run_pipeline(settings, stages=stages, out=tmp_path / "out", langs=["en"], markets=["gb"],
                     params={"selection": {"limit": "7"}})  # fmt: skip
    assert "reviews" in err.value.message and "--resume" in (err.value.hint or "")
    run_id = err.value.message.split("run ")[1].split(" ")[0]
    con = connect(retail_copy)
    rec = load_run(con, run_id)
    assert rec["status"] == "failed"
    assert rec["stages"]["demand"]["status"] == "ok" and rec["stages"]["demand"]["seconds"] >= 0
    assert rec["stages"]["reviews"]["status"] == "failed"
    assert "broke on call 1" in rec["stages"]["reviews"]["error"]
    assert rec["stages"]["selection"]["status"] == "pending"
    assert list(rec["stages"]) == ["demand", "reviews", "selection", "report"]
    con.close()
    assert (demand.calls, reviews.calls, selection.calls) == (1, 1, 0)

    result = run_pipeline(settings, stages=stages, resume=run_id)
    assert (demand.calls, reviews.calls, selection.calls) == (1, 2, 1)  # demand was not rerun
    assert result["status"] == "ok"
    st = result["stages"]
    assert st["reviews"]["status"] == "ok" and st["reviews"]["attempts"] == 2
    assert st["selection"]["summary"]["markets"] == ["GB"]  # the run's own parameters are reused
    assert st["selection"]["summary"]["params"] == {"limit": 7}  # converted and bounded by the stage's Params
    con = connect(retail_copy)
    rows = {
        n: con.execute(f"SELECT call FROM scratch_{n} WHERE run_id = ?", [run_id]).fetchall()
        for n in ("demand", "reviews", "selection")
    }
    con.close()
    # The failed attempt's rows of the stage that writes 'scratch_reviews' were cleaned before the retry.
    assert rows == {"demand": [(1,)], "reviews": [(2,)], "selection": [(1,)]}
    assert {f["format"] for f in st["report"]["summary"]["files"]} == {"html", "xlsx", "pdf"}


def test_parameters_are_checked_before_anything_runs(retail_copy: Path, tmp_path: Path) -> None:
    _scratch(retail_copy)
    demand = Counter("demand")
    stages = [_stage("demand", demand)]
    settings = get_settings(db_path=str(retail_copy))
    with pytest.raises(BadInputError, match="has no parameter 'limt'.*it has: limit"):
        run_pipeline(settings, stages=stages, out=tmp_path, params={"demand": {"limt": 3}})
    with pytest.raises(BadInputError, match=r"demand.limit must be whole number 1..100; got 500"):
        run_pipeline(settings, stages=stages, out=tmp_path, params={"demand": {"limit": 500}})
    with pytest.raises(BadInputError, match="unknown stage"):
        run_pipeline(settings, stages=stages, out=tmp_path, params={"forecast": {"limit": 5}})
    assert demand.calls == 0
    con = connect(retail_copy)
    assert con.execute("SELECT count(*) FROM runs").fetchone() == (0,)
    con.close()


def test_the_registry_gives_every_list_the_interfaces_use() -> None:
    names = [s.name for s in STAGES]
    assert names == [
        "ingest",
        "stockouts",
        "demand",
        "reviews",
        "customers",
        "landed_cost",
        "inventory",
        "marketing",
        "compliance",
        "suppliers",
        "logistics",
        "selection",
        "backtest",
        "finance",
        "risk",
        "launch",
    ]
    assert output_tables()["forecasts"] == "demand" and output_tables()["opportunities"] == "selection"
    assert quick_params([*STAGES, REPORT]) == {
        "demand": {"max_series": 200}, "landed_cost": {"max_products": 300},
        "backtest": {"cutoffs": 3, "k": 20}, "risk": {"draws": 1000}, "report": {"top_n": 10},
    }  # fmt: skip
    assert "demand.max_series" in web_params() and "demand.engine" not in web_params()
    with pytest.raises(BadInputError, match="cannot be set from the web"):
        parse_params({"demand": {"engine": "spark"}}, web=True, strict=True)
    with pytest.raises(BadInputError, match="must be whole number 0..1000000; got .200."):
        parse_params({"demand": {"max_series": "200"}}, web=True, strict=True)
    assert parse_params({"demand": {"max_series": "200"}})["demand"].max_series == 200  # the CLI converts


def test_a_stage_runs_alone_as_a_recorded_run(retail_copy: Path) -> None:
    _scratch(retail_copy)
    con = connect(retail_copy)
    stage = _stage("demand", Counter("demand"))
    run_id, summary = run_stage(con, get_settings(), stage, {"limit": 4}, markets=["de"])
    rec = load_run(con, run_id)
    assert rec["kind"] == "demand" and rec["status"] == "ok"
    assert summary == {"rows": 1, "markets": ["DE"], "params": {"limit": 4}}
    assert rec["fingerprint"] == fingerprint_warehouse(con)[0]
    failing = _stage("reviews", Counter("reviews", fail_times=1))
    with pytest.raises(StageFailedError):
        run_stage(con, get_settings(), failing)
    assert con.execute("SELECT status FROM runs WHERE kind = 'reviews'").fetchall() == [("failed",)]
    con.close()


def test_run_record_holds_the_runs_own_parameters(retail_copy: Path, tmp_path: Path) -> None:
    stages = [REPORT]
    settings = get_settings(db_path=str(retail_copy))
    result = run_pipeline(settings, stages=stages, out=tmp_path, langs=["en"])
    con = connect(retail_copy)
    fp, _ = fingerprint_warehouse(con)
    assert (
        con.execute("SELECT fingerprint FROM runs WHERE run_id = ?", [result["run_id"]]).fetchone()[0] == fp
    )
    params = json.loads(
        con.execute("SELECT params FROM runs WHERE run_id = ?", [result["run_id"]]).fetchone()[0]
    )
    con.close()
    assert params["langs"] == ["en"] and params["data"] is None


def test_resume_refuses_when_the_input_files_changed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "orders.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    _scratch(db)
    settings = get_settings(db_path=str(db))
    stages = [_stage("demand", Counter("demand")), _stage("selection", Counter("selection", fail_times=5))]
    with pytest.raises(StageFailedError) as err:
        run_pipeline(settings, data=data, stages=stages, out=tmp_path / "o", langs=["en"])
    run_id = err.value.message.split("run ")[1].split(" ")[0]
    (data / "orders.csv").write_text("a,b\n1,3\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="changed since run"):
        run_pipeline(settings, stages=stages, resume=run_id)


def test_unknown_run_and_bad_language_are_user_errors(retail_copy: Path, tmp_path: Path) -> None:
    settings = get_settings(db_path=str(retail_copy))
    with pytest.raises(BadInputError, match="No run 'nope'"):
        run_pipeline(settings, resume="nope", stages=[])
    with pytest.raises(BadInputError, match="en, zh"):
        run_pipeline(settings, langs=["fr"], stages=[], out=tmp_path)
