"""The forecaster before issue 15 (commit 59d15b0) on forecast_accuracy.py's folds: the "before" figures.

Chosen forecasts only: MASE, WAPE, bias of the point, pinball loss (wQL) of its 2.5/10/50/90/97.5%
bounds and 80/95% coverage, means of the two origins. Run with that commit's code on the path:
  git archive 59d15b0 src | tar -x -C /tmp/prev
  PYTHONPATH=/tmp/prev/src .venv/bin/python benchmarks/forecast_accuracy_previous.py uci_market_total_M ...
Writes benchmarks/results/forecast_accuracy_previous.json (merged per case).
"""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demand_datasets import SHARED, load_uci_order_lines, load_uci_products

from xborder.domains.demand import build_series, forecast
from xborder.domains.demand.accuracy import naive_scale


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


def pin(y, qs):
    t = np.zeros(len(y))
    for p, q in qs.items():
        d = y - q
        t += 2 * np.maximum(p * d, (p - 1) * d)
    return t / len(qs)


def run(series, cuts, h, freq, top=None, history=None):
    folds = []
    for cut in cuts:
        train = series[series["ds"] <= cut]
        if history:
            train = train.groupby("unique_id").tail(history)
        if top:
            vol = train.groupby("unique_id")["y"].sum().nlargest(top).index
            train = train[train["unique_id"].isin(vol)]
        test = series[(series["ds"] > cut) & series["unique_id"].isin(train["unique_id"].unique())]
        test = test.groupby("unique_id").head(h)
        res = forecast(train, horizon=h, freq=freq, n_jobs=2)
        m = test.merge(res.forecasts, on=["unique_id", "ds"])
        pred = m["point"].clip(lower=0)
        sy = m["y"].abs().sum()
        ae = (m["y"] - pred).abs()
        scale = naive_scale(train)
        mae = ae.groupby(m["unique_id"]).mean()
        qs = {0.025: m["lo_95"], 0.1: m["lo_80"], 0.5: m["point"], 0.9: m["hi_80"], 0.975: m["hi_95"]}
        folds.append(
            {
                "cutoff": str(cut.date()),
                "mase": float((mae / scale.reindex(mae.index)).replace([np.inf, -np.inf], np.nan).mean()),
                "wape": float(ae.sum() / sy),
                "bias": float((pred.sum() - m["y"].sum()) / sy),
                "wql": float(
                    np.nansum(
                        pin(
                            m["y"].to_numpy(float),
                            {p: c.clip(lower=0).to_numpy(float) for p, c in qs.items()},
                        )
                    )
                    / sy
                ),
                "coverage_80": float(((m["y"] >= m["lo_80"].clip(lower=0)) & (m["y"] <= m["hi_80"])).mean()),
                "coverage_95": float(((m["y"] >= m["lo_95"].clip(lower=0)) & (m["y"] <= m["hi_95"])).mean()),
                "points": int(len(m)),
            }
        )
    return {
        k: round(float(np.mean([f[k] for f in folds])), 4) for k in folds[0] if k not in ("cutoff", "points")
    } | {"folds": folds}


out_path = Path(__file__).resolve().parent / "results" / "forecast_accuracy_previous.json"
out = json.loads(out_path.read_text()) if out_path.exists() else {}
ol, products = load_uci_order_lines(), load_uci_products()
for name in sys.argv[1:]:
    src, level, freq = name.split("_", 1)[0], name.split("_", 1)[1].rsplit("_", 1)[0], name.rsplit("_", 1)[1]
    h = 6 if freq == "M" else 26
    if src == "uci":
        cuts = [
            pd.Timestamp(c)
            for c in (["2011-02-28", "2011-05-31"] if freq == "M" else ["2011-02-27", "2011-05-29"])
        ]
        if freq == "W":
            cuts = [c - pd.Timedelta(days=6) for c in cuts]
        s = build_series(ol, level=level, freq=freq, products=products)
        hist = None
        top = 2000 if level == "product_market" else None
    else:
        cuts = [
            pd.Timestamp(c)
            for c in (["2015-05-01", "2015-10-01"] if freq == "M" else ["2015-05-25", "2015-10-26"])
        ]
        s = load_m5_levels(level, freq)
        hist = 36 if freq == "M" else 156
        top = None
    out[name] = run(s, cuts, h, freq, top, hist)
    print(name, {k: v for k, v in out[name].items() if k != "folds"}, flush=True)
    out_path.write_text(json.dumps(out, indent=2))
