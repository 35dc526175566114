"""The per-SKU plan step on Dask, Spark and Ray (through Fugue) gives exactly the local plans, on real M5 demand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.core.errors import BadInputError
from xborder.domains.inventory.engines import EngineSession, check_engine, run_plans
from xborder.domains.inventory.plan import PlanSettings


def _rows(n_series: int = 150, weeks: int = 26) -> pd.DataFrame:
    df = pd.read_csv(shared_path("m5_walmart_subset", "sales_train_evaluation_1000series.csv.gz")).head(
        n_series
    )
    y = df[[c for c in df.columns if c.startswith("d_")]].to_numpy(dtype=float)[:, -7 * weeks :]
    weekly = y.reshape(n_series, weeks, 7).sum(axis=2)
    rng = np.random.default_rng(5)
    return pd.DataFrame({
        "product_id": np.repeat(df["id"].to_numpy(), weeks), "market": "US", "kind": "forecast", "model": "M5",
        "freq": "W", "ds": np.tile(pd.date_range("2016-05-23", periods=weeks, freq="7D").to_numpy(), n_series),
        "point": weekly.ravel(), "hi_80": (weekly + 1.2816 * weekly.std(axis=1, keepdims=True)).ravel(),
        "lead_time_days": np.repeat(rng.uniform(20, 90, n_series), weeks), "lead_time_sd_days": 5.0,
        "unit_cost": np.repeat(rng.lognormal(1.5, 0.5, n_series), weeks), "order_cost": 50.0, "moq": 24.0,
        "case_pack": 6.0, "on_hand": np.repeat(rng.integers(0, 200, n_series).astype(float), weeks), "inbound": 0.0,
        "stock_offset_days": 0.0,
    })  # fmt: skip


@pytest.mark.scale
@pytest.mark.slow
@pytest.mark.shared_data
@pytest.mark.parametrize("engine", ["dask", "spark", "ray"])
def test_distributed_plans_equal_local_plans(engine: str) -> None:
    check_engine(engine)  # CI installs every engine's extra: a missing one fails, not skips
    rows = _rows()
    local = run_plans(rows, PlanSettings())
    with EngineSession(engine) as sess:
        dist = run_plans(rows, PlanSettings(), sess, partitions=4)
    assert len(local) == 150 and local["reorder_point"].gt(0).sum() > 100
    pd.testing.assert_frame_equal(local, dist, check_dtype=False)


def test_unknown_engine_is_a_clear_message() -> None:
    with pytest.raises(BadInputError, match="Unknown engine 'mpi'"):
        check_engine("mpi")
