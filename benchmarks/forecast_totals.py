"""Coverage of the 6-month (26-week) totals' ranges under candidate rules, on the forecast_accuracy folds.

For each case and origin the forecaster is run as in benchmarks/forecast_accuracy.py (same folds, same
history) and every series' actual horizon total is compared with the 10-90% and 5-95% ranges of:

- ``conformal``: quantiles of the backtest windows' total errors alone (``res.totals`` with
  ``window_totals.PERIOD_SUM`` off);
- ``sum_rho``: the per-period quantiles summed with the measured cross-step correlation rho of the chosen
  forecasts' scale-free backtest errors: ``T_p = sum q50 + sign * sqrt(sum d^2 + rho ((sum d)^2 - sum d^2))``,
  ``d = |q_p - q50|`` per period (rho = 1: the per-period bounds summed, rho = 0: independent periods);
- ``sum_1``: the same with rho = 1;
- ``sum_a``: the per-period half-widths' mean times ``H ** a``, ``a`` the growth exponent the conformal totals
  fitted on the backtest windows' half and full sums (``Calibration.total_growth``);
- ``union``: the wider of ``conformal`` and ``sum_rho`` at each tail (``window_totals.PERIOD_SUM``, what
  ``forecast`` returns since issue 15's fifth session); ``average``: their mean.

Run: .venv/bin/python benchmarks/forecast_totals.py [--only case,...] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demand_datasets import load_uci_order_lines, load_uci_products
from forecast_accuracy import load_m5_levels

from xborder.domains.demand import build_series, forecast, window_totals
from xborder.domains.demand.window_totals import cross_step_rho, period_sum_quantiles

OUT = Path(__file__).resolve().parent / "results" / "forecast_totals.json"
TAILS = {80: ("q10", "q90"), 90: ("q05", "q95")}


def candidates(res, rho: float, growth: float) -> pd.DataFrame:
    """Per series the candidate totals' tails (columns ``<rule>_<q>``); ``res.totals`` is the conformal one."""
    fc = res.forecasts
    g = fc.groupby("unique_id")
    mid = g["q50"].sum()
    n = g.size()
    out = pd.DataFrame(index=mid.index)
    t = res.totals.set_index("unique_id")
    ps = {r: period_sum_quantiles(fc, r) for r in (rho, 1.0)}
    for _lv, (lo, hi) in TAILS.items():
        for q in (lo, hi):
            sign = -1.0 if q == lo else 1.0
            out[f"sum_rho_{q}"] = ps[rho][q].reindex(out.index)
            out[f"sum_1_{q}"] = ps[1.0][q].reindex(out.index)
            s1 = (fc[q] - fc["q50"]).abs().groupby(fc["unique_id"]).sum()
            out[f"sum_a_{q}"] = np.clip(mid + sign * s1 / n * n**growth, 0, None)
            out[f"conformal_{q}"] = t[q].reindex(out.index)
            pick = np.minimum if q == lo else np.maximum
            out[f"union_{q}"] = pick(out[f"conformal_{q}"], out[f"sum_rho_{q}"])
            out[f"average_{q}"] = (out[f"conformal_{q}"] + out[f"sum_rho_{q}"]) / 2
    return out


def run_case(series: pd.DataFrame, cuts, *, horizon: int, freq: str, history: int | None) -> dict:
    rows = []
    rhos = []
    for cut in cuts:
        train = series[series["ds"] <= cut]
        if history:
            train = train.groupby("unique_id").tail(history)
        test = series[(series["ds"] > cut) & series["unique_id"].isin(train["unique_id"].unique())]
        test = test.groupby("unique_id").head(horizon)
        full = test.groupby("unique_id").size() == horizon
        actual = test.groupby("unique_id")["y"].sum()[full]
        res = forecast(train, horizon=horizon, freq=freq, n_jobs=2)
        cal = res.distribution.calibration if res.distribution is not None else None
        rho = cross_step_rho(cal.windows) if cal is not None else 1.0
        growth = cal.total_growth if cal is not None else 1.0
        rhos.append((round(rho, 3), round(growth, 3)))
        c = candidates(res, rho, growth).join(actual.rename("actual"), how="inner")
        c["cutoff"] = str(pd.Timestamp(cut).date())
        rows.append(c)
    d = pd.concat(rows)
    out: dict = {"series_totals": len(d), "rho_growth": rhos}
    for rule in ("conformal", "sum_rho", "sum_1", "sum_a", "union", "average"):
        cov = {}
        for lv, (lo, hi) in TAILS.items():
            inside = (d["actual"] >= d[f"{rule}_{lo}"]) & (d["actual"] <= d[f"{rule}_{hi}"])
            cov[lv] = round(float(inside.groupby(d["cutoff"]).mean().mean()), 4)
        out[rule] = cov
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="comma list of case names")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    results = json.loads(args.out.read_text()) if args.out.exists() and only else {}
    cases = []
    for freq, h, cuts, hist in (
        ("M", 6, ["2015-05-01", "2015-10-01"], 36),
        ("W", 26, ["2015-05-25", "2015-10-26"], 156),
    ):
        for level in ("category_market", "market_total"):
            cases.append((f"m5_{level}_{freq}", "m5", level, freq, h, [pd.Timestamp(c) for c in cuts], hist))
    for freq, h, cuts in (("M", 6, ["2011-02-28", "2011-05-31"]), ("W", 26, ["2011-02-27", "2011-05-29"])):
        cut_ts = [pd.Timestamp(c) for c in cuts]
        if freq == "W":
            cut_ts = [c - pd.Timedelta(days=6) for c in cut_ts]
        for level in ("category_market", "market_total"):
            cases.append((f"uci_{level}_{freq}", "uci", level, freq, h, cut_ts, None))
    window_totals.PERIOD_SUM = False  # res.totals = the backtest windows' totals alone; the rules below
    uci = None
    for name, src, level, freq, h, cuts, hist in cases:
        if only and name not in only:
            continue
        if src == "m5":
            data = load_m5_levels(level, freq)
        else:
            uci = uci or (load_uci_order_lines(), load_uci_products())
            data = build_series(uci[0], level=level, freq=freq, products=uci[1])
        r = run_case(data, cuts, horizon=h, freq=freq, history=hist)
        results[name] = r
        print(name, json.dumps(r), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
