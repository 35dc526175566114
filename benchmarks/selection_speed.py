"""Benchmark: score and rank 1,000,000 product × market candidates (issue 6 target: < 10 s on 2 cores).

Measures, in one process on the same synthetic factor matrix (every registry factor present, 2% missing
values): the full ``score_candidates`` (rank normalisation, weights, contributions, ranking) with the
weighted-sum profile and with TOPSIS (vector normalisation), against a baseline — a bare NumPy weighted sum
of min-max-normalised columns plus one argsort, the least work any ranking of this matrix needs.
Writes benchmarks/results/selection_speed.json.

Usage: .venv/bin/python benchmarks/selection_speed.py [--n 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xborder.domains.selection.factors import FACTORS
from xborder.domains.selection.profiles import load_profile
from xborder.domains.selection.score import score_candidates

OUT = Path(__file__).resolve().parent / "results" / "selection_speed.json"


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = {
        "product_id": [f"p:{i // 40}" for i in range(n)],
        "market": np.tile(np.array([f"M{j:02d}" for j in range(40)]), n // 40 + 1)[:n],
    }
    for f in FACTORS:
        col = rng.lognormal(0, 1, n)
        col[rng.random(n) < 0.02] = np.nan
        data[f.name] = col
    return pd.DataFrame(data)


def baseline(frame: pd.DataFrame, weights: np.ndarray) -> np.ndarray:
    m = frame[[f.name for f in FACTORS]].to_numpy()
    lo, hi = np.nanmin(m, axis=0), np.nanmax(m, axis=0)
    norm = np.nan_to_num((m - lo) / (hi - lo), nan=0.5)
    return np.argsort(-(norm @ weights), kind="stable")


def timed(fn, repeat: int = 3) -> tuple[float, float]:
    """Best wall-clock seconds and best CPU seconds (all threads of this process) over ``repeat`` runs.

    On a machine shared with other jobs the wall time mostly measures the queue; the CPU time is what
    the work costs (divide by the cores used in parallel for the wall time on an idle machine)."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    frame = make_frame(args.n)
    ws, tp = load_profile("balanced"), load_profile("textbook-topsis")
    w = np.ones(len(FACTORS)) / len(FACTORS)
    load_before = os.getloadavg()[0]
    t_base = timed(lambda: baseline(frame, w), args.repeat)
    t_ws = timed(lambda: score_candidates(frame, ws, long_factors=False), args.repeat)
    t_tp = timed(lambda: score_candidates(frame, tp, long_factors=False), args.repeat)
    t_long = timed(lambda: score_candidates(frame, ws, long_factors=True), 1)
    names = {
        "baseline_numpy_minmax_weighted_sum_argsort": t_base,
        "score_candidates_weighted_sum_rank": t_ws,
        "score_candidates_topsis_vector": t_tp,
        "score_candidates_weighted_sum_with_long_factor_table": t_long,
    }
    res = {
        "benchmark": "selection_speed",
        "candidates": args.n,
        "factors": len(FACTORS),
        "cpu_count": os.cpu_count(),
        "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "python": platform.python_version(),
        "wall_seconds": {k: round(v[0], 3) for k, v in names.items()},
        "cpu_seconds": {k: round(v[1], 3) for k, v in names.items()},
        "ratio_vs_baseline_cpu": {
            "weighted_sum": round(t_ws[1] / t_base[1], 2),
            "topsis": round(t_tp[1] / t_base[1], 2),
        },
        "ratio_vs_baseline_wall": {
            "weighted_sum": round(t_ws[0] / t_base[0], 2),
            "topsis": round(t_tp[0] / t_base[0], 2),
        },
        "target_seconds": 10.0,
        "meets_target_wall": bool(max(t_ws[0], t_tp[0]) < 10.0),
        "meets_target_cpu": bool(max(t_ws[1], t_tp[1]) < 10.0),
        "note": "best of --repeat runs; CPU seconds sum both threads of the rank normalisation, so they bound the "
        "idle-machine wall time from above; the long factor table (20 rows per candidate) is what the pipeline stores",
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
