"""The runner appends a ledger entry when a run ends, failed runs included (the hook in pipeline/runner.py)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from xborder.core.errors import BadInputError
from xborder.core.settings import get_settings
from xborder.ledger.canonical import canonical_json
from xborder.ledger.merkle import leaf_hash
from xborder.ledger.verify import verify
from xborder.pipeline.runner import StageFailedError, run_pipeline
from xborder.warehouse import connect
from xborder.warehouse.stage import Params, Stage, StageContext


def _broken(ctx: StageContext, p: Params) -> dict:
    raise RuntimeError("the supplier feed was empty")


def _entries(db: Path) -> list[dict]:
    con = connect(db, read_only=True)
    try:
        docs = [
            orjson.loads(d)
            for (d,) in con.execute("SELECT document FROM ledger_entries ORDER BY seq").fetchall()
        ]
        assert verify(con).ok
    finally:
        con.close()
    return docs


def test_a_failed_run_is_recorded_with_its_status(db_path: Path, tmp_path: Path) -> None:
    settings = get_settings()
    stage = Stage("probe", _broken, Params, writes=())
    con = connect(db_path)
    try:
        with pytest.raises(StageFailedError, match="the supplier feed was empty"):
            run_pipeline(settings, stages=[stage], out=tmp_path / "out", con=con)
    finally:
        con.close()
    (entry,) = _entries(db_path)
    assert entry["type"] == "run" and entry["data"]["status"] == "failed"
    assert entry["data"]["stages"] == {"probe": "failed"}
    assert entry["data"]["message"] == "stage probe failed: RuntimeError: the supplier feed was empty"


def test_an_ok_run_and_its_resume_are_two_entries(db_path: Path, tmp_path: Path) -> None:
    settings = get_settings()
    calls = {"n": 0}

    def flaky(ctx: StageContext, p: Params) -> dict:
        calls["n"] += 1
        if calls["n"] == 1:
            raise BadInputError("no orders yet")
        return {"rows": 0}

    stage = Stage("probe", flaky, Params, writes=())
    con = connect(db_path)
    try:
        with pytest.raises(StageFailedError):
            run_pipeline(settings, stages=[stage], out=tmp_path / "out", con=con)
        run_id = con.execute("SELECT run_id FROM runs").fetchone()[0]
        run_pipeline(settings, stages=[stage], resume=run_id, con=con)
    finally:
        con.close()
    first, second = _entries(db_path)
    assert (first["data"]["run_id"], first["data"]["status"]) == (run_id, "failed")
    assert (second["data"]["run_id"], second["data"]["status"]) == (run_id, "ok")
    assert second["seq"] == 2 and second["prev"] == leaf_hash(canonical_json(first)).hex()
