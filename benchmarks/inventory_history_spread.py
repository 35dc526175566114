"""Do history plans hold their service level on real outcomes? The spread of a pair planned from its own last six
months of sales, grown over the window with independent weeks (before) or as the run's forecasts say errors add up.

A demo warehouse (``xborder demo``: UCI Online Retail I + II) is cut at five month starts (2010-07-01 …
2011-07-01). At each cut, every product × country that sold in the six whole months before it gets the inventory
stage's ``history`` demand (``unplanned.history_rows``: rate = units / days, a week's spread from the six monthly
totals). For windows of 28, 49, 67 and 91 days starting 0, 28 and 56 days after the cut, the reorder point
r = μ + 1.645σ (95 % cycle service, normal) is compared with the units the pair then sold. "Held" = share of
pair-windows with actual ≤ r, what a 95 % cycle service level promises; "short" = units above r / units sold.

Spread growth over the window, σ(n) ∝ n^a (``forecasts.window_demand``): a = ½ (independent weeks, the stage before
2026-12-07), the grid 0.6 / 0.7 / 1, and the demo run's pooled a (``forecasts.pooled_growth``: the median over its
product forecasts of the growth their horizon totals give) — what the stage now lends to history, analogue and
recent-sales plans. No demand model is run: the check takes seconds.

Writes benchmarks/results/inventory_history_spread.json. Run:
.venv/bin/python benchmarks/inventory_history_spread.py /path/to/demo.duckdb
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import norm

from xborder.domains.inventory.forecasts import demand_from_forecasts, pooled_growth, window_demand
from xborder.domains.inventory.unplanned import history_rows

CUTS = ("2010-07-01", "2010-10-01", "2011-01-01", "2011-04-01", "2011-07-01")
LENGTHS = (28, 49, 67, 91)
OFFSETS = (0, 28, 56)
Z = float(norm.ppf(0.95))


def _sales(con: Any) -> pd.DataFrame:
    ol = con.execute(
        """SELECT product_id, upper(country) AS market, ordered_at::DATE AS day, quantity AS units FROM order_lines
           WHERE status = 'sold' AND product_id IS NOT NULL AND country IS NOT NULL"""
    ).df()
    return ol.assign(day=pd.to_datetime(ol["day"]))


def held_summary(g: pd.DataFrame, by: tuple[str, ...] = ()) -> dict[str, Any]:
    """How a variant's reorder points ``r`` held against ``actual`` demand (``mu`` expected): the share held,
    the share of units short, the safety stock, and the share held per window length, cut and ``by`` column."""
    held = g["actual"] <= g["r"]
    out: dict[str, Any] = {
        "held": round(float(held.mean()), 4),
        "short": round(float((g["actual"] - g["r"]).clip(lower=0).sum() / g["actual"].sum()), 4),
        "safety_stock": round(float((g["r"] - g["mu"]).sum())),
        "held_by_window": {int(k): round(float(v), 4) for k, v in held.groupby(g["length"]).mean().items()},
        "held_by_cut": {str(k): round(float(v), 4) for k, v in held.groupby(g["cut"]).mean().items()},
    }
    for col in by:
        out[f"held_by_{col}"] = {str(k): round(float(v), 4) for k, v in held.groupby(g[col]).mean().items()}
    return out


def _run_growth(con: Any) -> tuple[float | None, str | None]:
    """The pooled growth of the warehouse's latest forecast run with horizon totals."""
    run = con.execute("SELECT max(run_id) FROM forecast_totals").fetchone()[0]
    if run is None:
        return None, None
    fc = con.execute(
        "SELECT * FROM forecasts WHERE run_id = ? AND level = 'product_market' AND kind = 'forecast'", [run]
    ).df()
    tot = con.execute(
        """SELECT product_id, market, q50 AS total_q50, q90 AS total_q90, periods AS total_periods
           FROM forecast_totals WHERE run_id = ? AND level = 'product_market'""",
        [run],
    ).df()
    return pooled_growth(fc.merge(tot, on=["product_id", "market"], how="left")), run


def _windows(sales: pd.DataFrame, cut: pd.Timestamp, growths: dict[str, float]) -> list[pd.DataFrame]:
    months = pd.date_range(cut - pd.DateOffset(months=6), periods=6, freq="MS")
    before = sales[(sales["day"] >= months[0]) & (sales["day"] < cut)]
    recent = (
        before.assign(month=before["day"].dt.to_period("M").dt.to_timestamp())
        .groupby(["product_id", "market", "month"], as_index=False)["units"]
        .sum()
        .assign(cutoff=cut)
    )
    rows = history_rows(recent, recent[["product_id", "market"]].drop_duplicates(), set())
    paths = demand_from_forecasts(rows)
    idx = pd.MultiIndex.from_frame(paths.keys[["product_id", "market"]])
    after = sales[sales["day"] >= cut]
    out = []
    n = len(idx)
    for off in OFFSETS:
        for length in LENGTHS:
            start = cut + pd.Timedelta(days=off)
            sold = after[(after["day"] >= start) & (after["day"] < start + pd.Timedelta(days=length))]
            actual = sold.groupby(["product_id", "market"])["units"].sum().reindex(idx, fill_value=0.0)
            for name, a in growths.items():
                mu, sd = window_demand(
                    replace(paths, growth=np.full(n, a)), np.full(n, off), np.full(n, length)
                )
                out.append(pd.DataFrame({"variant": name, "cut": cut.date().isoformat(), "length": length,
                                         "actual": actual.to_numpy(float), "mu": mu, "sd": sd}))  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "demo", type=Path, help="A demo warehouse (xborder demo --out DIR writes DIR/demo.duckdb)."
    )
    a = ap.parse_args()
    t0 = time.perf_counter()
    con = duckdb.connect(str(a.demo), read_only=True)
    pooled, run = _run_growth(con)
    growths = {"independent weeks, a = 0.5 (before)": 0.5, "a = 0.6": 0.6, "a = 0.7": 0.7, "a = 1": 1.0}
    if pooled is not None:
        growths[f"run's pooled a = {pooled:.2f} (the stage)"] = pooled
    sales = _sales(con)
    frames = [f for cut in CUTS for f in _windows(sales, pd.Timestamp(cut), growths)]
    d = pd.concat(frames, ignore_index=True)
    d["r"] = d["mu"] + Z * d["sd"]
    results: dict[str, Any] = {str(name): held_summary(g) for name, g in d.groupby("variant", sort=False)}
    first = d[d["variant"] == next(iter(growths))]
    out = {
        "cuts": list(CUTS), "lengths": list(LENGTHS), "offsets": list(OFFSETS), "target": 0.95,
        "pair_windows": len(first), "expected_units": round(float(first["mu"].sum())),
        "actual_units": round(float(first["actual"].sum())), "forecast_run": run, "pooled_growth": pooled,
        "results": results, "seconds": round(time.perf_counter() - t0, 1),
    }  # fmt: skip
    path = Path(__file__).parent / "results" / "inventory_history_spread.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
