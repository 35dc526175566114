"""The final fit in a forked child: the same forecasts as inline, errors raised in the parent, a dead child retried."""

from __future__ import annotations

import os

import pandas as pd
import pytest

import xborder.domains.demand.background as bg
from xborder.core.errors import BadInputError
from xborder.domains.demand import forecast

FRAMES = ("forecasts", "choice", "accuracy", "overall", "backtest", "all_models", "totals")


def _pid_and_sum(values: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(values)


def _fail(message: str) -> None:
    raise BadInputError(message, hint="a test")


def _die() -> int:
    os._exit(3)


def test_background_runs_in_a_child_and_returns_the_value() -> None:
    job = bg.Background(_pid_and_sum, [1, 2, 3])
    assert job.forked
    pid, total = job.result()
    assert pid != os.getpid() and total == 6
    assert job.result() == (pid, 6)  # asked again: the same value, no second run


def test_background_inline_runs_in_the_caller() -> None:
    job = bg.Background(_pid_and_sum, [4], inline=True)
    assert not job.forked and job.result() == (os.getpid(), 4)


def test_background_raises_the_childs_error_in_the_parent() -> None:
    job = bg.Background(_fail, "bad frame")
    with pytest.raises(BadInputError, match="bad frame"):
        job.result()


def test_background_reruns_the_call_when_the_child_dies(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    job = bg.Background(_die)
    monkeypatch.setattr(job, "_fn", lambda: calls.append(1) or 7)
    assert job.result() == 7 and calls == [1]


def test_background_cancel_stops_the_child() -> None:
    job = bg.Background(_pid_and_sum, [1])
    job.cancel()
    assert not job.forked and job.result() is None


def test_forecast_with_the_final_fit_in_a_child_is_identical(
    synthetic_series: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    fm = __import__("sys").modules["xborder.domains.demand.forecast"]
    monkeypatch.setattr(bg, "ENABLED", False)
    inline = forecast(synthetic_series, horizon=6, freq="M")
    monkeypatch.setattr(bg, "ENABLED", True)
    monkeypatch.setattr(fm, "BACKGROUND_MIN_SERIES", 0)
    forked = forecast(synthetic_series, horizon=6, freq="M")
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(forked, name), getattr(inline, name), check_exact=True)
    assert forked.params == inline.params
    ids_a, paths_a = forked.sample_paths(50)
    ids_b, paths_b = inline.sample_paths(50)
    assert ids_a.equals(ids_b) and (paths_a == paths_b).all()


def test_background_runs_inline_off_the_main_thread() -> None:
    """The web server runs jobs in threads: there the call runs in the caller (no fork from a threaded host)."""
    import threading

    out: dict[str, object] = {}

    def run() -> None:
        job = bg.Background(_pid_and_sum, [5, 6])
        out["forked"], out["value"] = job.forked, job.result()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert out == {"forked": False, "value": (os.getpid(), 11)}
