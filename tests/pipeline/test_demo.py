"""The demo's limits are parameters of their stages, its note states them, and the bundled data is found."""

from __future__ import annotations

from xborder.core import i18n
from xborder.ingest.demo import demo_data_dir
from xborder.pipeline.demo import demo_note, demo_params
from xborder.report.stage import RUN_STAGES


def test_every_demo_limit_is_a_valid_parameter_of_its_stage() -> None:
    params = demo_params(RUN_STAGES)
    assert set(params) == {"demand", "landed_cost", "backtest", "risk", "report"}
    for stage in RUN_STAGES:
        if stage.name in params:
            parsed = stage.parse(params[stage.name])
            assert all(getattr(parsed, k) == v for k, v in params[stage.name].items())


def test_demo_note_names_the_limits_in_both_languages_and_the_data_is_bundled() -> None:
    note = demo_note(demo_params(RUN_STAGES))
    assert "200 busiest series" in i18n.message(note, "en")
    assert "最繁忙的200个序列" in i18n.message(note, "zh")
    folder = demo_data_dir()
    assert any(p.name.startswith("orders_") for p in folder.iterdir())
