"""Ingest speed on the full UCI Online Retail (541,909 lines) against DuckDB's plain read of the same file.

Two measures, rounds interleaved so that both sides see the same machine load:

1. **As a user sees it** (issue 13): the whole process ``xborder --db W ingest FILE --as orders`` on an
   initialised warehouse (a fresh copy of an ``xborder init`` file each round: Python start, imports,
   opening the warehouse, the ingest, commit, printing), against DuckDB's plain
   ``CREATE TABLE AS SELECT * FROM read_csv(FILE)`` into a fresh warehouse file, timed inside a process
   (the figure the issue compares with) and as a whole process (``python -c "import duckdb; ..."``).
   Minimum of the rounds. Where the CLI's time goes: the same process stopped after the imports
   (``import xborder.cli.main``) and after opening the warehouse, and ``python -X importtime``'s heaviest
   packages.
2. **In process** (issue 2): ``xborder.ingest.ingest_path`` against the plain read, both timed inside this
   process; medians, with process CPU time (the steadier figure on a shared machine).

Child processes run with compiled bytecode, as an installed package has it (see ``_env``).
Peak memory is the max RSS of a separate child process doing one ingest.
Targets: CLI process <= 2.5x the plain read (issue 13); in process >= 300,000 rows/s, <= 3x the plain read,
peak memory < 1.5 GB (issue 2). Writes benchmarks/results/ingest.json.
Run: ``.venv/bin/python benchmarks/ingest.py [FILE] [--rounds N]``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import shutil
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
ROUNDS = 5


def _env(tmp: Path) -> dict[str, str]:
    # Bytecode as an installed package has it: pip compiles a package's modules when it installs them, and
    # Python writes .pyc files on first import unless PYTHONDONTWRITEBYTECODE is set (as on our build
    # machines, where compiling xborder's modules from source added ~0.18 s to every process). ``main``
    # compiles src/ once into a private cache (PYTHONPYCACHEPREFIX) before anything is timed.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {
        **env,
        "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),
        "PYTHONPATH": str(ROOT / "src"),
        "XBORDER_PSEUDONYM_KEY": "bench-key",
        "XBORDER_CONFIG": str(tmp / "no-config.toml"),
        "XBORDER_REPORT_DIR": str(tmp / "rej"),
    }


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


def plain_read(path: Path, tmp: Path) -> tuple[float, float]:
    """(wall s, process CPU s) of DuckDB's plain typed read of ``path`` into a fresh warehouse file."""
    con = duckdb.connect(str(tmp / f"plain-{time.perf_counter_ns()}.duckdb"))
    t0, c0 = time.perf_counter(), time.process_time()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{_sql_path(path)}')")
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    con.close()
    return dt, dc


_CHILD_CPU: list[float] = [0.0]  # CPU s (user + system, all threads) of the last process run by _run


def _run(cmd: list[str], tmp: Path) -> float:
    """Wall s of running ``cmd``; its CPU time is left in ``_CHILD_CPU[0]`` (steadier on a loaded machine)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=_env(tmp), cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    _CHILD_CPU[0] = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall


def plain_process(path: Path, tmp: Path) -> float:
    """Wall s of a whole Python process doing DuckDB's plain read into a fresh warehouse file."""
    db = tmp / f"plainproc-{time.perf_counter_ns()}.duckdb"
    code = f"import duckdb; duckdb.connect('{_sql_path(db)}').execute(\"CREATE TABLE t AS SELECT * FROM read_csv('{_sql_path(path)}')\")"
    return _run([sys.executable, "-c", code], tmp)


def cli_process(path: Path, tmp: Path, template: Path, stop: str = "") -> float:
    """Wall s of ``xborder --db W ingest FILE --as orders`` on a copy of the initialised ``template``.

    ``stop`` = 'import' or 'connect' times the same process stopped after the CLI's imports or after
    opening the warehouse.
    """
    db = tmp / f"cli-{time.perf_counter_ns()}.duckdb"
    shutil.copy(template, db)
    if stop == "import":
        return _run([sys.executable, "-c", "import xborder.cli.main"], tmp)
    if stop == "connect":
        code = f"import xborder.cli.main; from xborder.warehouse import connect; connect('{_sql_path(db)}').close()"
        return _run([sys.executable, "-c", code], tmp)
    return _run(
        [sys.executable, "-m", "xborder.cli.main", "--db", str(db), "ingest", str(path), "--as", "orders"],
        tmp,
    )


def heaviest_imports(tmp: Path, template: Path, n: int = 10) -> list[dict]:
    """The third-party modules xborder's own modules import first and that cost most (``python -X importtime``
    of the CLI's imports, then opening the warehouse, which imports every domain's table declarations):
    module, cumulative ms, and the xborder module that imports it."""
    db = tmp / "importtime.duckdb"
    shutil.copy(template, db)
    code = (
        f"import xborder.cli.main; from xborder.warehouse import connect; connect('{_sql_path(db)}').close()"
    )
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=_env(tmp), capture_output=True, text=True, check=True,
    )  # fmt: skip
    parsed = []
    for line in r.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            parsed.append((len(m.group(3)), m.group(4), int(m.group(2))))
    rows = []
    for i, (depth, mod, cum) in enumerate(parsed):  # importtime lists children before their parent
        parent = next((p for d, p, _ in parsed[i + 1 :] if d < depth), "<main>")
        if not mod.startswith("xborder") and (parent.startswith("xborder") or parent == "<main>"):
            rows.append({"module": mod, "cumulative_ms": round(cum / 1000), "imported_by": parent})
    rows.sort(key=lambda x: -x["cumulative_ms"])
    return rows[:n]


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


def _r(xs: list[float]) -> list[float]:
    return [round(x, 3) for x in xs]


def main() -> None:
    args = sys.argv[1:]
    rounds = ROUNDS
    if "--rounds" in args:
        k = args.index("--rounds")
        rounds = int(args[k + 1])
        del args[k : k + 2]
    path = Path(args[0]) if args else DEFAULT
    tmp = Path(tempfile.mkdtemp(prefix="xborder-bench-"))
    template = tmp / "init.duckdb"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True, env=_env(tmp))
    subprocess.run(
        [sys.executable, "-m", "xborder.cli.main", "--db", str(template), "init"],
        check=True, env=_env(tmp), cwd=tmp, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    load_start = os.getloadavg()[0]
    m: dict[str, list[float]] = {k: [] for k in ("plain", "plain_cpu", "plain_proc", "plain_proc_cpu", "cli",
                                                 "cli_cpu", "cli_import", "cli_connect", "ingest", "ingest_cpu")}  # fmt: skip
    last: dict = {}
    for _ in range(rounds):
        dt, dc = plain_read(path, tmp)
        m["plain"].append(dt)
        m["plain_cpu"].append(dc)
        m["plain_proc"].append(plain_process(path, tmp))
        m["plain_proc_cpu"].append(_CHILD_CPU[0])
        m["cli"].append(cli_process(path, tmp, template))
        m["cli_cpu"].append(_CHILD_CPU[0])
        m["cli_import"].append(cli_process(path, tmp, template, "import"))
        m["cli_connect"].append(cli_process(path, tmp, template, "connect"))
        dt, last, dc = ingest_once(path, tmp)
        m["ingest"].append(dt)
        m["ingest_cpu"].append(dc)
    rows = last["rows_in"]
    best = {k: min(v) for k, v in m.items()}
    t_plain, t_ingest = statistics.median(m["plain"]), statistics.median(m["ingest"])
    c_plain, c_ingest = statistics.median(m["plain_cpu"]), statistics.median(m["ingest_cpu"])
    peak = child_peak_rss(path)
    result = {
        "file": str(path.name),
        "rows": rows,
        "rows_stored": last["rows_stored"],
        "rows_duplicate": last["rows_duplicate"],
        "rounds": rounds,
        "user_view": {
            "cli_process_s": _r(m["cli"]),
            "plain_read_in_process_s": _r(m["plain"]),
            "plain_read_process_s": _r(m["plain_proc"]),
            "cli_min_s": round(best["cli"], 3),
            "plain_read_min_s": round(best["plain"], 3),
            "plain_read_process_min_s": round(best["plain_proc"], 3),
            "ratio_cli_to_plain_read": round(best["cli"] / best["plain"], 2),
            "ratio_cli_to_plain_read_process": round(best["cli"] / best["plain_proc"], 2),
            "cli_process_cpu_s": _r(m["cli_cpu"]),
            "plain_read_process_cpu_s": _r(m["plain_proc_cpu"]),
            "cpu_ratio_cli_to_plain_read_process": round(best["cli_cpu"] / best["plain_proc_cpu"], 2),
            "cli_parts_min_s": {
                "python_start_and_imports": round(best["cli_import"], 3),
                "open_warehouse": round(best["cli_connect"] - best["cli_import"], 3),
                "ingest_commit_print": round(best["cli"] - best["cli_connect"], 3),
            },
            "heaviest_imports": heaviest_imports(tmp, template),
            "target_ratio": 2.5,
        },
        "plain_read_s": _r(m["plain"]),
        "ingest_s": _r(m["ingest"]),
        "plain_read_median_s": round(t_plain, 3),
        "ingest_median_s": round(t_ingest, 3),
        "rows_per_s": round(rows / t_ingest),
        "ratio_to_plain_read": round(t_ingest / t_plain, 2),
        "plain_read_cpu_s": _r(m["plain_cpu"]),
        "ingest_cpu_s": _r(m["ingest_cpu"]),
        "cpu_ratio_to_plain_read": round(c_ingest / c_plain, 2),
        "peak_rss_mb": round(peak, 1),
        "targets": {"rows_per_s": 300_000, "ratio_to_plain_read": 3.0, "peak_rss_mb": 1536, "cli_ratio": 2.5},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
                    "load_avg_1m_at_start": round(load_start, 2), "load_avg_1m_at_end": round(os.getloadavg()[0], 2)},
    }  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
