"""Where statsforecast runs: local pandas, or Dask / Spark / Ray through Fugue (statsforecast's distributed path).

statsforecast picks the engine from the type of the frame it is given (a Spark, Dask or Ray frame goes
through its Fugue backend); :class:`EngineSession` adds only what statsforecast does not do: start and
stop a local cluster of the requested size, turn pandas into that engine's frame, and collect results
back into pandas with plain dtypes (Arrow, nullable and tz-aware columns normalised) in a fixed order.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.core.errors import BadInputError

__all__ = ["ENGINES", "EngineSession", "check_engine"]

ENGINES = ("local", "dask", "spark", "ray")


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
                hint=f"Install xborder's optional '{name}' extra (pip install {' '.join(needs[name])}), or use --engine local.",
            ) from exc
    return name


class EngineSession:
    """Context manager owning a local cluster for one run; converts frames in and out.

    ``local`` passes pandas through. ``dask`` starts a LocalCluster, ``spark`` a local[N]
    SparkSession, ``ray`` a local Ray instance, unless one is already running; statsforecast
    then dispatches each series group to the workers through Fugue.
    """

    def __init__(self, name: str = "local", *, workers: int = 2, partitions: int | None = None) -> None:
        self.name = check_engine(name)
        self.workers = workers
        self.partitions = partitions or workers * 2
        self._client: Any = None
        self._spark: Any = None
        self._owns = False

    def __enter__(self) -> EngineSession:
        if self.name == "dask":
            from distributed import Client, LocalCluster

            self._client = Client(
                LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=False, dashboard_address=None
                )
            )
            self._owns = True
        elif self.name == "spark":
            import os
            import sys

            from pyspark.sql import SparkSession

            os.environ.setdefault(
                "PYSPARK_PYTHON", sys.executable
            )  # workers need this venv (pandas, statsforecast)
            self._spark = (
                SparkSession.builder.master(f"local[{self.workers}]")
                .appName("xborder-forecast")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", str(self.partitions))
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .getOrCreate()
            )
        elif self.name == "ray":
            import ray

            if not ray.is_initialized():
                ray.init(num_cpus=self.workers, include_dashboard=False)
                self._owns = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            cluster = self._client.cluster
            self._client.close()
            cluster.close()
        if self.name == "ray" and self._owns:
            import ray

            ray.shutdown()

    def to_engine(self, df: pd.DataFrame) -> Any:
        """A pandas frame as this engine's frame type."""
        if self.name == "local":
            return df
        if self.name == "dask":
            import dask.dataframe as dd

            return dd.from_pandas(df, npartitions=self.partitions)
        if self.name == "spark":
            return self._spark.createDataFrame(df)
        import ray.data

        return ray.data.from_pandas(df)

    @staticmethod
    def to_pandas(obj: Any) -> pd.DataFrame:
        """Collect an engine frame back to pandas, sorted for a deterministic order."""
        if isinstance(obj, pd.DataFrame):
            df = obj
        elif hasattr(obj, "compute"):
            df = obj.compute()
        elif hasattr(obj, "toPandas"):
            df = obj.toPandas()
        else:
            df = obj.to_pandas()
        df = df.reset_index(drop=True)
        for col in df.columns:  # engines may hand back Arrow-backed or tz-aware columns
            s = df[col]
            if col in ("ds", "cutoff"):
                s = pd.to_datetime(s.astype("datetime64[ns]") if isinstance(s.dtype, pd.ArrowDtype) else s)
                df[col] = s.dt.tz_localize(None) if s.dt.tz is not None else s
            elif col == "unique_id":
                df[col] = s.astype(str).astype(object)
            elif isinstance(s.dtype, pd.ArrowDtype) or str(s.dtype) in ("Float64", "Int64"):
                df[col] = s.astype("float64")
        keys = [c for c in ("unique_id", "cutoff", "ds") if c in df.columns]
        return df.sort_values(keys, kind="stable").reset_index(drop=True)
