"""Stock-out impact of a disruption, day by day: the demo run's re-routed pairs with a stock plan, their stock on
hand and at sea projected over 26 weeks from the day a chokepoint closes (domains/logistics/stock_at_sea.py),
against the per-cycle view the logistics stage writes (logistics_impacts).

Reads the latest logistics run's ``logistics_impacts`` (scenario, product × market, delay_days) and the latest
inventory run's ``inventory_plans`` (daily demand, reorder point, order quantity, lead time, review days) of a
demo warehouse. Per scenario: pairs, stock at sea on day 0, pairs that run out within 26 weeks (base / delayed),
the median first day out, days out of stock and units lost (expected demand; lost sales).

Writes benchmarks/results/logistics_stock_at_sea.json. Run:
.venv/bin/python benchmarks/logistics_stock_at_sea.py /path/to/demo.duckdb
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xborder.domains.logistics.stock_at_sea import project_stock_at_sea, stock_at_sea_summary

HORIZON = 182


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "demo", type=Path, help="A demo warehouse (xborder demo --out DIR writes DIR/demo.duckdb)."
    )
    a = ap.parse_args()
    t0 = time.perf_counter()
    con = duckdb.connect(str(a.demo), read_only=True)
    rows = con.execute(
        """WITH i AS (SELECT * FROM logistics_impacts WHERE run_id = (SELECT max(run_id) FROM logistics_impacts)),
                p AS (SELECT * FROM inventory_plans WHERE run_id = (SELECT max(run_id) FROM inventory_plans)
                      AND kind <> 'none' AND daily_demand > 0 AND order_quantity > 0)
           SELECT i.scenario, i.product_id, i.market, coalesce(i.delay_days, 0) AS delay_days,
                  coalesce(i.unroutable, false) AS unroutable, i.stockout_days_base, i.stockout_days_new,
                  i.cycle_service_base, i.cycle_service_new, p.kind, p.daily_demand, p.reorder_point,
                  p.order_quantity, p.lead_time_days, p.review_days
           FROM i JOIN p USING (product_id, market)"""
    ).df()
    out: dict[str, Any] = {"horizon_days": HORIZON, "scenarios": {}}
    for scen, g in rows.groupby("scenario"):
        g = g[~g["unroutable"]]
        reviews = g["review_days"].fillna(7).astype(int)
        parts = []
        for review, h in g.groupby(reviews):
            kw = {"daily_demand": h["daily_demand"].to_numpy(float), "reorder_point": h["reorder_point"].to_numpy(float),
                  "order_quantity": h["order_quantity"].to_numpy(float),
                  "lead_time_days": h["lead_time_days"].to_numpy(float), "review_days": int(review),
                  "horizon_days": HORIZON}  # fmt: skip
            base = project_stock_at_sea(delay_days=np.zeros(len(h)), **kw)
            new = project_stock_at_sea(delay_days=h["delay_days"].to_numpy(float), **kw)
            s = stock_at_sea_summary(base, new, kw["daily_demand"])
            parts.append(s.assign(delay=h["delay_days"].to_numpy(float), per_cycle_new=h["stockout_days_new"].to_numpy(),
                                  per_cycle_base=h["stockout_days_base"].to_numpy()))  # fmt: skip
        if not parts:
            continue
        s = pd.concat(parts, ignore_index=True)
        out_new = s["first_stockout_day_new"].notna()
        out["scenarios"][str(scen)] = {
            "pairs": len(s),
            "unroutable_left_out": int(rows[(rows["scenario"] == scen) & rows["unroutable"]].shape[0]),
            "median_delay_days": float(s["delay"].median()),
            "stock_at_sea_day0_units": round(float(s["at_sea_day0"].sum())),
            "pairs_out_base": int(s["first_stockout_day_base"].notna().sum()),
            "pairs_out_new": int(out_new.sum()),
            "median_first_day_out_new": float(s.loc[out_new, "first_stockout_day_new"].median())
            if out_new.any()
            else None,
            "mean_stockout_days_base": round(float(s["stockout_days_base"].mean()), 2),
            "mean_stockout_days_new": round(float(s["stockout_days_new"].mean()), 2),
            "median_min_cover_days_base": round(float(s["min_cover_days_base"].median()), 1),
            "median_min_cover_days_new": round(float(s["min_cover_days_new"].median()), 1),
            "pairs_min_cover_under_7_days_base": int((s["min_cover_days_base"] < 7).sum()),
            "pairs_min_cover_under_7_days_new": int((s["min_cover_days_new"] < 7).sum()),
            "units_lost_base": round(float(s["units_lost_base"].sum())),
            "units_lost_new": round(float(s["units_lost_new"].sum())),
            "per_cycle_mean_stockout_days_base": round(float(s["per_cycle_base"].mean()), 3),
            "per_cycle_mean_stockout_days_new": round(float(s["per_cycle_new"].mean()), 3),
        }
    out["seconds"] = round(time.perf_counter() - t0, 1)
    path = Path(__file__).parent / "results" / "logistics_stock_at_sea.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
