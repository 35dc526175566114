"""Do plans made before launch from an analogue forecast hold on what the product then sold? A launch replay.

A demo warehouse (``xborder demo``: UCI Online Retail I + II) is cut at five month starts (2010-07-01 …
2011-07-01). At each cut the demand stage's product forecasts are stood in for by each product × market's own
run rate (mean weekly units of the 26 weeks before the cut, flat over 26 weeks; no demand model is run) for the
``FORECAST_PAIRS`` busiest product × market pairs of the 52 weeks before (the pairs the stage forecasts). Every
product of those pairs whose **first sale in another market** falls in the 91 days after the cut is a launch
there: its analogue forecast is built by the demand stage's own function (``demand.analogue.analogue_forecasts``:
the product's forecasts in the markets where it sells, each scaled by the target market's size over the source's
— weekly market totals of the 52 weeks before —, averaged, 80 % band [point/2, 2·point] widened to the scaled
range) and planned through the inventory stage's demand paths (``forecasts.demand_from_forecasts``; spread from
the 80 % band's upper half, grown over a window as σ(n) ∝ n^a). The outcome: the units the product sold in that
market over 28, 49, 67 and 91 days from its first sale there (windows ending after the data are left out),
against r = μ + 1.645σ (95 % cycle service, normal). "Held" = share of launch-windows with units ≤ r.

Variants: a = ½ (independent weeks) and 0.85 (the growth the stage lends an analogue: the demo run's pooled a);
and r raised to at least a quantile (50th … 95th percentile) of the product's sale days in the markets where it
sold in the 52 weeks before (a launch in a wholesale market opens with one customer's order, which a market-size
scaling of the run rate does not see; ``inventory.launch.sale_day_floors``). The quantile is **chosen on the
earlier cuts** (``launch.FLOOR_CHOICE_CUTS``: 2010-07-01 and 2010-10-01, whose windows all end by 2011-03-31 —
the lowest quantile holding 93 %) and **tested on the later ones** (2011-04-01, 2011-07-01: every launch and
outcome after the choice period; 2011-01-01 overlaps it and is reported apart). The stage uses the chosen quantile
(``launch.LAUNCH_FLOOR_QUANTILE``); the run records whether the choice still agrees.

Tenth session ("capped_launch_plans"): the launch plans with the chosen floor, then capped at 6 months of stock as
the stage caps them (or made to order), measured per stock action on the same later launch-windows; the stage
states these (``launch.MEASURED_HELD``) instead of the forecast model's service.

Writes benchmarks/results/inventory_analogue_outcomes.json. Run:
.venv/bin/python benchmarks/inventory_analogue_outcomes.py /path/to/demo.duckdb
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

from xborder.domains.demand.analogue import analogue_forecasts
from xborder.domains.inventory.forecasts import demand_from_forecasts, window_demand
from xborder.domains.inventory.launch import (
    FLOOR_CHOICE_CUTS,
    LAUNCH_FLOOR_QUANTILE,
    choose_floor,
    sale_day_floors,
)
from xborder.domains.inventory.plan import DAYS_PER_MONTH, PlanSettings, capped_reorder_points

CUTS = ("2010-07-01", "2010-10-01", "2011-01-01", "2011-04-01", "2011-07-01")
LENGTHS = (28, 49, 67, 91)
ENTRY_DAYS = 91
WEEKS = 26
GROWTHS = {"independent weeks, a = 0.5": 0.5, "a = 0.85 (the run's pooled a, the stage)": 0.85}
Z = float(norm.ppf(0.95))
FLOORS = {f"p{round(100 * q)}": q for q in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)}
TEST_CUTS = ("2011-04-01", "2011-07-01")  # launches and outcomes all after the choice period
FORECAST_PAIRS = 200  # product × market forecasts of the demo's demand run (docs/inventory.md)
CAP_MONTHS, REVIEW, ORDER_DAYS = (
    6.0,
    7.0,
    30.0,
)  # the stage's months-of-stock cap, review, Q without a unit cost


def _capped(g: pd.DataFrame) -> pd.DataFrame:
    """The launch plans with the floor as the stage then caps them (tenth session): each window taken as the
    protection period (rate = μ / days), Q = 30 days of the rate, the reorder point lowered to hold at most
    ``CAP_MONTHS`` of demand on average (``plan.capped_reorder_points``), make-to-order where even capped the
    stock cannot hold Q or the product's median sale day elsewhere (``plan.plan_pairs``' rule)."""
    g = g.copy()
    mu, length = g["mu"].to_numpy(float), g["length"].to_numpy(float)
    rate = mu / length
    q = np.where(rate > 0, np.maximum(np.ceil(ORDER_DAYS * rate), 1.0), 0.0)
    s = PlanSettings(review_days=REVIEW, max_stock_months=CAP_MONTHS)
    r_cap, hold = capped_reorder_points(rate, mu, q, s)
    cap_units = CAP_MONTHS * DAYS_PER_MONTH * rate
    r0 = g["r"].to_numpy(float)
    over = (rate > 0) & (np.maximum(r0 - mu, 0) + hold > cap_units + 0.5) & (r_cap < r0)
    size = g["sale_size"].to_numpy(float)
    mto = over & ((hold > cap_units) | (np.isfinite(size) & (size > r_cap + q)))
    g["action"] = np.where(mto, "make_to_order", np.where(over, "cap", "stock"))
    g["r"] = np.where(mto, 0.0, np.where(over, r_cap, r0))
    z = np.divide(g["r"] - mu, g["sd"], out=np.zeros(len(g)), where=g["sd"].to_numpy(float) > 0)
    g["model_service"] = np.where(mto, np.nan, norm.cdf(z))
    return g


def _capped_summary(g: pd.DataFrame) -> dict[str, Any]:
    """Held share per stock action (make-to-order holds nothing: its windows with any sale are orders served
    on order, counted apart) and the service the forecast model states for the same plans."""
    out: dict[str, Any] = {"launch_windows": len(g)}
    stocked = g[g["action"] != "make_to_order"]
    out["stocked"] = held_summary(stocked) | {
        "launch_windows": len(stocked),
        "model_service_mean": round(float(stocked["model_service"].mean()), 4),
    }
    for a, x in g.groupby("action"):
        held = x["actual"] <= x["r"]
        out[str(a)] = {
            "launch_windows": len(x),
            "held": round(float(held.mean()), 4),
            "model_service_mean": None
            if a == "make_to_order"
            else round(float(x["model_service"].mean()), 4),
            "units_sold": round(float(x["actual"].sum())),
            "reorder_points": round(float(x["r"].sum())),
        }
    return out


def _sales(con: Any) -> pd.DataFrame:
    ol = con.execute(
        """SELECT product_id, upper(country) AS market, ordered_at::DATE AS day, quantity AS units
           FROM order_lines WHERE status = 'sold' AND country IS NOT NULL AND product_id IS NOT NULL"""
    ).df()
    return ol.assign(day=pd.to_datetime(ol["day"]))


def _analogues(sales: pd.DataFrame, cut: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The launches after ``cut`` (product, market, first day) and their analogue forecast rows (inventory form)."""
    year = sales[(sales["day"] >= cut - pd.Timedelta(weeks=52)) & (sales["day"] < cut)]
    busiest = year.groupby(["product_id", "market"])["units"].sum().nlargest(FORECAST_PAIRS).reset_index()
    half = year[year["day"] >= cut - pd.Timedelta(weeks=WEEKS)]
    rate = half.groupby(["product_id", "market"])["units"].sum() / WEEKS
    ds = pd.date_range(cut, periods=WEEKS, freq="7D")
    fc = busiest[["product_id", "market"]].join(rate.rename("point"), on=["product_id", "market"]).fillna(0.0)
    product_forecasts = pd.DataFrame(
        {
            "unique_id": np.repeat((fc["product_id"] + "|" + fc["market"]).to_numpy(), WEEKS),
            "ds": np.tile(ds.to_numpy(), len(fc)),
            "point": np.repeat(fc["point"].to_numpy(), WEEKS),
        }
    )
    week = year.assign(ds=year["day"].dt.to_period("W").dt.start_time)
    totals = week.groupby(["market", "ds"], as_index=False)["units"].sum()
    market_series = pd.DataFrame(
        {"unique_id": "total|" + totals["market"], "ds": totals["ds"], "y": totals["units"]}
    )
    first = (
        sales.groupby(["product_id", "market"], as_index=False)["day"].min().rename(columns={"day": "first"})
    )
    launched = first[
        (first["first"] >= cut)
        & (first["first"] < cut + pd.Timedelta(days=ENTRY_DAYS))
        & first["product_id"].isin(set(fc["product_id"]))
    ].reset_index(drop=True)
    targets = list(zip(launched["product_id"], launched["market"], strict=True))
    an = analogue_forecasts(product_forecasts, market_series, targets, size_window=52)
    if an.empty:
        return launched.iloc[:0], an
    split = an["unique_id"].str.rsplit("|", n=1)
    rows = pd.DataFrame(
        {"product_id": split.str[0], "market": split.str[-1], "kind": "analogue", "model": "Analogue", "freq": "W",
         "ds": pd.to_datetime(an["ds"]), "point": an["point"], "lo_80": an["lo_80"], "hi_80": an["hi_80"],
         "lo_95": an["lo_95"], "hi_95": an["hi_95"]}
    )  # fmt: skip
    for k, q in FLOORS.items():
        f = sale_day_floors(year, q).set_index("product_id")["launch_floor"].rename(f"sale_day_{k}")
        launched = launched.join(f, on="product_id")
    size = sale_day_floors(year).set_index("product_id")["launch_sale_size"]
    launched = launched.join(size, on="product_id")
    return launched, rows


def _windows(sales: pd.DataFrame, cut: pd.Timestamp, end: pd.Timestamp) -> tuple[list[pd.DataFrame], dict]:
    launched, rows = _analogues(sales, cut)
    counts = {"launches": len(launched), "with_an_analogue": 0}
    if rows.empty:
        return [], counts
    paths = demand_from_forecasts(rows)
    keys = paths.keys[["product_id", "market"]].assign(_i=np.arange(len(paths.keys)))
    e = launched.merge(keys, on=["product_id", "market"])
    counts["with_an_analogue"] = len(e)
    out = []
    for length in LENGTHS:
        w = e[(e["first"] + pd.Timedelta(days=length) <= end).to_numpy()]
        sold = sales.merge(w[["product_id", "market", "first"]], on=["product_id", "market"])
        sold = sold[
            (sold["day"] >= sold["first"]) & (sold["day"] < sold["first"] + pd.Timedelta(days=length))
        ]
        actual = sold.groupby(["product_id", "market"])["units"].sum()
        actual = actual.reindex(pd.MultiIndex.from_frame(w[["product_id", "market"]]), fill_value=0.0)
        idx = w["_i"].to_numpy()
        for name, a in GROWTHS.items():
            p = replace(paths, growth=np.full(len(paths.days), a))
            mu, sd = window_demand(p, np.zeros(len(paths.days)), np.full(len(paths.days), float(length)))
            base = {"cut": cut.date().isoformat(), "length": length, "market": w["market"].to_numpy(),
                    "actual": actual.to_numpy(float), "mu": mu[idx], "sd": sd[idx]}  # fmt: skip
            out.append(pd.DataFrame({"variant": name, **base}))
            for k in FLOORS if a == 0.85 else ():
                out.append(pd.DataFrame({"variant": f"{name}, r ≥ {k} sale day elsewhere", **base,
                                         "floor": w[f"sale_day_{k}"].fillna(0.0).to_numpy(float),
                                         "sale_size": w["launch_sale_size"].to_numpy(float)}))  # fmt: skip
    return out, counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "demo", type=Path, help="A demo warehouse (xborder demo --out DIR writes DIR/demo.duckdb)."
    )
    a = ap.parse_args()
    t0 = time.process_time()
    con = duckdb.connect(str(a.demo), read_only=True)
    sales = _sales(con)
    con.close()
    end = sales["day"].max() + pd.Timedelta(days=1)
    frames, counts = [], {}
    for cut in CUTS:
        f, c = _windows(sales, pd.Timestamp(cut), end)
        frames += f
        counts[cut] = c
    d = pd.concat(frames, ignore_index=True)
    d["r"] = np.maximum(d["mu"] + Z * d["sd"], d["floor"].fillna(0.0) if "floor" in d else 0.0)
    d["gb"] = np.where(d["market"] == "GB", "GB", "other")
    first = d[d["variant"] == next(iter(GROWTHS))]
    ratio = first["actual"] / first["mu"].where(first["mu"] > 0)
    floor_names = {f"{k}": f"{list(GROWTHS)[1]}, r ≥ {k} sale day elsewhere" for k in FLOORS}
    period = {"choice": d["cut"].isin(FLOOR_CHOICE_CUTS), "test": d["cut"].isin(TEST_CUTS)}
    on_choice = {FLOORS[k]: float((g["actual"] <= g["r"]).mean())
                 for k, n in floor_names.items() for g in [d[(d["variant"] == n) & period["choice"]]]}  # fmt: skip
    chosen = choose_floor(on_choice, 0.95)
    split = {
        "choice_cuts": list(FLOOR_CHOICE_CUTS), "test_cuts": list(TEST_CUTS),
        "held_on_choice_cuts": {f"p{round(100 * q)}": round(h, 4) for q, h in on_choice.items()},
        "chosen_quantile": chosen, "agrees_with_stage": chosen == LAUNCH_FLOOR_QUANTILE,
        "tested": {n: held_summary(g[g["cut"].isin(TEST_CUTS)], by=("gb",)) | {"launch_windows": int(g["cut"].isin(TEST_CUTS).sum())}
                   for n, g in d.groupby("variant", sort=False)
                   if n in (list(GROWTHS)[1], floor_names[f"p{round(100 * chosen)}"])},
    }  # fmt: skip
    capped = _capped(d[d["variant"] == floor_names[f"p{round(100 * LAUNCH_FLOOR_QUANTILE)}"]])
    out = {
        "floor_choice": split,
        "capped_launch_plans": {"settings": {"max_stock_months": CAP_MONTHS, "review_days": REVIEW,
                                             "order_days": ORDER_DAYS},
                                **{p: _capped_summary(capped[capped["cut"].isin(c)])
                                   for p, c in (("test_cuts", TEST_CUTS), ("choice_cuts", FLOOR_CHOICE_CUTS))}},
        "cuts": list(CUTS), "lengths": list(LENGTHS), "entry_days": ENTRY_DAYS, "target": 0.95,
        "launches": counts, "launch_windows": len(first), "expected_units": round(float(first["mu"].sum())),
        "actual_units": round(float(first["actual"].sum())),
        "median_ratio_actual_to_expected": round(float(ratio.median()), 3),
        "share_selling_nothing_in_window": round(float((first["actual"] <= 0).mean()), 4),
        "results": {str(n): held_summary(g, by=("gb",)) for n, g in d.groupby("variant", sort=False)},
        "cpu_seconds": round(time.process_time() - t0, 1),
    }  # fmt: skip
    path = Path(__file__).parent / "results" / "inventory_analogue_outcomes.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
