"""Inventory scale: plans for 100,000 SKU × location pairs (26 weekly forecast periods each = 2.6 million forecast
rows) through the vectorised plan step, locally and on Dask through Fugue, with identical results.

Demand is real: the 1,000 M5 series' last 182 days summed into 26 weeks (their actual weekly sales as the point
forecast, the 80 % interval from each series' weekly spread), each series repeated over 100 locations with its
own lead time (20 - 90 days), landed cost, MOQ, case pack and stock on hand, so every pair differs. The baseline
in the same process is the same plan computed one pair at a time (what a Python loop per SKU would do) on a
2,000-pair sample, extrapolated per pair; both paths must give the same numbers on the sample.

With ``--own-sales`` (eighth session) the same 100,000 pairs are planned as the stage plans a pair with a year of its
own sales: the series' last 364 days of daily sales (M5, 100 locations each; 12 lanes of lead time and spread, as
lanes come from a few freight rules), ``own_sales.own_sales_plans`` (daily sales matrix, the replay-validated
reorder points, the empirical point of slow pairs and its service at the 6-month cap) and then ``run_plans`` with
the own-sales columns and the cap — the stage's path end to end, timed as a whole and by step.

Writes benchmarks/results/inventory_scale.json (``--own-sales``: results/inventory_scale_own_sales.json).
Run: .venv/bin/python benchmarks/inventory_scale.py [--dask] [--own-sales]
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


LANES = 12


def own_sales_inputs(rows: pd.DataFrame, seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Daily sales (sale days only), first sales and pair inputs for the pairs of ``rows`` (module docstring)."""
    df = pd.read_csv(DATA / "m5_walmart_subset" / "sales_train_evaluation_1000series.csv.gz")
    y = df[[c for c in df.columns if c.startswith("d_")]].to_numpy(dtype=float)[:, -364:]
    pairs = rows.drop_duplicates(["product_id", "market"]).reset_index(drop=True)
    series = pairs["product_id"].str.slice(3).astype(int).to_numpy()
    rng = np.random.default_rng(seed)
    lanes = np.column_stack([rng.uniform(20, 90, LANES).round(), rng.uniform(2, 12, LANES).round(1)])
    lane = rng.integers(0, LANES, len(pairs))
    pairs = pairs.assign(lead_time_days=lanes[lane, 0], lead_time_sd_days=lanes[lane, 1])
    days = pd.date_range("2015-05-24", periods=364)
    sku, day = np.nonzero(y[series])
    daily = pd.DataFrame({"product_id": pairs["product_id"].to_numpy()[sku], "market": pairs["market"].to_numpy()[sku],
                          "day": days[day], "units": y[series][sku, day]})  # fmt: skip
    first = pairs[["product_id", "market"]].assign(first_sale=pd.Timestamp("2011-01-29"))
    return daily, first, pairs


def own_sales_main(rows: pd.DataFrame) -> dict:
    """The stage's own-sales path for every pair, timed (CPU and wall) by step."""
    from xborder.domains.inventory.launch import sale_day_floors
    from xborder.domains.inventory.own_sales import OWN_COLUMNS, own_sales_plans

    s = PlanSettings(max_stock_months=6.0)
    daily, first, pairs = own_sales_inputs(rows)
    res: dict = {"daily_sale_rows": len(daily), "lanes": LANES, "load_1min_start": os.getloadavg()[0]}
    c0, w0 = time.process_time(), time.perf_counter()
    own = own_sales_plans(daily, first, pairs, cutoff="2016-05-21", review_days=s.review_days,
                          service_level=s.service_level, settings=s)  # fmt: skip
    c1, w1 = time.process_time(), time.perf_counter()
    own = own.merge(
        sale_day_floors(daily), on="product_id", how="left"
    )  # the stage's launch floors (ninth session)
    c1f, w1f = time.process_time(), time.perf_counter()
    keep = ["product_id", "market", "lead_time_days", "lead_time_sd_days"]
    rows = rows.drop(columns=["lead_time_days", "lead_time_sd_days"]).merge(
        pairs[keep], on=["product_id", "market"]
    )
    plans = run_plans(rows.merge(own, on=["product_id", "market"], how="left"), s)
    c2, w2 = time.process_time(), time.perf_counter()
    res |= {"own_sales_plans_cpu_s": round(c1 - c0, 1), "own_sales_plans_wall_s": round(w1 - w0, 1),
            "launch_floors_cpu_s": round(c1f - c1, 1), "launch_floors_wall_s": round(w1f - w1, 1),
            "run_plans_cpu_s": round(c2 - c1f, 1), "run_plans_wall_s": round(w2 - w1f, 1),
            "total_cpu_s": round(c2 - c0, 1), "total_wall_s": round(w2 - w0, 1),
            "pairs": len(plans), "own_sales_pairs": int((plans["plan_method"] == "own_sales").sum()),
            "distributions": plans["distribution"].value_counts().to_dict(),
            "stock_actions": plans["stock_action"].value_counts().to_dict(),
            "average_stock": round(float(plans["average_stock"].sum())),
            "uncapped_average_stock": round(float(plans["uncapped_average_stock"].sum())),
            "baseline_average_stock": round(float(plans["baseline_average_stock"].sum())),
            "own_columns": list(OWN_COLUMNS), "load_1min_end": os.getloadavg()[0]}  # fmt: skip
    return res


def main() -> None:
    rows = forecast_rows()
    if "--own-sales" in sys.argv:
        res = own_sales_main(rows)
        print(json.dumps(res, indent=1))
        out = OUT.with_name("inventory_scale_own_sales.json")
        out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
        return
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
