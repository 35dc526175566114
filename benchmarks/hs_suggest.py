"""HS suggestion accuracy on hand-labelled titles (a development set and a held-out set), plus speed.

Reads tests/domains/compliance/data/hs_labelled_titles.csv (dev: 106 titles from UCI Online Retail, Datafiniti and
a Keepa Italy export) and hs_labelled_titles_heldout.csv (56 further UCI titles drawn with another seed,
labelled before the keyword table was extended from the dev misses and never used to change it). Labels are
HS 2022 subheadings; ``alt_ok`` lists codes that are also right when the title does not say the material.
Reports top-1 / top-3 accuracy, strict (label only) and lenient (label or alt_ok), accuracy per confidence
band, how many labels are outside the bundled table, and the baseline of always answering the most common
label. Writes benchmarks/results/hs_suggest.json.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pandas as pd

from xborder.domains.compliance.hs import suggest_hs
from xborder.reference import load_table

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "domains" / "compliance" / "data"
SPLITS = {"dev": DATA / "hs_labelled_titles.csv", "heldout": DATA / "hs_labelled_titles_heldout.csv"}
OUT = ROOT / "benchmarks" / "results" / "hs_suggest.json"


def evaluate(path: Path) -> dict:
    """Accuracy figures for one labelled file."""
    labels = pd.read_csv(path, dtype=str, keep_default_na=False)
    table_codes = set(load_table("hs/headings")["hs6"])
    start = time.perf_counter()
    preds = [suggest_hs(r.title, r.category or None, top=3) for r in labels.itertuples()]
    elapsed = time.perf_counter() - start
    rows = []
    for r, p in zip(labels.itertuples(), preds, strict=True):
        ok = {r.hs6} | {c for c in r.alt_ok.split(";") if c}
        codes = [s.hs6 for s in p]
        rows.append(
            {
                "source": r.source,
                "in_table": r.hs6 in table_codes,
                "top1_strict": bool(codes[:1]) and codes[0] == r.hs6,
                "top3_strict": r.hs6 in codes,
                "top1_lenient": bool(codes[:1]) and codes[0] in ok,
                "top3_lenient": bool(ok & set(codes)),
                "band": p[0].confidence_band if p else "none",
            }
        )
    res = pd.DataFrame(rows)
    common = Counter(labels["hs6"]).most_common(1)[0][0]
    return {
        "n_titles": len(res),
        "n_labels_outside_table": int((~res["in_table"]).sum()),
        "top1_strict": round(float(res["top1_strict"].mean()), 3),
        "top3_strict": round(float(res["top3_strict"].mean()), 3),
        "top1_lenient": round(float(res["top1_lenient"].mean()), 3),
        "top3_lenient": round(float(res["top3_lenient"].mean()), 3),
        "baseline_most_common_label_top1": round(float((labels["hs6"] == common).mean()), 3),
        "baseline_label": common,
        "by_band": {
            b: {"n": int(len(g)), "top1_lenient": round(float(g["top1_lenient"].mean()), 3)}
            for b, g in res.groupby("band")
        },
        "by_source": {
            s: {
                "n": int(len(g)),
                "top1_lenient": round(float(g["top1_lenient"].mean()), 3),
                "top3_lenient": round(float(g["top3_lenient"].mean()), 3),
            }
            for s, g in res.groupby("source")
        },
        "ms_per_title": round(1000 * elapsed / len(res), 3),
    }


def main() -> dict:
    summary = {name: evaluate(path) for name, path in SPLITS.items()}
    summary["table_subheadings"] = len(load_table("hs/headings"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
