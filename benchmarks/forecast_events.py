"""Market events as demand regressors: accuracy with vs without, on the folds of benchmarks/forecast_accuracy.py.

Reads the per-fold pickles that ``forecast_accuracy.py --dump DIR`` writes (history, inner backtest points,
chosen forecasts, totals), applies :func:`xborder.domains.demand.events.with_events` with an event calendar,
and scores both forecasts with forecast_accuracy's own ``score`` (MASE, WAPE, bias, pinball loss, coverage).

Calendars:
- ``reference``: xborder's market calendar (reference/data/calendar/events.csv: US Black Friday and Cyber Monday
  from 5 USC 6103, Prime Day ...). M5 series are US; UCI series are in their country (the calendar has no GB
  row, so nothing applies there: said, not scored as a gain).
- ``m5``: M5's own calendar.csv: its named events (Super Bowl, Easter, Thanksgiving, Christmas ...) and the SNAP
  days of each state, for M5 series by their store's state.

Run:
  .venv/bin/python benchmarks/forecast_accuracy.py --only m5_subset_daily,... --dump /tmp/fa-dump --out /tmp/fa.json
  .venv/bin/python benchmarks/forecast_events.py --dump /tmp/fa-dump [--calendar reference,m5]
Writes benchmarks/results/forecast_events.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demand_datasets import SHARED
from forecast_accuracy import score

from xborder.domains.demand.events import calendar_frame, with_events

OUT = Path(__file__).resolve().parent / "results" / "forecast_events.json"
FREQ = {"_M": "M", "_W": "W", "daily": "D", "weekly": "W"}


def m5_calendar() -> pd.DataFrame:
    """M5 calendar.csv as ``market, event, valid_from, valid_to``: named events in every state, SNAP per state."""
    cal = pd.read_csv(SHARED / "m5_walmart_subset" / "calendar.csv", parse_dates=["date"])
    rows = []
    for col in ("event_name_1", "event_name_2"):
        ev = cal.dropna(subset=[col])
        for state in ("CA", "TX", "WI"):
            rows.append(
                pd.DataFrame(
                    {"market": state, "event": ev[col].astype(str).str.lower(), "valid_from": ev["date"]}
                )
            )
    for state in ("CA", "TX", "WI"):
        snap = cal[cal[f"snap_{state}"] == 1]
        rows.append(pd.DataFrame({"market": state, "event": "snap", "valid_from": snap["date"]}))
    out = pd.concat(rows, ignore_index=True)
    out["valid_to"] = out["valid_from"]
    return out


def markets_of(ids: pd.Index, case: str, calendar: str) -> pd.Series:
    """unique_id -> market: M5 series by store state (m5 calendar) or US; UCI series by their country."""
    if case.startswith("m5"):
        if calendar == "reference":
            return pd.Series("US", index=ids)
        state = ids.str.extract(r"(CA|TX|WI)_\d", expand=False)
        return pd.Series(state.to_numpy(), index=ids)
    return pd.Series(ids.str.rsplit("|", n=1).str[-1].to_numpy(), index=ids)


def run_fold(path: Path, case: str, freq: str, events: pd.DataFrame, calendar: str) -> dict:
    """Score one dumped fold without and with the events."""
    d = pd.read_pickle(path)
    choice = d["choice"]
    res = SimpleNamespace(
        forecasts=d["forecasts"], all_models=d["all_models"], choice=choice, totals=d["totals"], params={}
    )
    before = score(d["train"], d["test"], res)
    t0 = time.process_time()
    bt = d["backtest"]
    picks = choice.set_index("unique_id")["model"]
    picks = picks[picks.index.isin(bt["unique_id"].unique())]
    classes = choice.set_index("unique_id")["demand_class"]
    ids = pd.Index(choice["unique_id"].astype(str))
    fc, totals, ev = with_events(
        d["forecasts"],
        d["totals"],
        d["train"],
        bt,
        picks,
        classes,
        events,
        markets_of(ids, case, calendar),
        freq,
    )
    cpu = time.process_time() - t0
    after = score(d["train"], d["test"], SimpleNamespace(**{**vars(res), "forecasts": fc, "totals": totals}))
    keys = ("mase", "wape", "bias", "bias_mean", "wql", "coverage_80", "coverage_95")
    on = ev.table[ev.table["events_on"].astype(bool)]["unique_id"] if len(ev.table) else pd.Series(dtype=str)
    moved = fc[fc["unique_id"].isin(on) & (fc["event_factor"] != 1.0)]
    return {
        "fold": path.stem.rsplit("_", 1)[-1],
        "without": {k: before["Chosen"].get(k) for k in keys},
        "with": {k: after["Chosen"].get(k) for k in keys},
        "totals_bias_without": before["totals"]["bias_mean"],
        "totals_bias_with": after["totals"]["bias_mean"],
        **ev.summary(),
        "series": int(len(choice)),
        "test_periods_moved": int(len(moved.merge(d["test"][["unique_id", "ds"]], on=["unique_id", "ds"]))),
        "reasons": ev.table["reason"].value_counts().to_dict() if len(ev.table) else {},
        "cpu_seconds": round(cpu, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", type=Path, required=True, help="forecast_accuracy.py --dump directory")
    ap.add_argument("--calendar", default="reference,m5", help="reference and/or m5")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    calendars = {"reference": calendar_frame(), "m5": m5_calendar()}
    results: dict = {}
    files = sorted(args.dump.glob("*.pkl"))
    for cal in args.calendar.split(","):
        for path in files:
            case = path.stem.rsplit("_", 1)[0]
            if cal == "m5" and not case.startswith("m5"):
                continue
            freq = next(v for k, v in FREQ.items() if case.endswith(k))
            r = run_fold(path, case, freq, calendars[cal], cal)
            results.setdefault(cal, {}).setdefault(case, []).append(r)
            w, o = r["without"], r["with"]
            print(
                f"{cal:9s} {case:26s} {r['fold']}: on {r['series_on']}/{r['series']}  MASE {w['mase']} -> {o['mase']}"
                f"  WAPE {w['wape']} -> {o['wape']}  bias {w['bias']} -> {o['bias']}  wql {w['wql']} -> {o['wql']}"
                f"  factors {r['factors']}",
                flush=True,
            )
    args.out.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
