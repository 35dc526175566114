"""Benchmark: never-launched product x market candidates at a cutoff — why they are not picked, and how they did.

On the selection backtest's ``report`` warehouse (UCI Online Retail + II; benchmarks/selection_backtest.py builds
it), at each given cutoff the list is rebuilt as the live selection builds it (never-launched pairs included:
``include_new_markets=True``, demand transferred from the product's other markets), under the ``balanced``
profile without its demand requirement (the shipped profiles leave a transfer estimate "not assessed", so only this
variant scores never-launched pairs). Category niches are left out (no product x market pair). It reports:

* the gate counts of the never-launched pairs (``launch_projects_replay._never_launched``);
* for all never-launched pairs, those scored, the 20 best scored (gates open) and, for comparison, the 20 best
  scored pairs already sold: how many later sold in that market within 6 months of the cutoff (the data's own
  launch), their units and the transferred forecast.

Rules stated before running; nothing tuned. Writes benchmarks/results/launch_never_launched.json.

Usage: .venv/bin/python benchmarks/launch_never_launched.py [--workdir /tmp/xb-bt] [--cutoffs 2010-07 ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import launch_projects_replay as lpr  # noqa: E402
import selection_backtest as sbt  # noqa: E402

from xborder.core.settings import Settings  # noqa: E402
from xborder.domains.selection import backtest as bt  # noqa: E402
from xborder.domains.selection.niches import NICHE_PREFIX  # noqa: E402
from xborder.domains.selection.profiles import load_profile, resolve  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "launch_never_launched.json"


def _fared(rows: pd.DataFrame) -> dict:
    """How many of ``rows`` later sold in their market (6 months from the cutoff), units and transferred forecast."""
    return {
        "pairs": int(len(rows)), "later_sold": int((rows["units_next"] > 0).sum()),
        "units_next": float(rows["units_next"].sum()), "forecast_6m": float(rows["demand_6m"].sum()),
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", default="/tmp/xb-bt")
    ap.add_argument("--cutoffs", nargs="*", default=["2010-07"])
    args = ap.parse_args()
    t0 = time.perf_counter()
    lines, ev, info = sbt.build("report", [sbt.OR, sbt.II], Path(args.workdir))
    settings = Settings(pseudonym_key="benchmark-key", report_dir=args.workdir)
    prof = lpr._no_demand_requirement(resolve(load_profile("balanced"), settings))
    lines = lines.assign(ordered_at=pd.to_datetime(lines["ordered_at"]))
    monthly = bt.monthly_units(lines)
    out = {}
    for c in args.cutoffs:
        cut = pd.Period(c, "M")
        full, home = lpr._candidates(monthly, lines, cut, ev)
        listed, ranked, picks, _ = lpr._picks(full, home, ev, prof, 20)
        listed = listed[~listed["product_id"].astype(str).str.startswith(NICHE_PREFIX)]
        sold = listed["sold_before"].astype("boolean").fillna(True).astype(bool)
        scored = listed["status"].isin(["ranked", "gated"])
        new = listed[~sold]
        best_new = listed[~sold & scored].sort_values("score", ascending=False)
        best_old = listed[sold & scored].sort_values("score", ascending=False)
        out[c] = {
            "gates": lpr._never_launched(listed, ranked, picks), "never_launched": _fared(new),
            "never_launched_scored": _fared(best_new), "never_launched_best_20": _fared(best_new.head(20)),
            "sold_before_best_20": _fared(best_old.head(20)),
        }  # fmt: skip
        print(c, json.dumps(out[c]), flush=True)
    result = {"warehouse": info, "cutoffs": out, "seconds": round(time.perf_counter() - t0, 1),
              "cpu_seconds": round(time.process_time(), 1)}  # fmt: skip
    OUT.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
