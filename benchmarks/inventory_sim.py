"""Inventory simulation: a year of real daily demand replayed through the stock plan with lost sales, next to the
days-of-cover rule seller ERPs use, on three real data sets.

- M5 (Walmart), the 1,000-series subset: 56 days of history, then the last 365 days (2015-05-23 → 2016-05-22).
- UCI Online Retail: daily units per stock code (sold lines, cancellations left out) of the 500 codes with the
  most units in the 56 days before 2010-12-01 (from Online Retail II), replayed over 2010-12-01 → 2011-11-30
  (Online Retail).
- The bathmat seller (Amazon US): the Sales Dashboard's daily units ordered, 2017-11-22 → 2019-11-21 (account
  total: the FBA daily inventory history covers only 18 days, too short to replay a year), 56 days of history,
  then the last 365 days.

Both policies review every 7 days, order 30 days of estimated demand (MOQ/cases left out) and see the same
demand estimate: mean and sd of daily sales over the last 56 days that ended in stock. They differ only in the
reorder point: the plan's is the quantile of demand over lead time + review period for the target cycle
service level (normal or gamma), the baseline's (lead time + 15 days) × mean daily sales. Lead times: 60 ± 6 days
(the inventory stage's default for China → US by sea LCL: 20 production + 32.5 transit + 7 inbound), drawn per
order from the same stream for both policies. Target: the cycle service level within 2 points of 95 % with less
average stock than the baseline.

Writes benchmarks/results/inventory_sim.json. Run: .venv/bin/python benchmarks/inventory_sim.py
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from xborder.domains.inventory.policy import reorder_point
from xborder.domains.inventory.simulate import simulate_lost_sales, trailing_estimate

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("XBORDER_SHARED_DATA", ROOT.parent / "shared" / "data"))
OUT = ROOT / "benchmarks" / "results" / "inventory_sim.json"
LEAD, LEAD_SD, REVIEW, WINDOW, ORDER_DAYS, SAFETY_DAYS, TARGET = 60.0, 6.0, 7, 56, 30.0, 15.0, 0.95
COST_SHARE = 0.35  # settings.estimated_cost_share: unit cost as a share of the selling price


def m5() -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    df = pd.read_csv(DATA / "m5_walmart_subset" / "sales_train_evaluation_1000series.csv.gz")
    y = df[[c for c in df.columns if c.startswith("d_")]].to_numpy(dtype=float)
    return y[:, -365 - WINDOW : -365], y[:, -365:], None


def uci(n: int = 500) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    def daily(path: Path) -> pd.DataFrame:
        d = pd.read_csv(path, dtype={"Invoice": str, "InvoiceNo": str, "StockCode": str})
        inv = d["Invoice"] if "Invoice" in d else d["InvoiceNo"]
        d = d[~inv.str.startswith("C") & (d["Quantity"] > 0)]
        price = d["Price"] if "Price" in d else d["UnitPrice"]
        return d.assign(day=pd.to_datetime(d["InvoiceDate"]).dt.normalize(), price=price)

    old = daily(DATA / "uci_online_retail_ii" / "online_retail_II_2009-2010.csv.gz")
    new = daily(DATA / "uci_online_retail" / "online_retail.csv.gz")
    hist_days = pd.date_range(end="2010-11-30", periods=WINDOW)
    year = pd.date_range("2010-12-01", "2011-11-30")
    h = old[old["day"].isin(hist_days)]
    codes = h.groupby("StockCode")["Quantity"].sum().nlargest(n).index
    hist = h[h["StockCode"].isin(codes)].pivot_table(
        index="StockCode", columns="day", values="Quantity", aggfunc="sum"
    )
    rep = new[new["StockCode"].isin(codes) & new["day"].isin(year)]
    play = rep.pivot_table(index="StockCode", columns="day", values="Quantity", aggfunc="sum")
    hist = hist.reindex(index=codes, columns=hist_days).fillna(0.0)
    play = play.reindex(index=codes, columns=year).fillna(0.0)
    price = pd.concat([h, rep]).groupby("StockCode")["price"].median().reindex(codes)
    return hist.to_numpy(), play.to_numpy(), price.to_numpy() * COST_SHARE


def bathmat() -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    path = (
        DATA
        / "amazon_seller_central_us_bathmat_seller_2018_2020"
        / "business_reports"
        / "SalesDashboard-11-21-19.csv"
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index('"Compare sales - Graph view"') + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith('"') or line.startswith('"Compare'):
            break
        parts = [p.strip('"') for p in line.split('","')]
        if len(parts) >= 3 and parts[0][:1].isdigit():
            rows.append((parts[1].replace("$", "").replace(",", ""), parts[2].replace(",", "")))
    sales = np.array([float(u) for _, u in rows])
    value = np.array([float(v) for v, _ in rows])
    price = value.sum() / sales.sum()
    return sales[None, -365 - WINDOW : -365], sales[None, -365:], np.array([price * COST_SHARE])


def policies(dist: str, safety_days: float = SAFETY_DAYS) -> dict[str, Any]:
    z = float(norm.ppf(TARGET))
    protect = LEAD + REVIEW

    def qty(d: np.ndarray) -> np.ndarray:
        return np.where(d > 0, np.maximum(np.ceil(ORDER_DAYS * d), 1.0), 0.0)

    def plan(t: int, sales: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d, s = trailing_estimate(sales, ok, WINDOW)
        n = np.maximum(ok[:, -WINDOW:].sum(axis=1), 1)
        # demand over the protection days: daily noise, the error of the estimated mean (it persists over
        # every day of the window: P²s²/n) and the lead time's spread
        mu = d * protect
        sig = np.sqrt(protect * s * s + protect**2 * s * s / n + d * d * LEAD_SD**2)
        return np.where(
            d > 0, np.ceil(reorder_point(mu, sig, np.full(len(d), z), distribution=dist)), 0.0
        ), qty(d)

    def baseline(t: int, sales: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d, _ = trailing_estimate(sales, ok, WINDOW)
        return np.ceil((LEAD + safety_days) * d), qty(d)

    return {"plan": plan, "baseline": baseline}


def _run(hist: np.ndarray, play: np.ndarray, pol: Any) -> Any:
    r0, q0 = pol(0, hist, np.ones_like(hist, dtype=bool))
    return simulate_lost_sales(play, hist, pol, lead_time_days=LEAD, lead_time_sd_days=LEAD_SD, review_days=REVIEW,
                               initial_stock=r0 + q0 / 2, seed=7)  # fmt: skip


def _matched_baseline(
    hist: np.ndarray, play: np.ndarray, cost: np.ndarray | None, target: float
) -> dict[str, Any]:
    """The days-of-cover rule with its safety days raised (bisection, 0.5-day steps) until it reaches the plan's
    achieved cycle service: the stock the rule needs for the same service."""
    lo, hi = 0.0, 240.0
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        if _run(hist, play, policies("normal", mid)["baseline"]).cycle_service >= target:
            hi = mid
        else:
            lo = mid
    res = _run(hist, play, policies("normal", hi)["baseline"])
    return {"safety_days": hi, "cycle_service": round(res.cycle_service, 4), "fill_rate": round(res.fill_rate, 4),
            "average_stock_units": round(float(res.average_stock.sum()), 1),
            "cash_tied_up": None if cost is None else round(float((res.average_stock * cost).sum()), 2)}  # fmt: skip


def replay(name: str, hist: np.ndarray, play: np.ndarray, cost: np.ndarray | None) -> dict[str, Any]:
    out: dict[str, Any] = {"skus": int(len(play)), "days": int(play.shape[1]), "units": float(play.sum())}
    runs = {"plan_normal": policies("normal")["plan"], "plan_gamma": policies("gamma")["plan"],
            "baseline": policies("normal")["baseline"]}  # fmt: skip
    for label, pol in runs.items():
        r0, q0 = pol(0, hist, np.ones_like(hist, dtype=bool))
        t = time.perf_counter()
        res = simulate_lost_sales(play, hist, pol, lead_time_days=LEAD, lead_time_sd_days=LEAD_SD,
                                  review_days=REVIEW, initial_stock=r0 + q0 / 2, seed=7)  # fmt: skip
        per_sku = np.divide(res.cycles - res.stockout_cycles, res.cycles, out=np.full(len(res.cycles), np.nan),
                            where=res.cycles > 0)  # fmt: skip
        out[label] = {
            "cycle_service": round(res.cycle_service, 4),
            "cycle_service_mean_of_skus": round(float(np.nanmean(per_sku)), 4),
            "fill_rate": round(res.fill_rate, 4),
            "cycles": int(res.cycles.sum()),
            "stockout_cycles": int(res.stockout_cycles.sum()),
            "average_stock_units": round(float(res.average_stock.sum()), 1),
            "cash_tied_up": None if cost is None else round(float((res.average_stock * cost).sum()), 2),
            "orders": int(res.orders.sum()),
            "seconds": round(time.perf_counter() - t, 2),
        }
    out["baseline_matched"] = _matched_baseline(hist, play, cost, out["plan_normal"]["cycle_service"])
    for label in ("plan_normal", "plan_gamma"):
        p, b = out[label], out["baseline"]
        p["meets_target"] = bool(
            abs(p["cycle_service"] - TARGET) <= 0.02 and p["average_stock_units"] < b["average_stock_units"]
        )
        p["stock_vs_baseline"] = round(p["average_stock_units"] / b["average_stock_units"] - 1, 4)
        m = out["baseline_matched"]
        p["stock_vs_matched_baseline"] = round(p["average_stock_units"] / m["average_stock_units"] - 1, 4)
    print(name, json.dumps(out, indent=1))
    return out


def main() -> None:
    res = {
        "settings": {"lead_time_days": LEAD, "lead_time_sd_days": LEAD_SD, "review_days": REVIEW, "window_days": WINDOW,
                     "order_days": ORDER_DAYS, "baseline_safety_days": SAFETY_DAYS, "target_cycle_service": TARGET,
                     "cost_share_of_price": COST_SHARE},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_1min": os.getloadavg()[0]},
        "datasets": {},
    }  # fmt: skip
    for name, load in (("m5", m5), ("uci_online_retail", uci), ("bathmat_sales_dashboard", bathmat)):
        res["datasets"][name] = replay(name, *load())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
