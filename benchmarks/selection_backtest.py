"""Benchmark: backtest the list the selection shows, with weights tuned on one dataset and reported on others.

Datasets (real, /work/shared/data; each ingested into its own temporary warehouse, then the landed-cost and
compliance stages run on it as in `xborder run`, with today's rule base):

* tune — UCI Online Retail II, 2009-2010 sheet only: cutoffs 2010-03 … 2010-06 (outcome windows end by 2010-11).
* report — UCI Online Retail + II (the issue's protocol): monthly cutoffs 2010-12 … 2011-06; outcome windows
  2010-12 … 2011-11, after every tuning window.
* held-out — UCI Online Retail 2010-2011 file alone (a dataset not used for tuning): cutoffs 2011-04 … 2011-06.

At each cutoff the list is rebuilt as the live stage builds it (xborder.domains.selection.backtest): candidates
from the sales before the cutoff, the evidence, niches, the home market, the profile's gates, required items,
weights and diversification. Picks = its first k; baselines from the same pool (assessed foreign candidates):
best sellers (most units in the 6 months before), momentum, random (2,000 draws). Measured over the next 6
months: realised revenue, units, gross profit, the share that made a profit (``profitable``), that sold more
than in the 6 months before (``grew``) and whose growth beat the pool's median (``success``, the earlier
definition).

Tuning: random search over the weights of the factor groups that have data on these files (Dirichlet(1) draws
plus the presets), objective J = mean over the tuning cutoffs of min(success@50 / 0.80, revenue@50 / revenue of
the best sellers@50) — both of the issue's targets at once (J >= 1 meets both). Writes
benchmarks/results/selection_backtest.json.

Usage: .venv/bin/python benchmarks/selection_backtest.py [--draws 60] [--workdir /tmp/xb-bt]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xborder.core.settings import Settings
from xborder.domains.selection import backtest as bt
from xborder.domains.selection.consolidation import consolidate_picks
from xborder.domains.selection.profiles import PRESETS, Profile, load_profile, resolve
from xborder.domains.selection.shortlist import shortlist

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "results" / "selection_backtest.json"
II = "uci_online_retail_ii/online_retail_II_2009-2010.parquet"
OR = "uci_online_retail/online_retail.parquet"
DATASETS = {
    "tune": ([II], ["2010-03", "2010-04", "2010-05", "2010-06"]),
    "report": ([OR, II], ["2010-12", "2011-01", "2011-02", "2011-03", "2011-04", "2011-05", "2011-06"]),
    "held_out": ([OR], ["2011-04", "2011-05", "2011-06"]),
}
SEARCHED = (
    "demand_size",
    "momentum",
    "seasonality",
    "unit_economics",
    "profit",
    "compliance",
    "logistics",
    "volatility",
)
"""Groups with data on these files (no listings or reviews: competition and customer opportunity have none)."""
KS = (20, 50, 100)


def build(name: str, files: list[str], workdir: Path) -> tuple[pd.DataFrame, object, dict]:
    """Ingest ``files`` into a fresh warehouse, run landed cost and compliance, return lines and evidence."""
    from xborder.domains.compliance.stage import run_compliance
    from xborder.domains.landed_cost.stage import run_landed_cost
    from xborder.domains.selection.stage.gather import gather
    from xborder.domains.selection.stage.inputs import read_order_lines
    from xborder.ingest import ingest_path
    from xborder.warehouse import connect

    db = workdir / f"{name}.duckdb"
    saved = workdir / f"{name}.json"
    fresh = not db.exists()
    con = connect(db)
    s = Settings(pseudonym_key="benchmark-key", report_dir=str(workdir))
    info: dict = {"warehouse": str(db)}
    try:
        t = time.perf_counter()
        if fresh:
            for f in files:
                ingest_path(con, DATA / f, "orders", settings=s)
            lc = run_landed_cost(con, s, run_id=f"bt-{name}", max_products=1000)
            cc = run_compliance(con, s, run_id=f"bt-{name}")
            info.update(
                landed_cost_rows=lc["rows"],
                consignment=lc.get("consignment"),
                compliance_pairs=cc.get("compliance_summary"),
                channels=sorted(set(lc.get("channels", {}).values())),
                channel_basis=list(lc.get("channel_basis", {})),
            )
            saved.write_text(json.dumps(info, default=str), encoding="utf-8")
        elif saved.exists():
            info.update(json.loads(saved.read_text(encoding="utf-8")))
        info["prepare_seconds"] = round(time.perf_counter() - t, 1)
        ev, _, _ = gather(con, s, {}, {}, for_backtest=True)
        lines = read_order_lines(con)
    finally:
        con.close()
    info["order_lines"] = int(len(lines))
    return lines, ev, info


def frames(lines: pd.DataFrame, ev: object, cutoffs: list[str]) -> list[tuple[pd.DataFrame, frozenset]]:
    """The candidates (with outcomes) of every cutoff, computed once for every profile."""
    lines = lines.assign(ordered_at=pd.to_datetime(lines["ordered_at"]))
    monthly = bt.monthly_units(lines)
    out = [bt.cutoff_candidates(monthly, lines, pd.Period(c, "M"), ev) for c in cutoffs]  # type: ignore[arg-type]
    for full, _ in out:
        full.attrs["launch"] = float(getattr(ev, "launch_cost_profit", 0.0))
    return out


def evaluate(
    cut_frames: list, cutoffs: list[str], prof: Profile, ks: tuple[int, ...], *, combine: bool = True
) -> pd.DataFrame:
    """Per cutoff and k, the list's metrics and the baselines'; ``combine``: the picks' freight combined per
    market and mode as the live stage does (:mod:`xborder.domains.selection.consolidation`)."""
    rows = []
    for cut, (full, home) in zip(cutoffs, cut_frames, strict=True):
        if full.empty:
            continue
        if combine:
            sl, _, _ = consolidate_picks(
                full,
                prof,
                home,
                launch_cost=0.0 if full.attrs.get("launch") is None else full.attrs["launch"],
                top=prof.diversify_top or 50,
                long_factors=False,
            )
            shown = sl.frame
        else:
            shown = shortlist(full, prof, home, long_factors=False).frame
        pool = int(shown["rank"].notna().sum())
        status = shown["status"].value_counts().to_dict()
        for r in bt.evaluate_cutoff(shown, ks):
            rows.append({"cutoff": cut, "pool": pool, "ranked": int(status.get("ranked", 0)), **r})
    return pd.DataFrame(rows)


def objective(df: pd.DataFrame, k: int = 50) -> float:
    d = df[df["k"] == k].pivot(index="cutoff", columns="method", values=["success", "revenue_next"])
    ratio = d[("revenue_next", "xborder")] / d[("revenue_next", "best_sellers")].where(lambda s: s > 0)
    return float(np.minimum(d[("success", "xborder")] / 0.80, ratio).mean())


def with_weights(base: Profile, w: dict[str, float]) -> Profile:
    return dataclasses.replace(base, name="tuned", weights={**base.weights, **w})


def tune(cut_frames: list, cutoffs: list[str], draws: int, seed: int = 0) -> tuple[dict, list[dict]]:
    settings = Settings()
    base = resolve(load_profile("balanced"), settings)
    rng = np.random.default_rng(seed)
    trials: list[tuple[str, dict[str, float]]] = [
        (p, {g: resolve(load_profile(p), settings).weights[g] for g in SEARCHED}) for p in PRESETS
    ]
    trials += [
        (f"draw{i}", dict(zip(SEARCHED, rng.dirichlet(np.ones(len(SEARCHED))), strict=True)))
        for i in range(draws)
    ]
    out = []
    for name, w in trials:
        df = evaluate(cut_frames, cutoffs, with_weights(base, w), (50,))
        x = df[df["method"] == "xborder"]
        out.append(
            {
                "trial": name,
                "weights": {g: round(v, 4) for g, v in w.items()},
                "objective": round(objective(df), 4),
                "success_k50": round(float(x["success"].mean()), 4),
                "revenue_k50": round(float(x["revenue_next"].mean()), 1),
                "best_sellers_revenue_k50": round(
                    float(df[df["method"] == "best_sellers"]["revenue_next"].mean()), 1
                ),
            }
        )
    best = max(out, key=lambda r: r["objective"])
    return best, out


def summary(df: pd.DataFrame) -> dict:
    metrics = ["success", "profitable", "grew", "revenue_next", "gross_profit_next", "units_next", "picks"]
    mean = df.groupby(["k", "method"])[metrics].mean().round(4)
    return {
        str(k): {m: mean.loc[(k, m)].to_dict() for m in mean.loc[k].index} for k in sorted(df["k"].unique())
    } | {
        "per_cutoff_k50": df[df["k"] == 50][
            ["cutoff", "pool", "ranked", "method", "success", "revenue_next", "gross_profit_next"]
        ]
        .round(3)
        .to_dict(orient="records")
    }


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=60, help="Random weight vectors tried on the tuning set.")
    ap.add_argument("--workdir", help="Keep the warehouses here (reused when present).")
    ap.add_argument(
        "--no-tune",
        action="store_true",
        help="Report the shipped profile only; keep the tuning recorded in the previous results file.",
    )
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="xb-bt-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    built = {
        name: build(name, files, work)
        for name, (files, _) in DATASETS.items()
        if not (args.no_tune and name == "tune")
    }
    t_build = time.perf_counter() - t0
    names = [n for n in DATASETS if not (args.no_tune and n == "tune")]
    cuts = {name: frames(built[name][0], built[name][1], DATASETS[name][1]) for name in names}
    t1 = time.perf_counter()
    settings = Settings()
    shipped = resolve(load_profile("balanced"), settings)
    if args.no_tune:
        previous = json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
        tuning = previous.get("tuning", {}) | {"note": "not re-run: the tuning of the previous results file"}
        best = tuning.get("best", {})
    else:
        best, trials = tune(cuts["tune"], DATASETS["tune"][1], args.draws)
        tuning = {"best": best, "trials": sorted(trials, key=lambda r: -r["objective"])}
    t_tune = time.perf_counter() - t1
    # ablation: the same list without its diversification caps (what the caps cost in sales)
    undiversified = dataclasses.replace(shipped, max_markets_per_product=0, max_per_category=0)
    results = {}
    for name in ("report", "held_out"):
        results[name] = {
            "shipped_balanced": summary(evaluate(cuts[name], DATASETS[name][1], shipped, KS)),
            "without_diversification": summary(evaluate(cuts[name], DATASETS[name][1], undiversified, KS)),
            "stand_alone_freight": summary(
                evaluate(cuts[name], DATASETS[name][1], shipped, KS, combine=False)
            ),
        }
        if not args.no_tune:
            tuned = with_weights(shipped, best["weights"])
            results[name]["tuned"] = summary(evaluate(cuts[name], DATASETS[name][1], tuned, KS))
    res = {
        "benchmark": "selection_backtest (the shown list)",
        "datasets": {
            n: {"files": f, "cutoffs": c, **built[n][2]} for n, (f, c) in DATASETS.items() if n in built
        },
        "protocol": __doc__,
        "profile_settings": {
            "require": list(shipped.require),
            "min_margin_pct": shipped.min_margin_pct,
            "min_demand_6m": shipped.min_demand_6m,
            "min_gross_profit_6m": shipped.min_gross_profit_6m,
            "missing_quantile": shipped.missing_quantile,
            "diversification": [
                shipped.max_markets_per_product,
                shipped.max_per_category,
                shipped.diversify_top,
            ],
        },
        "shipped_balanced_weights": shipped.weights,
        "tuning": tuning,
        "results": results,
        "rank_sales_calibration": rank_sales_calibration(),
        "seconds": {
            "build": round(t_build, 1),
            "tune": round(t_tune, 1),
            "total": round(time.perf_counter() - t0, 1),
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    print(
        json.dumps(
            {"best": best, "report_k50": {n: {p: r[p]["50"] for p in r} for n, r in results.items()}},
            indent=1,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
