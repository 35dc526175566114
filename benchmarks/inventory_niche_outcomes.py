"""Do niche plans hold their service level on real outcomes? A niche is a new product of a category in a market,
planned as the category × market's demand divided by the category's products there; checked here on the products
that then did enter a market.

A demo warehouse (``xborder demo``: UCI Online Retail I + II, products with a category) is cut at five month
starts (2010-07-01 … 2011-07-01). At each cut every category × market that sold in the six whole months before
gets a niche plan built the way the stage builds one, with the category's **own sales** in place of the demand
stage's category forecast (no demand model is run): the category × market's six monthly totals through
``unplanned.history_rows`` (rate = units / days, a week's spread from the monthly totals), divided by the
category's products that sold in that market in those months (``sold``) or — as the stage divides — by the
category's products among the 200 busiest product × market pairs of the 52 weeks before (``forecast``: those the
demand stage forecasts; at least 1), the spread grown over a window as σ(n) ∝ n^a. The outcome: every product × market
whose **first sale** there falls in the 91 days after the cut, its units over 28, 49, 67 and 91 days from that
first sale (windows ending after the data are left out), against r = μ + 1.645σ of its category × market's niche
(95 % cycle service, normal). "Held" = share of product-windows with units ≤ r.

Variants: a = ½ (independent weeks, before 2026-12-07), 0.85 (the growth the stage lends a niche without a
category total; the demo run's pooled a) and 1.

Writes benchmarks/results/inventory_niche_outcomes.json. Run:
.venv/bin/python benchmarks/inventory_niche_outcomes.py /path/to/demo.duckdb
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
from inventory_history_spread import held_summary
from scipy.stats import norm

from xborder.domains.inventory.forecasts import demand_from_forecasts, window_demand
from xborder.domains.inventory.unplanned import history_rows

CUTS = ("2010-07-01", "2010-10-01", "2011-01-01", "2011-04-01", "2011-07-01")
LENGTHS = (28, 49, 67, 91)
ENTRY_DAYS = 91
GROWTHS = {"independent weeks, a = 0.5 (before)": 0.5, "a = 0.85 (the run's pooled a)": 0.85, "a = 1": 1.0}
Z = float(norm.ppf(0.95))
DIVISORS = ("sold", "forecast")
FORECAST_PAIRS = (
    200  # product × market forecasts of the demo's demand run (docs/inventory.md: 200 forecast plans)
)


def _sales(con: Any) -> pd.DataFrame:
    ol = con.execute(
        """SELECT o.product_id, upper(o.country) AS market, o.ordered_at::DATE AS day, o.quantity AS units,
                  p.category
           FROM order_lines o JOIN products p USING (product_id)
           WHERE o.status = 'sold' AND o.country IS NOT NULL AND p.category IS NOT NULL AND p.category <> 'other'"""
    ).df()
    return ol.assign(day=pd.to_datetime(ol["day"]))


def _niches(sales: pd.DataFrame, cut: pd.Timestamp, divisor: str) -> tuple[Any, pd.DataFrame]:
    """Niche demand paths per category × market at ``cut`` and the products each is divided by: those of the
    category that sold in the market in the six months (``sold``), or those among the ``FORECAST_PAIRS``
    busiest product × market pairs of the 52 weeks before (``forecast``: the pairs the demand stage forecasts)."""
    months = pd.date_range(cut - pd.DateOffset(months=6), periods=6, freq="MS")
    before = sales[(sales["day"] >= months[0]) & (sales["day"] < cut)]
    recent = (
        before.assign(month=before["day"].dt.to_period("M").dt.to_timestamp())
        .groupby(["category", "market", "month"], as_index=False)["units"]
        .sum()
        .rename(columns={"category": "product_id"})
        .assign(cutoff=cut)
    )
    rows = history_rows(recent, recent[["product_id", "market"]].drop_duplicates(), set())
    if divisor == "sold":
        n = before.groupby(["category", "market"])["product_id"].nunique().rename("products")
    else:
        year = sales[(sales["day"] >= cut - pd.Timedelta(weeks=52)) & (sales["day"] < cut)]
        units = year.groupby(["product_id", "market", "category"])["units"].sum().nlargest(FORECAST_PAIRS)
        n = units.reset_index().groupby(["category", "market"])["product_id"].nunique().rename("products")
    rows = rows.join(n, on=["product_id", "market"])
    for c in ("point", "hi_80"):
        rows[c] = rows[c] / rows["products"].fillna(1.0).clip(lower=1)
    return demand_from_forecasts(rows.drop(columns="products")), n.reset_index()


def _windows(
    sales: pd.DataFrame, cut: pd.Timestamp, end: pd.Timestamp, divisor: str
) -> tuple[list[pd.DataFrame], dict]:
    paths, _ = _niches(sales, cut, divisor)
    first = sales.groupby(["product_id", "market"], as_index=False).agg(
        first=("day", "min"), category=("category", "first")
    )
    entered = first[(first["first"] >= cut) & (first["first"] < cut + pd.Timedelta(days=ENTRY_DAYS))]
    keys = paths.keys[["product_id", "market"]].rename(columns={"product_id": "category"})
    keys = keys.assign(_i=np.arange(len(keys)))
    e = entered.merge(keys, on=["category", "market"], how="left")
    counts = {"entered": len(e), "with_a_niche_plan": int(e["_i"].notna().sum())}
    e = e[e["_i"].notna()].reset_index(drop=True)
    idx = e["_i"].astype(int).to_numpy()
    out = []
    for length in LENGTHS:
        keep = (e["first"] + pd.Timedelta(days=length) <= end).to_numpy()
        w = e[keep]
        sold = sales.merge(w[["product_id", "market", "first"]], on=["product_id", "market"])
        sold = sold[
            (sold["day"] >= sold["first"]) & (sold["day"] < sold["first"] + pd.Timedelta(days=length))
        ]
        actual = sold.groupby(["product_id", "market"])["units"].sum()
        actual = actual.reindex(pd.MultiIndex.from_frame(w[["product_id", "market"]]), fill_value=0.0)
        for name, a in GROWTHS.items():
            p = replace(paths, growth=np.full(len(paths.days), a))
            mu, sd = window_demand(p, np.zeros(len(paths.days)), np.full(len(paths.days), length))
            out.append(pd.DataFrame({"variant": f"{divisor}: {name}", "cut": cut.date().isoformat(), "length": length,
                                     "category": w["category"].to_numpy(), "actual": actual.to_numpy(float),
                                     "mu": mu[idx[keep]], "sd": sd[idx[keep]]}))  # fmt: skip
    return out, counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "demo", type=Path, help="A demo warehouse (xborder demo --out DIR writes DIR/demo.duckdb)."
    )
    a = ap.parse_args()
    t0 = time.perf_counter()
    con = duckdb.connect(str(a.demo), read_only=True)
    sales = _sales(con)
    end = sales["day"].max() + pd.Timedelta(days=1)
    frames, counts = [], {}
    for divisor in DIVISORS:
        for cut in CUTS:
            f, c = _windows(sales, pd.Timestamp(cut), end, divisor)
            frames += f
            counts[cut] = c
    d = pd.concat(frames, ignore_index=True)
    d["r"] = d["mu"] + Z * d["sd"]
    results: dict[str, Any] = {
        str(name): held_summary(g, by=("category",)) for name, g in d.groupby("variant", sort=False)
    }
    first = d[d["variant"] == f"{DIVISORS[0]}: {next(iter(GROWTHS))}"]
    out = {
        "cuts": list(CUTS), "lengths": list(LENGTHS), "entry_days": ENTRY_DAYS, "target": 0.95,
        "entries": counts, "product_windows": len(first), "expected_units": round(float(first["mu"].sum())),
        "actual_units": round(float(first["actual"].sum())),
        "expected_units_by_divisor": {
            dv: round(float(g["mu"].sum()))
            for dv, g in d[d["variant"].str.endswith(next(iter(GROWTHS)))].groupby(d["variant"].str.split(":").str[0])
        },
        "median_ratio_actual_to_expected": {
            dv: round(float((g["actual"] / g["mu"]).median()), 3)
            for dv, g in d[d["variant"].str.endswith(next(iter(GROWTHS)))].groupby(d["variant"].str.split(":").str[0])
        },
        "results": results, "seconds": round(time.perf_counter() - t0, 1),
    }  # fmt: skip
    path = Path(__file__).parent / "results" / "inventory_niche_outcomes.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
