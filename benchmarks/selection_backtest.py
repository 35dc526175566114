"""Benchmark: does the selection score pick winners? (issue 6 backtest on UCI Online Retail + II)

Protocol: product × country candidates with >= 50 units in the 6 months before each monthly cutoff
2010-12 … 2011-06; success = share of the top-k whose units(next 6 months) / units(last 6 months) beat the
median candidate; k = 20, 50, 100; baselines: last period's best sellers, momentum (last 3 months vs the 3
before), random picks (2,000 draws, 95% band). The xborder score is the walk-forward "backtest-calibrated"
profile (weights learned only on cutoffs whose outcome closed before the cutoff). Also: the alternative
definitions of "grew" we tried when pinning the definition, fixed presets without learning, and the
calibration's one hyper-parameter. Writes benchmarks/results/selection_backtest.json.

Usage: .venv/bin/python benchmarks/selection_backtest.py [--db warehouse.duckdb]
(without --db, both UCI files are ingested into a temporary warehouse first)
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xborder.domains.selection import backtest as bt
from xborder.domains.selection.profiles import load_profile

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "results" / "selection_backtest.json"
CUTOFFS = ["2010-12", "2011-01", "2011-02", "2011-03", "2011-04", "2011-05", "2011-06"]
KS = (20, 50, 100)


def load_lines(db: str | None) -> tuple[pd.DataFrame, str]:
    from xborder.core.settings import Settings
    from xborder.domains.selection.stage.inputs import read_order_lines
    from xborder.warehouse import connect

    if db:
        con = connect(db, read_only=True)
        try:
            return read_order_lines(con), db
        finally:
            con.close()
    from xborder.ingest import ingest_path

    tmp = Path(tempfile.mkdtemp()) / "retail.duckdb"
    con = connect(tmp)
    try:
        s = Settings(pseudonym_key="benchmark-key", report_dir=str(tmp.parent))
        for f in (
            "uci_online_retail/online_retail.parquet",
            "uci_online_retail_ii/online_retail_II_2009-2010.parquet",
        ):
            ingest_path(con, DATA / f, "orders", settings=s)
        return read_order_lines(con), f"ingested into {tmp}"
    finally:
        con.close()


def definition_check(lines: pd.DataFrame) -> list[dict]:
    """Best-seller and momentum success at k = 50 under candidate definitions of 'grew'."""
    monthly = bt.monthly_units(lines)
    out = {}
    for cut in CUTOFFS:
        f = bt.cutoff_frame(monthly, lines, pd.Period(cut, "M"))
        c = pd.Period(cut, "M").ordinal
        mi = pd.PeriodIndex(monthly["month"], freq="M").asi8
        prev_rev = monthly[(mi >= c - 6) & (mi < c)].groupby(["product_id", "market"])["revenue"].sum()
        f = f.merge(prev_rev.rename("revenue_prev").reset_index(), on=["product_id", "market"], how="left")
        defs = {
            "units ratio next6/prev6 (chosen)": f["units_next"] / f["demand_6m"],
            "units difference next6 - prev6": f["units_next"] - f["demand_6m"],
            "revenue ratio next6/prev6": f["revenue_next"] / f["revenue_prev"],
            "revenue difference": f["revenue_next"] - f["revenue_prev"],
        }
        for name, g in defs.items():
            win = (g > g.median()).to_numpy()
            for base, col in (("best_sellers", "demand_6m"), ("momentum", "momentum_pct")):
                top = np.argsort(-f[col].to_numpy(), kind="stable")[:50]
                out.setdefault((name, base), []).append(float(win[top].mean()))
    return [
        {
            "definition": d,
            "baseline": b,
            "mean_k50": round(float(np.mean(v)), 3),
            "min_k50": round(float(np.min(v)), 3),
        }
        for (d, b), v in out.items()
    ]


def rank_sales_calibration() -> list[dict]:
    """Rank → sales power law on the real files with known sales (docs/selection.md, Rank → sales)."""
    import warnings

    from xborder.domains.selection.rank_sales import fit_power_law

    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = pd.read_excel(DATA / "keepa_exports" / "italy_2025-07-17_LPTrade994" / "keepa_sample.xlsx")
    k = k.dropna(subset=["Sales Rank: Current", "Bought in past month"])
    inv = pd.read_csv(
        DATA
        / "amazon_seller_central_us_bathmat_seller_2018_2020"
        / "inventory"
        / "12.20 inventory health.csv",
        encoding="latin1",
    )
    inv = inv[(inv["sales-rank"] > 0) & (inv["units-shipped-last-30-days"] > 0)]
    refurb = k["Title"].str.contains("Ricondizionato")
    cases = [
        ("keepa amazon.it, bought in past month, all", k["Sales Rank: Current"], k["Bought in past month"]),
        (
            "keepa amazon.it, without refurbished variations",
            k.loc[~refurb, "Sales Rank: Current"],
            k.loc[~refurb, "Bought in past month"],
        ),
        (
            "seller central US inventory health, units shipped 30 days",
            inv["sales-rank"],
            inv["units-shipped-last-30-days"],
        ),
    ]
    for name, r, q in cases:
        c = fit_power_law(r, q)
        pred = c.predict(np.asarray(r, dtype=float), level=0.8)
        qq = np.asarray(q, dtype=float)
        cover = float(((qq >= pred["units_lo"].to_numpy()) & (qq <= pred["units_hi"].to_numpy())).mean())
        out.append(
            {
                "data": name,
                "n": c.n_obs,
                "slope": round(c.slope, 3),
                "p_value": round(c.p_value or 0, 4),
                "loo_mape": round(c.mape or 0, 3),
                "log_resid_sd": round(c.log_resid_sd, 3),
                "usable": c.usable,
                "interval_80_coverage_in_sample": round(cover, 3),
                "literature_default_slope": 0.871,
            }
        )
    return out


def table(results: list[bt.CutoffResult]) -> pd.DataFrame:
    return pd.DataFrame(
        [dict(cutoff=r.cutoff, candidates=r.candidates, **x) for r in results for x in r.rows]
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="A warehouse with the UCI order lines already ingested.")
    args = ap.parse_args()
    t0 = time.perf_counter()
    lines, source = load_lines(args.db)
    t_load = time.perf_counter() - t0
    t1 = time.perf_counter()
    main_res = bt.run_backtest(lines, CUTOFFS, ks=KS)
    t_bt = time.perf_counter() - t1
    df = table(main_res)
    per_cutoff = {
        str(k): df[df["k"] == k]
        .pivot(index="cutoff", columns="method", values="success")
        .round(3)
        .reset_index()
        .to_dict(orient="records")
        for k in KS
    }
    mean = df.groupby(["k", "method"])["success"].agg(["mean", "min"]).round(3)
    rnd = df[df["method"] == "random"].groupby("k")[["success_lo95", "success_hi95"]].mean().round(3)
    rev = df.groupby(["k", "method"])["revenue_next"].mean().round(0)
    k50 = df[df["k"] == 50].pivot(index="cutoff", columns="method", values="success")
    best_base = k50[["best_sellers", "momentum"]].max(axis=1)
    presets = {}
    for name in ("balanced", "high-growth", "low-risk"):
        r = table(bt.run_backtest(lines, CUTOFFS, ks=(50,), profile=load_profile(name)))
        presets[name] = round(float(r[r["method"] == "xborder"]["success"].mean()), 3)
    share = {}
    for ts in (0.01, 0.05, 0.10, 0.20):
        orig = bt.calibrate_weights.__kwdefaults__["top_share"]
        bt.calibrate_weights.__kwdefaults__["top_share"] = ts
        try:
            r = table(bt.run_backtest(lines, CUTOFFS, ks=(50,)))
        finally:
            bt.calibrate_weights.__kwdefaults__["top_share"] = orig
        share[str(ts)] = round(float(r[r["method"] == "xborder"]["success"].mean()), 3)
    res = {
        "benchmark": "selection_backtest",
        "data": "UCI Online Retail (2010-12..2011-12) + Online Retail II 2009-2010 sheet, via xborder ingest (duplicates removed)",
        "source": source,
        "protocol": {
            "candidates": "product x country with >= 50 units sold in the 6 months before the cutoff",
            "success": "share of the top-k whose units in [cutoff, cutoff+6m) / units in [cutoff-6m, cutoff) exceed the median candidate's",
            "cutoffs": CUTOFFS,
            "k": list(KS),
            "xborder": "weighted sum of rank-normalised factors, weights learned walk-forward (backtest-calibrated profile)",
            "baselines": {
                "best_sellers": "top units in the last 6 months",
                "momentum": "top growth last 3 months vs the 3 before",
                "random": "2,000 random draws of k candidates; mean and 95% band",
            },
        },
        "mean_success": {
            f"k={k}": {
                m: {"mean": mean.loc[(k, m), "mean"], "min": mean.loc[(k, m), "min"]}
                for m in ("xborder", "best_sellers", "momentum", "random")
            }
            for k in KS
        },
        "random_band_95": {f"k={k}": [rnd.loc[k, "success_lo95"], rnd.loc[k, "success_hi95"]] for k in KS},
        "per_cutoff_success": per_cutoff,
        "k50_above_best_baseline_at_every_cutoff": bool((k50["xborder"] > best_base).all()),
        "mean_revenue_next_6m_of_picks_gbp": {
            f"k={k}": {m: rev.loc[(k, m)] for m in ("xborder", "best_sellers", "momentum", "random")}
            for k in KS
        },
        "learned_weights": {r.cutoff: r.weights for r in main_res},
        "candidates_per_cutoff": {r.cutoff: r.candidates for r in main_res},
        "definition_check": definition_check(lines),
        "fixed_presets_k50_mean": presets,
        "rank_sales_calibration": rank_sales_calibration(),
        "calibration_top_share_k50_mean": share,
        "seconds": {"load": round(t_load, 1), "walk_forward_backtest": round(t_bt, 1)},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=2, default=float) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                k: res[k]
                for k in (
                    "mean_success",
                    "random_band_95",
                    "k50_above_best_baseline_at_every_cutoff",
                    "fixed_presets_k50_mean",
                    "calibration_top_share_k50_mean",
                )
            },
            indent=1,
            default=float,
        )
    )


if __name__ == "__main__":
    main()
