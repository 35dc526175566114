"""The demo's limits reach the engines (none silently ignored) and the bundled data is found."""

from __future__ import annotations

import inspect

import pytest

from xborder.pipeline.demo import DEMO_NOTES, DEMO_PARAMS, demo_data_dir
from xborder.pipeline.stages import STAGES, resolve


@pytest.mark.parametrize("stage", [s for s in STAGES if s.name in DEMO_PARAMS], ids=lambda s: s.name)
def test_every_demo_limit_is_a_parameter_of_its_engine(stage) -> None:  # noqa: ANN001
    fn = resolve(stage)
    if fn is None:
        pytest.skip(f"stage {stage.name} is not installed")
    params = inspect.signature(fn).parameters
    for name in DEMO_PARAMS[stage.name]:
        assert name in params, f"{stage.name} does not take demo limit {name!r}"


def test_demo_notes_name_the_limits_and_the_data_is_bundled() -> None:
    assert "200 busiest series" in DEMO_NOTES[0] and str(DEMO_PARAMS["demand"]["max_series"]) in DEMO_NOTES[0]
    folder = demo_data_dir()
    assert any(p.name.startswith("orders_") for p in folder.iterdir())
