"""Benchmark: a replayed launch history on UCI Online Retail II + Online Retail (2009-12 .. 2011-12).

Products first sold after the data's first month are launches (2010-01 .. 2011-12). At each launch month the
forecast of the product's first 6 months of units (reference class: earlier launches of its catalogue category
whose 6 months had ended, else the category's existing products' run rate), a score (expected revenue) and the
month's picks (top 20% by score) are frozen from the data before that month; then each launch with a complete
window (launch months up to 2011-06) is judged: success = units >= the frozen lower 80% bound. UCI has no unit
costs, so margin >= target is unknown and the judgement is on sales alone. The rules are stated in
xborder.domains.launch.replay and were not tuned. Writes benchmarks/results/launch_replay.json and prints the
tables for docs/benchmarks.md and docs/launch.md.

Then the selection weights are refit before each launch month on the launches already judged and tested on that
month (xborder.domains.launch.refit), against the replay's expected-revenue picks and the selection's balanced
weights; the last fit is written as a selection profile to benchmarks/results/launch_refit_profile.toml.

Usage: .venv/bin/python benchmarks/launch_replay.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demand_datasets import load_uci_order_lines, load_uci_products  # noqa: E402

from xborder.catalog.classify import classify_titles  # noqa: E402
from xborder.domains.launch.metrics import launch_summary  # noqa: E402
from xborder.domains.launch.refit import (  # noqa: E402
    FACTORS,
    RefitRules,
    launch_factors,
    refit_profile_toml,
    rolling_refit,
)
from xborder.domains.launch.replay import ReplayRules, monthly_units, replay_launches  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "launch_replay.json"
PROFILE = Path(__file__).resolve().parent / "results" / "launch_refit_profile.toml"


def _refit(sold: pd.DataFrame, judged: pd.DataFrame, categories: pd.Series) -> tuple[dict, pd.DataFrame]:
    """Weights refit before each launch month on the launches already judged, tested on that month."""
    rules = RefitRules()
    per_month, tested = rolling_refit(launch_factors(monthly_units(sold), judged, categories), rules)
    methods = {}
    for m in ("refit", "balanced", "expected_revenue"):
        p = tested[tested[f"picked_{m}"]]
        methods[m] = {
            "picks": len(p),
            "success_rate": float(p["success"].astype(bool).mean()),
            "beat_point_rate": float(p["beat_point"].astype(bool).mean()),
            "median_units": float(p["actual_units"].median()),
        }
    last = per_month.iloc[-1]
    weights = {f: float(last[f"w_{f}"]) for f in FACTORS}
    PROFILE.write_text(
        refit_profile_toml(weights, note=f"Refit on {int(last['train_launches'])} replayed UCI launches "
                           f"(benchmarks/launch_replay.py); weights for {last['launch_month']}"),
        encoding="utf-8",
    )  # fmt: skip
    result = {
        "rules": rules.__dict__,
        "test_months": len(per_month),
        "test_launches": len(tested),
        "test_success_rate": float(tested["success"].astype(bool).mean()),
        "methods": methods,
        "last_weights": weights,
        "weights_sd": {f: float(per_month[f"w_{f}"].std()) for f in FACTORS},
        "by_month": _records(per_month),
    }
    return result, per_month


def _records(df: pd.DataFrame) -> list[dict]:
    return json.loads(
        df.astype({c: str for c in df.columns if str(df[c].dtype).startswith("period")}).to_json(
            orient="records"
        )
    )


def main() -> None:
    """Run the replay and write the results."""
    t0 = time.perf_counter()
    lines = load_uci_order_lines()
    sold = lines[(lines["status"] == "sold") & lines["is_product"] & (lines["quantity"] > 0)]
    products = load_uci_products()
    categories = pd.Series(
        classify_titles(products["title"].tolist())["category"].to_numpy(), index=products["product_id"]
    )
    rules = ReplayRules()
    judged = replay_launches(sold, categories, rules)
    refit, refit_months = _refit(sold, judged, categories)
    seconds = time.perf_counter() - t0
    overall = launch_summary(judged)
    by_month = launch_summary(judged, "launch_month")
    by_basis = launch_summary(judged, "basis")
    by_category = launch_summary(judged, "category")
    censored = judged[~judged["complete"]].groupby("launch_month").size()
    result = {
        "data": "UCI Online Retail II 2009-2010 sheet (rows before 2010-12-01) + UCI Online Retail 2010-2011",
        "sold_lines": len(sold),
        "rules": rules.__dict__,
        "launches": len(judged),
        "judged": int(judged["complete"].sum()),
        "censored_by_month": {str(k): int(v) for k, v in censored.items()},
        "margin": "unknown: UCI Online Retail has no unit costs; success judged on sales alone",
        "overall": _records(overall)[0],
        "by_launch_month": _records(by_month),
        "by_basis": _records(by_basis),
        "by_category": _records(by_category),
        "refit": refit,
        "seconds": round(seconds, 2),
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 20)
    for name, frame in (
        ("overall", overall),
        ("month", by_month),
        ("basis", by_basis),
        ("category", by_category),
        ("refit by month", refit_months),
        ("refit methods", pd.DataFrame(refit["methods"]).T.rename_axis("method").reset_index()),
    ):
        print(f"## {name}")
        print(frame.to_markdown(index=False, floatfmt=".3f"))
    print(
        f"launches {len(judged)}, judged {int(judged['complete'].sum())}, censored {dict(result['censored_by_month'])}"
    )
    print(f"{seconds:.1f} s")


if __name__ == "__main__":
    main()
