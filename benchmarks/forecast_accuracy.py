"""Real-data accuracy of xborder's per-series forecast choice vs Naive, SeasonalNaive and AutoETS alone.

Rolling-origin backtests (the forecaster only sees data before each origin; its own model
choice is made by an inner backtest on that history):

- UCI Online Retail + Online Retail II (Dec 2009 - Nov 2011): product x country, category x
  country and country total, weekly (h=26) and monthly (h=6). Origins: the issue's one
  (forecast Jun-Nov 2011 from the data before) and one 3 months earlier (Mar-Aug 2011).
  Product x country keeps the 2,000 series with most demand before the origin.
- UCI Sales Transactions Weekly (811 products x 52 weeks): h=8, origins at weeks 36 and 44.
- M5 subset (1,000 item x store daily series): h=28, origins 28 and 56 days before the end,
  fitted on the last 2 years before each origin.

MASE = mean over series of MAE / in-sample naive MAE (series with a zero scale left out);
WAPE = sum|error| / sum|actual| pooled; bias = (sum forecast - sum actual) / sum|actual| (reported,
not part of the target). Writes benchmarks/results/forecast_accuracy.json.
Run: .venv/bin/python benchmarks/forecast_accuracy.py [--quick] [--only case,...]
     [--selection series|level|class|auto] [--dump DIR (inner backtest points per fold, for analysis)]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demand_datasets import (
    load_m5_subset,
    load_sales_transactions_weekly,
    load_uci_order_lines,
    load_uci_products,
)

from xborder.domains.demand import build_series, forecast
from xborder.domains.demand.accuracy import naive_scale

OUT = Path(__file__).resolve().parent / "results" / "forecast_accuracy.json"
COMPARE = ["Chosen", "Naive", "SeasonalNaive", "AutoETS"]


def score(train: pd.DataFrame, test: pd.DataFrame, res) -> dict:
    """MASE and WAPE of the chosen forecasts and the baselines on the test window."""
    wide = res.all_models.merge(
        res.forecasts[["unique_id", "ds", "point"]].rename(columns={"point": "Chosen"}),
        on=["unique_id", "ds"],
    )
    m = test.merge(wide, on=["unique_id", "ds"], how="inner")
    scale = naive_scale(train)
    out = {}
    for model in COMPARE:
        if model not in m.columns:
            continue
        mm = m.dropna(subset=["SeasonalNaive"]) if model == "SeasonalNaive" else m
        if mm.empty:  # e.g. SeasonalNaive needs a full season of history
            out[model] = {"mase": None, "wape": None, "bias": None, "series": 0}
            continue
        pred = mm[model].clip(lower=0)
        ae = (mm["y"] - pred).abs()
        mae = ae.groupby(mm["unique_id"]).mean()
        mase = (mae / scale.reindex(mae.index)).replace([np.inf, -np.inf], np.nan)
        out[model] = {
            "mase": round(float(mase.mean()), 4),
            "wape": round(float(ae.sum() / mm["y"].abs().sum()), 4),
            # total forecast vs total sales: MASE and WAPE reward a median, which can sit far
            # below the demand a seller must stock for (a zero forecast for intermittent items)
            "bias": round(float((pred.sum() - mm["y"].sum()) / mm["y"].abs().sum()), 4),
            "series": int(mae.size),
        }
    return out


def backtest(
    series: pd.DataFrame,
    cutoffs: list[pd.Timestamp],
    *,
    horizon: int,
    freq: str,
    top: int | None = None,
    history: int | None = None,
    dump: Path | None = None,
    name: str = "",
    selection: str = "series",
) -> dict:
    folds, t0 = [], time.perf_counter()
    for cut in cutoffs:
        train = series[series["ds"] <= cut]
        if history:
            train = train.groupby("unique_id").tail(history)
        if top:
            vol = train.groupby("unique_id")["y"].sum().nlargest(top).index
            train = train[train["unique_id"].isin(vol)]
        test = series[(series["ds"] > cut) & series["unique_id"].isin(train["unique_id"].unique())]
        test = test.groupby("unique_id").head(horizon)
        res = forecast(train, horizon=horizon, freq=freq, n_jobs=2, selection=selection)
        s = score(train, test, res)
        if dump:  # inner backtest points and every model's forecasts, for offline analysis
            dump.mkdir(parents=True, exist_ok=True)
            pd.to_pickle(
                {
                    "train": train,
                    "test": test,
                    "backtest": res.backtest,
                    "all_models": res.all_models,
                    "forecasts": res.forecasts,
                    "choice": res.choice,
                },
                dump / f"{name}_{cut.date()}.pkl",
            )
        s["cutoff"] = str(cut.date())
        s["chosen_models"] = res.choice["model"].value_counts().to_dict()
        folds.append(s)
    agg = {}
    for model in COMPARE:
        vals = [f[model] for f in folds if model in f and f[model]["mase"] is not None]
        agg[model] = {
            k: (round(float(np.mean([v[k] for v in vals])), 4) if vals else None)
            for k in ("mase", "wape", "bias")
        }
    agg["selection"] = selection
    agg["folds"] = folds
    agg["seconds"] = round(time.perf_counter() - t0, 1)
    rivals = [m for m in ("Naive", "SeasonalNaive") if agg[m]["mase"] is not None]
    agg["target_met"] = bool(
        all(
            agg["Chosen"][k] < min(agg[m][k] for m in rivals) and agg["Chosen"][k] <= agg["AutoETS"][k]
            for k in ("mase", "wape")
        )
    )
    return agg


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="one origin, 300 product series (smoke run)")
    ap.add_argument("--only", default="", help="comma list of case names to run")
    ap.add_argument("--out", type=Path, default=OUT, help="result file")
    ap.add_argument("--selection", default="series", help="forecast(selection=...): series|level|class|auto")
    ap.add_argument("--dump", type=Path, default=None, help="directory for per-fold pickles (analysis)")
    args = ap.parse_args()
    out_path = args.out
    top = 300 if args.quick else 2000
    results: dict = json.loads(out_path.read_text()) if out_path.exists() and args.only else {}
    only = set(args.only.split(",")) if args.only else None
    cases = []
    ol, products = load_uci_order_lines(), load_uci_products()
    for freq, h, cuts in (("M", 6, ["2011-02-28", "2011-05-31"]), ("W", 26, ["2011-02-27", "2011-05-29"])):
        cut_ts = [pd.Timestamp(c) for c in cuts]
        if freq == "W":  # a weekly series' cutoff is the Monday that starts the last training week
            cut_ts = [c - pd.Timedelta(days=6) for c in cut_ts]
        for level, lim in (("product_market", top), ("category_market", None), ("market_total", None)):
            cases.append(
                (
                    f"uci_{level}_{freq}",
                    lambda lv=level, f=freq: build_series(ol, level=lv, freq=f, products=products),
                    cut_ts[-1:] if args.quick else cut_ts,
                    h,
                    freq,
                    lim,
                    None,
                )
            )
    stw = load_sales_transactions_weekly()
    weeks = sorted(stw["ds"].unique())
    cases.append(
        (
            "sales_transactions_weekly",
            lambda: stw,
            [pd.Timestamp(weeks[35]), pd.Timestamp(weeks[43])],
            8,
            "W",
            None,
            None,
        )
    )
    m5 = load_m5_subset()
    days = sorted(m5["ds"].unique())
    cases.append(
        (
            "m5_subset_daily",
            lambda: m5,
            [pd.Timestamp(days[-57]), pd.Timestamp(days[-29])],
            28,
            "D",
            None,
            730,
        )
    )
    for name, make, cuts, h, freq, lim, hist in cases:
        if only and name not in only:
            continue
        print(f"{name} ...", flush=True)
        r = backtest(
            make(),
            cuts,
            horizon=h,
            freq=freq,
            top=lim,
            history=hist,
            dump=args.dump,
            name=name,
            selection=args.selection,
        )
        results[name] = r
        print(
            f"  {name}: "
            + "  ".join(f"{m} MASE {r[m]['mase']} WAPE {r[m]['wape']} bias {r[m]['bias']}" for m in COMPARE)
            + f"  target_met={r['target_met']} ({r['seconds']}s)",
            flush=True,
        )
        out_path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
