"""Does the reorder point hold its service level on real outcomes? Demand's spread read several ways, checked on
what the demo's customers bought next.

A copy of a demo warehouse (``xborder demo``: UCI Online Retail I + II) has its order lines cut at a day
(default 2011-06-06); the demand stage forecasts the 400 busiest product × country weekly series from what is
left (``xborder forecast --level product_market --freq W --max-series 400``). For windows of 28, 49, 67 and 91
days starting 0, 28 and 56 days after the cut (12 windows × 400 pairs), the reorder point r = μ + 1.645σ (95 %
cycle service, normal) is set from that forecast, and the actual units the pair sold in the window (from the
uncut warehouse) are compared with it. "Held" = share of pair-windows with actual ≤ r (what a 95 % cycle
service level promises); "short" = units above r / units sold; "matched" = the z each spread needs to hold 95 %,
and the safety stock it then takes (how well the spread ranks the pairs' risk, whatever its scale).

Spreads compared (``inventory.forecasts``): the widest tail (q975 − q50 over 1.96, periods independent — the
stage before 2026-12-06, third session), q90 and q95 with independent periods, q90 and q95 grown over the window
as the horizon total says (``forecast_totals``, σ(n) ∝ n^a — q95 + total is what the stage does at 95 %), and
the days-of-cover rule (r = μ + 15 days of average sales).

Writes benchmarks/results/inventory_spread.json. Run:
.venv/bin/python benchmarks/inventory_spread.py /path/to/demo.duckdb [--cut 2011-06-06]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import norm

from xborder.domains.inventory.forecasts import demand_from_forecasts, window_demand

LENGTHS = (28, 49, 67, 91)
OFFSETS = (0, 28, 56)
Z = float(norm.ppf(0.95))


def _forecast(demo: Path, cut: str, work: Path) -> Path:
    db = work / "cut.duckdb"
    shutil.copy(demo, db)
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM order_lines WHERE ordered_at >= ?", [cut])
    con.close()
    cmd = [sys.executable, "-m", "xborder.cli.main", "--db", str(db), "forecast", "--level", "product_market",
           "--freq", "W", "--max-series", "400", "--charts", "0"]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True)
    return db


def _variants(fc: pd.DataFrame, totals: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, float]]:
    """name → (forecast rows, service level the spread is read at)."""
    keep = [c for c in fc.columns if not c.startswith("q") or c == "q50"]
    with_totals = fc.merge(totals, on=["product_id", "market"], how="left")
    return {
        "widest tail (q975), independent (before)": (fc[[*keep, "q975"]], 0.975),
        "q90, independent": (fc[[*keep, "q90"]], 0.9),
        "q95, independent": (fc[[*keep, "q95"]], 0.95),
        "q90 + horizon total": (with_totals[[*keep, "q90", "total_q50", "total_q90", "total_periods"]], 0.9),
        "q95 + horizon total (the plan)": (with_totals, 0.95),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "demo", type=Path, help="A demo warehouse (xborder demo --out DIR writes DIR/demo.duckdb)."
    )
    ap.add_argument("--cut", default="2011-06-06")
    a = ap.parse_args()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        db = _forecast(a.demo, a.cut, Path(tmp))
        con = duckdb.connect(str(db), read_only=True)
        run = con.execute("SELECT max(run_id) FROM forecast_totals").fetchone()[0]
        fc = con.execute("SELECT * FROM forecasts WHERE run_id = ? AND level = 'product_market'", [run]).df()
        totals = con.execute(
            "SELECT product_id, market, q50 AS total_q50, q90 AS total_q90, periods AS total_periods "
            "FROM forecast_totals WHERE run_id = ? AND level = 'product_market'",
            [run],
        ).df()
        con.close()
    full = duckdb.connect(str(a.demo), read_only=True)
    sold = full.execute(
        "SELECT product_id, upper(country) AS market, ordered_at::DATE AS d, sum(quantity) AS u FROM order_lines "
        "WHERE status = 'sold' AND ordered_at >= ? GROUP BY ALL",
        [a.cut],
    ).df()
    full.close()
    sold["d"] = pd.to_datetime(sold["d"])
    start = pd.Timestamp(a.cut)
    variants = _variants(fc, totals)
    parts: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {k: [] for k in [*variants, "rule"]}
    for length in LENGTHS:
        for off in OFFSETS:
            w = sold[
                (sold["d"] >= start + pd.Timedelta(days=off))
                & (sold["d"] < start + pd.Timedelta(days=off + length))
            ]
            units = w.groupby(["product_id", "market"])["u"].sum().rename("y").reset_index()
            for name, (rows, level) in variants.items():
                paths = demand_from_forecasts(rows, level)
                n = len(paths.keys)
                mu, sd = window_demand(paths, np.full(n, float(off)), np.full(n, float(length)))
                y = (
                    paths.keys[["product_id", "market"]]
                    .merge(units, how="left")["y"]
                    .fillna(0)
                    .to_numpy(float)
                )
                parts[name].append((mu, sd, y))
                if name.startswith("q95 + "):
                    parts["rule"].append((mu, mu / length, y))  # r = μ + 15 days of average sales
    out: dict[str, Any] = {"cut": a.cut, "forecast_run": run, "pairs": int(fc[["product_id", "market"]].drop_duplicates().shape[0]),
                           "windows": len(LENGTHS) * len(OFFSETS), "target": 0.95, "results": {}}  # fmt: skip
    for name, p in parts.items():
        mu, sd, y = (np.concatenate([x[i] for x in p]) for i in range(3))
        k = 15.0 if name == "rule" else Z
        r = mu + k * sd
        grid = np.linspace(0, 60 if name == "rule" else 8, 4801)
        held = np.array([(y <= mu + g * sd).mean() for g in grid])
        ok = held >= 0.95
        zm = float(grid[np.argmax(ok)]) if ok.any() else float("nan")
        out["results"][name] = {
            "held": round(float((y <= r).mean()), 4),
            "short": round(float(np.maximum(y - r, 0).sum() / y.sum()), 4),
            "safety_stock": round(float((r - mu).sum())),
            "expected_units": round(float(mu.sum())),
            "actual_units": round(float(y.sum())),
            "matched_factor": round(zm, 3) if np.isfinite(zm) else None,
            "matched_safety_stock": round(float(zm * sd.sum())) if np.isfinite(zm) else None,
        }
    out["seconds"] = round(time.perf_counter() - t0, 1)
    res = Path(__file__).parent / "results" / "inventory_spread.json"
    res.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
