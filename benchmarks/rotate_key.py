"""Benchmark: rotating the pseudonym key (`xborder privacy rotate-key`) on UCI Online Retail ingested whole.

Ingests online_retail.csv.gz (541,909 rows) into a fresh warehouse, runs the customers stage (so a derived table
holds pseudonyms too), then times the rotation (wall and CPU seconds, pseudonyms and rows re-keyed) against a
baseline in the same process: one plain SQL ``UPDATE order_lines SET customer_key = md5(customer_key)`` on the
same warehouse afterwards (the least a re-key of the biggest column can cost in DuckDB). Then the same export is
ingested again under the rotated key (it must be all duplicates: line keys untouched) and the number of distinct
customers is compared with the file's. Writes benchmarks/results/rotate_key.json.

Usage: .venv/bin/python benchmarks/rotate_key.py [path of online_retail.csv.gz]
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from xborder.core.settings import Settings, get_settings
from xborder.domains.customers.stage import STAGE
from xborder.ingest import ingest_path
from xborder.pipeline.runner import run_stage
from xborder.privacy.rotate import rotate_key
from xborder.warehouse import connect

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "uci_online_retail" / "online_retail.csv.gz"


def _timed(fn):  # noqa: ANN001, ANN202
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        import csv

        rows = list(csv.DictReader(fh))
    ids = {r["CustomerID"].removesuffix(".0") for r in rows if r["CustomerID"]}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "w.duckdb")
        settings = Settings(db_path=db, pseudonym_key="bench-key", pseudonym_key_file=str(Path(tmp) / "no.key"),
                            report_dir=str(Path(tmp) / "rej"))  # fmt: skip
        con = connect(db)
        (first,), ingest_wall, ingest_cpu = _timed(lambda: ingest_path(con, src, "orders", settings=settings))
        run_stage(con, get_settings(db_path=db), STAGE, {})
        res, wall, cpu = _timed(
            lambda: rotate_key(con, reason="benchmark", actor="bench", now=dt.datetime(2026, 12, 7))
        )
        again = ingest_path(con, src, "orders", settings=settings, force=True)[0]
        customers = con.execute("SELECT count(DISTINCT customer_key) FROM order_lines").fetchone()[0]
        _, base_wall, base_cpu = _timed(
            lambda: con.execute(
                "UPDATE order_lines SET customer_key = md5(customer_key) WHERE customer_key IS NOT NULL"
            ).fetchall()
        )
        con.close()
    out = {
        "file": src.name,
        "rows_in": first.rows_in,
        "rows_stored": first.rows_stored,
        "ingest_wall_s": round(ingest_wall, 3),
        "ingest_cpu_s": round(ingest_cpu, 3),
        "rotate_wall_s": round(wall, 3),
        "rotate_cpu_s": round(cpu, 3),
        "pseudonyms_rekeyed": res.pseudonyms,
        "rows_rekeyed": res.rows,
        "rows_rekeyed_total": res.total,
        "baseline_update_wall_s": round(base_wall, 3),
        "baseline_update_cpu_s": round(base_cpu, 3),
        "ratio_wall": round(wall / base_wall, 2),
        "reingest_after": {
            "stored": again.rows_stored,
            "duplicate": again.rows_duplicate,
            "quarantined": again.rows_quarantined,
        },  # fmt: skip
        "customers_stored": int(customers),
        "customers_in_file": len(ids),
        "load_avg": os.getloadavg(),
    }
    (ROOT / "benchmarks" / "results" / "rotate_key.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
