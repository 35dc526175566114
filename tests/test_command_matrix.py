"""Every analysis command on every real dataset in ../shared/data: an answer or a clear message, never a traceback.

Each dataset folder is ingested whole (kinds recognised per file, no ``--as``) into its own warehouse, then each
command runs as a user would run it (the installed CLI, ``--json``). A command may answer (exit 0) or decline
with a message that says why (exit 2, "Error: ..."); it may not crash (exit 1, "Internal error", a traceback)
or hang. Data folders a command cannot use (reviews for ``forecast``, freight for ``customers``) are exactly
where the old code crashed, so every pair is run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, shared_path

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

XBORDER = str(Path(sys.executable).with_name("xborder"))

DATASETS = [
    "amazon_ads_sponsored_products_reports",
    "amazon_alexa_reviews",
    "amazon_seller_central_us_bathmat_seller_2018_2020",
    "brunel_supply_chain_logistics_problem",
    "chinese_online_shopping_10_cats",
    "datafiniti_amazon_consumer_reviews",
    "ecb_euro_fx_reference_rates",
    "google_trends",
    "keepa_exports",
    "korea_export_container_freight_2014_2020",
    "m5_walmart_subset",
    "olist_brazilian_ecommerce",
    "scfi_shanghai_containerized_freight_index",
    "supply_chain_just_in_time_inventory",
    "uci_online_retail",
    "uci_online_retail_ii",
    "uci_sales_transactions_weekly",
    "uci_sentiment_labelled_sentences",
    "usaid_scms_delivery_history",
    "walmart_store_sales_weekly",
    "womens_ecommerce_clothing_reviews",
]

COMMANDS = {
    "status": ["status"],
    "forecast": ["forecast", "--level", "market_total", "--max-series", "5", "--horizon", "4"],
    "trends": ["trends", "--limit", "5"],
    "reviews": ["reviews", "analyze"],
    "customers": ["customers", "rfm"],
    "compliance": ["compliance", "run"],
    "select": ["select", "--top", "5"],
    "backtest": ["select", "--backtest"],
    "risk_events": ["risk", "events", "detect"],
}


# Each command is its own process, started the way the console script starts it (``sys.exit(main())``), but
# forked from a process that has already imported xborder and its libraries: 9 commands × 21 datasets each
# paid 2-4 s of imports on the 2 CI cores (~8 min). The fork is taken before any command has run, so every
# command starts from the same clean state as ``xborder ...`` does; its own exit code, stdout and stderr are
# checked exactly as before, and a command that hangs is killed at the timeout.
_FORKSERVER = r"""
import json, os, signal, sys, time
import xborder.cli.main, xborder.pipeline.runner  # noqa: E401 — the imports every command would pay
from xborder.cli.main import main
for line in sys.stdin:
    req = json.loads(line)
    sys.stdout.flush(); sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the command's process: no return from here
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(os.open(req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
        os.dup2(os.open(req["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
        sys.argv = [req["argv"][0], *req["argv"][1:]]
        sys.exit(main())
    deadline, status = time.monotonic() + req["timeout"], None
    while status is None:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(st)
        elif time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0); status = "timeout"
        else:
            time.sleep(0.02)
    print(json.dumps({"returncode": status}), flush=True)
"""


class _Cli:
    """Runs ``xborder --json --db DB ...`` commands, each in a process of its own (see _FORKSERVER)."""

    def __init__(self, work: Path) -> None:
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "XBORDER_PSEUDONYM_KEY": "matrix-test-key"}
        self.work, self.n = work, 0
        self.server = subprocess.Popen(
            [sys.executable, "-c", _FORKSERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def __call__(self, db: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        self.n += 1
        out, err = self.work / f"{self.n}.out", self.work / f"{self.n}.err"
        argv = [XBORDER, "--json", "--db", str(db), *args]
        req = {"argv": argv, "out": str(out), "err": str(err), "timeout": timeout}
        assert self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.write(json.dumps(req) + "\n")
        self.server.stdin.flush()
        reply = self.server.stdout.readline()
        assert reply, f"the command runner died (exit {self.server.wait()})"
        rc = json.loads(reply)["returncode"]
        if rc == "timeout":
            raise subprocess.TimeoutExpired(argv, timeout)
        read = lambda p: p.read_text(encoding="utf-8", errors="replace")  # noqa: E731
        return subprocess.CompletedProcess(argv, rc, read(out), read(err))

    def close(self) -> None:
        assert self.server.stdin is not None
        self.server.stdin.close()
        self.server.wait(timeout=60)


@pytest.fixture
def _xb(tmp_path: Path) -> Iterator[_Cli]:
    """The CLI runner of one test (its own command server)."""
    (tmp_path / "cli").mkdir()
    cli = _Cli(tmp_path / "cli")
    yield cli
    cli.close()


def _clear(proc: subprocess.CompletedProcess[str], what: str) -> None:
    """Exit 0, or exit 2 with an ``Error:`` line — never a crash or a traceback."""
    text = f"stderr: {proc.stderr[-1500:]}\nstdout: {proc.stdout[-500:]}"  # stderr first: it says why
    assert "Traceback" not in proc.stderr and "Internal error" not in proc.stderr, f"{what}: crashed\n{text}"
    assert proc.returncode in (0, 2), f"{what}: exit {proc.returncode}\n{text}"
    if proc.returncode == 2:
        assert "Error" in proc.stderr, f"{what}: exit 2 without a message\n{text}"
    else:
        json.loads(proc.stdout)  # --json means JSON


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_command_answers_or_says_why_on_every_dataset(dataset, tmp_path, _xb: _Cli) -> None:
    folder = shared_path(dataset)
    db = tmp_path / "w.duckdb"
    ingested = _xb(db, "ingest", str(folder), "--reject-dir", str(tmp_path / "rej"))
    _clear(ingested, f"ingest {dataset}")
    if ingested.returncode == 0:
        files = json.loads(ingested.stdout)
        rows = files if isinstance(files, list) else files.get("files", [])
        for r in rows:  # exact accounting on every file
            assert r["rows_in"] == r["rows_stored"] + r["rows_duplicate"] + r["rows_quarantined"], r
    failures = []
    for name, args in COMMANDS.items():
        proc = _xb(db, *args)
        try:
            _clear(proc, f"{name} on {dataset}")
        except AssertionError as exc:
            failures.append(str(exc)[:2500])
    assert not failures, "\n\n".join(failures)


def test_the_matrix_lists_every_dataset() -> None:
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is absent")
    present = sorted(p.name for p in SHARED_DATA.iterdir() if p.is_dir())
    assert present == sorted(DATASETS), "add the new dataset to DATASETS"
