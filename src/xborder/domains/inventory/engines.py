"""Where the per-SKU plan step runs: local pandas, or Dask / Spark / Ray through Fugue — demand's pattern.

The step (:func:`xborder.domains.inventory.plan.plan_from_rows`) is a pure function of a frame holding whole
pairs (all forecast periods of a product × market with its lead time, costs and stock), so Fugue can hand each
partition of pairs to a worker and the results are identical to the local run (a test checks it on Dask).
:class:`EngineSession` starts and stops a local cluster of the requested size, like demand's (copied, not
imported: domains do not import each other).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError
from xborder.domains.inventory.plan import PLAN_COLUMNS, PlanSettings, plan_from_rows

__all__ = ["ENGINES", "EngineSession", "check_engine", "run_plans"]

ENGINES = ("local", "dask", "spark", "ray")

_TEXT = {
    "product_id",
    "market",
    "kind",
    "model",
    "freq",
    "sd_basis",
    "service_measure",
    "order_quantity_rule",
    "plan_method",
    "distribution",
    "stock_action",
}
_SCHEMA = ",".join(
    f"{c}:{'str' if c in _TEXT else 'datetime' if c == 'start' else 'double'}" for c in PLAN_COLUMNS
)


def check_engine(name: str) -> str:
    """Validate an engine name and that its packages are installed (clear message naming the extra)."""
    if name not in ENGINES:
        raise BadInputError(f"Unknown engine {name!r}.", hint=f"Use one of: {', '.join(ENGINES)}.")
    needs = {"dask": ("dask", "distributed", "fugue"), "spark": ("pyspark", "fugue"), "ray": ("ray", "fugue")}
    for mod in needs.get(name, ()):
        try:
            __import__(mod)
        except ImportError as exc:
            raise BadInputError(
                f"The {name} engine needs the Python package '{mod}', which is not installed.",
                hint=f"Install xborder's optional '{name}' extra (pip install {' '.join(needs[name])}), or use engine local.",
            ) from exc
    return name


class EngineSession:
    """Context manager owning a local cluster for one run (``local`` runs in-process)."""

    def __init__(self, name: str = "local", *, workers: int = 2) -> None:
        self.name = check_engine(name)
        self.workers = workers
        self._client: Any = None
        self._spark: Any = None
        self._owns_ray = False

    def __enter__(self) -> EngineSession:
        if self.name == "dask":
            from distributed import Client, LocalCluster

            cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=False, dashboard_address=None
            )
            self._client = Client(cluster)
        elif self.name == "spark":
            import os
            import sys

            from pyspark.sql import SparkSession

            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            self._spark = (
                SparkSession.builder.master(f"local[{self.workers}]")
                .appName("xborder-inventory")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .getOrCreate()
            )
        elif self.name == "ray":
            import ray

            if not ray.is_initialized():
                ray.init(num_cpus=self.workers, include_dashboard=False)
                self._owns_ray = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            cluster = self._client.cluster
            self._client.close()
            cluster.close()
        if self._owns_ray:
            import ray

            ray.shutdown()

    @property
    def engine(self) -> Any:
        """What ``fugue.api.transform`` takes as its engine."""
        return {"dask": self._client, "spark": self._spark, "ray": "ray"}.get(self.name)


def _partition(df: pd.DataFrame, **settings: Any) -> pd.DataFrame:
    out = plan_from_rows(df.drop(columns="_part"), PlanSettings(**settings))
    return out.astype({c: float for c in out.columns if c not in _TEXT and c != "start"})


def run_plans(
    rows: pd.DataFrame, settings: PlanSettings, session: EngineSession | None = None, *, partitions: int = 8
) -> pd.DataFrame:
    """Plans of every pair in ``rows`` (see plan_from_rows), on the session's engine, sorted by product and market."""
    if session is None or session.name == "local":
        out = plan_from_rows(rows, settings)
    else:
        import fugue.api as fa

        key = rows["product_id"].astype(str) + "|" + rows["market"].astype(str)
        part = pd.util.hash_pandas_object(key, index=False).to_numpy() % np.uint64(max(1, partitions))
        frame = rows.assign(_part=part.astype("int64"))
        res = fa.transform(
            frame, _partition, schema=_SCHEMA, params=asdict(settings),
            partition={"by": ["_part"]}, engine=session.engine, as_local=True,
        )  # fmt: skip
        out = fa.as_pandas(res)
        start = pd.to_datetime(out["start"])
        out["start"] = start.dt.tz_localize(None) if start.dt.tz is not None else start
    return out.sort_values(["product_id", "market"], kind="stable").reset_index(drop=True)
