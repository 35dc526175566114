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
"Before" figures of an older forecaster on the same folds: run this file with that commit's code first on
the path (it scores what the older result has: no mean, quantiles or totals before issue 15), e.g.
  git archive 59d15b0 src | tar -x -C /tmp/prev
  PYTHONPATH=/tmp/prev/src .venv/bin/python benchmarks/forecast_accuracy.py --only ... --out /tmp/before.json
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
    SHARED,
    load_m5_subset,
    load_sales_transactions_weekly,
    load_uci_order_lines,
    load_uci_products,
)

from xborder.domains.demand import build_series, conformal, forecast
from xborder.domains.demand.accuracy import naive_scale, pinball_sums
from xborder.domains.demand.margins import level_margins, margins
from xborder.domains.demand.profiles import season_use
from xborder.domains.demand.series import LEVELS

OUT = Path(__file__).resolve().parent / "results" / "forecast_accuracy.json"
COMPARE = ["Chosen", "Naive", "SeasonalNaive", "AutoETS"]
PRODUCT_CASES = ("uci_product_market", "m5_product_market", "sales_transactions", "m5_subset")
"""Cases whose series are products (re-seasoned only with --reseason-products, as in the stage)."""


def load_m5_levels(level: str, freq: str) -> pd.DataFrame:
    """M5 subset item x store daily sales summed to weeks (Monday) or months at one level.

    Levels as in the warehouse: product_market = item|store, category_market = cat:<cat_id>|store,
    market_total = total|store (the subset's 1,000 series are spread over the 10 stores).
    """
    root = SHARED / "m5_walmart_subset"
    sales = pd.read_csv(root / "sales_train_evaluation_1000series.csv.gz")
    cal = pd.read_csv(root / "calendar.csv", usecols=["d", "date"])
    days = [c for c in sales.columns if c.startswith("d_")]
    key = {
        "product_market": sales["item_id"] + "|" + sales["store_id"],
        "category_market": "cat:" + sales["cat_id"] + "|" + sales["store_id"],
        "market_total": "total|" + sales["store_id"],
    }[level]
    daily = sales[days].groupby(key.to_numpy()).sum()
    daily.columns = pd.to_datetime(cal.set_index("d").loc[days, "date"].to_numpy())
    if freq == "W":
        start = daily.columns - pd.to_timedelta(daily.columns.dayofweek, unit="D")
    else:
        start = daily.columns.to_period("M").to_timestamp()
    out = daily.T.groupby(start).sum()
    n_days = pd.Series(1, index=daily.columns).groupby(start).sum()
    full = n_days >= (7 if freq == "W" else n_days.index.days_in_month)
    out = out[full.to_numpy()]  # complete periods only (the data start on a Saturday and end mid-May)
    long = out.rename_axis("ds").reset_index().melt(id_vars="ds", var_name="unique_id", value_name="y")
    long = long[["unique_id", "ds", "y"]].astype({"y": "float64"})
    first = long[long["y"] > 0].groupby("unique_id")["ds"].min()
    long = long[long["ds"] >= long["unique_id"].map(first)]  # a series starts at its first sale
    return long.sort_values(["unique_id", "ds"]).reset_index(drop=True)


def _measures(
    m: pd.DataFrame, col: str, scale: pd.Series, lo_hi: dict[str, str] | None, mean: str | None
) -> dict:
    pred = m[col].clip(lower=0)
    ae = (m["y"] - pred).abs()
    mae = ae.groupby(m["unique_id"]).mean()
    mase = (mae / scale.reindex(mae.index)).replace([np.inf, -np.inf], np.nan)
    sy = float(m["y"].abs().sum())
    out = {
        "mase": round(float(mase.mean()), 4),
        "wape": round(float(ae.sum() / sy), 4),
        # total forecast vs total sales: MASE and WAPE reward a median, which can sit far
        # below the demand a seller must stock for (a zero forecast for intermittent items)
        "bias": round(float((pred.sum() - m["y"].sum()) / sy), 4),
        "series": int(mae.size),
    }
    if mean and mean in m.columns:
        out["bias_mean"] = round(float((m[mean].sum() - m["y"].sum()) / sy), 4)
    if lo_hi and all(c in m.columns for c in lo_hi.values()):
        qs = {
            0.025: lo_hi["lo_95"],
            0.1: lo_hi["lo_80"],
            0.5: col,
            0.9: lo_hi["hi_80"],
            0.975: lo_hi["hi_95"],
        }
        pin = pinball_sums(
            m["y"].to_numpy(float), {p: m[c].clip(lower=0).to_numpy(float) for p, c in qs.items()}
        )
        out["wql"] = round(float(np.nansum(pin) / sy), 4)
        if mean and "q10" in m.columns:  # the chosen forecast's own quantiles (an interval of an
            # intermittent series is [0, Q(L)], not [Q(.1), Q(.9)]; with model bounds lo/hi are the model's)
            qq = {0.025: "q025", 0.1: "q10", 0.5: col, 0.9: "q90", 0.975: "q975"}
            pin = pinball_sums(
                m["y"].to_numpy(float), {p: m[c].clip(lower=0).to_numpy(float) for p, c in qq.items()}
            )
            out["wql_quantiles"] = round(float(np.nansum(pin) / sy), 4)
        for lv in (80, 95):
            inside = (m["y"] >= m[lo_hi[f"lo_{lv}"]].clip(lower=0)) & (m["y"] <= m[lo_hi[f"hi_{lv}"]])
            out[f"coverage_{lv}"] = round(float(inside.mean()), 4)
    return out


def score(train: pd.DataFrame, test: pd.DataFrame, res) -> dict:
    """MASE, WAPE, bias, pinball loss and interval coverage of the chosen forecasts and the baselines."""
    fc = res.forecasts.rename(columns={"point": "Chosen"})
    keep = [
        "unique_id",
        "ds",
        "Chosen",
        "mean",
        "lo_80",
        "hi_80",
        "lo_95",
        "hi_95",
        "q025",
        "q10",
        "q90",
        "q975",
    ]
    wide = res.all_models.merge(fc[[c for c in keep if c in fc.columns]], on=["unique_id", "ds"])
    m = test.merge(wide, on=["unique_id", "ds"], how="inner")
    scale = naive_scale(train)
    out = {}
    for model in COMPARE:
        if model not in m.columns:
            continue
        mm = m.dropna(subset=["SeasonalNaive"]) if model == "SeasonalNaive" else m
        if mm.empty:  # e.g. SeasonalNaive needs a full season of history: "–", never 0
            out[model] = {"mase": None, "wape": None, "bias": None, "series": 0}
            continue
        if model == "Chosen":
            bounds = {f"{s}_{lv}": f"{s}_{lv}" for s in ("lo", "hi") for lv in (80, 95)}
            out[model] = _measures(mm, model, scale, bounds, "mean")
        else:
            bounds = {f"{s}_{lv}": f"{model}-{s}-{lv}" for s in ("lo", "hi") for lv in (80, 95)}
            out[model] = _measures(mm, model, scale, bounds, None)
    # coverage of the chosen intervals per demand class and per horizon step (points pooled)
    cls = res.choice.set_index("unique_id")["demand_class"]
    m = m.assign(
        demand_class=m["unique_id"].map(cls),
        step=m.groupby("unique_id")["ds"].rank(method="first").astype(int),
        in80=(m["y"] >= m["lo_80"]) & (m["y"] <= m["hi_80"]),
        in95=(m["y"] >= m["lo_95"]) & (m["y"] <= m["hi_95"]),
    )
    out["coverage_by_class"] = {
        str(k): {"points": int(len(g)), "coverage_80": round(float(g["in80"].mean()), 4),
                 "coverage_95": round(float(g["in95"].mean()), 4)}
        for k, g in m.groupby("demand_class")
    }  # fmt: skip
    out["coverage_by_step"] = {
        int(k): [round(float(g["in80"].mean()), 4), round(float(g["in95"].mean()), 4)]
        for k, g in m.groupby("step")
    }
    # the horizon totals (forecast_totals): their mean's bias and the coverage of their 80/90% ranges
    out["intervals"] = res.params.get("intervals")
    out["totals_source"] = res.params.get("totals")
    out["reseasoned"] = res.params.get("reseasoned")
    if getattr(res, "totals", None) is None or not len(res.totals):  # a forecaster before issue 15
        out["totals"] = {"series": 0, "bias_mean": None, "coverage_80": None, "coverage_90": None}
        return out
    tot = test.groupby("unique_id")["y"].sum().rename("actual")
    t = res.totals.merge(tot, left_on="unique_id", right_index=True)
    full = t["periods"] == test.groupby("unique_id").size().reindex(t["unique_id"]).to_numpy()
    t = t[full]
    out["totals"] = {
        "series": int(len(t)),
        "bias_mean": round(float((t["mean"].sum() - t["actual"].sum()) / t["actual"].sum()), 4),
        "coverage_80": round(float(((t["actual"] >= t["q10"]) & (t["actual"] <= t["q90"])).mean()), 4),
        "coverage_90": round(float(((t["actual"] >= t["q05"]) & (t["actual"] <= t["q95"])).mean()), 4),
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
    groups: pd.Series | None = None,
    reseason: bool | str = True,
    weight: float | None = None,
    margin_options: tuple[float, ...] = (),
) -> dict:
    folds, t0 = [], time.perf_counter()
    weight = conformal.WEIGHT if weight is None else weight
    for cut in cutoffs:
        train = series[series["ds"] <= cut]
        if history:
            train = train.groupby("unique_id").tail(history)
        if top:
            vol = train.groupby("unique_id")["y"].sum().nlargest(top).index
            train = train[train["unique_id"].isin(vol)]
        test = series[(series["ds"] > cut) & series["unique_id"].isin(train["unique_id"].unique())]
        test = test.groupby("unique_id").head(horizon)
        # as the stage: conformal.level_weight and margins.level_margins
        with conformal.weighted(weight), margins(margin_options):
            res = forecast(
                train,
                horizon=horizon,
                freq=freq,
                n_jobs=2,
                selection=selection,
                groups=groups,
                reseason=reseason,
            )
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
                    "totals": res.totals,
                },
                dump / f"{name}_{cut.date()}.pkl",
            )
        s["cutoff"] = str(cut.date())
        inner = res.overall.set_index("model").loc["Chosen"]  # own honest score: the last inner window
        s["inner_chosen"] = inner[["coverage_80", "coverage_95", "bias_mean", "mase"]].round(4).to_dict()
        s["chosen_models"] = res.choice["model"].value_counts().to_dict()
        folds.append(s)
    agg: dict = {}
    for model in COMPARE:
        vals = [f[model] for f in folds if model in f and f[model]["mase"] is not None]
        keys = ("mase", "wape", "bias", "bias_mean", "wql", "wql_quantiles", "coverage_80", "coverage_95")
        agg[model] = {
            k: (round(float(np.mean([v[k] for v in vals])), 4) if vals and k in vals[0] else None)
            for k in keys
        }
    agg["totals"] = {
        k: (
            round(float(np.mean(v)), 4)
            if (v := [f["totals"][k] for f in folds if f["totals"][k] is not None])
            else None
        )
        for k in ("bias_mean", "coverage_80", "coverage_90")
    }
    agg["selection"] = selection
    agg["folds"] = folds
    agg["seconds"] = round(time.perf_counter() - t0, 1)
    rivals = [m for m in ("Naive", "SeasonalNaive", "AutoETS") if agg[m]["mase"] is not None]
    agg["target_met"] = bool(
        all(agg["Chosen"][k] <= min(agg[m][k] for m in rivals) for k in ("mase", "wape"))
    )
    c = agg["Chosen"]
    agg["coverage_within_5pts"] = bool(
        abs(c["coverage_80"] - 0.80) <= 0.05 and abs(c["coverage_95"] - 0.95) <= 0.05
    )
    agg["bias_mean_within_10pct"] = c["bias_mean"] is not None and bool(abs(c["bias_mean"]) <= 0.10)
    agg["pinball_best"] = bool(
        all(c["wql"] <= agg[m]["wql"] for m in rivals if agg[m].get("wql") is not None)
    )
    return agg


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="one origin, 300 product series (smoke run)")
    ap.add_argument("--only", default="", help="comma list of case names to run")
    ap.add_argument("--out", type=Path, default=OUT, help="result file")
    ap.add_argument("--selection", default="series", help="forecast(selection=...): series|level|class|auto")
    ap.add_argument("--dump", type=Path, default=None, help="directory for per-fold pickles (analysis)")
    ap.add_argument("--reseason-products", action="store_true", help="re-season product series too")
    ap.add_argument(
        "--m5-top",
        type=int,
        default=None,
        help="M5 item x store rows: keep the N series with most demand before each origin",
    )
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
    uci_groups = products.set_index("product_id")["category"]
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
    # M5 at the three warehouse levels, weekly and monthly (item x store, category x store, store
    # total): origins end-May and end-Oct 2015, so one test window holds June-November and the
    # other the November-December peak; 3 years of history before each origin
    for freq, h, cuts, hist in (
        ("M", 6, ["2015-05-01", "2015-10-01"], 36),
        ("W", 26, ["2015-05-25", "2015-10-26"], 156),
    ):
        for level in ("product_market", "category_market", "market_total"):
            cases.append(
                (
                    f"m5_{level}_{freq}",
                    lambda lv=level, f=freq: load_m5_levels(lv, f),
                    [pd.Timestamp(c) for c in (cuts[-1:] if args.quick else cuts)],
                    h,
                    freq,
                    args.m5_top if level == "product_market" else None,
                    hist,
                )
            )
    for name, make, cuts, h, freq, lim, hist in cases:
        if only and name not in only:
            continue
        print(f"{name} ...", flush=True)
        data = make()
        groups = None
        if name.startswith(("uci_product_market", "m5_product_market")):
            # product x market series borrow the seasonal profile of their category in the market
            ids = pd.Index(data["unique_id"].unique())
            prod, market = ids.str.rsplit("|", n=1).str[0], ids.str.rsplit("|", n=1).str[-1]
            cat = (
                pd.Series(prod, index=ids).map(uci_groups)
                if name.startswith("uci")
                else pd.Series(prod.str.split("_").str[0], index=ids)
            )
            groups = "cat:" + cat.fillna("other") + "|" + pd.Series(market, index=ids)
        r = backtest(
            data,
            cuts,
            horizon=h,
            freq=freq,
            top=lim,
            history=hist,
            dump=args.dump,
            name=name,
            selection=args.selection,
            groups=groups,
            # as the stage: products re-seasoned only on request (it lost on UCI), weekly errors season-scaled
            reseason=season_use(
                "product" if name.startswith(PRODUCT_CASES) else "aggregate", freq, args.reseason_products
            ),
            weight=conformal.level_weight("product" if name.startswith(PRODUCT_CASES) else "aggregate", freq),
            margin_options=level_margins(next((lv for lv in LEVELS if lv in name), ""), freq),
        )
        results[name] = r
        print(
            f"  {name}: "
            + "  ".join(f"{m} {r[m]}" for m in COMPARE)
            + f"  totals {r['totals']}  target_met={r['target_met']} coverage_ok={r['coverage_within_5pts']}"
            + f" bias_ok={r['bias_mean_within_10pct']} ({r['seconds']}s)",
            flush=True,
        )
        out_path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
