"""API load: 10,000 requests at 50 concurrent against a real `xborder serve` process on loopback.

Half the requests list opportunities (random market / category / sort / page filters), half open a
random product × market detail. The warehouse is UCI Online Retail ingested through the ingest path
(``xborder.ingest.ingest_path``) with the real selection stage run on it for 8 markets
(``tests/api/seed.py``; derived seed rows only when that stage is unavailable).

Two servers, one after the other: "before" (``XBORDER_WEB_PRECOMPUTE=0 XBORDER_WEB_HOT_PATH=0``: the
query cache only, as the server was) and "default" (precomputed list index and detail pages, hot
path). Two load generators: httpx.AsyncClient (the earlier one, ~3.6 ms of CPU per request on the
same 2 cores) and a minimal asyncio HTTP/1.1 keep-alive client that still checks every answer
(status 200, JSON with the expected key). After the server starts, the run waits until its
precomputed pages are ready (reported), then sends 300 warm-up requests that are not measured.
Writes benchmarks/results/api_load.json.

    .venv/bin/python benchmarks/api_load.py [--requests 10000] [--baseline-requests 2000] [--db PATH]
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
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "api_load.json"
SHARED = Path(os.environ.get("XBORDER_SHARED_DATA", ROOT.parent / "shared" / "data"))


def build_warehouse(path: Path) -> None:
    """Ingest UCI Online Retail into ``path`` and make sure it holds a selection run."""
    from tests.api.seed import real_selection, seed_selection

    from xborder.core.settings import Settings
    from xborder.ingest import ingest_path
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


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


def load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError):
        return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, cache_size: int, env: dict[str, str]) -> subprocess.Popen:
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
        env={**os.environ, **env},
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
            out.append(f"/api/opportunities/{m}/{quote(pid, safe=':')}")
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


def wait_precomputed(port: int, timeout: float = 900) -> float | None:
    """Seconds until the server's precomputed pages are ready (None when it does not precompute)."""
    import httpx

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        pre = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5).json().get("precomputed")
        if pre is None:
            return None
        if pre["ready"]:
            return round(time.perf_counter() - t0, 1)
        time.sleep(0.5)
    raise RuntimeError("precomputing did not finish")


class _Conn(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection that GETs one path at a time (the cheap load generator)."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.waiter: asyncio.Future | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection closed"))

    def data_received(self, data: bytes) -> None:
        self.buf += data
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return
        lines = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:  # the server always sends a length for these answers
            waiter.set_exception(ConnectionError("answer without Content-Length"))
            return
        if len(self.buf) < end + 4 + length:
            return
        body = bytes(self.buf[end + 4 : end + 4 + length])
        del self.buf[: end + 4 + length]
        waiter.set_result((int(lines[0].split(" ", 2)[1]), body))

    async def get(self, request: bytes) -> tuple[int, bytes]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiter


async def load_raw(port: int, token: str, plan: list[str], concurrency: int) -> dict:
    """The load with a minimal asyncio HTTP/1.1 client (keep-alive, one connection per worker).

    Every answer must be 200 and parse as the JSON the endpoint gives (``items`` for the list,
    ``opportunity`` for a detail), else it counts as an error.
    """
    try:
        import orjson

        loads = orjson.loads
    except ImportError:  # pragma: no cover
        loads = json.loads
    latencies: list[float] = []
    errors: list[str] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in plan:
        queue.put_nowait(p)
    loop = asyncio.get_running_loop()
    head = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"

    async def worker() -> None:
        conn: _Conn | None = None
        while True:
            try:
                path = queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            request = f"GET {path} HTTP/1.1\r\n{head}".encode("latin-1")
            t0 = time.perf_counter()
            try:
                if conn is None or conn.transport is None:
                    _, conn = await loop.create_connection(_Conn, "127.0.0.1", port)
                status, body = await conn.get(request)
                if status != 200:
                    errors.append(f"{status} {path}")
                elif ("items" if "?" in path else "opportunity") not in loads(body):
                    errors.append(f"unexpected answer {path}")
            except (OSError, ValueError) as exc:
                errors.append(f"{type(exc).__name__} {path}")
                conn = None
            latencies.append(time.perf_counter() - t0)
        if conn is not None and conn.transport is not None:
            conn.transport.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return _summary(plan, concurrency, time.perf_counter() - t0, latencies, errors)


def _summary(
    plan: list[str], concurrency: int, wall: float, latencies: list[float], errors: list[str]
) -> dict:
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


async def load_httpx(port: int, token: str, plan: list[str], concurrency: int) -> dict:
    """The load with httpx.AsyncClient (the earlier load generator; about 3.6 ms of client CPU per request)."""
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
    return _summary(plan, concurrency, wall, latencies, errors)


def run_async(coro: Any) -> Any:
    """Run ``coro`` on uvloop when installed (as the server does), else asyncio's loop."""
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:  # pragma: no cover
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(coro)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument(
        "--baseline-requests",
        type=int,
        default=2_000,
        help="Requests of the runs with the httpx client (the server as before is slow on 2 shared cores).",
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
    plan = requests_plan(args.requests + 300, pairs, markets, cats)
    warm = plan[args.requests :]  # warm-up requests, not among the measured ones
    off = {"XBORDER_WEB_PRECOMPUTE": "0", "XBORDER_WEB_HOT_PATH": "0"}
    servers = (
        # the server as it was (query cache only), measured with the earlier httpx load generator
        ("before", off, [("before_httpx", "httpx", args.baseline_requests)]),
        # the default server: precomputed pages + hot path; both load generators
        (
            "default",
            {},
            [("default_httpx", "httpx", args.baseline_requests), ("default_raw", "raw", args.requests)],
        ),
    )
    runs: dict[str, dict] = {}
    for server_label, env, loads in servers:
        port = free_port()
        proc = start_server(db, port, 2048, env)
        try:
            t_pre = wait_precomputed(port)
            for label, client, n in loads:
                fn = load_raw if client == "raw" else load_httpx
                run_async(fn(port, token, warm, args.concurrency))  # warm-up (not counted)
                cpu0, self0, la0 = cpu_seconds(proc.pid), time.process_time(), load_average()
                runs[label] = run_async(fn(port, token, plan[:n], args.concurrency))
                server_cpu, client_cpu = cpu_seconds(proc.pid) - cpu0, time.process_time() - self0
                runs[label].update(
                    server=server_label,
                    client=client,
                    server_precompute_seconds=t_pre,
                    server_cpu_ms_per_request=round(server_cpu / n * 1000, 2),
                    client_cpu_ms_per_request=round(client_cpu / n * 1000, 2),
                    server_capacity_rps_per_core=round(n / server_cpu, 0) if server_cpu > 0 else None,
                    load_average_1m=[la0, load_average()],
                    server_rss_mb=rss_mb(proc.pid),
                )
                print(label, json.dumps(runs[label]), flush=True)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
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
        "speedup_throughput_default_vs_before": round(
            runs["default_raw"]["throughput_rps"] / max(runs["before_httpx"]["throughput_rps"], 0.1), 2
        ),
        "speedup_p95_default_vs_before": round(
            runs["before_httpx"]["p95_ms"] / max(runs["default_raw"]["p95_ms"], 0.1), 2
        ),
        "p95_target_met": runs["default_raw"]["p95_ms"] < 100 and runs["default_raw"]["errors"] == 0,
        "target_p95_ms": 100,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
