"""Ingest speed on the full UCI Online Retail (541,909 lines) against DuckDB's plain read of the same file.

In this process, alternating 3 rounds: (a) baseline — ``CREATE TABLE AS SELECT * FROM read_csv(file)``
into a fresh warehouse file (DuckDB's own typed auto-detecting reader, nothing else); (b) the full
``xborder.ingest.ingest_path`` into a fresh warehouse file (sniffing, SHA-256, all-text staging, SQL
validation, pseudonymisation, content keys, de-duplication, products + categories, logging, commit).
Medians are reported, with the process CPU time of each step next to the wall time (on a shared machine
the CPU ratio is the steadier figure) and the 1-minute load average before and after.
Peak memory is the max RSS of a separate child process doing one ingest.
Targets (issue 2): >= 300,000 rows/s, <= 3x the plain read, peak memory < 1.5 GB.
Writes benchmarks/results/ingest.json.  Run: ``.venv/bin/python benchmarks/ingest.py [FILE]``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "ingest.json"
DEFAULT = ROOT.parent / "shared" / "data" / "uci_online_retail" / "online_retail.csv.gz"
ROUNDS = 3


def plain_read(path: Path, tmp: Path) -> tuple[float, float]:
    """(wall s, process CPU s) of DuckDB's plain typed read of ``path`` into a fresh warehouse file."""
    con = duckdb.connect(str(tmp / f"plain-{time.perf_counter_ns()}.duckdb"))
    t0, c0 = time.perf_counter(), time.process_time()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}')")
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    con.close()
    return dt, dc


def ingest_once(path: Path, tmp: Path) -> tuple[float, dict, float]:
    """(wall s, result, process CPU s) of one ``ingest_path`` of ``path`` into a fresh warehouse file."""
    from xborder.core.settings import Settings
    from xborder.ingest import ingest_path
    from xborder.warehouse import connect

    con = connect(tmp / f"ingest-{time.perf_counter_ns()}.duckdb")  # migrations before the clock starts
    s = Settings(pseudonym_key="bench-key", report_dir=str(tmp / "rej"))
    t0, c0 = time.perf_counter(), time.process_time()
    (res,) = ingest_path(con, path, "orders", settings=s)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    con.close()
    return dt, res.to_dict(), dc


def child_peak_rss(path: Path) -> float:
    """Max RSS (MB) of a fresh process that runs one ingest."""
    code = (
        f"import pathlib, runpy, tempfile; m = runpy.run_path({str(Path(__file__).resolve())!r}); "
        f"m['ingest_once'](pathlib.Path({str(path)!r}), pathlib.Path(tempfile.mkdtemp()))"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")}
    )
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    tmp = Path(tempfile.mkdtemp(prefix="xborder-bench-"))
    load_start = os.getloadavg()[0]
    plain, ingest, plain_cpu, ingest_cpu, last = [], [], [], [], {}
    for _ in range(ROUNDS):
        dt, dc = plain_read(path, tmp)
        plain.append(dt)
        plain_cpu.append(dc)
        dt, last, dc = ingest_once(path, tmp)
        ingest.append(dt)
        ingest_cpu.append(dc)
    rows = last["rows_in"]
    t_plain, t_ingest = statistics.median(plain), statistics.median(ingest)
    c_plain, c_ingest = statistics.median(plain_cpu), statistics.median(ingest_cpu)
    peak = child_peak_rss(path)
    result = {
        "file": str(path.name),
        "rows": rows,
        "rows_stored": last["rows_stored"],
        "rows_duplicate": last["rows_duplicate"],
        "rounds": ROUNDS,
        "plain_read_s": [round(x, 3) for x in plain],
        "ingest_s": [round(x, 3) for x in ingest],
        "plain_read_median_s": round(t_plain, 3),
        "ingest_median_s": round(t_ingest, 3),
        "rows_per_s": round(rows / t_ingest),
        "ratio_to_plain_read": round(t_ingest / t_plain, 2),
        "plain_read_cpu_s": [round(x, 3) for x in plain_cpu],
        "ingest_cpu_s": [round(x, 3) for x in ingest_cpu],
        "cpu_ratio_to_plain_read": round(c_ingest / c_plain, 2),
        "peak_rss_mb": round(peak, 1),
        "targets": {"rows_per_s": 300_000, "ratio_to_plain_read": 3.0, "peak_rss_mb": 1536},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
                    "load_avg_1m_at_start": round(load_start, 2), "load_avg_1m_at_end": round(os.getloadavg()[0], 2)},
    }  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
