"""Reconciled category x market and market totals (hierarchicalforecast) against the direct forecasts.

Reads the per-fold pickles that ``benchmarks/forecast_accuracy.py --dump DIR`` writes for the
``<data>_category_market_<F>`` and ``<data>_market_total_<F>`` rows (the same folds, the forecaster's own
choice made on the history before each origin) and reconciles, per fold, the two levels' chosen point
forecasts and means (two-level hierarchy: a market's total = the sum of its categories) with
hierarchicalforecast's BottomUp, MinTrace ``ols``, ``wls_struct`` and ``mint_shrink`` (the last one with
the chosen forecasts' inner-backtest errors as its in-sample residuals: periods before the origin only).
Scored as forecast_accuracy scores (MASE, WAPE, bias of the point and of the mean) at both levels.

Needs the ``hierarchy`` extra (``pip install 'xborder[hierarchy]'``).
Run: .venv/bin/python benchmarks/forecast_reconcile.py --dump DIR [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from hierarchicalforecast.core import HierarchicalReconciliation
from hierarchicalforecast.methods import BottomUp, MinTrace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xborder.domains.demand.accuracy import naive_scale

OUT = Path(__file__).resolve().parent / "results" / "forecast_reconcile.json"
ROWS = ("uci_M", "uci_W", "m5_M", "m5_W")
METHODS = ("BottomUp", "MinTrace_method-ols", "MinTrace_method-wls_struct", "MinTrace_method-mint_shrink")


def _market(uid: pd.Series) -> pd.Series:
    return uid.str.rsplit("|", n=1).str[-1]


def _fold(cat: dict, tot: dict) -> dict[str, dict]:
    """Reconcile one fold's two levels; measures per level and method."""
    fc = pd.concat([cat["forecasts"], tot["forecasts"]], ignore_index=True)
    hat = fc[["unique_id", "ds", "point", "mean"]].rename(columns={"point": "Point", "mean": "Mean"})
    bottom = sorted(cat["forecasts"]["unique_id"].unique())
    markets = _market(pd.Series(bottom))
    totals = sorted(tot["forecasts"]["unique_id"].unique())
    totals = [t for t in totals if t.split("|", 1)[1] in set(markets)]
    hat = hat[hat["unique_id"].isin([*bottom, *totals])]
    s = np.vstack(
        [(markets.to_numpy() == t.split("|", 1)[1]).astype(float) for t in totals] + [np.eye(len(bottom))]
    )
    s_df = pd.DataFrame(s, columns=bottom).assign(unique_id=[*totals, *bottom])[["unique_id", *bottom]]
    tags = {"market": np.array(totals), "market/category": np.array(bottom)}
    # in-sample residuals for mint_shrink: the chosen forecasts of the inner backtest (before the origin)
    fitted = []
    for d in (cat, tot):
        pick = d["choice"].set_index("unique_id")["model"]
        b = d["backtest"]
        b = b[b["model"] == b["unique_id"].map(pick)]
        b = b.sort_values("cutoff").drop_duplicates(
            ["unique_id", "ds"], keep="last"
        )  # latest origin's forecast
        fitted.append(b[["unique_id", "ds", "y", "yhat"]])
    y_df = pd.concat(fitted, ignore_index=True)
    y_df = y_df[y_df["unique_id"].isin(s_df["unique_id"])]
    common = y_df.groupby("ds")["unique_id"].nunique()
    y_df = y_df[y_df["ds"].isin(common[common == len(s_df)].index)]  # periods every series has
    y_df = y_df.assign(Point=y_df["yhat"], Mean=y_df["yhat"]).drop(columns="yhat")
    recs = [BottomUp(), MinTrace(method="ols"), MinTrace(method="wls_struct")]
    if y_df["ds"].nunique() >= 4:
        recs.append(MinTrace(method="mint_shrink"))
    hat = hat[
        hat["ds"].isin(hat.groupby("ds")["unique_id"].nunique().pipe(lambda c: c[c == len(s_df)].index))
    ]
    rec = HierarchicalReconciliation(recs).reconcile(
        Y_hat_df=hat, S_df=s_df, tags=tags, Y_df=y_df if len(recs) == 4 else None
    )
    # the per-level choice made before the origin: bottom-up market totals where their sums of the categories'
    # chosen backtest forecasts beat the direct ones on the last inner window (MASE / MASE + WAPE / WAPE)
    bu_inner = _inner_bottom_up_wins(cat, tot, totals, bottom)
    test = pd.concat([cat["test"], tot["test"]], ignore_index=True)
    train = pd.concat([cat["train"], tot["train"]], ignore_index=True)
    scale = naive_scale(train)
    m = test.merge(rec, on=["unique_id", "ds"], how="inner")
    out: dict[str, dict] = {}
    for level, ids in (("category_market", bottom), ("market_total", totals)):
        mm = m[m["unique_id"].isin(ids)]
        sy = float(mm["y"].abs().sum())
        row = {"series": int(mm["unique_id"].nunique()), "points": len(mm)}
        for name in ("Direct", *METHODS):
            pc, mc = ("Point", "Mean") if name == "Direct" else (f"Point/{name}", f"Mean/{name}")
            if pc not in mm.columns:
                continue
            pred = mm[pc].clip(lower=0)
            ae = (mm["y"] - pred).abs()
            mae = ae.groupby(mm["unique_id"]).mean()
            mase = (mae / scale.reindex(mae.index)).replace([np.inf, -np.inf], np.nan)
            row[name] = {
                "mase": round(float(mase.mean()), 4),
                "wape": round(float(ae.sum() / sy), 4),
                "bias": round(float((pred.sum() - mm["y"].sum()) / sy), 4),
                "bias_mean": round(float((mm[mc].clip(lower=0).sum() - mm["y"].sum()) / sy), 4),
            }
        if level == "market_total" and "BottomUp" in row:
            row["ByBacktest"] = row["BottomUp" if bu_inner else "Direct"]
            row["bottom_up_chosen"] = bool(bu_inner)
        out[level] = row
    return out


def _inner_bottom_up_wins(cat: dict, tot: dict, totals: list, bottom: list) -> bool:
    """Whether the categories' summed chosen backtest forecasts beat the totals' own on the last inner window
    (the window after the last backtest origin of the horizon tier holding most market totals: shorter histories
    are backtested on shorter windows at later origins; combined MASE / MASE + WAPE / WAPE < 2)."""
    picked = []
    for d in (cat, tot):
        pick = d["choice"].set_index("unique_id")["model"]
        b = d["backtest"]
        picked.append(b[b["model"] == b["unique_id"].map(pick)])
    cat_b, tot_b = picked
    counts = tot_b.groupby("cutoff")["unique_id"].nunique()
    origin = max(counts.index[counts == counts.max()])  # the last origin of the tier holding most totals
    c = cat_b[cat_b["unique_id"].isin(bottom) & (cat_b["cutoff"] == origin)]
    t = tot_b[tot_b["unique_id"].isin(totals) & (tot_b["cutoff"] == origin)].set_index(["unique_id", "ds"])
    bu = c.assign(unique_id="total|" + _market(c["unique_id"])).groupby(["unique_id", "ds"])["yhat"].sum()
    t = t.join(bu.rename("bu"), how="inner")
    if t.empty:
        return False
    train = tot["train"]
    scale = naive_scale(train[train["ds"] <= origin])
    res = {}
    for col in ("yhat", "bu"):
        ae = (t["y"] - t[col].clip(lower=0)).abs()
        mase = (ae.groupby(level=0).mean() / scale).dropna().mean()
        res[col] = (mase, ae.sum() / t["y"].abs().sum())
    return bool(res["bu"][0] / res["yhat"][0] + res["bu"][1] / res["yhat"][1] < 2.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", type=Path, required=True, help="forecast_accuracy.py --dump directory")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    results: dict = {}
    for row in ROWS:
        data, freq = row.split("_")
        cats = sorted(args.dump.glob(f"{data}_category_market_{freq}_*.pkl"))
        if not cats:
            continue
        folds = []
        for c in cats:
            t = args.dump / c.name.replace("category_market", "market_total")
            if not t.exists():
                continue
            f = _fold(pd.read_pickle(c), pd.read_pickle(t))
            f["cutoff"] = c.stem.rsplit("_", 1)[-1]
            folds.append(f)
        agg: dict = {"folds": folds}
        for level in ("category_market", "market_total"):
            agg[level] = {
                name: {
                    k: round(float(np.mean([f[level][name][k] for f in folds])), 4)
                    for k in ("mase", "wape", "bias", "bias_mean")
                }
                for name in ("Direct", *METHODS, "ByBacktest")
                if all(name in f[level] for f in folds)
            }
        results[row] = agg
        print(row, json.dumps({lv: agg[lv] for lv in ("category_market", "market_total")}), flush=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
