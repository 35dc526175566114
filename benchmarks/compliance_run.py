"""Speed of run_compliance on the real UCI Online Retail products, against a per-product baseline.

The baseline evaluates the rule base once per product (``requirements_for`` + ``summarise`` for
each); run_compliance groups products by attribute set and evaluates each set once. Both run in
this process on the same 500 products x 25 markets; then the full catalogue is timed alone.
Needs the ingested retail warehouse (built by the test fixture in /tmp/xborder-test-cache, or pass
a path). Writes benchmarks/results/compliance_run.json.
"""

from __future__ import annotations

import glob
import json
import sys
import tempfile
import time
from pathlib import Path

from xborder.domains.compliance import ProductAttributes, requirements_for, summarise
from xborder.domains.compliance.stage import candidate_products, run_compliance
from xborder.warehouse import connect

OUT = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "compliance_run.json"
DAY = "2026-11-26"


def _warehouse(src: str, limit: int | None) -> tuple[object, Path]:
    tmp = Path(tempfile.mkdtemp()) / "bench.duckdb"
    con = connect(tmp)
    con.execute(f"ATTACH '{src}' AS r (READ_ONLY)")
    lim = f"LIMIT {limit}" if limit else ""
    con.execute(
        "INSERT INTO products SELECT * FROM r.products WHERE product_id IN (SELECT DISTINCT product_id FROM "
        f"r.order_lines WHERE product_id IS NOT NULL AND is_product ORDER BY product_id {lim})"
    )
    con.execute(
        "INSERT INTO order_lines SELECT * FROM r.order_lines WHERE product_id IN (SELECT product_id FROM products)"
    )
    con.execute("DETACH r")
    return con, tmp


def main(src: str) -> dict:
    con, _ = _warehouse(src, 500)
    prods = candidate_products(con)
    start = time.perf_counter()
    n_base = 0
    for row in prods.to_dict(orient="records"):
        reqs = requirements_for(ProductAttributes.from_product_row(row), None, DAY)
        summarise(reqs)
        n_base += len(reqs)
    t_base = time.perf_counter() - start
    start = time.perf_counter()
    res = run_compliance(con, None, run_id="bench", as_of=DAY)
    t_grouped = time.perf_counter() - start
    assert res["compliance_checks"] == n_base, (res, n_base)
    con.close()
    full, _ = _warehouse(src, None)
    start = time.perf_counter()
    res_full = run_compliance(full, None, run_id="bench-full", as_of=DAY)
    t_full = time.perf_counter() - start
    full.close()
    out = {
        "products_sample": len(prods),
        "markets": 25,
        "baseline_per_product_s": round(t_base, 2),
        "grouped_s": round(t_grouped, 2),
        "speedup": round(t_base / t_grouped, 1),
        "attribute_sets_sample": res["attribute_sets"],
        "full_products": res_full["products"],
        "full_attribute_sets": res_full["attribute_sets"],
        "full_rows_written": res_full["compliance_checks"] + res_full["compliance_summary"],
        "full_s": round(t_full, 2),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    found = sorted(
        glob.glob("/tmp/xborder-test-cache/retail-*.duckdb"), key=lambda p: Path(p).stat().st_mtime
    )
    path = sys.argv[1] if len(sys.argv) > 1 else (found[-1] if found else None)
    if path is None:
        print("No retail warehouse: run the tests once (fixture retail_warehouse) or pass a warehouse path.")
        sys.exit(0)
    print(json.dumps(main(path), indent=2))
