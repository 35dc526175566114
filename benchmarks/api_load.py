"""API load: 10,000 requests at 50 concurrent against a real `xborder serve` process on loopback.

Half the requests list opportunities (random market / category / sort / page filters), half open a
random product × market detail. The warehouse is UCI Online Retail ingested through the ingest path
(``xborder.ingest.ingest_path``) with the real selection stage run on it for 8 markets
(``tests/api/seed.py``; derived seed rows only when that stage is unavailable). The same load runs twice in this
process: first with the server's query cache off (baseline), then on (default). Writes
benchmarks/results/api_load.json.

    .venv/bin/python benchmarks/api_load.py [--requests 10000] [--concurrency 50] [--db PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "api_load.json"
SHARED = Path(os.environ.get("XBORDER_SHARED_DATA", ROOT.parent / "shared" / "data"))


def build_warehouse(path: Path) -> None:
    """Ingest UCI Online Retail into ``path`` and make sure it holds a selection run."""
    from tests.api.seed import real_selection, seed_selection

    from xborder.ingest import ingest_path
    from xborder.settings import Settings
    from xborder.warehouse import connect

    settings = Settings(db_path=str(path), pseudonym_key="benchmark-key", report_dir=str(path.parent / "rej"))
    con = connect(path)
    try:
        if not con.execute("SELECT count(*) FROM order_lines").fetchone()[0]:
            ingest_path(
                con, SHARED / "uci_online_retail" / "online_retail.csv.gz", "orders", settings=settings
            )
        if not real_selection(con):
            seed_selection(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def prepare(path: Path) -> tuple[str, list[tuple[str, str]], list[str], list[str]]:
    """A bearer token for the load user, and the product × market pairs, markets and categories to ask for."""
    from xborder.api import accounts
    from xborder.warehouse import connect

    con = connect(path)
    try:
        row = con.execute("SELECT user_id FROM users WHERE username = 'loadtest'").fetchone()
        uid = (
            row[0]
            if row
            else accounts.add_user(con, "loadtest", "load-test-pass-1", "viewer", must_change_password=False)[
                "user_id"
            ]
        )
        token, _, _ = accounts.issue(con, uid, kind="token", ttl=dt.timedelta(hours=2), name="api_load")
        run = con.execute("SELECT max(run_id) FROM opportunities").fetchone()[0]
        pairs = con.execute("SELECT product_id, market FROM opportunities WHERE run_id = ?", [run]).fetchall()
        markets = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT market FROM opportunities WHERE run_id = ?", [run]
            ).fetchall()
        ]
        cats = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT category FROM opportunities WHERE run_id = ? AND category IS NOT NULL", [run]
            ).fetchall()
        ]
    finally:
        con.close()
    return token, pairs, markets, cats


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by a process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError):
        return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, cache_size: int) -> subprocess.Popen:
    exe = ROOT / ".venv" / "bin" / "xborder"
    proc = subprocess.Popen(
        [
            str(exe),
            "--db",
            str(db),
            "serve",
            "--port",
            str(port),
            "--cache-size",
            str(cache_size),
            "--data-dir",
            str(db.parent / "data"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    import httpx

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start: " + proc.stderr.read().decode()[-2000:])


def requests_plan(n: int, pairs: list, markets: list, cats: list, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if i % 2:
            pid, m = rng.choice(pairs)
            out.append(f"/api/opportunities/{m}/{pid}")
        else:
            q = {
                "page": rng.randint(1, 3),
                "page_size": 50,
                "sort": rng.choice(["rank", "score", "title"]),
                "order": rng.choice(["asc", "desc"]),
            }
            if rng.random() < 0.6:
                q["market"] = rng.choice(markets)
            if rng.random() < 0.3:
                q["category"] = rng.choice(cats)
            out.append("/api/opportunities?" + "&".join(f"{k}={v}" for k, v in q.items()))
    return out


async def load(port: int, token: str, plan: list[str], concurrency: int) -> dict:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in plan:
        queue.put_nowait(p)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {token}"},
        limits=limits,
        timeout=30,
    ) as client:

        async def worker() -> None:
            while True:
                try:
                    path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                try:
                    r = await client.get(path)
                    ok = r.status_code == 200
                    if not ok:
                        errors.append(f"{r.status_code} {path}")
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__} {path}")
                latencies.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    lat = sorted(latencies)

    def pct(q: float) -> float:
        return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 1)

    return {
        "requests": len(plan),
        "concurrency": concurrency,
        "seconds": round(wall, 2),
        "throughput_rps": round(len(plan) / wall, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(lat[-1] * 1000, 1),
        "errors": len(errors),
        "error_examples": errors[:5],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument(
        "--baseline-requests",
        type=int,
        default=2_000,
        help="Requests of the no-cache baseline (same mix; it is slow on 2 shared cores).",
    )
    ap.add_argument("--db", type=Path, default=None, help="Warehouse to serve (a copy is used).")
    args = ap.parse_args()
    os.environ.setdefault("XBORDER_PSEUDONYM_KEY", "benchmark-key")
    work = Path(tempfile.mkdtemp(prefix="xborder-api-load-"))
    db = work / "load.duckdb"
    if args.db:
        shutil.copyfile(args.db, db)
    t0 = time.perf_counter()
    build_warehouse(db)
    token, pairs, markets, cats = prepare(db)
    setup_s = time.perf_counter() - t0
    plan = requests_plan(args.requests, pairs, markets, cats)
    runs = {}
    for label, cache, n in (
        ("baseline_no_cache", 0, args.baseline_requests),
        ("default_cache", 2048, args.requests),
    ):
        port = free_port()
        proc = start_server(db, port, cache)
        try:
            asyncio.run(load(port, token, plan[:200], args.concurrency))  # warm-up (not counted)
            cpu0, self0, la0 = cpu_seconds(proc.pid), time.process_time(), load_average()
            runs[label] = asyncio.run(load(port, token, plan[:n], args.concurrency))
            server_cpu, client_cpu = cpu_seconds(proc.pid) - cpu0, time.process_time() - self0
            runs[label].update(
                server_cpu_ms_per_request=round(server_cpu / n * 1000, 2),
                client_cpu_ms_per_request=round(client_cpu / n * 1000, 2),
                server_capacity_rps_per_core=round(n / server_cpu, 0) if server_cpu > 0 else None,
                load_average_1m=[la0, load_average()],
            )
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
        print(label, json.dumps(runs[label]), flush=True)
    result = {
        "benchmark": "api_load",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores (shared with the load generator and other work)",
        "warehouse": {
            "opportunities": len(pairs),
            "markets": len(markets),
            "setup_seconds": round(setup_s, 1),
        },
        "mix": "50% GET /api/opportunities (random filters/sort/page), 50% GET /api/opportunities/{market}/{product}",
        "runs": runs,
        "speedup_throughput_cache_vs_baseline": round(
            runs["default_cache"]["throughput_rps"] / max(runs["baseline_no_cache"]["throughput_rps"], 0.1), 2
        ),
        "speedup_p95_cache_vs_baseline": round(
            runs["baseline_no_cache"]["p95_ms"] / max(runs["default_cache"]["p95_ms"], 0.1), 2
        ),
        "target_p95_ms": 100,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
