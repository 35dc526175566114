"""The run: stage records, skipping stages not installed, failure and resume without redoing finished stages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xborder.core.errors import BadInputError
from xborder.core.settings import get_settings
from xborder.pipeline.runner import StageFailedError, run_pipeline
from xborder.pipeline.stages import NOT_AVAILABLE, Stage, call_stage
from xborder.warehouse import connect
from xborder.warehouse.runs import fingerprint_warehouse, load_run


class Counter:
    """A stage function that counts its calls, writes one row per call, and can be told to fail."""

    def __init__(self, name: str, fail_times: int = 0) -> None:
        self.name, self.fail_times, self.calls = name, fail_times, 0

    def __call__(self, con, settings, *, run_id, markets=None, progress=None, **params):  # noqa: ANN001, ANN003, ANN204
        self.calls += 1
        con.execute(f"INSERT INTO scratch_{self.name} VALUES (?, ?)", [run_id, self.calls])
        if progress:
            progress(0.5, "half way")
        if self.calls <= self.fail_times:
            raise RuntimeError(f"{self.name} broke on call {self.calls}")
        return {"rows": self.calls, "markets": markets, "params": params}


def _scratch(db: Path) -> None:
    con = connect(db)
    for name in ("demand", "reviews", "selection"):
        con.execute(f"CREATE TABLE scratch_{name} (run_id VARCHAR, call INTEGER)")
    con.close()


def test_failed_stage_resumes_without_rerunning_finished_stages(retail_copy: Path, tmp_path: Path) -> None:
    _scratch(retail_copy)
    demand, reviews, selection = Counter("demand"), Counter("reviews", fail_times=1), Counter("selection")
    stages = [
        Stage("demand", "-", "-", fn=demand),
        Stage("reviews", "-", "-", writes=("scratch_reviews",), fn=reviews),
        Stage("selection", "-", "-", fn=selection),
    ]
    settings = get_settings(db_path=str(retail_copy))
    with pytest.raises(StageFailedError) as err:
        run_pipeline(settings, stages=stages, out=tmp_path / "out", langs=["en"], markets=["gb"])
    assert "reviews" in err.value.message and "--resume" in (err.value.hint or "")
    run_id = err.value.message.split("run ")[1].split(" ")[0]
    con = connect(retail_copy)
    rec = load_run(con, run_id)
    assert rec["status"] == "failed"
    assert rec["stages"]["demand"]["status"] == "ok" and rec["stages"]["demand"]["seconds"] >= 0
    assert rec["stages"]["reviews"]["status"] == "failed"
    assert "broke on call 1" in rec["stages"]["reviews"]["error"]
    assert rec["stages"]["selection"]["status"] == "pending"
    con.close()
    assert (demand.calls, reviews.calls, selection.calls) == (1, 1, 0)

    result = run_pipeline(settings, stages=stages, resume=run_id)
    assert (demand.calls, reviews.calls, selection.calls) == (1, 2, 1)  # demand was not rerun
    assert result["status"] == "ok"
    st = result["stages"]
    assert st["reviews"]["status"] == "ok" and st["reviews"]["attempts"] == 2
    assert st["selection"]["summary"]["markets"] == ["GB"]  # the run's own parameters are reused
    con = connect(retail_copy)
    rows = {
        n: con.execute(f"SELECT call FROM scratch_{n} WHERE run_id = ?", [run_id]).fetchall()
        for n in ("demand", "reviews", "selection")
    }
    con.close()
    # The failed attempt's rows of the stage that writes 'scratch_reviews' were cleaned before the retry.
    assert rows == {"demand": [(1,)], "reviews": [(2,)], "selection": [(1,)]}
    assert {f["format"] for f in result["files"]} == {"html", "xlsx", "pdf"}


def test_stage_not_installed_is_skipped_and_reported(retail_copy: Path, tmp_path: Path) -> None:
    stages = [Stage("demand", "xborder.pipeline.does_not_exist_yet", "run_demand")]
    settings = get_settings(db_path=str(retail_copy))
    result = run_pipeline(settings, stages=stages, out=tmp_path, langs=["en"])
    assert result["stages"]["demand"] == {"status": "skipped", "reason": NOT_AVAILABLE}
    assert result["stages"]["ingest"]["status"] == "pending" or "ingest" not in [s.name for s in stages]
    html = Path(next(f["path"] for f in result["files"] if f["format"] == "html")).read_text(encoding="utf-8")
    assert "Demand — not available yet" in html
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


def test_call_stage_passes_only_the_params_a_stage_declares() -> None:
    def run_demand(con, settings, *, run_id, progress=None, max_series=10):  # noqa: ANN001, ANN202
        return {"max_series": max_series, "run_id": run_id}

    out = call_stage(
        run_demand,
        None,
        None,
        run_id="r1",
        markets=["DE"],
        progress=None,
        params={"max_series": 5, "unknown_limit": 1},
    )
    assert out == {"max_series": 5, "run_id": "r1", "ignored_params": ["unknown_limit"]}


def test_resume_refuses_when_the_input_files_changed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "orders.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    calls = Counter("selection", fail_times=5)
    db = tmp_path / "w.duckdb"
    _scratch(db)
    settings = get_settings(db_path=str(db))
    stages = [
        Stage("ingest", "-", "-", fn=lambda con, s, **k: {"files": 1}),
        Stage("selection", "-", "-", fn=calls),
    ]
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
