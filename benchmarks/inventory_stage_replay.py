"""The inventory stage's own-sales plans replayed on the demo warehouse's own pairs, next to the days-of-cover rule.

The stage compares each plan with the rule analytically (the rule's stock = (15 − R) days of the plan's own mean +
Q/2 + R·d/2). This replays instead: every product × market of the warehouse that would be planned from its own
sales at the start of its last year (first sale at least 364 days before it, a sale in those 364 days) is replayed
day by day over that last year with lost sales, the plan through ``replay.history_reorder_points`` (what the stage
calls), the rule reordering at (L + 15 days) × the mean of its last 56 days in stock; both order 30 days of their
estimate, with the stage's lead time of each pair (grouped by lead time and its spread), at the stage's 7-day
review and at a daily one.

Plan variants (seventh session): pairs expecting fewer than 25 / 50 / 100 units over L + R take the empirical
reorder point (domains/inventory/intermittent.py; the stage uses 25, ``replay.EMPIRICAL_BELOW``). Outcomes are
given by volume class and on held-out halves: pairs split by a hash of the product id, the threshold chosen on one
half (the variant reaching 93 % with the least stock, else the highest service) and measured on the other.

The stage's months-of-stock cap (eighth session; settings.max_stock_months = 6): the plan with its reorder point
capped at 6 months of estimated demand on average (``history_policy(max_stock_months=6)``), replayed the same way;
outcomes split by the decision the stage would take on the history year (stock / cap / make_to_order — a
make-to-order pair holds nothing and is served on order, so its replay under the capped policy is reported apart).

Ninth session: ``plan_capped_6_seasonal`` (the seasonal index, ``replay.seasonal_index``) and
``plan_capped_6_seasonal_half`` (and P = L + R/2: the variant M5's year before chose for the 7-day review, which
the stage uses), with cash tied up at the stage's landed cost per unit (GBP and EUR pairs).

Tenth session: the seasonal index reads only established pairs (``season.established``; a launch is not a season).

Run: .venv/bin/python benchmarks/inventory_stage_replay.py DEMO.duckdb  (writes results/inventory_stage_replay.json)
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xborder.domains.inventory.plan import PlanSettings, capped_reorder_points
from xborder.domains.inventory.replay import (
    VOLUME_EDGES,
    history_policy,
    history_reorder_points,
    volume_classes,
)
from xborder.domains.inventory.simulate import Policy, simulate_lost_sales, trailing_estimate

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "inventory_stage_replay.json"
HISTORY, ORDER_DAYS, SAFETY_DAYS, WINDOW, TARGET = 364, 30.0, 15.0, 56, 0.95


def _series(db: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    con = duckdb.connect(db, read_only=True)
    try:
        end = con.execute("SELECT max(ordered_at)::DATE FROM order_lines WHERE status = 'sold'").fetchall()[
            0
        ][0]
        daily = con.execute(
            "SELECT product_id, upper(country) AS market, ordered_at::DATE AS day, sum(quantity) AS units "
            "FROM order_lines WHERE status = 'sold' AND product_id IS NOT NULL AND country IS NOT NULL GROUP BY ALL"
        ).df()
        run = con.execute("SELECT max(run_id) FROM inventory_plans").fetchall()[0][0]
        lead = con.execute(
            "SELECT product_id, market, lead_time_days, lead_time_sd_days, unit_cost, currency FROM inventory_plans "
            "WHERE run_id = ? AND lead_time_days IS NOT NULL",
            [run],
        ).df()
    finally:
        con.close()
    end = pd.Timestamp(end)
    days = pd.date_range(end - pd.Timedelta(days=2 * HISTORY), end)  # history year + the replayed 365 days
    daily["day"] = pd.to_datetime(daily["day"])
    first = daily.groupby(["product_id", "market"])["day"].min()
    hist_start = days[0]
    replay_start = days[HISTORY]
    in_hist = daily[(daily["day"] >= hist_start) & (daily["day"] < replay_start)]
    sold = in_hist.groupby(["product_id", "market"])["units"].sum()
    keys = first[first <= hist_start].index.intersection(sold[sold > 0].index)
    keys = pd.MultiIndex.from_frame(
        lead.set_index(["product_id", "market"]).index.to_frame(index=False)
    ).intersection(keys)
    grid = daily[daily["day"] >= hist_start].pivot_table(index=["product_id", "market"], columns="day", values="units",
                                                         aggfunc="sum")  # fmt: skip
    y = grid.reindex(index=keys, columns=days).fillna(0.0).to_numpy(dtype=float)
    pairs = keys.to_frame(index=False).merge(lead, on=["product_id", "market"], how="left")
    return pairs, y[:, :HISTORY], y[:, HISTORY:]


def _rule(lead: float, review: int) -> Policy:
    def pol(t: int, sales: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d, _ = trailing_estimate(sales, ok, WINDOW)
        return np.ceil((lead + SAFETY_DAYS) * d), np.where(
            d > 0, np.maximum(np.ceil(ORDER_DAYS * d), 1.0), 0.0
        )

    return pol


VARIANTS: dict[str, float] = {
    "plan": 0.0,
    "plan_empirical_25": 25.0,
    "plan_empirical_50": 50.0,
    "plan_empirical_100": 100.0,
}
"""Plan variants: pairs expecting fewer units than this over L + R take the empirical reorder point
(``empirical_below``; domains/inventory/intermittent.py)."""

CAPPED: dict[str, float] = {
    "plan_capped_6": 6.0,
    "plan_capped_6_seasonal": 6.0,
    "plan_capped_6_seasonal_half": 6.0,
}
"""The stage's plan (empirical below 25 units) with its reorder point capped at this many months of stock."""


def _decisions(pairs: pd.DataFrame, hist: np.ndarray, review: int, months: float) -> np.ndarray:
    """The stage's stock decision per pair on its history year: stock | cap | make_to_order (as plan.plan_pairs
    takes it, with the replay's Q of 30 days)."""
    lead = pairs["lead_time_days"].to_numpy(dtype=float)
    lead_sd = np.nan_to_num(pairs["lead_time_sd_days"].to_numpy(dtype=float))
    h = history_reorder_points(hist, np.ones_like(hist, dtype=bool), lead_time_days=lead, lead_time_sd_days=lead_sd,
                               review_days=review, service_level=TARGET, empirical_below=25.0)  # fmt: skip
    d = h.daily_demand
    q = np.where(d > 0, np.maximum(np.ceil(ORDER_DAYS * d), 1.0), 0.0)
    s = PlanSettings(review_days=float(review), max_stock_months=months)
    r_cap, hold = capped_reorder_points(d, h.protection_demand, q, s)
    cap = months * 365.25 / 12 * d
    over = (
        (d > 0)
        & (np.maximum(h.reorder_point - h.protection_demand, 0) + hold > cap + 0.5)
        & (r_cap < h.reorder_point)
    )
    size = np.array([np.median(row[row > 0]) if (row > 0).any() else 0.0 for row in hist])
    mto = over & ((hold > cap) | (size > r_cap + q))
    return np.where(mto, "make_to_order", np.where(over, "cap", "stock"))


def _replay(
    pairs: pd.DataFrame, hist: np.ndarray, play: np.ndarray, name: str, review: int
) -> dict[str, np.ndarray]:
    """Per-pair outcomes of one policy (the rule or a plan variant) over all lead-time groups."""
    groups = pairs.groupby([pairs["lead_time_days"].round(1), pairs["lead_time_sd_days"].round(1)]).indices
    out = {k: np.zeros(len(pairs)) for k in ("cycles", "short", "stock", "demand", "sold", "orders")}
    out["cost"] = pairs["unit_cost"].to_numpy(dtype=float)
    for (lead, lead_sd), idx in groups.items():
        pol = (_rule(lead, review) if name == "rule" else
               history_policy(lead_time_days=lead - (review / 2 if name.endswith("_half") else 0.0),
                              lead_time_sd_days=lead_sd, review_days=review,
                              service_level=TARGET, order_days=ORDER_DAYS, gamma=None,
                              empirical_below=VARIANTS.get(name, 25.0), max_stock_months=CAPPED.get(name, 0.0),
                              seasonal="_seasonal" in name))  # fmt: skip
        h, p = hist[idx], play[idx]
        r0, q0 = pol(0, h, np.ones_like(h, dtype=bool))
        s = simulate_lost_sales(p, h, pol, lead_time_days=lead, lead_time_sd_days=lead_sd,
                                review_days=review, initial_stock=r0 + q0 / 2, seed=7)  # fmt: skip
        for k, v in (("cycles", s.cycles), ("short", s.stockout_cycles), ("stock", s.average_stock),
                     ("demand", s.demand), ("sold", s.sold), ("orders", s.orders)):  # fmt: skip
            out[k][idx] = v
    return out


def _sum(o: dict[str, np.ndarray], m: np.ndarray, currency: np.ndarray | None = None) -> dict[str, Any]:
    t = {k: float(v[m].sum()) for k, v in o.items() if k != "cost"}
    cash: dict[str, float] = {}
    if currency is not None:  # cash tied up = average stock × the stage's landed cost per unit, per currency
        worth = o["stock"] * o["cost"]
        for c in ("GBP", "EUR"):
            k = m & (currency == c) & np.isfinite(worth)
            cash[c] = round(float(worth[k].sum()), 0)
    return {"pairs": int(m.sum()), "cycle_service": round(1 - t["short"] / t["cycles"], 4) if t["cycles"] else None,
            "cycles": int(t["cycles"]), "fill_rate": round(t["sold"] / t["demand"], 4) if t["demand"] else None,
            "average_stock_units": round(t["stock"], 1), "orders": int(t["orders"]),
            **({"cash_tied_up": cash} if cash else {})}  # fmt: skip


def _choose(res: dict[str, dict[str, np.ndarray]], m: np.ndarray) -> str:
    """The plan variant reaching TARGET − 2 points on the pairs ``m`` with the least stock (else the highest)."""
    stats = {n: _sum(res[n], m) for n in VARIANTS}
    ok = [n for n, st in stats.items() if (st["cycle_service"] or 0) >= TARGET - 0.02]
    if ok:
        return min(ok, key=lambda n: stats[n]["average_stock_units"])
    return max(stats, key=lambda n: stats[n]["cycle_service"] or 0)


def main(db: str) -> None:
    t0 = time.process_time()
    pairs, hist, play = _series(db)
    groups = pairs.groupby([pairs["lead_time_days"].round(1), pairs["lead_time_sd_days"].round(1)]).indices
    res: dict[str, Any] = {"pairs": len(pairs), "units_replayed": float(play.sum()),
                           "lead_time_groups": {f"{k[0]}±{k[1]}": len(v) for k, v in groups.items()}}  # fmt: skip
    # held-out halves: by product (every pair of a product on the same side), a stable hash of the id
    half = pairs["product_id"].map(lambda x: int(hashlib.md5(str(x).encode()).hexdigest(), 16) % 2).to_numpy()
    everything = np.ones(len(pairs), dtype=bool)
    for review in (7, 1):
        units = hist.mean(axis=1) * (pairs["lead_time_days"].to_numpy() + review)
        cls = volume_classes(hist.mean(axis=1), pairs["lead_time_days"].to_numpy() + review)
        runs = {n: _replay(pairs, hist, play, n, review) for n in ("rule", *VARIANTS, *CAPPED)}
        cur = pairs["currency"].astype(str).to_numpy()
        out: dict[str, Any] = {n: _sum(o, everything, cur) for n, o in runs.items()}
        for n in (*VARIANTS, *CAPPED):
            out[n]["stock_vs_rule"] = round(
                out[n]["average_stock_units"] / out["rule"]["average_stock_units"] - 1, 4
            )
        out["by_class"] = {
            f"{int(c)} ({'<' if c < len(VOLUME_EDGES) else '>='} "
            f"{VOLUME_EDGES[min(int(c), len(VOLUME_EDGES) - 1)]:g} units over L+R)": {
                n: _sum(o, cls == c) for n, o in runs.items()
            } for c in np.unique(cls)
        }  # fmt: skip
        act = _decisions(pairs, hist, review, CAPPED["plan_capped_6"])
        out["by_decision"] = {
            a: {"units_replayed": float(play[act == a].sum()),
                **{n: _sum(runs[n], act == a) for n in ("rule", "plan_empirical_25", *CAPPED)}}
            for a in ("stock", "cap", "make_to_order") if (act == a).any()
        }  # fmt: skip
        stocked = act != "make_to_order"
        out["stocked_pairs"] = {n: _sum(runs[n], stocked) for n in ("rule", "plan_empirical_25", *CAPPED)}
        held: dict[str, Any] = {}
        for a, b in ((0, 1), (1, 0)):
            pick = _choose({n: runs[n] for n in VARIANTS}, half == a)
            tested = {n: _sum(runs[n], half == b) for n in ("rule", "plan", pick)}
            held[f"chosen_on_half_{a}_tested_on_half_{b}"] = {"choice": pick, **tested}
        out["held_out"] = held
        out["units_over_protection_median"] = round(float(np.median(units)), 1)
        res[f"R{review}"] = out
    res["cpu_seconds"] = round(time.process_time() - t0, 1)
    res["load_1min"] = os.getloadavg()[0]
    print(json.dumps(res, indent=1))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
