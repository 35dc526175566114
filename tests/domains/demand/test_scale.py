"""The Dask, Spark and Ray paths (statsforecast through Fugue) give the same forecasts as the local path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.demand import forecast
from xborder.domains.demand.engines import EngineSession, check_engine

pytestmark = pytest.mark.scale

# WindowMedian is xborder's own statsforecast model: the workers must unpickle it too.
MODELS = ["AutoETS", "CrostonSBA", "WindowMedian", "SeasonalNaive", "Naive"]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    """24 monthly series of mixed shapes (smooth, seasonal, intermittent)."""
    rng = np.random.default_rng(11)
    ds = pd.date_range("2019-01-01", periods=36, freq="MS")
    frames = []
    for i in range(24):
        base = rng.uniform(5, 50)
        if i % 3 == 0:
            y = base + 0.4 * base * np.sin(2 * np.pi * np.arange(36) / 12) + rng.normal(0, 2, 36)
        elif i % 3 == 1:
            y = base + rng.normal(0, base / 5, 36)
        else:
            y = np.where(rng.random(36) < 0.3, rng.integers(1, 10, 36), 0)
        frames.append(
            pd.DataFrame({"unique_id": f"s{i:02d}|DE", "ds": ds, "y": np.clip(y, 0, None).astype(float)})
        )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def local(panel: pd.DataFrame):
    return forecast(panel, horizon=6, freq="M", models=MODELS)


def _same(a, b) -> None:
    assert (
        a.choice.set_index("unique_id")["model"].to_dict()
        == b.choice.set_index("unique_id")["model"].to_dict()
    )
    cols = ["point", "lo_80", "hi_80", "lo_95", "hi_95"]
    fa, fb = a.forecasts.sort_values(["unique_id", "ds"]), b.forecasts.sort_values(["unique_id", "ds"])
    assert fa["unique_id"].tolist() == fb["unique_id"].tolist()
    # equal up to float noise: a fit in another process differs in the 6th digit of a few bounds
    # (2026-12-06, every engine: 2 of 720 values, 95% lower bounds, at most 5.2e-6 apart)
    np.testing.assert_allclose(fa[cols].to_numpy(float), fb[cols].to_numpy(float), rtol=1e-5, atol=1e-5)
    oa, ob = a.overall.set_index("model"), b.overall.set_index("model")
    np.testing.assert_allclose(
        oa.loc["Chosen", ["mase", "wape"]].to_numpy(float),
        ob.loc["Chosen", ["mase", "wape"]].to_numpy(float),
        rtol=1e-6,
    )


@pytest.mark.parametrize("engine", ["dask", "spark", "ray"])
def test_distributed_equals_local(engine: str, panel: pd.DataFrame, local) -> None:
    check_engine(engine)  # CI installs every engine's extra (Makefile); a missing one fails, not skips
    with EngineSession(engine, workers=2) as sess:
        dist = forecast(
            panel,
            horizon=6,
            freq="M",
            models=MODELS,
            session=sess,
        )
    assert dist.params["engine"] == engine
    _same(local, dist)


def test_unknown_or_missing_engine_is_a_clear_error() -> None:
    with pytest.raises(BadInputError, match="Unknown engine"):
        check_engine("hadoop")
    try:
        import ray  # noqa: F401
    except ImportError:
        with pytest.raises(BadInputError, match="ray"):
            check_engine("ray")
