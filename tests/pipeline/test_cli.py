"""`xborder run` / `xborder report` as a user meets them: clear messages and exit code 2 for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xborder.cli.run import parse_params, split_list
from xborder.core.errors import BadInputError
from xborder.core.settings import get_settings
from xborder.pipeline.runner import SKIPPED, run_pipeline
from xborder.report.stage import STAGE as REPORT
from xborder.warehouse.stage import Stage

XBORDER = str(Path(sys.executable).with_name("xborder"))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([XBORDER, *args], capture_output=True, text=True, timeout=120, check=False)
    proc.stderr = " ".join(proc.stderr.split())  # Rich wraps long messages
    return proc


def test_params_and_lists_are_parsed() -> None:
    assert parse_params(["demand.max_series=200", "demand.freq=M", "backtest.k=20"]) == {
        "demand": {"max_series": 200, "freq": "M"},
        "backtest": {"k": 20},
    }
    assert split_list(["de,fr", "GB"], upper=True) == ["DE", "FR", "GB"]
    with pytest.raises(BadInputError, match="stage.name=value"):
        parse_params(["max_series=3"])
    with pytest.raises(BadInputError, match="unknown stage"):
        parse_params(["forecast.h=3"])
    with pytest.raises(BadInputError, match="no parameter 'max_seris'"):
        parse_params(["demand.max_seris=3"])


def test_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    missing = _cli("--db", str(db), "run", "--data", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    bad = _cli("--db", str(db), "run", "--data", str(tmp_path), "--param", "oops")
    assert bad.returncode == 2 and "stage.name=value" in bad.stderr
    unknown = _cli("--db", str(db), "report", "--run", "run-unknown")
    assert unknown.returncode == 2 and "No run 'run-unknown'" in unknown.stderr


def test_skip_records_the_stage_as_skipped_on_request(retail_copy: Path, tmp_path: Path) -> None:
    calls: list[str] = []
    stages = [
        Stage("demand", lambda ctx, p: calls.append("demand") or {"ok": 1}),
        Stage("reviews", lambda ctx, p: calls.append("reviews") or {"ok": 1}),
        REPORT,
    ]
    settings = get_settings(db_path=str(retail_copy))
    res = run_pipeline(settings, stages=stages, skip=["reviews"], out=tmp_path, langs=["zh"])
    assert calls == ["demand"]
    assert res["stages"]["reviews"] == {
        "status": "skipped",
        "reason": SKIPPED,
        "reason_code": "pipeline.skipped_on_request",
    }
    files = res["stages"]["report"]["summary"]["files"]
    html = Path(next(f["path"] for f in files if f["format"] == "html")).read_text(encoding="utf-8")
    assert "按要求跳过" in html  # the reason is shown in the report's language
    with pytest.raises(BadInputError, match="Cannot skip unknown"):
        run_pipeline(settings, stages=stages, skip=["forecast"], out=tmp_path)
