"""Inventory scale: plans for 100,000 SKU × location pairs (26 weekly forecast periods each = 2.6 million forecast
rows) through the vectorised plan step, locally and on Dask through Fugue, with identical results.

Demand is real: the 1,000 M5 series' last 182 days summed into 26 weeks (their actual weekly sales as the point
forecast, the 80 % interval from each series' weekly spread), each series repeated over 100 locations with its
own lead time (20 - 90 days), landed cost, MOQ, case pack and stock on hand, so every pair differs. The baseline
in the same process is the same plan computed one pair at a time (what a Python loop per SKU would do) on a
2,000-pair sample, extrapolated per pair; both paths must give the same numbers on the sample.

Writes benchmarks/results/inventory_scale.json. Run: .venv/bin/python benchmarks/inventory_scale.py [--dask]
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xborder.domains.inventory.engines import EngineSession, run_plans
from xborder.domains.inventory.plan import PlanSettings

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("XBORDER_SHARED_DATA", ROOT.parent / "shared" / "data"))
OUT = ROOT / "benchmarks" / "results" / "inventory_scale.json"
PAIRS, WEEKS = 100_000, 26


def forecast_rows(pairs: int = PAIRS, seed: int = 3) -> pd.DataFrame:
    """Long frame: one row per pair and week with the pair's inputs (see the module docstring)."""
    df = pd.read_csv(DATA / "m5_walmart_subset" / "sales_train_evaluation_1000series.csv.gz")
    y = df[[c for c in df.columns if c.startswith("d_")]].to_numpy(dtype=float)[:, -7 * WEEKS :]
    weekly = y.reshape(len(y), WEEKS, 7).sum(axis=2)
    spread = weekly.std(axis=1, keepdims=True) * 1.2816
    reps = pairs // len(weekly)
    rng = np.random.default_rng(seed)
    point = np.tile(weekly, (reps, 1))
    hi = point + np.tile(spread, (reps, WEEKS))
    n = len(point)
    ids = np.array([f"m5:{i % len(weekly)}" for i in range(n)])
    market = np.array([f"L{i // len(weekly):03d}" for i in range(n)])
    attrs = {
        "lead_time_days": rng.uniform(20, 90, n), "lead_time_sd_days": rng.uniform(2, 12, n),
        "unit_cost": rng.lognormal(np.log(6), 0.6, n), "order_cost": 50.0, "moq": rng.choice([0, 50, 100, 500], n),
        "case_pack": rng.choice([1, 6, 12, 24], n), "on_hand": rng.integers(0, 400, n).astype(float), "inbound": 0.0,
        "stock_offset_days": 0.0,
    }  # fmt: skip
    frame = pd.DataFrame({
        "product_id": np.repeat(ids, WEEKS), "market": np.repeat(market, WEEKS), "kind": "forecast", "model": "M5",
        "freq": "W", "ds": np.tile(pd.date_range("2016-05-23", periods=WEEKS, freq="7D").to_numpy(), n),
        "point": point.ravel(), "hi_80": hi.ravel(),
        **{k: np.repeat(v, WEEKS) if isinstance(v, np.ndarray) else v for k, v in attrs.items()},
    })  # fmt: skip
    return frame


def main() -> None:
    rows = forecast_rows()
    s = PlanSettings()
    res: dict = {"pairs": int(rows[["product_id", "market"]].drop_duplicates().shape[0]), "forecast_rows": len(rows),
                 "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}  # fmt: skip
    res["machine"]["load_1min_start"] = os.getloadavg()[0]
    times = []
    for _ in range(3):
        t = time.perf_counter()
        local = run_plans(rows, s)
        times.append(time.perf_counter() - t)
    res["local_seconds"] = [round(x, 2) for x in times]
    res["local_median_seconds"] = round(float(np.median(times)), 2)
    sample_keys = local[["product_id", "market"]].drop_duplicates().head(2000)
    sample = rows.merge(sample_keys, on=["product_id", "market"])
    t = time.perf_counter()
    one = [run_plans(g, s) for _, g in sample.groupby(["product_id", "market"], sort=True)]
    per_pair = (time.perf_counter() - t) / len(one)
    loop = pd.concat(one, ignore_index=True).sort_values(["product_id", "market"]).reset_index(drop=True)
    vec = local.merge(sample_keys, on=["product_id", "market"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(loop, vec, check_dtype=False)
    res["loop_seconds_per_pair"] = round(per_pair, 5)
    res["loop_extrapolated_seconds"] = round(per_pair * res["pairs"], 1)
    res["speedup_vs_loop"] = round(per_pair * res["pairs"] / res["local_median_seconds"], 1)
    if "--dask" in sys.argv:
        with EngineSession("dask") as sess:
            t = time.perf_counter()
            dask = run_plans(rows, s, sess)
            res["dask_seconds"] = round(time.perf_counter() - t, 2)
        pd.testing.assert_frame_equal(local, dask, check_dtype=False)
        res["dask_equal_to_local"] = True
    res["machine"]["load_1min_end"] = os.getloadavg()[0]
    res["summary"] = {"order_now": int((local["suggested_order"] > 0).sum()),
                      "average_stock": round(float(local["average_stock"].sum())),
                      "baseline_average_stock": round(float(local["baseline_average_stock"].sum()))}  # fmt: skip
    print(json.dumps(res, indent=1))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
