"""Landed-cost speed: 100,000 product x market x mode combinations, vectorised vs the one-at-a-time path.

Products are 2,000 real Olist products (package weight and dimensions from
../shared/data/olist_brazilian_ecommerce/complete_tables/olist_products_dataset.csv, categories mapped as in
scripts/derive_category_defaults.py) with unit costs drawn from a log-normal (median USD 6); each is priced
in all 25 markets and shipped by 2 modes (sea_lcl and express, which exercises the low-value rules) =
100,000 combinations, as of 2026-07-01. The baseline is the scalar path (``landed_cost`` per combination,
what a naive loop would do) on a 300-combination sample, extrapolated per combination, in the same process.
Also checks that both paths give the same numbers on the sample.

Writes benchmarks/results/landed_cost_speed.json. Run: .venv/bin/python benchmarks/landed_cost_speed.py
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from derive_category_defaults import MAP  # noqa: E402

from xborder.domains.landed_cost import ProductInput, landed_cost, landed_cost_frame  # noqa: E402
from xborder.domains.landed_cost.rules import rule_book  # noqa: E402
from xborder.reference.fx import load_fx  # noqa: E402

OLIST = ROOT.parent / "shared" / "data" / "olist_brazilian_ecommerce" / "complete_tables"
OUT = ROOT / "benchmarks" / "results" / "landed_cost_speed.json"
DATE = "2026-07-01"


def products(n: int = 2000, seed: int = 11) -> pd.DataFrame:
    p = pd.read_csv(OLIST / "olist_products_dataset.csv")
    tr = pd.read_csv(OLIST / "product_category_name_translation.csv")
    p = p.merge(tr, on="product_category_name", how="left")
    p["category"] = p["product_category_name_english"].map(MAP)
    p = p.dropna(
        subset=["category", "product_weight_g", "product_length_cm", "product_width_cm", "product_height_cm"]
    )
    p = p[p["product_weight_g"] > 0].sample(n, random_state=seed)
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "product_id": "olist:" + p["product_id"].str[:10],
            "category": p["category"].to_numpy(),
            "weight_kg": p["product_weight_g"].to_numpy() / 1000,
            "length_cm": p["product_length_cm"].to_numpy(),
            "width_cm": p["product_width_cm"].to_numpy(),
            "height_cm": p["product_height_cm"].to_numpy(),
            "unit_cost": np.round(rng.lognormal(np.log(6), 0.8, n), 2),
            "cost_currency": "USD",
            "origin": "CN",
        }
    )


def grid(prods: pd.DataFrame, modes: tuple[str, ...] = ("sea_lcl", "express")) -> pd.DataFrame:
    book = rule_book(DATE)
    fx = load_fx()
    mk = pd.DataFrame({"market": list(book.markets.index)})
    g = prods.merge(mk, how="cross").merge(pd.DataFrame({"mode": list(modes)}), how="cross")
    # price: 3x the unit cost in USD, converted to the market's currency
    f = {m: fx.factor("USD", book.market(m)["currency"], DATE).rate for m in mk["market"]}
    g["price"] = 3.0 * g["unit_cost"] * g["market"].map(f)
    return g


def main() -> int:
    t0 = time.perf_counter()
    prods = products()
    g = grid(prods)
    load_s = time.perf_counter() - t0
    landed_cost_frame(g.head(50), date=DATE)  # warm caches (rule book, FX table)
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        out = landed_cost_frame(g, date=DATE)
        runs.append(time.perf_counter() - t)
    vec_s = min(runs)
    sample = g.sample(300, random_state=3).reset_index(drop=True)
    t = time.perf_counter()
    scalar = []
    for r in sample.itertuples():
        pin = ProductInput(
            unit_cost=r.unit_cost,
            cost_currency=r.cost_currency,
            category=r.category,
            origin=r.origin,
            weight_kg=r.weight_kg,
            length_cm=r.length_cm,
            width_cm=r.width_cm,
            height_cm=r.height_cm,
            product_id=r.product_id,
        )
        scalar.append(landed_cost(pin, r.market, r.mode, date=DATE, price=r.price).row)
    scalar_s = time.perf_counter() - t
    sc = pd.DataFrame(scalar)
    vec_sample = landed_cost_frame(sample, date=DATE)
    max_diff = float(np.nanmax(np.abs(sc["landed_cost"].to_numpy() - vec_sample["landed_cost"].to_numpy())))
    per_combo_scalar = scalar_s / len(sample)
    result = {
        "combinations": int(len(out)),
        "products": int(len(prods)),
        "markets": int(g["market"].nunique()),
        "modes": sorted(g["mode"].unique()),
        "as_of": DATE,
        "vectorised_seconds_best_of_3": round(vec_s, 3),
        "vectorised_runs_seconds": [round(x, 3) for x in runs],
        "target_seconds": 10.0,
        "meets_target": bool(vec_s < 10.0),
        "scalar_sample_size": len(sample),
        "scalar_seconds_per_combination": round(per_combo_scalar, 5),
        "scalar_extrapolated_seconds_for_all": round(per_combo_scalar * len(out), 1),
        "speedup_vs_scalar": round(per_combo_scalar * len(out) / vec_s, 1),
        "max_abs_diff_landed_cost_sample": max_diff,
        "data_load_seconds": round(load_s, 2),
        "share_with_low_value_rule": round(float((out["low_value_rule"] != "").mean()), 3),
        "median_margin_pct": round(float(out["margin_pct"].median()), 4),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1min_at_end": round(os.getloadavg()[0], 1),
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
