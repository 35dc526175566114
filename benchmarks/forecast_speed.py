"""Speed of xborder's forecast() vs calling statsforecast directly with the same models on the same frame.

xborder.domains.demand.forecast runs, per series group, statsforecast cross_validation (3 origins) and
forecast for the native-interval models (with levels 80/95) and the intermittent models; the
direct baseline makes exactly those statsforecast calls, in the same process, on the same frame.
Overhead = xborder time / direct time - 1 (target <= 15%), in wall time and in CPU time (this process and
its worker processes, user + system: less moved by other jobs on a shared machine). Also series/s and peak
memory (RSS).
Writes benchmarks/results/forecast_speed.json.
Run: .venv/bin/python benchmarks/forecast_speed.py [--series 10000] [--n-jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from xborder.domains.demand import forecast
from xborder.domains.demand.models import default_model_names, make_models

OUT = Path(__file__).resolve().parent / "results" / "forecast_speed.json"


def panel(n: int, weeks: int = 104, seed: int = 0) -> pd.DataFrame:
    """n weekly series: a third smooth, a third seasonal, a third intermittent."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2022-01-03", periods=weeks, freq="W-MON")
    t = np.arange(weeks)
    base = rng.uniform(2, 80, n)[:, None]
    kind = np.arange(n) % 3
    y = (
        base * (1 + 0.3 * np.sin(2 * np.pi * t / 52) * (kind == 1)[:, None])
        + rng.normal(0, 1, (n, weeks)) * base / 6
    )
    y = np.where((kind == 2)[:, None] & (rng.random((n, weeks)) < 0.7), 0.0, np.clip(y, 0, None))
    return pd.DataFrame(
        {
            "unique_id": np.repeat([f"s{i:05d}|DE" for i in range(n)], weeks),
            "ds": np.tile(ds, n),
            "y": y.ravel().round(),
        }
    )


def direct(df: pd.DataFrame, horizon: int, n_jobs: int, n_windows: int = 3) -> None:
    """The same statsforecast calls forecast() makes, with nothing around them."""
    from statsforecast import StatsForecast
    from statsforecast.models import Naive

    native, intermittent = make_models(default_model_names(), 52)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for models, lv in ((native, [80, 95]), (intermittent, None)):
            sf = StatsForecast(models=models, freq="W-MON", n_jobs=n_jobs, fallback_model=Naive())
            sf.cross_validation(h=horizon, df=df, n_windows=n_windows, step_size=horizon, level=lv)
            sf.forecast(h=horizon, df=df, level=lv)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (statsforecast's worker pools), user + system."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--horizon", type=int, default=26)
    ap.add_argument("--repeat", type=int, default=1, help="interleaved repetitions; the minimum time is kept")
    ap.add_argument("--out", type=Path, default=OUT, help="result file")
    args = ap.parse_args()
    load_start = os.getloadavg()
    df = panel(args.series)
    t_direct, t_ours, c_direct, c_ours = [], [], [], []
    for _ in range(args.repeat):  # interleaved; the minimum of each is least disturbed by other jobs
        t0, c0 = time.perf_counter(), _cpu()
        direct(df, args.horizon, args.n_jobs)
        t_direct.append(time.perf_counter() - t0)
        c_direct.append(_cpu() - c0)
        t0, c0 = time.perf_counter(), _cpu()
        res = forecast(df, horizon=args.horizon, freq="W", n_jobs=args.n_jobs)
        t_ours.append(time.perf_counter() - t0)
        c_ours.append(_cpu() - c0)
    t_direct, t_ours, c_direct, c_ours = min(t_direct), min(t_ours), min(c_direct), min(c_ours)
    assert res.forecasts["unique_id"].nunique() == args.series
    out = {
        "series": args.series,
        "repeat": args.repeat,
        "load_average_at_start": [round(v, 1) for v in load_start],
        "load_average_at_end": [round(v, 1) for v in os.getloadavg()],
        "weeks": 104,
        "horizon": args.horizon,
        "n_jobs": args.n_jobs,
        "models": default_model_names(),
        "n_windows": 3,
        "selection": res.params.get("selection"),
        "seconds_direct_statsforecast": round(t_direct, 1),
        "seconds_xborder": round(t_ours, 1),
        "overhead": round(t_ours / t_direct - 1, 3),
        "cpu_seconds_direct_statsforecast": round(c_direct, 1),
        "cpu_seconds_xborder": round(c_ours, 1),
        "overhead_cpu": round(c_ours / c_direct - 1, 3),
        "series_per_second_xborder": round(args.series / t_ours, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "note": "the machine is shared (2 cores, other jobs running): compare the ratio, not the seconds",
    }
    args.out.write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
